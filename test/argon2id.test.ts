// Pure-TypeScript Argon2id (RFC 9106) and its BLAKE2b (RFC 7693): known answers, a differential
// test against Node 24's native argon2, parameter validation, and event-loop yielding.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { _argon2idH0, _compress, _mulHi, argon2idTs, argon2idTsSync, type Argon2idParams } from '../src/kdf/argon2id.js'
import { blake2b, blake2bLong, le32 } from '../src/kdf/blake2b.js'
import { type DiffCase, prng, randomCases, SEED } from './argon2id-native-cases.mjs'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('BLAKE2b (RFC 7693)', () => {
  it('BLAKE2b-512("abc"), RFC 7693 Appendix A', () => {
    expect(hex(blake2b(64, utf8('abc')))).toBe(
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1' +
        '7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
    )
  })

  it('BLAKE2b-512 of the empty string', () => {
    expect(hex(blake2b(64))).toBe(
      '786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419' +
        'd25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce',
    )
  })

  it('the two known answers agree with node:crypto blake2b512', () => {
    expect(createHash('blake2b512').update('abc').digest('hex')).toBe(hex(blake2b(64, utf8('abc'))))
    expect(createHash('blake2b512').update('').digest('hex')).toBe(hex(blake2b(64)))
  })

  it('matches node:crypto blake2b512 around block boundaries, however the input is split', () => {
    const rnd = prng(7)
    for (const len of [1, 63, 64, 65, 127, 128, 129, 255, 256, 257, 1000, 1024, 1025]) {
      const data = Uint8Array.from({ length: len }, () => (rnd() * 256) | 0)
      const want = createHash('blake2b512').update(data).digest('hex')
      expect(hex(blake2b(64, data))).toBe(want)
      const cut = (rnd() * len) | 0
      expect(hex(blake2b(64, data.subarray(0, cut), new Uint8Array(0), data.subarray(cut)))).toBe(want)
    }
  })

  it('refuses bad output lengths', () => {
    for (const outLen of [0, 65, 1.5, NaN]) expect(() => blake2b(outLen)).toThrow(RangeError)
  })

  it("H' (RFC 9106 §3.3) is BLAKE2b-T(LE32(T) || A) up to 64 bytes", () => {
    const a = utf8('argon2')
    for (const t of [1, 4, 32, 63, 64]) {
      const out = new Uint8Array(t)
      blake2bLong(out, a)
      expect(hex(out)).toBe(hex(blake2b(t, le32(t), a)))
    }
  })

  it("H' longer than 64 bytes chains BLAKE2b-512 and keeps 32 bytes of each link (RFC 9106 §3.3)", () => {
    // Spelled out independently with node:crypto for T = 96 (r = 1: V1 then a 64-byte V2) and
    // T = 128 (r = 2: V1, V2, then a 64-byte V3); the last link only has a 64-byte output here.
    const a = utf8('argon2')
    const b512 = (x: Uint8Array): Buffer => createHash('blake2b512').update(x).digest()
    for (const t of [96, 128]) {
      const r = Math.ceil(t / 32) - 2
      let v = b512(Buffer.concat([le32(t), a]))
      const parts = [v.subarray(0, 32)]
      for (let i = 1; i < r; i++) {
        v = b512(v)
        parts.push(v.subarray(0, 32))
      }
      parts.push(b512(v))
      const out = new Uint8Array(t)
      blake2bLong(out, a)
      expect(hex(out)).toBe(Buffer.concat(parts).toString('hex'))
    }
  })
})

// ---------------------------------------------------------------------------------------------
// The compression function G against a BigInt transcription of RFC 9106 §3.5-3.6. The unrolled
// code computes 2 * lo32(a) * lo32(b) from an imul and a rounded double; edge operands (0, 2^31,
// 2^32 - 1) and carries that land next to a 2^32 boundary are where such a trick would slip.
// ---------------------------------------------------------------------------------------------

const M64 = (1n << 64n) - 1n
const L32 = 0xffffffffn
const rotr = (x: bigint, n: bigint): bigint => ((x >> n) | (x << (64n - n))) & M64
const fBlaMka = (a: bigint, b: bigint): bigint => (a + b + 2n * (a & L32) * (b & L32)) & M64

