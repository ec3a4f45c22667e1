// The v2 case vectors (vectors/v2-*.json, docs/format-v2.md §16, §17) against the library
// (`@org/keyseal/v2`, WebCrypto) and against the independent reference (test/reference/v2-api.mjs,
// node:crypto), through the runner the mutation harness uses (test/spec/runner.mjs). The files are
// what scripts/gen-spec-vectors-v2.mjs makes (checked here) and their SHA-256 is pinned
// (vectors/v2-cases.sha256.json): they are frozen, new cases go into new files.
//
// Randomness is injected as the v1 case vectors do it: crypto.getRandomValues is fed the case's
// bytes in order (file key, envelope salt, each symmetric stanza's salt and nonce, §17.3), and the
// HPKE ephemeral key pairs, which the platform makes with subtle.generateKey, are built from the
// case's scalars.
import { execFileSync } from 'node:child_process'
import { createECDH, createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as ks from '../src/v2/index'
import { argon2id } from '../src/argon2id.js'
import { argon2idTsSync } from '../src/kdf/argon2id.js'
import * as api from './reference/v2-api.mjs'
import { adapter as referenceAdapter } from './spec/reference-adapter-v2.mjs'
import { loadSets, runCase } from './spec/runner.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const FILES = ['v2-seal.json', 'v2-open-rules.json', 'v2-keyring.json', 'v2-recipients.json', 'v2-points.json', 'v2-extra.json']
const PINNED: Record<string, string> = JSON.parse(readFileSync(new URL('../vectors/v2-cases.sha256.json', import.meta.url), 'utf8'))
const sets = loadSets(FILES.map((f) => ({ file: `${root}vectors/${f}` })))

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url')

/** Feed crypto.getRandomValues from `random` and ECDH key generation from `ephemeral` while `f` runs. */
async function withRandom<T>(random: Uint8Array | undefined, ephemeral: Uint8Array[] | undefined, f: () => Promise<T>): Promise<T> {
  if (random === undefined && ephemeral === undefined) return f()
  let o = 0
  let e = 0
  const subtle = globalThis.crypto.subtle
  const generateKey = subtle.generateKey.bind(subtle)
  const spies = [
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<A extends ArrayBufferView | null>(a: A): A => {
      const view = a as unknown as Uint8Array
      if (random === undefined || o + view.length > random.length) throw new Error('the case supplies too few random bytes')
      view.set(random.subarray(o, (o += view.length)))
      return a
    }),
    vi.spyOn(subtle, 'generateKey').mockImplementation((async (alg: { name?: string }, extractable: boolean, usages: KeyUsage[]) => {
      if (alg?.name !== 'ECDH') return generateKey(alg as never, extractable, usages)
      const d = ephemeral?.[e++]
      if (d === undefined) throw new Error('the case supplies too few ephemeral keys')
      const ecdh = createECDH('prime256v1')
      ecdh.setPrivateKey(d)
      const pt = ecdh.getPublicKey()
      const jwk = { kty: 'EC', crv: 'P-256', d: b64u(d), x: b64u(pt.subarray(1, 33)), y: b64u(pt.subarray(33)) }
      return {
        privateKey: await subtle.importKey('jwk', jwk, alg as EcKeyImportParams, extractable, usages),
        publicKey: await subtle.importKey('raw', pt, alg as EcKeyImportParams, true, []),
      }
    }) as never),
  ]
  try {
    return await f()
  } finally {
    for (const s of spies) s.mockRestore()
  }
}

