/**
 * Argon2id, version 0x13, in pure TypeScript (RFC 9106), for runtimes whose WebCrypto has no
 * Argon2id (Node < 24, browsers, workerd).
 *
 * The 1 KiB blocks live in one `Uint32Array`; each 64-bit word k of a block is the pair
 * (lo = word 2k, hi = word 2k + 1), the little-endian decoding of the block's bytes. JavaScript
 * has no fast 64-bit integers (BigInt arithmetic allocates in most engines), so all 64-bit
 * arithmetic of the compression function is done on 32-bit halves, unrolled (in locals), without
 * allocation.
 *
 * The public entry point is the async {@link argon2idTs}: it hands the event loop back every
 * `yieldEvery` blocks or 8 ms, whichever comes first, so that a page stays responsive while tens of
 * MiB are being filled. Memory is wiped after every computation and the zeroed buffer is kept
 * (weakly) for the next one, since first-touch page faults can cost more than the hashing.
 */

import { blake2b, blake2bLong, le32 } from './blake2b.js'

/** Argon2id parameters, named as in RFC 9106 §3.1. */
export interface Argon2idParams {
  /** m, memory size in KiB (1 KiB = one block); at least 8 * lanes, at most 2^23 - 1 here. */
  memoryKiB: number
  /** t, number of passes over memory; 1 .. 2^32 - 1. */
  passes: number
  /** p, degree of parallelism (lanes), 1 .. 2^24 - 1. */
  lanes: number
  /** T, tag (output) length in bytes; 4 .. 2^32 - 1. */
  tagLength: number
  /** K, the optional secret (pepper); at most 2^32 - 1 bytes. */
  secret?: Uint8Array
  /** X, optional associated data; at most 2^32 - 1 bytes. */
  associatedData?: Uint8Array
}

export interface Argon2idOptions {
  /**
   * Most blocks (KiB) filled between two yields to the event loop; a positive integer, default
   * 1024. A slice also ends after 8 ms where the clock advances during execution.
   */
  yieldEvery?: number
}

/** v, the version number: 0x13 (RFC 9106 §3.1). */
const VERSION = 0x13
/** y, the Argon2 type: 2 for Argon2id (RFC 9106 §3.1). */
const TYPE_ARGON2ID = 2
/** SL, the number of slices (synchronisation points) per pass (RFC 9106 §3.4). */
const SYNC_POINTS = 4
/** 32-bit words per 1024-byte block. */
const BLOCK_WORDS = 256
/** 64-bit pseudo-random values in one address block (RFC 9106 §3.4.1.2). */
const ADDRESSES_PER_BLOCK = 128
const MAX_U32 = 0xffffffff
/**
 * Largest memory this implementation accepts, in KiB (just under 8 GiB; RFC 9106 allows up to
 * 2^32-1). It keeps every word offset into the memory below 2^31, so all index arithmetic stays in
 * int32 and V8 never boxes an offset. No JavaScript runtime should be asked for that much anyway
 * (browsers cap an ArrayBuffer at a few GiB, phones far lower); callers cap much lower still.
 */
const MAX_MEMORY_KIB = 0x7fffff
/** 2^-32 and 2^-31: scaling by a power of two is exact in floating point. */
const TWO_M32 = 2.3283064365386963e-10
/**
 * Math.imul and Math.round, read once. In a Node `vm` context (edge-runtime runs code in one) every
 * lookup of the global `Math` is ~30x slower than in a main context, and the hot code would do
 * ~20 million of them per OWASP derivation: measured 2.8-4.4 s per derivation there with
 * `Math.imul` in the loop, 0.16 s with these constants; no change in Node, Chromium, Firefox or
 * WebKit.
 */
const imul = Math.imul
const round = Math.round
const TWO_M31 = 4.656612873077393e-10

/**
 * Default number of blocks between yields. 1024 blocks take ~3 ms with optimised code on the
 * development machine (a shared 2-core x86 server), which leaves room for devices several times
 * slower to stay under 10-20 ms per slice, while the yields themselves cost well under 1%.
 */
const DEFAULT_YIELD_EVERY = 1024
/**
 * A slice also ends after this many milliseconds. The first call in a fresh page runs in V8's
 * slower tiers until the compression code is optimised (measured: the first 1024 blocks took
 * 300-550 ms), so a block count alone would freeze the page at the start. The clock is read every
 * CLOCK_EVERY blocks; where it does not advance during execution (workerd), or is coarsened
 * (privacy modes of browsers), the block count still ends the slice. Date.now() is in every
 * ECMAScript runtime and its millisecond steps are fine enough for an 8 ms bound; if the wall
 * clock is set back, the block count still ends the slice.
 */
const SLICE_MS = 8
const CLOCK_EVERY = 16

/**
 * Throws a RangeError with a fixed message that names the parameter and never contains its value.
 * The bounds are in the TSDoc of {@link Argon2idParams}; keyseal checks its own, tighter, policy
 * bounds before calling and maps any error to a typed one, so the text stays short.
 */
function fail(what: string): never {
  throw new RangeError(`argon2id: invalid ${what}`)
}

function isU32Int(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max
}

