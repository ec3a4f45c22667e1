/**
 * BLAKE2b (RFC 7693), unkeyed, 1..64-byte digests, plus the variable-length hash H' that Argon2
 * builds on it (RFC 9106 §3.3).
 *
 * Internal to keyseal: used only by the pure-TypeScript Argon2id in `argon2id.ts`, never exported
 * from the package index. It is not the hot path of Argon2 (that is the BlaMka compression of
 * 1 KiB blocks), so it favours plain, checkable code over unrolling.
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
 * The message schedule SIGMA (RFC 7693 §2.7), rounds 0..11 (rounds 10 and 11 repeat rows 0 and 1),
 * pre-multiplied by 2 so that each entry is the index of the low half of a message word.
 */
const SIGMA2 = /* @__PURE__ */ Uint8Array.from(
  [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
    11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
    7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
    9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
    2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
    12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
    13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
    6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
    10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
  ],
  (x) => x * 2,
)

/**
 * The mixing function G (RFC 7693 §3.1) on the work vector `v` (indices are of low halves):
 * two 64-bit additions with carry from the low to the high half, and rotations right by 32, 24,
 * 16 and 63 done on the two halves.
 */
function mix(v: Uint32Array, a: number, b: number, c: number, d: number, m: Uint32Array, x: number, y: number): void {
  // v[a] = v[a] + v[b] + x
  let lo = v[a]! + v[b]! + m[x]!
  let hi = v[a + 1]! + v[b + 1]! + m[x + 1]! + ((lo / 0x100000000) | 0)
  v[a] = lo
  v[a + 1] = hi
  // v[d] = (v[d] ^ v[a]) >>> 32: a rotation by 32 swaps the halves
  lo = v[d]! ^ v[a]!
  hi = v[d + 1]! ^ v[a + 1]!
  v[d] = hi
  v[d + 1] = lo
  // v[c] = v[c] + v[d]
  lo = v[c]! + v[d]!
  hi = v[c + 1]! + v[d + 1]! + ((lo / 0x100000000) | 0)
  v[c] = lo
  v[c + 1] = hi
  // v[b] = (v[b] ^ v[c]) >>> 24
  lo = v[b]! ^ v[c]!
  hi = v[b + 1]! ^ v[c + 1]!
  v[b] = (lo >>> 24) | (hi << 8)
  v[b + 1] = (hi >>> 24) | (lo << 8)
  // v[a] = v[a] + v[b] + y
  lo = v[a]! + v[b]! + m[y]!
  hi = v[a + 1]! + v[b + 1]! + m[y + 1]! + ((lo / 0x100000000) | 0)
  v[a] = lo
  v[a + 1] = hi
  // v[d] = (v[d] ^ v[a]) >>> 16
  lo = v[d]! ^ v[a]!
  hi = v[d + 1]! ^ v[a + 1]!
  v[d] = (lo >>> 16) | (hi << 16)
  v[d + 1] = (hi >>> 16) | (lo << 16)
  // v[c] = v[c] + v[d]
  lo = v[c]! + v[d]!
  hi = v[c + 1]! + v[d + 1]! + ((lo / 0x100000000) | 0)
  v[c] = lo
  v[c + 1] = hi
  // v[b] = (v[b] ^ v[c]) >>> 63, that is a rotation left by 1
  lo = v[b]! ^ v[c]!
  hi = v[b + 1]! ^ v[c + 1]!
  v[b] = (lo << 1) | (hi >>> 31)
  v[b + 1] = (hi << 1) | (lo >>> 31)
}

/**
 * An incremental, unkeyed BLAKE2b with an output length of 1..64 bytes (RFC 7693 §3.3).
 * Argon2 only ever needs unkeyed BLAKE2b (its key K goes into H0 as data, RFC 9106 §3.2).
 */
export class Blake2b {
  private readonly h = new Uint32Array(16)
  private readonly v = new Uint32Array(32)
  private readonly m = new Uint32Array(32)
  private readonly buf = new Uint8Array(128)
  private bufLen = 0
  /** Bytes compressed so far; a double is exact up to 2^53, far beyond what Argon2 hashes. */
  private counter = 0
  private readonly outLen: number
  private done = false

  constructor(outLen: number) {
    if (!Number.isInteger(outLen) || outLen < 1 || outLen > 64) throw new RangeError('blake2b: bad output length')
    this.outLen = outLen
    this.h.set(IV)
    // Parameter block word 0 (RFC 7693 §2.5): depth 1, fanout 1, key length 0, digest length nn.
    this.h[0] = this.h[0]! ^ (0x01010000 | outLen)
  }

