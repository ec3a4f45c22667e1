// The case-vector adapter (test/spec/runner.mjs) for the independent v2 reference,
// test/reference/v2-api.mjs. `adapter(api)` takes the module namespace, so the mutation harness can
// pass a broken copy. On a Node without node:crypto.argon2Sync (Node 20) the reference's Argon2id
// answers come from the table Node 24 recorded when the vectors were made (vectors/v2-seal.json
// `argon2idNode24`); a question the table does not hold is a crash, never a guess.
import { readFileSync } from 'node:fs'
import * as nodeCrypto from 'node:crypto'
import { caseSources } from './case-sources.mjs'

const TABLE = JSON.parse(readFileSync(new URL('../../vectors/v2-seal.json', import.meta.url), 'utf8')).argon2idNode24 ?? []

function recorded(alg, o) {
  const q = { message: Buffer.from(o.message).toString('hex'), nonce: Buffer.from(o.nonce).toString('hex'), memory: o.memory, passes: o.passes, parallelism: o.parallelism }
  const hit = TABLE.find((t) => alg === 'argon2id' && o.tagLength === 32 && t.message === q.message && t.nonce === q.nonce && t.memory === q.memory && t.passes === q.passes && t.parallelism === q.parallelism)
  if (!hit) throw new Error('Argon2id question not in the recorded Node 24 table')
  return Buffer.from(hit.tag, 'hex')
}

export function adapter(api) {
  if (typeof nodeCrypto.argon2Sync !== 'function') api.setArgon2(recorded)
  const withRandom = caseSources(api, true)
  return {
    name: 'reference-v2',
    createPolicy: (s) => api.createPolicy(s),
    importKey: (m, o) => api.importKey(m, o),
    importPublicKey: (m, o) => api.importPublicKey(m, o),
    deriveKey: (p, o, random) => withRandom(random, undefined, () => api.deriveKey(p, o)),
    createKeyring: (e) => api.createKeyring(e),
    seal: (s, k, o, random, eph) => withRandom(random, eph, () => api.seal(s, k, o)),
    rotate: (e, o, random, eph) => withRandom(random, eph, () => api.rotate(e, o)),
    openBytes: (e, k, o) => api.openBytes(e, k, o),
    openString: (e, k, o) => api.openString(e, k, o),
    inspect: (e) => api.inspect(e),
  }
}