function isBytes(x: unknown, min: number): x is Uint8Array {
  // isView is a brand check: a Proxy or an Object.create(Uint8Array.prototype) passes instanceof only.
  return x instanceof Uint8Array && ArrayBuffer.isView(x) && x.length >= min && x.length <= MAX_U32
}

/** Parameters after validation, each read exactly once from the caller's object. */
interface Checked {
  m: number
  t: number
  p: number
  tag: number
  secret: Uint8Array
  ad: Uint8Array
}

/**
 * Checks every parameter as an integer within the bounds of RFC 9106 §3.1 before anything is
 * allocated or hashed. Each property is read once, so a getter cannot pass the check with one value
 * and feed another to the computation.
 */
export function check(password: unknown, salt: unknown, params: unknown): Checked {
  if (typeof params !== 'object' || params === null) fail('params')
  // Own properties only: an option left out is absent, never one of a polluted Object.prototype
  // (`Object.prototype.secret = ...` would otherwise change every derived key).
  const o = params as Record<string, unknown>
  const own = (k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined)
  const p = own('lanes')
  const m = own('memoryKiB')
  const t = own('passes')
  const tag = own('tagLength')
  const secret = own('secret')
  const ad = own('associatedData')
  if (!isBytes(password, 0)) fail('password')
  // The RFC allows salts of 8 bytes or more (§3.1); 16 is recommended for password hashing.
  if (!isBytes(salt, 8)) fail('salt')
  if (secret !== undefined && !isBytes(secret, 0)) fail('secret')
  if (ad !== undefined && !isBytes(ad, 0)) fail('associatedData')
  if (!isU32Int(p, 1, 0xffffff)) fail('lanes')
  if (!isU32Int(m, 8 * p, MAX_MEMORY_KIB)) fail('memoryKiB')
  if (!isU32Int(t, 1, MAX_U32)) fail('passes')
  if (!isU32Int(tag, 4, MAX_U32)) fail('tagLength')
  return { m, t, p, tag, secret: secret ?? new Uint8Array(0), ad: ad ?? new Uint8Array(0) }
}

/**
 * H0 (RFC 9106 §3.2): BLAKE2b-512 over every input and parameter, each variable-length one
 * preceded by its LE32 length so that no two inputs encode the same way:
 * H0 = H^64(LE32(p) || LE32(T) || LE32(m) || LE32(t) || LE32(v) || LE32(y) || LE32(len(P)) || P ||
 *           LE32(len(S)) || S || LE32(len(K)) || K || LE32(len(X)) || X)
 */
function computeH0(password: Uint8Array, salt: Uint8Array, c: Checked): Uint8Array<ArrayBuffer> {
  return blake2b(
    64,
    le32(c.p),
    le32(c.tag),
    le32(c.m),
    le32(c.t),
    le32(VERSION),
    le32(TYPE_ARGON2ID),
    le32(password.length),
    password,
    le32(salt.length),
    salt,
    le32(c.secret.length),
    c.secret,
    le32(c.ad.length),
    c.ad,
  )
}

/**
 * H0 for the given inputs (RFC 9106 §3.2), exposed to check it against the RFC's printed
 * pre-hashing digest. Validates like {@link argon2idTs}.
 */
export function _argon2idH0(password: Uint8Array, salt: Uint8Array, params: Argon2idParams): Uint8Array<ArrayBuffer> {
  return computeH0(password, salt, check(password, salt, params))
}

/**
 * A zeroed memory buffer left by the last computation, for the next one to reuse. Touching fresh
 * pages can cost as much as the hashing itself: on the development VM 19 MiB of fresh pages took
 * 60-90 ms of CPU, and a repeated m = 19456, t = 2 derivation took 175 ms of CPU without reuse
 * against 99 ms with it. Native implementations reuse their heap the same way. It is held only weakly, so the
 * garbage collector may reclaim it at any time, and it is always wiped before being offered.
 * A computation in progress owns its buffer exclusively: a concurrent call allocates its own.
 */
let spare: WeakRef<Uint32Array> | undefined

function takeMemory(words: number): Uint32Array {
  const cached = spare === undefined ? undefined : spare.deref()
  if (cached !== undefined && cached.length >= words && cached.length <= 2 * words) {
    spare = undefined
    return cached
  }
  try {
    return new Uint32Array(words)
  } catch {
    throw new RangeError('argon2id: out of memory')
  }
}

/** Wipes the used part of `mem` (the rest is still zero) and offers it for reuse. */
function releaseMemory(mem: Uint32Array, words: number): void {
  mem.fill(0, 0, words)
  if (typeof WeakRef === 'function') spare = new WeakRef(mem)
}

/**
 * The working state of one Argon2id computation: the memory and the scratch blocks the
 * compression function uses. One instance per call, so concurrent calls (interleaved at yields)
 * never share scratch space.
 */
