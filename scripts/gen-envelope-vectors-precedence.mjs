// Generates vectors/envelopes-v1-precedence.json ONCE (frozen afterwards, like the other vector
// files): negative vectors that are wrong in two ways at once, so that another implementation can
// check it reports the same code as keyseal, in the order docs/format.md §6 fixes (caller inputs
// first, then the envelope's form, header before body, then the policy, then the key's kind).
// Every envelope is built from the positive vectors of vectors/envelopes-v1.json by changing
// header or body bytes with the independent reference (test/reference/reference.mjs).
//   node scripts/gen-envelope-vectors-precedence.mjs [--print]
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as ref from '../test/reference/reference.mjs'

const out = fileURLToPath(new URL('../vectors/envelopes-v1-precedence.json', import.meta.url))
if (existsSync(out) && !process.argv.includes('--print')) {
  console.error('vectors/envelopes-v1-precedence.json exists and is frozen; refusing to overwrite it')
  process.exit(1)
}
const base = JSON.parse(readFileSync(new URL('../vectors/envelopes-v1.json', import.meta.url), 'utf8'))
const pos = (id) => base.positive.find((v) => v.id === id)
const pw = pos('pbkdf2-basic')
const raw = pos('raw-basic')
const [head, body] = pw.envelope.slice(4).split('.')
const headBytes = ref.b64d(head)
const h = ref.parseString(pw.envelope)
/** The pbkdf2-basic header with some fields replaced, as a base64url field (not re-validated). */
const header = (over) => ref.b64e(ref.encodeHeader({ params: h.params, salt: h.salt, keyId: h.keyId, nonce: h.nonce, commitment: h.commitment, ...over }))
/** The pbkdf2-basic header bytes with byte i set to x. */
const poke = (i, x) => {
  const b = Buffer.from(headBytes)
  b[i] = x
  return ref.b64e(b)
}
const env = (hd, bd = body) => `ks1.${hd}.${bd}`
// (The size cap before the prefix, a ks2. string over 1,398,379 characters, is not a vector here: it
// would put 1.4 MB into the file. test/bad-input.test.ts checks it.)

const negative = [
  { id: 'kdf-04-and-malformed-body', description: 'unassigned KDF id 0x04 and a body field that is not base64url: the header is parsed before the body', envelope: env(poke(1, 4), '!not-base64url!'), code: 'UNSUPPORTED_KDF' },
  { id: 'kdf-04-and-trailing-header-byte', description: 'unassigned KDF id 0x04 and a byte after the header in the first field: the KDF id is read first', envelope: env(ref.b64e(Buffer.concat([Buffer.from(ref.b64d(poke(1, 4))), Buffer.from([0])]))), code: 'UNSUPPORTED_KDF' },
  { id: 'ks1-prefix-version-byte-2-kdf-04', description: 'a ks1. string whose header claims version 2 and KDF id 0x04: in the string form the prefix names the version, so this is not a v1 header at all', envelope: env(ref.b64e(Buffer.from(ref.b64d(poke(0, 2))).fill(4, 1, 2))), code: 'MALFORMED_ENVELOPE' },
  { id: 'short-salt-and-below-policy', description: 'a 15-byte salt and 1 iteration (below the policy): the form is checked before the policy', envelope: env(header({ params: { kdf: 'pbkdf2-sha256', iterations: 1 }, salt: h.salt.subarray(0, 15) })), code: 'MALFORMED_ENVELOPE' },
  { id: 'below-policy-opened-with-raw-key', description: '10 iterations (below the policy) opened with a raw key: the policy is checked before the key kind', envelope: env(header({ params: { kdf: 'pbkdf2-sha256', iterations: 10 } })), key: raw.key, code: 'PARAMS_OUT_OF_POLICY' },
  { id: 'kdf-04-opened-with-raw-key', description: 'unassigned KDF id 0x04 opened with a raw key: the KDF id is part of the form', envelope: env(poke(1, 4)), key: raw.key, code: 'UNSUPPORTED_KDF' },
  { id: 'raw-envelope-tampered-opened-with-passphrase', description: 'a raw-key envelope with a tampered body, opened with a passphrase: the key kind is checked before any authentication', envelope: raw.envelope.slice(0, -6) + (raw.envelope.at(-6) === 'A' ? 'B' : 'A') + raw.envelope.slice(-5), key: pw.key, code: 'KEY_MISMATCH' },
  { id: 'empty-passphrase-and-garbage-envelope', description: 'an empty passphrase and an envelope that is not one: the caller inputs are checked before the envelope', envelope: 'sk-proj-not-an-envelope', key: { type: 'passphrase', value: '' }, code: 'INVALID_KEY' },
  { id: 'bad-context-bad-passphrase-garbage-envelope', description: 'a context with a lone surrogate, an empty passphrase and a garbage envelope: the context is checked before the key', envelope: 'garbage', key: { type: 'passphrase', value: '' }, context: { type: 'utf8', value: 'user:\ud800' }, code: 'INVALID_CONTEXT' },
].map(({ id, description, envelope, key = pw.key, context = pw.context, code }) => ({ id, description, envelope, key, policy: 'test', context, code }))

// Every vector must be refused by the reference with its code (policy codes are checked against
// the policy table by the test, as the reference has no policy).
for (const v of negative) {
  if (v.code === 'PARAMS_OUT_OF_POLICY') continue
  const key = v.key.type === 'raw' ? { raw: Buffer.from(v.key.value.slice(5), 'base64url') } : { passphrase: v.key.value }
  try {
    ref.open(v.envelope, key, v.context?.value)
    throw new Error(`${v.id}: the reference opened it`)
  } catch (e) {
    if (e.code !== v.code) throw new Error(`${v.id}: the reference says ${e.code ?? e.message}, expected ${v.code}`)
  }
}

const doc = {
  description:
    'keyseal envelope format v1: negative vectors wrong in two ways at once, for the order of checks of docs/format.md §6 (which error code wins). Frozen: never edited; new cases go in a new file. Fields as in envelopes-v1.json.',
  formatVersion: 1,
  generated: new Date().toISOString().slice(0, 10),
  policies: base.policies,
  negative,
}
const text = JSON.stringify(doc, null, 2) + '\n'
if (process.argv.includes('--print')) process.stdout.write(text)
else {
  writeFileSync(out, text)
  console.log(`wrote ${out} (${negative.length} negative vectors)`)
}