  /** F, the compression function (RFC 7693 §3.2), on `buf`; `last` sets the final-block flag. */
  private compress(last: boolean): void {
    const { h, v, m, buf } = this
    for (let i = 0; i < 32; i++) {
      const j = i * 4
      m[i] = buf[j]! | (buf[j + 1]! << 8) | (buf[j + 2]! << 16) | (buf[j + 3]! << 24)
    }
    v.set(h, 0)
    v.set(IV, 16)
    // The 128-bit byte counter t goes into v[12] (low 64 bits) and v[13] (high 64 bits).
    v[24] = v[24]! ^ (this.counter >>> 0)
    v[25] = v[25]! ^ Math.floor(this.counter / 0x100000000)
    if (last) {
      v[28] = ~v[28]!
      v[29] = ~v[29]!
    }
    for (let r = 0; r < 12; r++) {
      const s = r * 16
      mix(v, 0, 8, 16, 24, m, SIGMA2[s]!, SIGMA2[s + 1]!)
      mix(v, 2, 10, 18, 26, m, SIGMA2[s + 2]!, SIGMA2[s + 3]!)
      mix(v, 4, 12, 20, 28, m, SIGMA2[s + 4]!, SIGMA2[s + 5]!)
      mix(v, 6, 14, 22, 30, m, SIGMA2[s + 6]!, SIGMA2[s + 7]!)
      mix(v, 0, 10, 20, 30, m, SIGMA2[s + 8]!, SIGMA2[s + 9]!)
      mix(v, 2, 12, 22, 24, m, SIGMA2[s + 10]!, SIGMA2[s + 11]!)
      mix(v, 4, 14, 16, 26, m, SIGMA2[s + 12]!, SIGMA2[s + 13]!)
      mix(v, 6, 8, 18, 28, m, SIGMA2[s + 14]!, SIGMA2[s + 15]!)
    }
    for (let i = 0; i < 16; i++) h[i] = h[i]! ^ v[i]! ^ v[i + 16]!
  }

  update(data: Uint8Array): this {
    if (this.done) throw new Error('blake2b: digest already taken')
    let pos = 0
    const len = data.length
    while (pos < len) {
      // A full buffer is only compressed once more data arrives: the last block, even a full
      // one, must be compressed with the final flag (RFC 7693 §3.3).
      if (this.bufLen === 128) {
        this.counter += 128
        this.compress(false)
        this.bufLen = 0
      }
      const take = Math.min(128 - this.bufLen, len - pos)
      this.buf.set(data.subarray(pos, pos + take), this.bufLen)
      this.bufLen += take
      pos += take
    }
    return this
  }

  /** Writes the digest into `out` at `offset` and wipes the internal state. */
  digestInto(out: Uint8Array, offset = 0): void {
    if (this.done) throw new Error('blake2b: digest already taken')
    this.done = true
    this.counter += this.bufLen
    this.buf.fill(0, this.bufLen)
    this.compress(true)
    const h = this.h
    for (let i = 0; i < this.outLen; i++) out[offset + i] = h[i >>> 2]! >>> ((i & 3) * 8)
    h.fill(0)
    this.v.fill(0)
    this.m.fill(0)
    this.buf.fill(0)
  }

  digest(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.outLen)
    this.digestInto(out)
    return out
  }
}

/** One-shot BLAKE2b of the concatenation of `parts`, `outLen` bytes (1..64). */
export function blake2b(outLen: number, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const h = new Blake2b(outLen)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** LE32(n): a 32-bit unsigned integer as 4 little-endian bytes (RFC 9106 §3.1 notation). */
export function le32(n: number): Uint8Array<ArrayBuffer> {
  return Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff)
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
  const lenT = le32(T)
  if (T <= 64) {
    const h = new Blake2b(T).update(lenT)
    for (const p of parts) h.update(p)
    h.digestInto(out, 0)
    return
  }
  const r = Math.ceil(T / 32) - 2
  const v = new Uint8Array(64)
  const h1 = new Blake2b(64).update(lenT)
  for (const p of parts) h1.update(p)
  h1.digestInto(v, 0)
  out.set(v.subarray(0, 32), 0)
  for (let i = 1; i < r; i++) {
    new Blake2b(64).update(v).digestInto(v, 0)
    out.set(v.subarray(0, 32), i * 32)
  }
  const last = new Blake2b(T - 32 * r).update(v)
  last.digestInto(out, 32 * r)
  v.fill(0)
}