function refGB(v: bigint[], a: number, b: number, c: number, d: number): void {
  v[a] = fBlaMka(v[a]!, v[b]!)
  v[d] = rotr(v[d]! ^ v[a]!, 32n)
  v[c] = fBlaMka(v[c]!, v[d]!)
  v[b] = rotr(v[b]! ^ v[c]!, 24n)
  v[a] = fBlaMka(v[a]!, v[b]!)
  v[d] = rotr(v[d]! ^ v[a]!, 16n)
  v[c] = fBlaMka(v[c]!, v[d]!)
  v[b] = rotr(v[b]! ^ v[c]!, 63n)
}

function refP(words: bigint[], idx: number[]): void {
  const v = idx.map((i) => words[i]!)
  refGB(v, 0, 4, 8, 12)
  refGB(v, 1, 5, 9, 13)
  refGB(v, 2, 6, 10, 14)
  refGB(v, 3, 7, 11, 15)
  refGB(v, 0, 5, 10, 15)
  refGB(v, 1, 6, 11, 12)
  refGB(v, 2, 7, 8, 13)
  refGB(v, 3, 4, 9, 14)
  idx.forEach((i, k) => (words[i] = v[k]!))
}

/** G(X, Y) (§3.5): R = X ^ Y, P on the 8 rows, then on the 8 columns, result Z ^ R (^ old). */
function refG(x: Uint32Array, y: Uint32Array, old?: Uint32Array): Uint32Array {
  const word = (b: Uint32Array, k: number): bigint => BigInt(b[2 * k]!) | (BigInt(b[2 * k + 1]!) << 32n)
  const r = Array.from({ length: 128 }, (_, k) => word(x, k) ^ word(y, k))
  const q = r.slice()
  for (let i = 0; i < 8; i++) refP(q, Array.from({ length: 16 }, (_, k) => 16 * i + k))
  // Column i: registers Q_i, Q_{i+8}, ..., Q_{i+56}, i.e. 64-bit words 2i + 16j and 2i + 16j + 1.
  for (let i = 0; i < 8; i++) refP(q, Array.from({ length: 16 }, (_, k) => 2 * i + 16 * (k >> 1) + (k & 1)))
  const out = new Uint32Array(256)
  for (let k = 0; k < 128; k++) {
    let w = q[k]! ^ r[k]!
    if (old !== undefined) w ^= word(old, k)
    out[2 * k] = Number(w & L32)
    out[2 * k + 1] = Number(w >> 32n)
  }
  return out
}

describe('compression function G (RFC 9106 §3.5-3.6) against a BigInt reference', () => {
  const rnd = prng(0x6b1a)
  const edges = [0, 1, 2, 0x7fffffff, 0x80000000, 0x80000001, 0xfffffffe, 0xffffffff, 0xffff, 0x10000]
  const block = (f: (i: number) => number): Uint32Array => Uint32Array.from({ length: 256 }, (_, i) => f(i) >>> 0)
  const inputs: Array<[string, Uint32Array, Uint32Array]> = [
    ['zero, zero', block(() => 0), block(() => 0)],
    ['all ones, zero', block(() => 0xffffffff), block(() => 0)],
    ['0x80000000 everywhere, zero', block(() => 0x80000000), block(() => 0)],
    ['edge values, edge values', block((i) => edges[i % edges.length]!), block((i) => edges[(i * 7 + 3) % edges.length]!)],
    ['random, random', block(() => rnd() * 2 ** 32), block(() => rnd() * 2 ** 32)],
    ['random edges, random', block(() => edges[(rnd() * edges.length) | 0]!), block(() => rnd() * 2 ** 32)],
  ]
  for (const [name, x, y] of inputs) {
    it(`G(${name})`, () => {
      expect(Array.from(_compress(x, y))).toEqual(Array.from(refG(x, y)))
      const old = block(() => rnd() * 2 ** 32)
      expect(Array.from(_compress(x, y, old))).toEqual(Array.from(refG(x, y, old)))
    })
  }

  it('carries that land exactly on a power of two (the + 0.5 margin of the carry is needed)', () => {
    // The first BlaMka step of row 0 takes lo32 of words 0 and 4 of X ^ Y as its operands. For
    // these pairs 2ab + a + b is just below 2^k * 2^32, where the carry computed without the
    // 0.5 margin comes out one too small (found by searching; the shipped formula was right on
    // ~45 million random and near-power-of-two pairs).
    const pairs: Array<[number, number]> = [
      [1644834604, 175233653],
      [1941582636, 18556407],
      [1986341827, 580424522],
      [650878358, 27677059],
      [305326894, 59000367],
    ]
    for (const [a, b] of pairs) {
      const x = new Uint32Array(256)
      x[0] = a
      x[8] = b
      const y = new Uint32Array(256)
      expect(Array.from(_compress(x, y)), `${a} * ${b}`).toEqual(Array.from(refG(x, y)))
    }
  })

  it('G on 40 more random block pairs', () => {
    for (let n = 0; n < 40; n++) {
      const x = block(() => rnd() * 2 ** 32)
      const y = block(() => (rnd() < 0.2 ? edges[(rnd() * edges.length) | 0]! : rnd() * 2 ** 32))
      expect(Array.from(_compress(x, y))).toEqual(Array.from(refG(x, y)))
    }
  })

  it('mulHi is the exact high half of a 32x32-bit product', () => {
    const vals = [...edges, 0x55555555, 0xaaaaaaaa, 0xdeadbeef, 12345]
    for (let n = 0; n < 2000; n++) vals.push((rnd() * 2 ** 32) >>> 0)
    for (let i = 0; i < vals.length; i++) {
      const a = vals[i]!
      const b = vals[(i * 31 + 7) % vals.length]!
      expect(_mulHi(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n))
      expect(_mulHi(a, a)).toBe(Number((BigInt(a) * BigInt(a)) >> 32n))
    }
  })
})