const library = {
  name: 'src',
  createPolicy: (s: unknown) => {
    // Vectors name Argon2id settings without the implementation ("Argon2id enabled").
    const o = s as Record<string, unknown> | undefined
    const a = o && typeof o === 'object' && o['argon2id'] && typeof o['argon2id'] === 'object' ? { ...(o['argon2id'] as object), implementation: argon2id } : undefined
    return ks.createPolicy((a ? { ...o, argon2id: a } : o) as ks.KeysealPolicyOptions)
  },
  importKey: (m: never, o: never) => ks.importKey(m, o),
  importPublicKey: (m: never, o: never) => ks.importPublicKey(m, o),
  deriveKey: (p: never, o: never, random?: Uint8Array) => withRandom(random, undefined, () => ks.deriveKey(p, o)),
  createKeyring: (e: never) => ks.createKeyring(e),
  seal: (s: never, k: never, o: never, random?: Uint8Array, eph?: Uint8Array[]) => withRandom(random, eph, () => ks.sealKey(s, k, o)),
  rotate: (e: never, o: never, random?: Uint8Array, eph?: Uint8Array[]) => withRandom(random, eph, () => ks.rotateRecipient(e, o)),
  openBytes: (e: never, k: never, o: never) => ks.openKeyBytes(e, k, o),
  openString: (e: never, k: never, o: never) => ks.openKey(e, k, o),
  inspect: (e: never) => ks.inspect(e),
  toJSON: () => Promise.reject(new Error('not in v2')),
  fromJSON: () => Promise.reject(new Error('not in v2')),
  toBytes: () => Promise.reject(new Error('not in v2')),
  fromBytes: () => Promise.reject(new Error('not in v2')),
}
const reference = referenceAdapter(api)

afterEach(() => vi.restoreAllMocks())

describe('v2 case vectors', () => {
  it('the files are exactly what scripts/gen-spec-vectors-v2.mjs makes, and pinned (frozen)', () => {
    execFileSync(process.execPath, [`${root}scripts/gen-spec-vectors-v2.mjs`, '--check'], { stdio: 'pipe' })
    for (const f of FILES) expect(createHash('sha256').update(readFileSync(`${root}vectors/${f}`)).digest('hex'), f).toBe(PINNED[f])
    expect(Object.keys(PINNED).sort()).toEqual([...FILES].sort())
  }, 120_000)

  it('every case has a unique id, a rule and exactly one expectation; the Wycheproof cases are all there', () => {
    const ids = new Set<string>()
    for (const s of sets) {
      for (const c of s.cases) {
        expect(ids.has(c.id), c.id).toBe(false)
        ids.add(c.id)
        expect(typeof c.rule === 'string' && c.rule.length > 0, c.id).toBe(true)
        expect(Object.keys(c.expect).length, c.id).toBe(1)
      }
    }
    const wy = JSON.parse(readFileSync(`${root}vectors/wycheproof/ecdh_secp256r1_ecpoint_test.json`, 'utf8')) as { testGroups: { tests: { tcId: number }[] }[] }
    for (const t of wy.testGroups.flatMap((g) => g.tests)) expect(ids.has(`wycheproof-${t.tcId}`), `tcId ${t.tcId}`).toBe(true)
  })

  it('the recorded Argon2id answers (Node 24 native, for the reference on older Node) are what keyseal\'s Argon2id computes', () => {
    const table = (sets[0]!.doc as { argon2idNode24: { message: string; nonce: string; memory: number; passes: number; parallelism: number; tag: string }[] }).argon2idNode24
    expect(table.length).toBeGreaterThan(0)
    for (const t of table) {
      const tag = argon2idTsSync(Buffer.from(t.message, 'hex'), Buffer.from(t.nonce, 'hex'), { memoryKiB: t.memory, passes: t.passes, lanes: t.parallelism, tagLength: 32 })
      expect(Buffer.from(tag).toString('hex')).toBe(t.tag)
    }
  })

  for (const s of sets) {
    const name = s.file.split('/').at(-1)!
    describe(name, () => {
      for (const c of s.cases) {
        it(`${c.id}: the reference`, async () => {
          const r = await runCase(reference, s.doc, c)
          expect(r.got).toEqual(c.expect)
        })
        it(`${c.id}: the library`, async () => {
          const r = await runCase(library, s.doc, c)
          expect(r.got).toEqual(c.expect)
        }, 30_000)
      }
    })
  }
})
