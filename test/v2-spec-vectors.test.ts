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
import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as ks from '../src/v2/index'
import { argon2idTsSync } from '../src/kdf/argon2id.js'
import * as api from './reference/v2-api.mjs'
import { adapter as referenceAdapter } from './spec/reference-adapter-v2.mjs'
import { loadSets } from './spec/runner.mjs'
import { caseTests, expectGeneratedAndPinned, expectWellFormedCases, libraryAdapter, root, withRandom } from './spec/vector-suite.js'

const FILES = ['v2-seal.json', 'v2-open-rules.json', 'v2-keyring.json', 'v2-recipients.json', 'v2-points.json', 'v2-extra.json']
const sets = loadSets(FILES.map((f) => ({ file: `${root}vectors/${f}` })))

const library = libraryAdapter(ks, {
  importPublicKey: (m: never, o: never) => ks.importPublicKey(m, o),
  rotate: (e: never, o: never, random?: Uint8Array, eph?: Uint8Array[]) => withRandom(random, eph, () => ks.rotateRecipient(e, o)),
  toJSON: () => Promise.reject(new Error('not in v2')),
  fromJSON: () => Promise.reject(new Error('not in v2')),
  toBytes: () => Promise.reject(new Error('not in v2')),
  fromBytes: () => Promise.reject(new Error('not in v2')),
})
const reference = referenceAdapter(api)

afterEach(() => vi.restoreAllMocks())

describe('v2 case vectors', () => {
  it('the files are exactly what scripts/gen-spec-vectors-v2.mjs makes, and pinned (frozen)', () => {
    expectGeneratedAndPinned('gen-spec-vectors-v2.mjs', FILES, 'v2-cases.sha256.json')
  }, 120_000)

  it('every case has a unique id, a rule and exactly one expectation; the Wycheproof cases are all there', () => {
    const ids = expectWellFormedCases(sets)
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

  caseTests(sets, reference, library)
})