interface RfcVector {
  id: string
  memoryKiB: number
  passes: number
  parallelism: number
  tagLength: number
  password: string
  salt: string
  secret: string
  associatedData: string
  preHashingDigest: string
  tag: string
}

// The repository's transcription (vectors/rfc/, identical to ../shared/vectors/rfc/).
const vectorFile = new URL('../vectors/rfc/rfc9106-argon2id.json', import.meta.url)
const vectors = (JSON.parse(readFileSync(vectorFile, 'utf8')) as { tests: RfcVector[] }).tests

describe('Argon2id RFC 9106 §5.3 vector', () => {
  it('the vector file has the §5.3 vector', () => {
    expect(vectors.map((v) => v.id)).toContain('5.3')
  })

  for (const v of vectors) {
    const params: Argon2idParams = {
      memoryKiB: v.memoryKiB,
      passes: v.passes,
      lanes: v.parallelism,
      tagLength: v.tagLength,
      secret: unhex(v.secret),
      associatedData: unhex(v.associatedData),
    }
    it(`${v.id}: H0, the pre-hashing digest (§3.2)`, () => {
      expect(hex(_argon2idH0(unhex(v.password), unhex(v.salt), params))).toBe(v.preHashingDigest)
    })
    it(`${v.id}: tag, synchronous core`, () => {
      expect(hex(argon2idTsSync(unhex(v.password), unhex(v.salt), params))).toBe(v.tag)
    })
    it(`${v.id}: tag, async, whatever the yield granularity`, async () => {
      for (const yieldEvery of [undefined, 1, 3, 5, 1000]) {
        const opts = yieldEvery === undefined ? undefined : { yieldEvery }
        expect(hex(await argon2idTs(unhex(v.password), unhex(v.salt), params, opts))).toBe(v.tag)
      }
    })
  }
})

// ---------------------------------------------------------------------------------------------
// Differential test against Node 24's native Argon2id (node:crypto argon2Sync, OpenSSL).
// `npm test` runs on any Node >= 20 and downloads no Node binaries (issue 12), so the native tags
// come from vectors/argon2id-native-node24.json, recorded by Node 24 (scripts/gen-argon2id-native.mjs);
// the runtime matrix's `argon2id-native` check (`npm run test:runtimes`, CI) recomputes every one
// of them with the real Node 24 and 26 binaries. Together: TypeScript == recorded == native.
// ---------------------------------------------------------------------------------------------

interface NativeFile {
  seed: number
  count: number
  generatedBy: string
  cases: (DiffCase & { tag: string })[]
}
const nativeFile = JSON.parse(readFileSync(new URL('../vectors/argon2id-native-node24.json', import.meta.url), 'utf8')) as NativeFile

