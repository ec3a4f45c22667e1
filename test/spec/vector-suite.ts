// What the case-vector tests of v1 and v2 share (test/spec-vectors.test.ts, test/v2-spec-vectors.test.ts):
// the injected randomness, the library's adapter, the pinned-and-generated check of the files and
// the per-case tests (the reference and the library, each case against its expectation).
import { execFileSync } from 'node:child_process'
import { createECDH, createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { argon2id } from '../../src/argon2id.js'
import { runCase, type Adapter, type VectorSet } from './runner.mjs'

export const root = fileURLToPath(new URL('../..', import.meta.url))

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url')

/**
 * Feed crypto.getRandomValues from `random` (in order: v1 salt then nonce; v2 §17.3's file key,
 * envelope salt, each symmetric stanza's salt and nonce) and ECDH key generation from `ephemeral`
 * (HPKE ephemeral scalars, v2) while `f` runs. Running out of either is a crash, not a code.
 */
export async function withRandom<T>(random: Uint8Array | undefined, ephemeral: Uint8Array[] | undefined, f: () => Promise<T>): Promise<T> {
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

/** The functions of `@org/keyseal` and `@org/keyseal/v2` that both adapters call, by their names there. */
interface Library {
  createPolicy(options: never): unknown
  importKey(material: never, options: never): unknown
  deriveKey(passphrase: never, options: never): Promise<unknown>
  createKeyring(entries: never): unknown
  sealKey(secret: never, key: never, options: never): Promise<unknown>
  openKeyBytes(envelope: never, key: never, options: never): unknown
  openKey(envelope: never, key: never, options: never): unknown
  inspect(envelope: never): unknown
}

/** The case-vector adapter for the library (src/, WebCrypto); `rest` adds the members one version has alone. */
export function libraryAdapter(ks: Library, rest: Pick<Adapter, 'toJSON' | 'fromJSON' | 'toBytes' | 'fromBytes'> & Partial<Adapter>): Adapter {
  return {
    name: 'src',
    createPolicy: (s: unknown) => {
      // Vectors name Argon2id settings without the implementation (v1 §17.2: "Argon2id enabled").
      const o = s as Record<string, unknown> | undefined
      const a = o && typeof o === 'object' && o['argon2id'] && typeof o['argon2id'] === 'object' ? { ...(o['argon2id'] as object), implementation: argon2id } : undefined
      return ks.createPolicy((a ? { ...o, argon2id: a } : o) as never)
    },
    importKey: (m: never, o: never) => ks.importKey(m, o),
    deriveKey: (p: never, o: never, random?: Uint8Array) => withRandom(random, undefined, () => ks.deriveKey(p, o)),
    createKeyring: (e: never) => ks.createKeyring(e),
    seal: (s: never, k: never, o: never, random?: Uint8Array, eph?: Uint8Array[]) => withRandom(random, eph, () => ks.sealKey(s, k, o)),
    openBytes: (e: never, k: never, o: never) => ks.openKeyBytes(e, k, o),
    openString: (e: never, k: never, o: never) => ks.openKey(e, k, o),
    inspect: (e: never) => ks.inspect(e),
    ...rest,
  }
}

/** Runs `script --check` (the files are what it makes) and compares each file's SHA-256 with the pinned list, which names exactly these files. */
export function expectGeneratedAndPinned(script: string, files: readonly string[], pinnedFile: string): void {
  const pinned: Record<string, string> = JSON.parse(readFileSync(`${root}vectors/${pinnedFile}`, 'utf8'))
  execFileSync(process.execPath, [`${root}scripts/${script}`, '--check'], { stdio: 'pipe' })
  for (const f of files) expect(createHash('sha256').update(readFileSync(`${root}vectors/${f}`)).digest('hex'), f).toBe(pinned[f])
  expect(Object.keys(pinned).sort()).toEqual([...files].sort())
}

/** Every case has an id unique across the sets, a rule and exactly one expectation; returns the ids. */
export function expectWellFormedCases(sets: readonly VectorSet[]): Set<string> {
  const ids = new Set<string>()
  for (const s of sets) {
    for (const c of s.cases) {
      expect(ids.has(c.id), c.id).toBe(false)
      ids.add(c.id)
      expect(typeof c.rule === 'string' && c.rule.length > 0, c.id).toBe(true)
      expect(Object.keys(c.expect).length, c.id).toBe(1)
    }
  }
  return ids
}

/**
 * One describe per file, and per case two tests: the reference and the library each give exactly
 * the expected result. A case in `pending` (id -> reason) runs for the library with `it.fails`: it
 * turns red the day the library meets it.
 */
export function caseTests(sets: readonly VectorSet[], reference: Adapter, library: Adapter, pending: Record<string, string> = {}): void {
  for (const s of sets) {
    const name = s.file.split('/').at(-1)!
    describe(name, () => {
      for (const c of s.cases) {
        it(`${c.id}: the reference`, async () => {
          const r = await runCase(reference, s.doc, c)
          expect(r.got).toEqual(c.expect)
        })
        const check = async () => {
          const r = await runCase(library, s.doc, c)
          expect(r.got).toEqual(c.expect)
        }
        if (Object.hasOwn(pending, c.id)) it.fails(`${c.id}: the library (pending: ${pending[c.id]})`, check)
        else it(`${c.id}: the library`, check, 30_000)
      }
    })
  }
}
