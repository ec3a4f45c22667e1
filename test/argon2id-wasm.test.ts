// The WebAssembly Argon2id fill (issue 17): its source is what the generator writes and its bytes
// what wabt makes of it; RFC 9106 §5.3 vector; identical output to the TypeScript implementation and
// to Node 24's native one on random parameters (lanes > 1, uneven m, multi-chunk segments); one
// memory, wiped after every derivation (also after a failure), grown only when needed; the
// fallback to TypeScript where WebAssembly cannot be compiled or computes wrongly; which path the
// public entry takes.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { argon2idTsSync, type Argon2idParams } from '../src/kdf/argon2id.js'
import { _argon2idWasmMemory, argon2idWasm } from '../src/kdf/argon2id-wasm.js'
import { type DiffCase as Case, randomCases as casesOf, REFERENCE_SCRIPT, WASM } from './argon2id-native-cases.mjs'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))
const root = fileURLToPath(new URL('..', import.meta.url))
const randomCases = (seed: number, n: number): Case[] => casesOf(seed, n, WASM)

async function wasm(password: Uint8Array, salt: Uint8Array, params: Argon2idParams): Promise<Uint8Array> {
  const out = await argon2idWasm(password, salt, params)
  // Node 20+ compiles WebAssembly SIMD: here the WebAssembly path must run, not fall back.
  expect(out, 'the WebAssembly path returned undefined (fallback) in Node').toBeInstanceOf(Uint8Array)
  return out!
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('the WebAssembly source and bytes are reproducible', () => {
  it('src/kdf/argon2id.wat is what scripts/gen-argon2id-wat.mjs writes', () => {
    const r = spawnSync(process.execPath, ['scripts/gen-argon2id-wat.mjs', '--stdout'], { cwd: root, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toBe(readFileSync(`${root}src/kdf/argon2id.wat`, 'utf8'))
  })

  it('src/kdf/argon2id-wasm-bytes.ts is what wabt (the pinned devDependency) assembles from the .wat', () => {
    const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { cwd: root, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
  })
})

interface RfcVector {
  id: string
  password: string
  salt: string
  secret: string
  associatedData: string
  memoryKiB: number
  passes: number
  parallelism: number
  tagLength: number
  tag: string
}
const vectors = (JSON.parse(readFileSync(new URL('../vectors/rfc/rfc9106-argon2id.json', import.meta.url), 'utf8')) as { tests: RfcVector[] }).tests

describe('RFC 9106 §5.3 vector through the WebAssembly fill', () => {
  it('the vector file has §5.3', () => expect(vectors.map((v) => v.id)).toContain('5.3'))
  for (const v of vectors) {
    it(`${v.id}: tag (p = ${v.parallelism}, secret and associated data)`, async () => {
      const params = { memoryKiB: v.memoryKiB, passes: v.passes, lanes: v.parallelism, tagLength: v.tagLength, secret: unhex(v.secret), associatedData: unhex(v.associatedData) }
      expect(hex(await wasm(unhex(v.password), unhex(v.salt), params))).toBe(v.tag)
    })
  }
})

function paramsOf(c: Case): Argon2idParams {
  const p: Argon2idParams = { memoryKiB: c.memory, passes: c.passes, lanes: c.parallelism, tagLength: c.tagLength }
  if (c.secret !== undefined) p.secret = unhex(c.secret)
  if (c.associatedData !== undefined) p.associatedData = unhex(c.associatedData)
  return p
}

describe('identical output to the other implementations', () => {
  it('random parameters and inputs: WebAssembly equals TypeScript', async () => {
    const cases = randomCases(0x17_a5, 40)
    for (const [i, c] of cases.entries()) {
      const want = hex(argon2idTsSync(unhex(c.password), unhex(c.salt), paramsOf(c)))
      expect(hex(await wasm(unhex(c.password), unhex(c.salt), paramsOf(c))), `case ${i}: ${JSON.stringify(c)}`).toBe(want)
    }
  })

  // The tags Node 24's native argon2Sync (OpenSSL) recorded for 30 seeded cases
  // (vectors/argon2id-native-node24.json, scripts/gen-argon2id-native.mjs): always checked, so a
  // fresh clone's `npm test` compares with native without downloading Node 24 (issue 12).
  it('WebAssembly equals the tags Node 24 native argon2 recorded', async () => {
    const file = JSON.parse(readFileSync(new URL('../vectors/argon2id-native-node24.json', import.meta.url), 'utf8')) as { cases: (Case & { tag: string })[] }
    expect(file.cases.length).toBe(33)
    for (const [i, c] of file.cases.entries()) {
      expect(hex(await wasm(unhex(c.password), unhex(c.salt), paramsOf(c))), `recorded case ${i}`).toBe(c.tag)
    }
  })

  // Live: Node 24 itself, in one child process, on more random cases. Needs the binary from
  // `npm ci --prefix test/runtimes/node-versions`, which .ci/run installs before `npm test`; without
  // it (a fresh clone) only the recorded tags above are compared.
  const node24 = fileURLToPath(new URL('./runtimes/node-versions/node_modules/node24/bin/node', import.meta.url))
  const skip = !existsSync(node24)
  it.skipIf(skip)('random parameters and inputs: WebAssembly equals Node 24 native argon2', async () => {
    expect(existsSync(node24), `missing ${node24}; run npm ci --prefix test/runtimes/node-versions`).toBe(true)
    const cases = randomCases(0x17_24, 25)
    const r = spawnSync(node24, ['--no-warnings', '-e', REFERENCE_SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 60_000 })
    expect(r.status, r.stderr).toBe(0)
    const want = JSON.parse(r.stdout) as string[]
    expect(want).toHaveLength(cases.length)
    for (const [i, c] of cases.entries()) {
      expect(hex(await wasm(unhex(c.password), unhex(c.salt), paramsOf(c))), `case ${i}: ${JSON.stringify(c)}`).toBe(want[i])
    }
  })

  it('concurrent derivations (one memory, taken in turn) each get their own correct tag', async () => {
    const cases = randomCases(0x17_cc, 6)
    const got = await Promise.all(cases.map((c) => wasm(unhex(c.password), unhex(c.salt), paramsOf(c))))
    for (const [i, c] of cases.entries()) expect(hex(got[i]!)).toBe(hex(argon2idTsSync(unhex(c.password), unhex(c.salt), paramsOf(c))))
  })
})

describe('one memory, wiped after every derivation', () => {
  const pw = new TextEncoder().encode('password')
  const salt = new Uint8Array(16).fill(7)
  const allZero = (m: WebAssembly.Memory): boolean => new Uint8Array(m.buffer).every((b) => b === 0)

  it('the memory is all zero after a derivation, and reused (grown only for a larger one)', async () => {
    const mem = await _argon2idWasmMemory()
    expect(mem).toBeDefined()
    await wasm(pw, salt, { memoryKiB: 2048, passes: 1, lanes: 1, tagLength: 32 })
    const size = mem!.buffer.byteLength
    expect(size).toBeGreaterThanOrEqual(8192 + 2048 * 1024)
    expect(allZero(mem!)).toBe(true)
    await wasm(pw, salt, { memoryKiB: 1024, passes: 2, lanes: 2, tagLength: 32 })
    expect(mem!.buffer.byteLength).toBe(size) // smaller: no growth
    expect(allZero(mem!)).toBe(true)
    await wasm(pw, salt, { memoryKiB: 4096, passes: 1, lanes: 1, tagLength: 32 })
    expect(mem!.buffer.byteLength).toBeGreaterThanOrEqual(8192 + 4096 * 1024)
    expect(mem!.buffer.byteLength).toBeLessThan(8192 + 4096 * 1024 + 65536)
    expect(allZero(mem!)).toBe(true)
  })

  it('the memory is all zero after a derivation that fails midway (here: its yield throws)', async () => {
    const mem = await _argon2idWasmMemory()
    vi.stubGlobal('setImmediate', () => {
      throw new Error('yield refused')
    })
    // 16384 blocks: the fill hands the event loop back at least once (after at most 8192 blocks).
    await expect(argon2idWasm(pw, salt, { memoryKiB: 16384, passes: 1, lanes: 1, tagLength: 32 })).rejects.toThrow('yield refused')
    expect(allZero(mem!)).toBe(true)
    vi.unstubAllGlobals()
    // The engine is still usable afterwards.
    const p = { memoryKiB: 64, passes: 1, lanes: 1, tagLength: 32 }
    expect(hex(await wasm(pw, salt, p))).toBe(hex(argon2idTsSync(pw, salt, p)))
  })

  it('checks parameters as the TypeScript implementation does, before anything is allocated', async () => {
    await expect(argon2idWasm(pw, salt, { memoryKiB: 7, passes: 1, lanes: 1, tagLength: 32 })).rejects.toThrow('argon2id: invalid memoryKiB')
    await expect(argon2idWasm(pw, new Uint8Array(4), { memoryKiB: 64, passes: 1, lanes: 1, tagLength: 32 })).rejects.toThrow('argon2id: invalid salt')
  })

  it('memories beyond 2 GiB are left to the TypeScript path (undefined), without trying to grow', async () => {
    const mem = await _argon2idWasmMemory()
    const before = mem!.buffer.byteLength
    expect(await argon2idWasm(pw, salt, { memoryKiB: 2 ** 21 + 4, passes: 1, lanes: 1, tagLength: 32 })).toBeUndefined()
    expect(mem!.buffer.byteLength).toBe(before)
  })
})

describe('fallback, decided by trying', () => {
  const params = { memoryKiB: 64, passes: 2, lanes: 2, tagLength: 32 }
  const pw = new Uint8Array([1, 2, 3])
  const salt = new Uint8Array(16).fill(9)

  /**
   * Runs fn counting Int32Array constructions: every TypeScript computation allocates its scratch
   * block as one (Argon2Context in src/kdf/argon2id.ts); nothing else on these paths does (BLAKE2b
   * uses Uint32Array), so the count tells whether the TypeScript fill ran.
   */
  async function tsAllocations<T>(fn: () => Promise<T>): Promise<[T, number]> {
    let n = 0
    const Real = Int32Array
    vi.stubGlobal('Int32Array', new Proxy(Real, { construct: (t, a: unknown[]) => (n++, Reflect.construct(t, a)) }))
    try {
      return [await fn(), n]
    } finally {
      vi.stubGlobal('Int32Array', Real)
    }
  }

  async function fresh(): Promise<typeof import('../src/argon2id.js')> {
    vi.resetModules()
    return import('../src/argon2id.js')
  }

  it('where compiling WebAssembly is refused (workerd, a strict CSP), derive gives the TypeScript result', async () => {
    const real = WebAssembly
    const compile = vi.fn(() => Promise.reject(new real.CompileError('WebAssembly.compile(): Wasm code generation disallowed by embedder')))
    vi.stubGlobal('WebAssembly', { ...real, Memory: real.Memory, CompileError: real.CompileError, compile, instantiate: real.instantiate })
    const entry = await fresh()
    expect(await entry.argon2idBackend(undefined)).toBe('typescript')
    expect(compile).toHaveBeenCalledTimes(1)
    const [m, n] = await tsAllocations(() => entry.argon2id.derive(pw, salt, params, undefined))
    expect(hex(m)).toBe(hex(argon2idTsSync(pw, salt, params)))
    expect(n).toBeGreaterThan(0) // the TypeScript fill ran
    expect(compile).toHaveBeenCalledTimes(1) // tried once per process
  })

  it('where there is no WebAssembly at all', async () => {
    vi.stubGlobal('WebAssembly', undefined)
    const entry = await fresh()
    expect(await entry.argon2idBackend(undefined)).toBe('typescript')
    const [m, n] = await tsAllocations(() => entry.argon2id.derive(pw, salt, params, undefined))
    expect(hex(m)).toBe(hex(argon2idTsSync(pw, salt, params)))
    expect(n).toBeGreaterThan(0)
  })

  it('where the module compiles but computes a wrong answer, it is not used', async () => {
    const real = WebAssembly
    // An engine whose fill does nothing: the known-answer check at first use must reject it.
    const instantiate = vi.fn(async () => ({ exports: { memory: new real.Memory({ initial: 1 }), fill: () => undefined } }))
    vi.stubGlobal('WebAssembly', { ...real, Memory: real.Memory, compile: real.compile, instantiate })
    const entry = await fresh()
    expect(await entry.argon2idBackend(undefined)).toBe('typescript')
    expect(instantiate).toHaveBeenCalledTimes(1)
    const [m, n] = await tsAllocations(() => entry.argon2id.derive(pw, salt, params, undefined))
    expect(hex(m)).toBe(hex(argon2idTsSync(pw, salt, params)))
    expect(n).toBeGreaterThan(0)
  })

  it('in this Node, derive takes native WebCrypto where it has Argon2id, else WebAssembly', async () => {
    const entry = await fresh()
    let native = false
    try {
      await crypto.subtle.importKey('raw-secret' as 'raw', new Uint8Array(8), 'Argon2id' as unknown as AlgorithmIdentifier, false, ['deriveBits'])
      native = true
    } catch {
      // Node < 24: no Argon2id in WebCrypto.
    }
    expect(await entry.argon2idBackend(crypto.subtle)).toBe(native ? 'webcrypto' : 'webassembly')
    // Without a SubtleCrypto (keyseal always passes one; this isolates the non-native choice).
    expect(await entry.argon2idBackend(undefined)).toBe('webassembly')
    const spy = vi.spyOn(WebAssembly, 'compile')
    const [m, n] = await tsAllocations(() => entry.argon2id.derive(pw, salt, { memoryKiB: 64, passes: 2, lanes: 2 }, undefined))
    expect(hex(m)).toBe(hex(argon2idTsSync(pw, salt, params)))
    expect(n).toBe(0) // the TypeScript fill did not run
    expect(spy).not.toHaveBeenCalled() // compiled once, at the first try above
  })
})