class Argon2Context {
  // `declare`: set once in the constructor, so no field definitions need emitting before it.
  /** m' = 4 * p * floor(m / 4p) blocks (RFC 9106 §3.2 step 4), 256 words each. */
  declare readonly mem: Uint32Array
  /** The block count m'. */
  declare readonly blocks: number
  declare readonly lanes: number
  declare readonly passes: number
  /** q = m' / p, the number of columns (blocks per lane). */
  declare readonly laneLength: number
  /** q / SL, blocks per segment. */
  declare readonly segmentLength: number
  /** The block R = X ^ Y after the row permutations, Q in RFC 9106 §3.5. Int32 so loads stay int32. */
  readonly r = new Int32Array(BLOCK_WORDS)
  /**
   * Address generation (§3.4.1.2) in one buffer, so it can reuse the compression code that reads
   * a `Uint32Array`: words 0..255 are the all-zero block, 256..511 the input block Z, 512..767 the
   * current address block (128 pairs J1, J2).
   */
  readonly aux = new Uint32Array(3 * BLOCK_WORDS)

  constructor(c: Checked) {
    this.lanes = c.p
    this.passes = c.t
    this.segmentLength = Math.floor(c.m / (SYNC_POINTS * c.p))
    this.laneLength = this.segmentLength * SYNC_POINTS
    this.blocks = this.laneLength * c.p
    this.mem = takeMemory(this.blocks * BLOCK_WORDS)
  }

  /** Zeroes everything derived from the password; the memory then goes back for reuse. */
  wipe(): void {
    releaseMemory(this.mem, this.blocks * BLOCK_WORDS)
    this.r.fill(0)
    this.aux.fill(0)
  }
}

/**
 * RFC 9106 §3.2 steps 5-6: the first two blocks of every lane,
 * B[i][0] = H'^1024(H0 || LE32(0) || LE32(i)) and B[i][1] = H'^1024(H0 || LE32(1) || LE32(i)),
 * decoded as little-endian words (endianness-independent, unlike a Uint32Array view).
 */
function initLanes(ctx: Argon2Context, h0: Uint8Array): void {
  const block = new Uint8Array(1024)
  for (let lane = 0; lane < ctx.lanes; lane++) {
    for (let col = 0; col < 2; col++) {
      blake2bLong(block, h0, le32(col), le32(lane))
      const off = (lane * ctx.laneLength + col) * BLOCK_WORDS
      for (let i = 0; i < 1024; i += 4) {
        ctx.mem[off + i / 4] = block[i]! | (block[i + 1]! << 8) | (block[i + 2]! << 16) | (block[i + 3]! << 24)
      }
    }
  }
  block.fill(0)
}

/**
 * RFC 9106 §3.2 steps 7-8: C = XOR of the last column B[0][q-1] ^ ... ^ B[p-1][q-1], encoded as
 * little-endian bytes, and Tag = H'^T(C).
 */
function finalize(ctx: Argon2Context, tagLength: number): Uint8Array<ArrayBuffer> {
  const { mem, laneLength } = ctx
  const bytes = new Uint8Array(1024)
  for (let i = 0; i < 1024; i++) {
    let w = 0
    for (let lane = 0; lane < ctx.lanes; lane++) w ^= mem[(lane * laneLength + laneLength - 1) * BLOCK_WORDS + (i >> 2)]!
    bytes[i] = w >>> ((i & 3) * 8)
  }
  const tag = new Uint8Array(tagLength)
  blake2bLong(tag, bytes)
  bytes.fill(0)
  return tag
}

/**
 * The high 32 bits of the 64-bit product of two unsigned 32-bit integers, exactly.
 * The double product a*b is off by at most 2^10 (53-bit mantissa on a < 2^64 value); subtracting
 * the exact low half (Math.imul) leaves hi * 2^32 plus that small error, which rounding removes.
 */
function mulHi(a: number, b: number): number {
  return round((a * b - (imul(a, b) >>> 0)) * TWO_M32)
}

/**
 * The compression function G (RFC 9106 §3.5), into block `cur` of `mem`:
 * R = X ^ Y; Q = P applied to each of the 8 rows of R; Z = P applied to each of the 8 columns of
 * Q; result = Z ^ R. From the second pass on, version 0x13 XORs the result into the old block
 * (§3.2 step 7: B[i][j] = G(...) XOR B[i][j]).
 *
 * R is not kept: r holds R, then Q, then Z, and the last loop XORs X ^ Y (and, through the mask
 * m, the old block) back in as it writes the result. One permutation function serves rows and
 * columns, which keeps the Argon2id bundle ~1.3 KB (gzip) smaller than three specialised copies,
 * at the cost of two plain passes over the block (measured ~8% slower; the two passes take about
 * a quarter of the time of a derivation, 26 of ~95 ms at m = 19456, t = 2). `prev`, `ref` and `cur`
 * are word offsets (block index * 256); `cur` may equal `ref` (the address blocks) but every
 * word of `cur` is read before it is written.
 */
