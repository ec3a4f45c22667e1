// What the case-vector tests of v1 and v2 share (test/spec-vectors.test.ts, test/v2-spec-vectors.test.ts):
// the injected randomness and the library's adapter (from ./library-adapter.mjs, which the runtime
// matrix runs too), the pinned-and-generated check of the files and
// the per-case tests (the reference and the library, each case against its expectation).
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { argon2id } from '../../src/argon2id.js'
import { baseAdapter, withRandom as sharedWithRandom } from './library-adapter.mjs'
import { runCase, type Adapter, type VectorSet } from './runner.mjs'

export const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Feed crypto.getRandomValues from `random` and ECDH key generation from `ephemeral` while `f`
 * runs: the same injection the runtime matrix uses (test/spec/library-adapter.mjs).
 */
export const withRandom: <T>(random: Uint8Array | undefined, ephemeral: Uint8Array[] | undefined, f: () => Promise<T>) => Promise<T> = sharedWithRandom

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
  return { ...baseAdapter(ks, argon2id, 'src'), ...rest }
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
