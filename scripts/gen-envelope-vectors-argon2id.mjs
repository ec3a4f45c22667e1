// Generates vectors/envelopes-v1-argon2id.json ONCE (Argon2id, KDF id 0x03, joined format v1 after
// the first vector file was frozen; that file never changes). Refuses to overwrite.
// Must run under Node 24+ (node:crypto.argon2Sync gives the independent reference for M):
//   test/runtimes/node-versions/node_modules/node24/bin/node scripts/gen-envelope-vectors-argon2id.mjs
import { existsSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as ks from '../dist/index.js'
import { argon2id } from '../dist/argon2id.js'
import * as ref from '../test/reference/reference.mjs'

const out = fileURLToPath(new URL('../vectors/envelopes-v1-argon2id.json', import.meta.url))
if (existsSync(out) && !process.argv.includes('--print')) {
  console.error('vectors/envelopes-v1-argon2id.json exists and is frozen; refusing to overwrite it')
  process.exit(1)
}
const argon = (o) => ({ memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8, openMinPasses: 1, maxMemoryKiB: 65536, maxPasses: 10, maxLanes: 4, ...o })
const pb = { iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 10000000 }
const policies = {
  'argon2id-test': { kdf: 'argon2id', pbkdf2: pb, argon2id: argon({}) },
  'argon2id-lanes': { kdf: 'argon2id', pbkdf2: pb, argon2id: argon({ memoryKiB: 256, passes: 3, lanes: 4 }) },
  'argon2id-owasp': { kdf: 'argon2id', pbkdf2: { iterations: 600000, minIterations: 600000, openMinIterations: 100000, maxIterations: 10000000 }, argon2id: argon({ memoryKiB: 19456, passes: 2, lanes: 1, minMemoryKiB: 19456, minPasses: 2, openMinMemoryKiB: 4096 }) },
  'argon2id-strict': { kdf: 'argon2id', pbkdf2: pb, argon2id: argon({ memoryKiB: 1024, minMemoryKiB: 1024, openMinMemoryKiB: 1024 }) },
  'pbkdf2-only': { kdf: 'pbkdf2-sha256', pbkdf2: pb },
}
const pol = (name) => {
  const p = policies[name]
  return ks.createPolicy({ kdf: p.kdf, pbkdf2: p.pbkdf2, ...(p.argon2id ? { argon2id: { ...p.argon2id, implementation: argon2id } } : {}) })
}
const hex = (b) => Buffer.from(b).toString('hex')
const ctxArg = (c) => (c === null ? undefined : c.type === 'utf8' ? c.value : new Uint8Array(Buffer.from(c.value, 'hex')))
const secretArg = (s) => (s.type === 'utf8' ? s.value : new Uint8Array(Buffer.from(s.value, 'hex')))
const u = (value) => ({ type: 'utf8', value })
const pp = (value) => ({ type: 'passphrase', value })

const positive = []
async function add(id, description, { key, policy, context = null, secret, keyId, derived }) {
  const opts = { policy: pol(policy) }
  if (context !== null) opts.context = ctxArg(context)
  if (keyId !== undefined) opts.keyId = keyId
  const envelope = await ks.sealKey(secretArg(secret), derived ?? key.value, opts)
  const e = ref.parseString(envelope)
  const M = ref.masterKey(e.params, { passphrase: key.value }, e.salt)
  const { K, C } = ref.schedule(M, e.salt)
  const again = ref.sealWith({ params: e.params, key: { passphrase: key.value }, salt: e.salt, nonce: e.nonce, keyId: e.keyId, context: ctxArg(context), secret: Buffer.from(secretArg(secret)) })
  if (again !== envelope) throw new Error(`reference does not reproduce ${id}`)
  positive.push({ id, description, key, policy, context, secret, ...(keyId ? { keyId } : {}), envelope, intermediate: { salt: hex(e.salt), nonce: hex(e.nonce), passphraseBytes: hex(ref.passphraseBytes(key.value)), master: hex(M), aesKey: hex(K), commitment: hex(C) } })
  return envelope
}

await add('argon2id-basic', 'Argon2id m=64 KiB t=1 p=1, string context', { key: pp('correct horse battery staple'), policy: 'argon2id-test', context: u('user:42/openai'), secret: u('sk-proj-argon2id-0123456789') })
await add('argon2id-lanes', 'Argon2id m=256 KiB t=3 p=4 (four lanes), key id', { key: pp('pässwörd 🔑'), policy: 'argon2id-lanes', keyId: 'user-7', context: u('user:7/anthropic'), secret: u('sk-ant-lanes-4') })
await add('argon2id-owasp', 'Argon2id at the OWASP parameters m=19456 KiB t=2 p=1', { key: pp('correct horse battery staple'), policy: 'argon2id-owasp', context: u('user:42/openai'), secret: u('sk-proj-owasp-argon2id') })
const dk = await ks.deriveKey('derived argon2id passphrase', { policy: pol('argon2id-test') })
await add('argon2id-derived-1', 'derived Argon2id key, first envelope', { key: pp('derived argon2id passphrase'), policy: 'argon2id-test', derived: dk, context: u('a'), secret: u('sk-1') })
await add('argon2id-derived-2', 'derived Argon2id key, second envelope, same salt', { key: pp('derived argon2id passphrase'), policy: 'argon2id-test', derived: dk, context: u('b'), secret: u('sk-2') })

const negative = []
const base = positive[0]
const be = ref.parseString(base.envelope)
const restring = (header, body) => 'ks1.' + ref.b64e(header) + '.' + ref.b64e(body)
const hdr = (params) => ref.encodeHeader({ params, salt: be.salt, keyId: be.keyId, nonce: be.nonce, commitment: be.commitment })
const neg = (id, description, envelope, code, over = {}) => negative.push({ id, description, envelope, key: over.key ?? base.key, policy: over.policy ?? base.policy, context: 'context' in over ? over.context : base.context, code })
const A = (m, t, p) => ({ kdf: 'argon2id', memoryKiB: m, passes: t, lanes: p })
neg('argon2id-wrong-passphrase', 'wrong passphrase', base.envelope, 'AUTH_FAILED', { key: pp('correct horse battery stapler') })
neg('argon2id-wrong-context', 'wrong context', base.envelope, 'AUTH_FAILED', { context: u('user:43/openai') })
neg('argon2id-not-enabled', 'opened with a policy that has no Argon2id', base.envelope, 'UNSUPPORTED_KDF', { policy: 'pbkdf2-only' })
neg('argon2id-memory-bomb', 'memory 2^31 KiB: refused before any allocation', restring(hdr(A(2 ** 31, 1, 1)), be.body), 'PARAMS_OUT_OF_POLICY')
neg('argon2id-passes-bomb', 'passes 2^32-1', restring(hdr(A(64, 2 ** 32 - 1, 1)), be.body), 'PARAMS_OUT_OF_POLICY')
neg('argon2id-lanes-over-policy', 'lanes 5 > maxLanes 4', restring(hdr(A(64, 1, 5)), be.body), 'PARAMS_OUT_OF_POLICY')
neg('argon2id-memory-below-open-floor', 'memory below the opening floor', base.envelope, 'PARAMS_OUT_OF_POLICY', { policy: 'argon2id-strict' })
neg('argon2id-lanes-zero', 'lanes 0', restring(hdr(A(64, 1, 0)), be.body), 'MALFORMED_ENVELOPE')
neg('argon2id-passes-zero', 'passes 0', restring(hdr(A(64, 0, 1)), be.body), 'MALFORMED_ENVELOPE')
neg('argon2id-memory-below-8p', 'memory 31 KiB with 4 lanes (RFC 9106 needs 8p)', restring(hdr(A(31, 1, 4)), be.body), 'MALFORMED_ENVELOPE')
neg('argon2id-lanes-2^24', 'lanes 2^24 (RFC 9106 allows at most 2^24-1)', restring(hdr(A(2 ** 27, 1, 2 ** 24)), be.body), 'MALFORMED_ENVELOPE')
neg('argon2id-changed-memory', 'memory changed 64 -> 72 KiB: another M, commitment mismatch', restring(hdr(A(72, 1, 1)), be.body), 'AUTH_FAILED')

const doc = {
  description: 'keyseal envelope format v1, Argon2id (KDF id 0x03): frozen vectors (docs/format.md §16). Generated once by scripts/gen-envelope-vectors-argon2id.mjs under Node 24 (node:crypto.argon2Sync as the reference for M); never edited.',
  formatVersion: 1,
  generated: new Date().toISOString().slice(0, 10),
  encoding: { same: 'as vectors/envelopes-v1.json; policies here also carry an `argon2id` section (without the implementation, which is @org/keyseal/argon2id)' },
  policies,
  positive,
  negative,
}
const text = JSON.stringify(doc, null, 2) + '\n'
if (process.argv.includes('--print')) process.stdout.write(text)
else writeFileSync(out, text)
console.error(`${positive.length} positive, ${negative.length} negative vectors`)