function fillBlock(mem: Uint32Array, prev: number, ref: number, cur: number, withXor: boolean, r: Int32Array): void {
  for (let i = 0; i < BLOCK_WORDS; i += 4) {
    const p = (prev + i) | 0, q = (ref + i) | 0
    r[i] = mem[p]! ^ mem[q]!; r[i + 1] = mem[(p + 1) | 0]! ^ mem[(q + 1) | 0]!; r[i + 2] = mem[(p + 2) | 0]! ^ mem[(q + 2) | 0]!; r[i + 3] = mem[(p + 3) | 0]! ^ mem[(q + 3) | 0]!
  }
  for (let o = 0; o < BLOCK_WORDS; o += 32) permute(r, o, 4)
  for (let o = 0; o < 32; o += 4) permute(r, o, 32)
  const m = withXor ? -1 : 0
  for (let i = 0; i < BLOCK_WORDS; i += 4) {
    const p = (prev + i) | 0, q = (ref + i) | 0, c = (cur + i) | 0
    mem[c] = r[i]! ^ mem[p]! ^ mem[q]! ^ (mem[c]! & m)
    mem[(c + 1) | 0] = r[i + 1]! ^ mem[(p + 1) | 0]! ^ mem[(q + 1) | 0]! ^ (mem[(c + 1) | 0]! & m)
    mem[(c + 2) | 0] = r[i + 2]! ^ mem[(p + 2) | 0]! ^ mem[(q + 2) | 0]! ^ (mem[(c + 2) | 0]! & m)
    mem[(c + 3) | 0] = r[i + 3]! ^ mem[(p + 3) | 0]! ^ mem[(q + 3) | 0]! ^ (mem[(c + 3) | 0]! & m)
  }
}

/**
 * G on two single blocks (and the old block, XORed in as from the second pass on), through the same
 * code the computation uses. Exposed for tests against a BigInt transcription of RFC 9106 §3.5.
 */
export function _compress(x: Uint32Array, y: Uint32Array, old?: Uint32Array): Uint32Array<ArrayBuffer> {
  const mem = new Uint32Array(3 * BLOCK_WORDS)
  mem.set(x.subarray(0, BLOCK_WORDS), 0)
  mem.set(y.subarray(0, BLOCK_WORDS), BLOCK_WORDS)
  if (old !== undefined) mem.set(old.subarray(0, BLOCK_WORDS), 2 * BLOCK_WORDS)
  fillBlock(mem, 0, BLOCK_WORDS, 2 * BLOCK_WORDS, old !== undefined, new Int32Array(BLOCK_WORDS))
  return mem.slice(2 * BLOCK_WORDS)
}

/** {@link mulHi}, exposed for tests. */
export const _mulHi: (a: number, b: number) => number = mulHi

/** Word offsets of the zero, input and address blocks in `Argon2Context.aux`. */
const AUX_ZERO = 0
const AUX_INPUT = BLOCK_WORDS
const AUX_ADDR = 2 * BLOCK_WORDS

/**
 * An address block (RFC 9106 §3.4.1.2): addresses = G(ZERO, G(ZERO, Z)) with the input block
 * Z = (LE64(r) || LE64(l) || LE64(sl) || LE64(m') || LE64(t) || LE64(y) || LE64(i) || 0...),
 * i being the counter. Writing the second G into the address block it reads is safe: each output
 * word is written after its own inputs are read, and columns do not overlap.
 */
function computeAddresses(ctx: Argon2Context, pass: number, lane: number, slice: number, counter: number): void {
  const { aux, r } = ctx
  aux.fill(0, AUX_INPUT, AUX_INPUT + BLOCK_WORDS)
  aux[AUX_INPUT] = pass
  aux[AUX_INPUT + 2] = lane
  aux[AUX_INPUT + 4] = slice
  aux[AUX_INPUT + 6] = ctx.blocks
  aux[AUX_INPUT + 8] = ctx.passes
  aux[AUX_INPUT + 10] = TYPE_ARGON2ID
  aux[AUX_INPUT + 12] = counter
  fillBlock(aux, AUX_ZERO, AUX_INPUT, AUX_ADDR, false, r)
  fillBlock(aux, AUX_ZERO, AUX_ADDR, AUX_ADDR, false, r)
}

/**
 * Fills blocks `from` .. `to - 1` of the segment (pass, slice, lane) (RFC 9106 §3.2 step 6-7 and
 * §3.4). The async driver may cut a segment anywhere, so the drivers keep one rule: a range either
 * starts the segment or continues the range filled just before in the same context. A range that
 * starts inside an address block then finds that block already in `ctx.aux`.
 */
