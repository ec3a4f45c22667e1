/**
 * BLAKE2b (RFC 7693), unkeyed, one-shot, 1..64-byte digests, plus the variable-length hash H' that
 * Argon2 builds on it (RFC 9106 §3.3).
 *
 * Internal to keyseal: used only by the pure-TypeScript Argon2id in `argon2id.ts`, never exported
 * from the package index. It is not the hot path of Argon2 (that is the BlaMka compression of
 * 1 KiB blocks; here at most a few dozen 128-byte blocks per derivation), so it favours short,
 * checkable code over speed: Argon2 only ever hashes short inputs in one go and never needs a key
 * (its key K goes into H0 as data, RFC 9106 §3.2), so there is no streaming interface.
 *
 * 64-bit words are held as (lo, hi) pairs of 32-bit halves in a `Uint32Array`: JavaScript has no
 * fast 64-bit integer type (BigInt allocates), and this layout is also what little-endian bytes
 * decode to, word 2k being the low half of 64-bit word k.
 */

/** The BLAKE2b IV, the same constants as the SHA-512 IV (RFC 7693 §2.6), as (lo, hi) pairs. */
const IV = /* @__PURE__ */ Uint32Array.of(
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
)

/**
 * The message schedule SIGMA (RFC 7693 §2.7), rounds 0..9, written as one hex digit per entry and
 * decoded once at load (parsing the digits inside G cost ~40% of the time of an H' call); rounds 10
 * and 11 use rows 0 and 1 again (round r uses row r mod 10).
 */
const SIGMA = /* @__PURE__ */ Uint8Array.from(
  '0123456789abcdef' +
  'ea489fd61c02b753' +
  'b8c052fdae367194' +
  '7931dcbe265a40f8' +
  '905724afe1bc683d' +
  '2c6a0b834d75fe19' +
  'c51fed4a0763928b' +
  'db7ec13950f4862a' +
  '6fe9b308c2d714a5' +
  'a2847615fb9e3cd0',
  (c) => parseInt(c, 16),
)

/** v[d] = (v[d] ^ v[a]) rotated right by n (32, 24, 16 or 63) on the 64-bit words at d and a. */
function xorRotr(v: Uint32Array, d: number, a: number, n: number): void {
  let lo = v[d]! ^ v[a]!
  let hi = v[d + 1]! ^ v[a + 1]!
  if (n >= 32) {
    // A rotation by 32 or more first swaps the halves (63 is then a rotation by 31).
    const t = lo
    lo = hi
    hi = t
    n -= 32
  }
  v[d] = n ? (lo >>> n) | (hi << (32 - n)) : lo
  v[d + 1] = n ? (hi >>> n) | (lo << (32 - n)) : hi
}

/**
 * v[a] = v[a] + v[b] + (xh, xl) (mod 2^64), the halves added as unsigned integers; the carry out of
 * the low half (the sum is below 3 * 2^32) goes into the high half.
 */
function add(v: Uint32Array, a: number, b: number, xl: number, xh: number): void {
  const lo = v[a]! + v[b]! + xl
  v[a + 1] = v[a + 1]! + v[b + 1]! + xh + ((lo / 0x100000000) | 0)
  v[a] = lo
}

/**
 * BLAKE2b-`outLen` (1..64 bytes, RFC 7693 §3.3) of the concatenation of `parts`. Everything
 * derived from the input (padded copy, state, message words) is wiped before returning.
 */