describe('Argon2id against Node 24 node:crypto argon2Sync (recorded tags)', () => {
  it('the file holds exactly the seeded cases, each with a tag of its length, recorded by Node 24', () => {
    expect(nativeFile.generatedBy).toMatch(/under Node v24\./)
    const want = randomCases(nativeFile.seed, nativeFile.count)
    expect(nativeFile.seed).toBe(SEED)
    expect(want).toHaveLength(33)
    expect(nativeFile.cases.map(({ tag: _tag, ...c }) => c)).toEqual(want)
    for (const c of nativeFile.cases) expect(c.tag).toMatch(new RegExp(`^[0-9a-f]{${2 * c.tagLength}}$`))
  })

  it('random parameters and inputs give the same tags', async () => {
    expect(nativeFile.cases).toHaveLength(33)
    for (let i = 0; i < nativeFile.cases.length; i++) {
      const c = nativeFile.cases[i]!
      const params: Argon2idParams = {
        memoryKiB: c.memory,
        passes: c.passes,
        lanes: c.parallelism,
        tagLength: c.tagLength,
      }
      if (c.secret !== undefined) params.secret = unhex(c.secret)
      if (c.associatedData !== undefined) params.associatedData = unhex(c.associatedData)
      const got = await argon2idTs(unhex(c.password), unhex(c.salt), params, { yieldEvery: 1 + (i % 50) })
      expect(hex(got), `case ${i}: ${JSON.stringify(c)}`).toBe(c.tag)
    }
  })
})