function fillRange(ctx: Argon2Context, pass: number, slice: number, lane: number, from: number, to: number): void {
  const { mem, lanes, laneLength, segmentLength, aux, r } = ctx
  // Argon2id: data-independent addressing (Argon2i) for the first half of the first pass,
  // against side channels while memory is still mostly unwritten; data-dependent (Argon2d)
  // afterwards, against time-memory trade-offs (§3.4.1.3).
  const dataIndependent = pass === 0 && slice < SYNC_POINTS / 2
  // Version 0x13 XORs new blocks into old ones from the second pass on (§3.2 step 7).
  const withXor = pass !== 0
  const laneStart = lane * laneLength
  // §3.4.2: from the second pass on, the reference window starts right after the current slice
  // (it wraps around the lane); in the first pass it starts at block 0.
  const startPos = pass === 0 || slice === SYNC_POINTS - 1 ? 0 : (slice + 1) * segmentLength
  // §3.4.2: blocks available in the current lane before the current index, or in other lanes
  // (only finished segments: the current slice of another lane may be in progress).
  const sliceBase = pass === 0 ? slice * segmentLength : laneLength - segmentLength
  const first = segmentStart(pass, slice)
  // Every block index below is < 2^23 and every word offset < 2^31 (MAX_MEMORY_KIB), so `| 0`
  // only tells V8 that they are int32.
  let cur = (laneStart + slice * segmentLength + from) | 0
  for (let i = from; i < to; i++, cur++) {
    // The previous block wraps to the end of the lane for the first block of a later pass.
    const prev = slice === 0 && i === 0 ? (laneStart + laneLength - 1) | 0 : cur - 1
    let j1: number
    let j2: number
    if (dataIndependent) {
      // Address block k (counter k + 1) serves indices 128k .. 128k + 127 of the segment; it is
      // computed at its first index, or where the segment starts (index 2 of the first one).
      const k = i % ADDRESSES_PER_BLOCK
      if (k === 0 || i === first) computeAddresses(ctx, pass, lane, slice, Math.floor(i / ADDRESSES_PER_BLOCK) + 1)
      j1 = aux[AUX_ADDR + 2 * k]!
      j2 = aux[AUX_ADDR + 2 * k + 1]!
    } else {
      // §3.4.1.1: J1 and J2 are the low and high halves of the first 64-bit word of the
      // previous block.
      j1 = mem[prev * BLOCK_WORDS]!
      j2 = mem[prev * BLOCK_WORDS + 1]!
    }
    // §3.4.1.3 / §3.4.2: l = J2 mod p, except in the first slice of the first pass, where only
    // the current lane has blocks.
    const refLane = pass === 0 && slice === 0 ? lane : j2 % lanes
    // |W|, the number of blocks the reference may be taken from.
    const area = refLane === lane ? sliceBase + i - 1 : i === 0 ? sliceBase - 1 : sliceBase
    // §3.4.2: map J1 to a position in W with a non-uniform (quadratic) distribution that favours
    // recent blocks: x = J1^2 / 2^32, y = (|W| * x) / 2^32, zz = |W| - 1 - y. y < |W| < 2^23.
    const x = mulHi(j1, j1)
    const y = mulHi(area, x) | 0
    // The window starts at startPos and wraps around the lane: (startPos + zz) mod q.
    let refIndex = startPos + area - 1 - y
    if (refIndex >= laneLength) refIndex -= laneLength
    const ref = (refLane * laneLength + refIndex) | 0
    fillBlock(mem, prev * BLOCK_WORDS, ref * BLOCK_WORDS, cur * BLOCK_WORDS, withXor, r)
  }
}

/** First index to fill in a segment: blocks 0 and 1 of each lane come from H' (§3.2 step 5-6). */
function segmentStart(pass: number, slice: number): number {
  return pass === 0 && slice === 0 ? 2 : 0
}

/**
 * Synchronous Argon2id (RFC 9106, version 0x13). Blocks the thread for the whole computation:
 * meant for tests and workers; prefer {@link argon2idTs}.
 *
 * @throws RangeError with a fixed message when a parameter is out of range.
 */
export function argon2idTsSync(password: Uint8Array, salt: Uint8Array, params: Argon2idParams): Uint8Array<ArrayBuffer> {
  const c = check(password, salt, params)
  const ctx = new Argon2Context(c)
  const h0 = computeH0(password, salt, c)
  try {
    initLanes(ctx, h0)
    const segLen = ctx.segmentLength
    for (let pass = 0; pass < c.t; pass++) {
      for (let slice = 0; slice < SYNC_POINTS; slice++) {
        for (let lane = 0; lane < c.p; lane++) fillRange(ctx, pass, slice, lane, segmentStart(pass, slice), segLen)
      }
    }
    return finalize(ctx, c.tag)
  } finally {
    h0.fill(0)
    ctx.wipe()
  }
}


/**
 * Returns a function that hands the event loop back between slices of work, with the cheapest
 * primitive that really lets other work run, found by trying when the computation starts (no
 * runtime sniffing):
 * - `setImmediate` (Node, Bun): runs after pending I/O and due timers, with no clamp.
 *   A MessageChannel is NOT enough there: Node drains a port's queue (up to ~1000 messages,
 *   including ones posted meanwhile) inside one event-loop callback, so a ping-pong of port
 *   messages starves timers and I/O (measured: one 400 ms slice with 1000 "yields" in it).
 * - MessageChannel (browsers, Deno, workerd): each message is a separate task, so rendering and
 *   input run between slices, and it is not clamped like nested setTimeout (>= 4 ms in browsers).
 *   One channel per yield, closed when its message arrives: an open port with a listener would
 *   keep a Node-like process alive.
 * - setTimeout(0) as the last resort.
 */