export function blake2b(outLen: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(outLen) || outLen < 1 || outLen > 64) throw new RangeError('blake2b: bad output length')
  let len = 0
  for (const p of parts) len += p.length
  // The input zero-padded to whole 128-byte blocks, at least one (the empty input is one block).
  const data = new Uint8Array(Math.max(1, Math.ceil(len / 128)) * 128)
  len = 0
  for (const p of parts) {
    data.set(p, len)
    len += p.length
  }
  const h = IV.slice()
  // Parameter block word 0 (RFC 7693 §2.5): depth 1, fanout 1, key length 0, digest length nn.
  h[0] = h[0]! ^ (0x01010000 | outLen)
  const v = new Uint32Array(32)
  const m = new Uint32Array(32)
  for (let off = 0; off < data.length; off += 128) {
    // F, the compression function (RFC 7693 §3.2).
    for (let i = 0; i < 32; i++) {
      const j = off + i * 4
      m[i] = data[j]! | (data[j + 1]! << 8) | (data[j + 2]! << 16) | (data[j + 3]! << 24)
    }
    v.set(h)
    v.set(IV, 16)
    // The byte counter t (bytes hashed so far, this block included; a double is exact far beyond
    // what Argon2 hashes) goes into v[12]; the last block sets the final flag f0 (v[14] inverted).
    const t = Math.min(off + 128, len)
    v[24] = v[24]! ^ t
    v[25] = v[25]! ^ Math.floor(t / 0x100000000)
    if (off + 128 === data.length) {
      v[28] = ~v[28]!
      v[29] = ~v[29]!
    }
    for (let r = 0; r < 12; r++) {
      // G (RFC 7693 §3.1) on the four columns (k = 0), then the four diagonals (k = 1), of the
      // 4x4 matrix of words v0..v15; indices below are of low halves, twice the word index.
      for (let i = 0; i < 8; i++) {
        const j = i & 3
        const k = i >> 2
        const a = 2 * j
        const b = 2 * (4 + ((j + k) & 3))
        const c = 2 * (8 + ((j + 2 * k) & 3))
        const d = 2 * (12 + ((j + 3 * k) & 3))
        const s = (r % 10) * 16 + 2 * i
        const x = 2 * SIGMA[s]!
        const y = 2 * SIGMA[s + 1]!
        add(v, a, b, m[x]!, m[x + 1]!)
        xorRotr(v, d, a, 32)
        add(v, c, d, 0, 0)
        xorRotr(v, b, c, 24)
        add(v, a, b, m[y]!, m[y + 1]!)
        xorRotr(v, d, a, 16)
        add(v, c, d, 0, 0)
        xorRotr(v, b, c, 63)
      }
    }
    for (let i = 0; i < 16; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 16]!
  }
  const out = new Uint8Array(outLen)
  for (let i = 0; i < outLen; i++) out[i] = h[i >> 2]! >>> ((i & 3) * 8)
  data.fill(0)
  h.fill(0)
  v.fill(0)
  m.fill(0)
  return out
}

/** LE32(n): a 32-bit unsigned integer as 4 little-endian bytes (RFC 9106 §3.1 notation). */
export function le32(n: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(n, n >>> 8, n >>> 16, n >>> 24)
}

/**
 * H'^T, Argon2's variable-length hash (RFC 9106 §3.3), of the concatenation of `parts`, written
 * into `out` (whose length is T, 1 .. 2^32-1 bytes).
 *
 * For T <= 64 it is BLAKE2b-T(LE32(T) || A). For longer outputs BLAKE2b-512 is chained:
 * V1 = H^64(LE32(T) || A), V(i) = H^64(V(i-1)), and the output is the first 32 bytes of
 * V1 .. Vr followed by all of V(r+1) = H^(T-32r)(Vr), with r = ceil(T/32) - 2. Taking only half
 * of each intermediate digest keeps the output from revealing the whole chaining value.
 */
export function blake2bLong(out: Uint8Array, ...parts: Uint8Array[]): void {
  const T = out.length
  let v = blake2b(Math.min(T, 64), le32(T), ...parts)
  if (T > 64) {
    const r = Math.ceil(T / 32) - 2
    for (let i = 1; i <= r; i++) {
      out.set(v.subarray(0, 32), 32 * (i - 1))
      const next = blake2b(i < r ? 64 : T - 32 * r, v)
      v.fill(0)
      v = next
    }
    out.set(v, 32 * r)
  } else {
    out.set(v)
  }
  v.fill(0)
}