describe('parameter validation', () => {
  const pw = utf8('password')
  const salt = new Uint8Array(16).fill(2)
  const ok: Argon2idParams = { memoryKiB: 64, passes: 1, lanes: 1, tagLength: 32 }
  const E = {
    params: 'argon2id: invalid params',
    password: 'argon2id: invalid password',
    salt: 'argon2id: invalid salt',
    secret: 'argon2id: invalid secret',
    ad: 'argon2id: invalid associatedData',
    lanes: 'argon2id: invalid lanes',
    memory: 'argon2id: invalid memoryKiB',
    passes: 'argon2id: invalid passes',
    tag: 'argon2id: invalid tagLength',
    yield: 'argon2id: invalid yieldEvery',
  }
  const bad = (over: Record<string, unknown>): Argon2idParams => ({ ...ok, ...over }) as unknown as Argon2idParams

  const cases: Array<[string, () => unknown, string]> = [
    ['params null', () => argon2idTsSync(pw, salt, null as unknown as Argon2idParams), E.params],
    ['password string', () => argon2idTsSync('pw' as unknown as Uint8Array, salt, ok), E.password],
    ['password number array', () => argon2idTsSync([1, 2] as unknown as Uint8Array, salt, ok), E.password],
    ['salt of 7 bytes', () => argon2idTsSync(pw, new Uint8Array(7), ok), E.salt],
    ['salt missing', () => argon2idTsSync(pw, undefined as unknown as Uint8Array, ok), E.salt],
    ['secret string', () => argon2idTsSync(pw, salt, bad({ secret: 'pepper' })), E.secret],
    ['associatedData string', () => argon2idTsSync(pw, salt, bad({ associatedData: 'x' })), E.ad],
    ['lanes 0', () => argon2idTsSync(pw, salt, bad({ lanes: 0 })), E.lanes],
    ['lanes 2^24', () => argon2idTsSync(pw, salt, bad({ lanes: 2 ** 24, memoryKiB: 2 ** 23 - 1 })), E.lanes],
    ['lanes 1.5', () => argon2idTsSync(pw, salt, bad({ lanes: 1.5 })), E.lanes],
    ['lanes "1"', () => argon2idTsSync(pw, salt, bad({ lanes: '1' })), E.lanes],
    ['lanes true', () => argon2idTsSync(pw, salt, bad({ lanes: true })), E.lanes],
    ['memory below 8*lanes', () => argon2idTsSync(pw, salt, bad({ memoryKiB: 31, lanes: 4 })), E.memory],
    ['memory 7', () => argon2idTsSync(pw, salt, bad({ memoryKiB: 7 })), E.memory],
    ['memory NaN', () => argon2idTsSync(pw, salt, bad({ memoryKiB: NaN })), E.memory],
    ['memory Infinity', () => argon2idTsSync(pw, salt, bad({ memoryKiB: Infinity })), E.memory],
    ['memory 64.5', () => argon2idTsSync(pw, salt, bad({ memoryKiB: 64.5 })), E.memory],
    ['memory [64]', () => argon2idTsSync(pw, salt, bad({ memoryKiB: [64] })), E.memory],
    ['memory 2^23', () => argon2idTsSync(pw, salt, bad({ memoryKiB: 2 ** 23 })), E.memory],
    ['passes 0', () => argon2idTsSync(pw, salt, bad({ passes: 0 })), E.passes],
    ['passes -1', () => argon2idTsSync(pw, salt, bad({ passes: -1 })), E.passes],
    ['passes 2^32', () => argon2idTsSync(pw, salt, bad({ passes: 2 ** 32 })), E.passes],
    ['passes missing', () => argon2idTsSync(pw, salt, bad({ passes: undefined })), E.passes],
    ['tagLength 3', () => argon2idTsSync(pw, salt, bad({ tagLength: 3 })), E.tag],
    ['tagLength 32n', () => argon2idTsSync(pw, salt, bad({ tagLength: 32n })), E.tag],
  ]
  for (const [name, fn, message] of cases) {
    it(`throws a RangeError with a fixed message: ${name}`, () => {
      let err: unknown
      try {
        fn()
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(RangeError)
      expect((err as Error).message).toBe(message)
    })
  }

  it('the async form rejects with the same errors, yieldEvery included', async () => {
    await expect(argon2idTs(pw, salt, bad({ passes: 0 }))).rejects.toThrow(new RangeError(E.passes))
    await expect(argon2idTs(pw, new Uint8Array(4), ok)).rejects.toThrow(new RangeError(E.salt))
    for (const yieldEvery of [0, -1, 1.5, NaN, '8']) {
      await expect(argon2idTs(pw, salt, ok, { yieldEvery } as unknown as { yieldEvery: number })).rejects.toThrow(
        new RangeError(E.yield),
      )
    }
  })

  it('checks everything before allocating: an invalid field next to 8 GiB of memory allocates nothing', async () => {
    const huge = { memoryKiB: 2 ** 23 - 1, lanes: 1 }
    // Count every Uint32Array made while the calls run (the memory and the scratch blocks are).
    let made = 0
    const Real = Uint32Array
    vi.stubGlobal('Uint32Array', new Proxy(Real, { construct: (t, args) => (made++, Reflect.construct(t, args)) }))
    try {
      expect(() => argon2idTsSync(pw, salt, bad({ ...huge, passes: 0 }))).toThrow(E.passes)
      expect(() => argon2idTsSync(pw, salt, bad({ ...huge, tagLength: 0 }))).toThrow(E.tag)
      expect(() => argon2idTsSync(pw, new Uint8Array(0), bad(huge))).toThrow(E.salt)
      await expect(argon2idTs(pw, salt, bad(huge), { yieldEvery: 0 })).rejects.toThrow(E.yield)
    } finally {
      vi.unstubAllGlobals()
    }
    expect(made).toBe(0)
    // The counter works: a valid call makes its memory.
    vi.stubGlobal('Uint32Array', new Proxy(Real, { construct: (t, args) => (made++, Reflect.construct(t, args)) }))
    try {
      argon2idTsSync(pw, salt, { memoryKiB: 8, passes: 1, lanes: 1, tagLength: 4 })
    } finally {
      vi.unstubAllGlobals()
    }
    expect(made).toBeGreaterThan(0)
  })

  it('messages never contain the input', () => {
    const secretish = utf8('sk-proj-SECRET')
    let error: unknown
    try {
      argon2idTsSync(secretish, secretish.subarray(0, 3), ok)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RangeError)
    expect((error as Error).message).not.toMatch(/sk-proj|SECRET|115/)
  })

  it('reads each parameter once (a getter cannot pass the check with one value and use another)', () => {
    let reads = 0
    const params = {
      get memoryKiB() {
        reads++
        return reads === 1 ? 64 : 1e12
      },
      passes: 1,
      lanes: 1,
      tagLength: 16,
    }
    const a = argon2idTsSync(pw, salt, params)
    expect(reads).toBe(1)
    expect(hex(a)).toBe(hex(argon2idTsSync(pw, salt, { memoryKiB: 64, passes: 1, lanes: 1, tagLength: 16 })))
  })
})

describe('async behaviour', () => {
  const pw = utf8('password')
  const salt = new Uint8Array(16).fill(1)

  it('yields to the event loop while it works: timers fire during the computation', async () => {
    // A timer ticker only runs if the event loop really turns (a microtask or a drained
    // MessagePort queue would not let it run).
    let ticks = 0
    const iv = setInterval(() => ticks++, 1)
    const params = { memoryKiB: 8192, passes: 1, lanes: 1, tagLength: 32 }
    const t0 = performance.now()
    const tag = await argon2idTs(pw, salt, params, { yieldEvery: 32 })
    const ms = performance.now() - t0
    clearInterval(iv)
    // 8190 blocks in slices of 32: 256 yields over ms milliseconds; a 1 ms interval timer gets
    // most of those milliseconds.
    expect(ticks, `${ticks} ticks in ${ms.toFixed(1)} ms`).toBeGreaterThanOrEqual(Math.min(5, Math.floor(ms / 4)))
    expect(hex(tag)).toBe(hex(argon2idTsSync(pw, salt, params)))
  })

  it('lets a timer run during a default-granularity computation', async () => {
    let firedAt = -1
    const t0 = performance.now()
    setTimeout(() => {
      firedAt = performance.now() - t0
    }, 0)
    await argon2idTs(pw, salt, { memoryKiB: 16384, passes: 1, lanes: 1, tagLength: 32 })
    const total = performance.now() - t0
    expect(firedAt).toBeGreaterThanOrEqual(0)
    expect(firedAt).toBeLessThan(total)
  })

  it('works with the MessageChannel and setTimeout fallbacks (runtimes without setImmediate)', async () => {
    const g = globalThis as { setImmediate?: unknown; MessageChannel?: unknown }
    const params = { memoryKiB: 256, passes: 2, lanes: 2, tagLength: 32 }
    const want = hex(argon2idTsSync(pw, salt, params))
    const savedImmediate = g.setImmediate
    const savedChannel = g.MessageChannel as typeof MessageChannel
    // Count what each computation really yields through.
    let channels = 0
    const Counting = class extends savedChannel {
      constructor() {
        super()
        channels++
      }
    }
    const timeouts = vi.spyOn(globalThis, 'setTimeout')
    let viaChannel: Promise<Uint8Array>
    let viaTimeout: Promise<Uint8Array>
    try {
      // The yielding primitive is chosen when the call starts, synchronously.
      g.setImmediate = undefined
      g.MessageChannel = Counting
      viaChannel = argon2idTs(pw, salt, params, { yieldEvery: 16 })
      g.MessageChannel = undefined
      viaTimeout = argon2idTs(pw, salt, params, { yieldEvery: 100 })
    } finally {
      g.setImmediate = savedImmediate
      g.MessageChannel = Counting
    }
    try {
      expect(hex(await viaChannel)).toBe(want)
      expect(hex(await viaTimeout)).toBe(want)
    } finally {
      g.MessageChannel = savedChannel
    }
    // About 508 blocks per computation: about 31 channel yields (every 16), 5 timeout yields (every 100).
    expect(channels).toBeGreaterThanOrEqual(16)
    expect(timeouts.mock.calls.filter(([, ms]) => ms === 0).length).toBeGreaterThanOrEqual(3)
    timeouts.mockRestore()
  })

  it('concurrent computations do not share state', async () => {
    const p1 = { memoryKiB: 512, passes: 2, lanes: 2, tagLength: 32 }
    const p2 = { memoryKiB: 600, passes: 1, lanes: 3, tagLength: 64, secret: utf8('k') }
    const [a, b, c] = await Promise.all([
      argon2idTs(pw, salt, p1, { yieldEvery: 5 }),
      argon2idTs(utf8('other'), salt, p2, { yieldEvery: 7 }),
      argon2idTs(pw, salt, p1, { yieldEvery: 11 }),
    ])
    expect(hex(a)).toBe(hex(argon2idTsSync(pw, salt, p1)))
    expect(hex(c)).toBe(hex(a))
    expect(hex(b)).toBe(hex(argon2idTsSync(utf8('other'), salt, p2)))
  })

  it('output is a fresh Uint8Array of tagLength bytes', async () => {
    for (const tagLength of [4, 32, 64, 65, 1024]) {
      const tag = await argon2idTs(pw, salt, { memoryKiB: 8, passes: 1, lanes: 1, tagLength })
      expect(tag).toBeInstanceOf(Uint8Array)
      expect(tag.length).toBe(tagLength)
      expect(tag.buffer.byteLength).toBe(tagLength)
    }
  })
})