export function yielder(): () => Promise<void> {
  const g = globalThis as { setImmediate?: (callback: () => void) => unknown }
  const immediate = g.setImmediate
  if (typeof immediate === 'function') return () => new Promise((resolve) => immediate(resolve))
  if (typeof MessageChannel === 'function') {
    return () =>
      new Promise((resolve) => {
        const ch = new MessageChannel()
        ch.port1.onmessage = () => {
          ch.port1.close()
          resolve()
        }
        ch.port2.postMessage(null)
      })
  }
  return () => new Promise((resolve) => setTimeout(resolve, 0))
}

/**
 * Argon2id (RFC 9106, version 0x13) in pure TypeScript, yielding to the event loop every
 * `opts.yieldEvery` blocks (default 1024, a few milliseconds) or every 8 ms, whichever comes
 * first, so that a page stays responsive.
 * Every parameter is checked before any memory is allocated.
 *
 * @example
 * ```ts
 * const tag = await argon2idTs(utf8('correct horse'), salt16, {
 *   memoryKiB: 19456, passes: 2, lanes: 1, tagLength: 32,
 * })
 * ```
 * @throws RangeError with a fixed message (never containing input) when a parameter is not an
 *   integer in range, a byte input is not a Uint8Array of allowed length, or memory cannot be
 *   allocated.
 */
export async function argon2idTs(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2idParams,
  opts?: Argon2idOptions,
): Promise<Uint8Array<ArrayBuffer>> {
  const c = check(password, salt, params)
  const raw = opts?.yieldEvery
  const yieldEvery = raw === undefined ? DEFAULT_YIELD_EVERY : raw
  if (!isU32Int(yieldEvery, 1, Number.MAX_SAFE_INTEGER)) fail('yieldEvery')
  const ctx = new Argon2Context(c)
  const h0 = computeH0(password, salt, c)
  const pause = yielder()
  try {
    initLanes(ctx, h0)
    const segLen = ctx.segmentLength
    let budget = yieldEvery
    let sliceStart = Date.now()
    for (let pass = 0; pass < c.t; pass++) {
      for (let slice = 0; slice < SYNC_POINTS; slice++) {
        for (let lane = 0; lane < c.p; lane++) {
          let i = segmentStart(pass, slice)
          while (i < segLen) {
            const n = Math.min(segLen - i, budget, CLOCK_EVERY)
            fillRange(ctx, pass, slice, lane, i, i + n)
            i += n
            budget -= n
            if (budget === 0 || Date.now() - sliceStart >= SLICE_MS) {
              await pause()
              budget = yieldEvery
              sliceStart = Date.now()
            }
          }
        }
      }
    }
    return finalize(ctx, c.tag)
  } finally {
    h0.fill(0)
    ctx.wipe()
  }
}

// ---------------------------------------------------------------------------------------------
// The permutation P (RFC 9106 §3.6), unrolled. P works on sixteen 64-bit words v0..v15 (eight
// 16-byte registers) with the BlaMka function GB, which is BLAKE2b's G with each addition
// a + b replaced by a + b + 2 * lo32(a) * lo32(b) (mod 2^64): the multiplication makes the
// function costlier to speed up in hardware than additions alone (§3.6).
//
// Each 64-bit word is a (lo, hi) pair of int32 locals. The product 2 * lo32(a) * lo32(b) needs
// 64 exact bits, which neither Math.imul (low 32 bits only) nor a double (53-bit mantissa) gives:
//   ua, ub = lo32(a), lo32(b) as unsigned
//   lo     = (lo(a) + lo(b) + 2 * imul(lo(a), lo(b))) mod 2^32     exact: each term is exact mod 2^32
//   t      = ua * 2^-31 * ub + (ua + ub - lo + 2^31 - 1) * 2^-32
//   carry  = t | 0
//   a.hi   = a.hi + b.hi + carry (mod 2^32), a.lo = lo
// Why the carry is exact: 2*ua*ub + ua + ub - lo is a multiple of 2^32 (lo is that sum's low
// half), so ua * 2^-31 * ub + (ua + ub - lo) * 2^-32 is exactly the carry, an integer. The second
// term of t is exact (an integer below 2^34, computed exactly, scaled by a power of two) and adds
// the offset (2^31 - 1) * 2^-32 = 1/2 - 2^-32; the product rounds once (< 2^33: error <= 2^-20)
// and the sum once (<= 2^-20). So t is carry + 1/2 - 2^-32 give or take 2^-19: strictly between
// carry and carry + 1, positive, and truncating it (`| 0`, which also wraps mod 2^32) gives the
// carry. The two terms are independent chains (shorter in latency than one serial chain, measured
// 3-7% faster), the offset rides in the integer sum instead of a floating-point addition, and
// truncation costs 2.4x less here than Math.round.
// The BigInt test of G in test/argon2id.test.ts checks all of this on edge values.
// Rotations: by 32 swaps the halves; by 24 and 16 shift across them; by 63 is a rotation left
// by 1.
//
// The function below is generated by scripts/gen-argon2id-permute.mjs from the formulas above (a
// test checks it still matches): all 32 halves stay in locals (registers or stack slots), with no
// allocation and no calls. Only the column half-round is written out, in a loop of two with the
// rows rotated in between so that the diagonals become columns: half the code of writing all
// eight GBs out, for ~10% more time (see the generator). Rows and columns of the block differ only
// in the stride `a` of the loads and stores.
// ---------------------------------------------------------------------------------------------

/**
 * P on the 16 registers at word offset o of r, in place: with a = 4 a row (§3.5: 16 consecutive
 * 64-bit words, o = 32 * row), with a = 32 a column (registers Q_i, Q_{i+8}, ..., Q_{i+56}, o = 4i).
 */
function permute(r: Int32Array, o: number, a: number): void {
  const b0 = o, b1 = (o + a) | 0, b2 = (b1 + a) | 0, b3 = (b2 + a) | 0, b4 = (b3 + a) | 0, b5 = (b4 + a) | 0, b6 = (b5 + a) | 0, b7 = (b6 + a) | 0
  let v0l = r[b0]!, v0h = r[(b0 + 1) | 0]!
  let v1l = r[(b0 + 2) | 0]!, v1h = r[(b0 + 3) | 0]!
  let v2l = r[b1]!, v2h = r[(b1 + 1) | 0]!
  let v3l = r[(b1 + 2) | 0]!, v3h = r[(b1 + 3) | 0]!
  let v4l = r[b2]!, v4h = r[(b2 + 1) | 0]!
  let v5l = r[(b2 + 2) | 0]!, v5h = r[(b2 + 3) | 0]!
  let v6l = r[b3]!, v6h = r[(b3 + 1) | 0]!
  let v7l = r[(b3 + 2) | 0]!, v7h = r[(b3 + 3) | 0]!
  let v8l = r[b4]!, v8h = r[(b4 + 1) | 0]!
  let v9l = r[(b4 + 2) | 0]!, v9h = r[(b4 + 3) | 0]!
  let v10l = r[b5]!, v10h = r[(b5 + 1) | 0]!
  let v11l = r[(b5 + 2) | 0]!, v11h = r[(b5 + 3) | 0]!
  let v12l = r[b6]!, v12h = r[(b6 + 1) | 0]!
  let v13l = r[(b6 + 2) | 0]!, v13h = r[(b6 + 3) | 0]!
  let v14l = r[b7]!, v14h = r[(b7 + 1) | 0]!
  let v15l = r[(b7 + 2) | 0]!, v15h = r[(b7 + 3) | 0]!
  let p = 0, q = 0, ua = 0, ub = 0, t = 0, lo = 0
  for (let k = 0; k < 2; k++) {
    // GB(v0, v4, v8, v12)
    ua = v0l >>> 0; ub = v4l >>> 0; lo = (v0l + v4l + (imul(v0l, v4l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v0h = (v0h + v4h + (t | 0)) | 0; v0l = lo
    p = v12l ^ v0l; v12l = v12h ^ v0h; v12h = p
    ua = v8l >>> 0; ub = v12l >>> 0; lo = (v8l + v12l + (imul(v8l, v12l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v8h = (v8h + v12h + (t | 0)) | 0; v8l = lo
    p = v4l ^ v8l; q = v4h ^ v8h; v4l = (p >>> 24) | (q << 8); v4h = (q >>> 24) | (p << 8)
    ua = v0l >>> 0; ub = v4l >>> 0; lo = (v0l + v4l + (imul(v0l, v4l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v0h = (v0h + v4h + (t | 0)) | 0; v0l = lo
    p = v12l ^ v0l; q = v12h ^ v0h; v12l = (p >>> 16) | (q << 16); v12h = (q >>> 16) | (p << 16)
    ua = v8l >>> 0; ub = v12l >>> 0; lo = (v8l + v12l + (imul(v8l, v12l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v8h = (v8h + v12h + (t | 0)) | 0; v8l = lo
    p = v4l ^ v8l; q = v4h ^ v8h; v4l = (p << 1) | (q >>> 31); v4h = (q << 1) | (p >>> 31)
    // GB(v1, v5, v9, v13)
    ua = v1l >>> 0; ub = v5l >>> 0; lo = (v1l + v5l + (imul(v1l, v5l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v1h = (v1h + v5h + (t | 0)) | 0; v1l = lo
    p = v13l ^ v1l; v13l = v13h ^ v1h; v13h = p
    ua = v9l >>> 0; ub = v13l >>> 0; lo = (v9l + v13l + (imul(v9l, v13l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v9h = (v9h + v13h + (t | 0)) | 0; v9l = lo
    p = v5l ^ v9l; q = v5h ^ v9h; v5l = (p >>> 24) | (q << 8); v5h = (q >>> 24) | (p << 8)
    ua = v1l >>> 0; ub = v5l >>> 0; lo = (v1l + v5l + (imul(v1l, v5l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v1h = (v1h + v5h + (t | 0)) | 0; v1l = lo
    p = v13l ^ v1l; q = v13h ^ v1h; v13l = (p >>> 16) | (q << 16); v13h = (q >>> 16) | (p << 16)
    ua = v9l >>> 0; ub = v13l >>> 0; lo = (v9l + v13l + (imul(v9l, v13l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v9h = (v9h + v13h + (t | 0)) | 0; v9l = lo
    p = v5l ^ v9l; q = v5h ^ v9h; v5l = (p << 1) | (q >>> 31); v5h = (q << 1) | (p >>> 31)
    // GB(v2, v6, v10, v14)
    ua = v2l >>> 0; ub = v6l >>> 0; lo = (v2l + v6l + (imul(v2l, v6l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v2h = (v2h + v6h + (t | 0)) | 0; v2l = lo
    p = v14l ^ v2l; v14l = v14h ^ v2h; v14h = p
    ua = v10l >>> 0; ub = v14l >>> 0; lo = (v10l + v14l + (imul(v10l, v14l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v10h = (v10h + v14h + (t | 0)) | 0; v10l = lo
    p = v6l ^ v10l; q = v6h ^ v10h; v6l = (p >>> 24) | (q << 8); v6h = (q >>> 24) | (p << 8)
    ua = v2l >>> 0; ub = v6l >>> 0; lo = (v2l + v6l + (imul(v2l, v6l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v2h = (v2h + v6h + (t | 0)) | 0; v2l = lo
    p = v14l ^ v2l; q = v14h ^ v2h; v14l = (p >>> 16) | (q << 16); v14h = (q >>> 16) | (p << 16)
    ua = v10l >>> 0; ub = v14l >>> 0; lo = (v10l + v14l + (imul(v10l, v14l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v10h = (v10h + v14h + (t | 0)) | 0; v10l = lo
    p = v6l ^ v10l; q = v6h ^ v10h; v6l = (p << 1) | (q >>> 31); v6h = (q << 1) | (p >>> 31)
    // GB(v3, v7, v11, v15)
    ua = v3l >>> 0; ub = v7l >>> 0; lo = (v3l + v7l + (imul(v3l, v7l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v3h = (v3h + v7h + (t | 0)) | 0; v3l = lo
    p = v15l ^ v3l; v15l = v15h ^ v3h; v15h = p
    ua = v11l >>> 0; ub = v15l >>> 0; lo = (v11l + v15l + (imul(v11l, v15l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v11h = (v11h + v15h + (t | 0)) | 0; v11l = lo
    p = v7l ^ v11l; q = v7h ^ v11h; v7l = (p >>> 24) | (q << 8); v7h = (q >>> 24) | (p << 8)
    ua = v3l >>> 0; ub = v7l >>> 0; lo = (v3l + v7l + (imul(v3l, v7l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v3h = (v3h + v7h + (t | 0)) | 0; v3l = lo
    p = v15l ^ v3l; q = v15h ^ v3h; v15l = (p >>> 16) | (q << 16); v15h = (q >>> 16) | (p << 16)
    ua = v11l >>> 0; ub = v15l >>> 0; lo = (v11l + v15l + (imul(v11l, v15l) << 1)) | 0
    t = ua * TWO_M31 * ub + (ua + ub - (lo >>> 0) + 0x7fffffff) * TWO_M32
    v11h = (v11h + v15h + (t | 0)) | 0; v11l = lo
    p = v7l ^ v11l; q = v7h ^ v11h; v7l = (p << 1) | (q >>> 31); v7h = (q << 1) | (p >>> 31)
    // rows 1, 2, 3 rotated left by 1, 2, 3 words: the diagonals become the columns
    p = v4l; v4l = v5l; v5l = v6l; v6l = v7l; v7l = p
    p = v8l; v8l = v10l; v10l = p; p = v9l; v9l = v11l; v11l = p
    p = v15l; v15l = v14l; v14l = v13l; v13l = v12l; v12l = p
    p = v4h; v4h = v5h; v5h = v6h; v6h = v7h; v7h = p
    p = v8h; v8h = v10h; v10h = p; p = v9h; v9h = v11h; v11h = p
    p = v15h; v15h = v14h; v14h = v13h; v13h = v12h; v12h = p
  }
  r[b0] = v0l; r[(b0 + 1) | 0] = v0h
  r[(b0 + 2) | 0] = v1l; r[(b0 + 3) | 0] = v1h
  r[b1] = v2l; r[(b1 + 1) | 0] = v2h
  r[(b1 + 2) | 0] = v3l; r[(b1 + 3) | 0] = v3h
  r[b3] = v4l; r[(b3 + 1) | 0] = v4h
  r[(b3 + 2) | 0] = v5l; r[(b3 + 3) | 0] = v5h
  r[b2] = v6l; r[(b2 + 1) | 0] = v6h
  r[(b2 + 2) | 0] = v7l; r[(b2 + 3) | 0] = v7h
  r[b4] = v8l; r[(b4 + 1) | 0] = v8h
  r[(b4 + 2) | 0] = v9l; r[(b4 + 3) | 0] = v9h
  r[b5] = v10l; r[(b5 + 1) | 0] = v10h
  r[(b5 + 2) | 0] = v11l; r[(b5 + 3) | 0] = v11h
  r[b7] = v12l; r[(b7 + 1) | 0] = v12h
  r[(b7 + 2) | 0] = v13l; r[(b7 + 3) | 0] = v13h
  r[b6] = v14l; r[(b6 + 1) | 0] = v14h
  r[(b6 + 2) | 0] = v15l; r[(b6 + 3) | 0] = v15h
}
