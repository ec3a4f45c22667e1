// Generates vectors/envelopes-v1.json ONCE. The file is frozen afterwards: this script refuses to
// overwrite it (format v1 vectors never change; add a new file for new cases).
// Envelopes are sealed by the built library (dist/) with real random salts and nonces; the
// intermediate values (passphrase bytes, M, K, C) come from the independent node:crypto reference
// (test/reference/reference.mjs), which must reproduce every envelope byte for byte.
import { existsSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as ks from '../dist/index.js'
import * as ref from '../test/reference/reference.mjs'

const out = fileURLToPath(new URL('../vectors/envelopes-v1.json', import.meta.url))
if (existsSync(out) && !process.argv.includes('--print')) {
  console.error('vectors/envelopes-v1.json exists and is frozen; refusing to overwrite it')
  process.exit(1)
}

const policies = {
  test: { pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 10000000 } },
  default: { pbkdf2: { iterations: 600000, minIterations: 600000, openMinIterations: 100000, maxIterations: 10000000 } },
}
const pol = (name) => ks.createPolicy(policies[name])
const hex = (b) => Buffer.from(b).toString('hex')
const RAW_KEY = 'ksk1.' + Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex').toString('base64url')
const RAW_KEY_2 = 'ksk1.' + Buffer.alloc(32, 0x5a).toString('base64url')

// key descriptors: { type: 'passphrase', value } | { type: 'passphrase-hex', value } | { type: 'raw', value }
const keyArg = (k) => (k.type === 'passphrase' ? k.value : k.type === 'passphrase-hex' ? Buffer.from(k.value, 'hex') : null)
const refKey = (k) => (k.type === 'raw' ? { raw: Buffer.from(k.value.slice(5), 'base64url') } : { passphrase: keyArg(k) })
const ctxArg = (c) => (c === null ? undefined : c.type === 'utf8' ? c.value : new Uint8Array(Buffer.from(c.value, 'hex')))
const secretArg = (s) => (s.type === 'utf8' ? s.value : new Uint8Array(Buffer.from(s.value, 'hex')))

const positive = []
async function add(id, description, { key, policy = 'test', context = null, secret, keyId, derived }) {
  const opts = { policy: pol(policy) }
  if (context !== null) opts.context = ctxArg(context)
  if (keyId !== undefined) opts.keyId = keyId
  let sealer
  if (key.type === 'raw') sealer = await ks.importKey(key.value)
  else if (derived) sealer = derived
  else sealer = keyArg(key)
  const envelope = await ks.sealKey(secretArg(secret), sealer, opts)
  const e = ref.parseString(envelope)
  const M = ref.masterKey(e.params, refKey(key), e.salt)
  const { K, C } = ref.schedule(M, e.salt)
  const again = ref.sealWith({ params: e.params, key: refKey(key), salt: e.salt, nonce: e.nonce, keyId: e.keyId, context: ctxArg(context), secret: Buffer.from(secretArg(secret)) })
  if (again !== envelope) throw new Error(`reference does not reproduce ${id}`)
  const intermediate = { salt: hex(e.salt), nonce: hex(e.nonce), master: hex(M), aesKey: hex(K), commitment: hex(C) }
  if (key.type !== 'raw') intermediate.passphraseBytes = hex(ref.passphraseBytes(keyArg(key)))
  positive.push({ id, description, key, policy, context, secret, ...(keyId ? { keyId } : {}), envelope, intermediate })
  return envelope
}

const u = (value) => ({ type: 'utf8', value })
const h = (value) => ({ type: 'hex', value })
const pp = (value) => ({ type: 'passphrase', value })

await add('pbkdf2-basic', 'passphrase, string context, API-key secret', { key: pp('correct horse battery staple'), context: u('user:42/openai'), secret: u('sk-proj-7Hq2kLw9XvB3nR8tY1mZ4pQ6sD0fG5jK') })
await add('pbkdf2-default-policy', 'passphrase at the default policy (600,000 iterations)', { key: pp('correct horse battery staple'), policy: 'default', context: u('user:42/openai'), secret: u('sk-ant-api03-abcdefghijklmnop') })
await add('pbkdf2-no-context', 'passphrase, no context (empty AAD suffix)', { key: pp('hunter2 hunter2'), secret: u('AIzaSyA-1234567890abcdefghijklmnopqrs') })
await add('pbkdf2-bytes-context', 'passphrase, byte context', { key: pp('hunter2 hunter2'), context: h('00ff10203040'), secret: u('gsk_live_0123456789') })
await add('pbkdf2-nfc', 'passphrase given in NFD is normalized to NFC (spec §7)', { key: pp('cafe\u0301 cre\u0300me bru\u0302le\u0301e'), context: u('user:7/mistral'), secret: u('mistral-key-xyz') })
await add('pbkdf2-unicode-secret', 'non-ASCII secret and context, astral characters', { key: pp('pässwörd 🔑 ключ'), context: u('tenant:ü/🔐'), secret: u('секрет-🔑-密钥') })
await add('pbkdf2-bytes-passphrase', 'byte passphrase used as given', { key: { type: 'passphrase-hex', value: '00fffe0102037f80' }, context: u('device:abc'), secret: h('0001020304050607') })
await add('pbkdf2-keyid', 'passphrase with a key id in the header', { key: pp('rotate me please'), keyId: 'user-42-2026', context: u('user:42/openai'), secret: u('sk-proj-with-kid') })
const dk = await ks.deriveKey('derived once per session', { policy: pol('test') })
await add('derived-1', 'derived key (deriveKey): first of two envelopes sharing salt and commitment', { key: pp('derived once per session'), derived: dk, context: u('user:9/openai'), secret: u('sk-proj-derived-one') })
await add('derived-2', 'derived key (deriveKey): second envelope, same salt, different nonce', { key: pp('derived once per session'), derived: dk, context: u('user:9/anthropic'), secret: u('sk-ant-derived-two') })
await add('raw-basic', 'raw 256-bit key (bytes 00..1f)', { key: { type: 'raw', value: RAW_KEY }, context: u('user:42/openai'), secret: u('sk-proj-raw-key-secret') })
await add('raw-keyid', 'raw key with key id', { key: { type: 'raw', value: RAW_KEY }, keyId: 'prod-2026-11', context: u('user:42/groq'), secret: u('gsk_raw_with_kid') })
await add('raw-no-context', 'raw key, no context, 1-byte secret', { key: { type: 'raw', value: RAW_KEY_2 }, secret: u('x') })
await add('raw-long-secret', 'raw key, 1000-byte secret', { key: { type: 'raw', value: RAW_KEY_2 }, context: u('svc:batch'), secret: h('ab'.repeat(1000)) })

// Negative vectors: each one defect, with the code the spec requires.
const negative = []
const base = positive[0]
const baseEnv = ref.parseString(base.envelope)
const rawEnv = ref.parseString(positive.find((p) => p.id === 'raw-basic').envelope)
const restring = (header, body) => 'ks1.' + ref.b64e(header) + '.' + ref.b64e(body)
const neg = (id, description, envelope, code, over = {}) =>
  negative.push({ id, description, envelope, key: over.key ?? base.key, policy: over.policy ?? 'test', context: 'context' in over ? over.context : base.context, code })
const flip = (b, i) => {
  const c = Buffer.from(b)
  c[i] ^= 1
  return c
}
const hdr = (over) => ref.encodeHeader({ params: baseEnv.params, salt: baseEnv.salt, keyId: baseEnv.keyId, nonce: baseEnv.nonce, commitment: baseEnv.commitment, ...over })

neg('wrong-passphrase', 'wrong passphrase', base.envelope, 'AUTH_FAILED', { key: pp('correct horse battery stapler') })
neg('wrong-context', 'wrong context', base.envelope, 'AUTH_FAILED', { context: u('user:43/openai') })
neg('missing-context', 'context omitted on open', base.envelope, 'AUTH_FAILED', { context: null })
neg('tampered-ciphertext', 'one ciphertext bit flipped', restring(baseEnv.headerBytes, flip(baseEnv.body, 0)), 'AUTH_FAILED')
neg('tampered-tag', 'one tag bit flipped', restring(baseEnv.headerBytes, flip(baseEnv.body, baseEnv.body.length - 1)), 'AUTH_FAILED')
neg('tampered-nonce', 'one nonce bit flipped (authenticated as AAD)', restring(hdr({ nonce: flip(baseEnv.nonce, 3) }), baseEnv.body), 'AUTH_FAILED')
neg('tampered-commitment', 'one commitment bit flipped', restring(hdr({ commitment: flip(baseEnv.commitment, 31) }), baseEnv.body), 'AUTH_FAILED')
neg('tampered-salt', 'one salt bit flipped', restring(hdr({ salt: flip(baseEnv.salt, 0) }), baseEnv.body), 'AUTH_FAILED')
neg('tampered-iterations', 'iterations changed from 1000 to 1001', restring(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 1001 } }), baseEnv.body), 'AUTH_FAILED')
neg('added-keyid', 'a key id inserted into the header', restring(hdr({ keyId: 'evil' }), baseEnv.body), 'AUTH_FAILED')
neg('iterations-below-policy', 'iterations 999 below the test policy floor', restring(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 999 } }), baseEnv.body), 'PARAMS_OUT_OF_POLICY')
neg('iterations-bomb', 'iterations 2^31, refused before any KDF work', restring(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 2 ** 31 } }), baseEnv.body), 'PARAMS_OUT_OF_POLICY')
neg('iterations-zero', 'iterations 0', restring(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 0 } }), baseEnv.body), 'MALFORMED_ENVELOPE')
neg('default-policy-floor', 'test-policy envelope (1000 iterations) opened under the default policy', base.envelope, 'PARAMS_OUT_OF_POLICY', { policy: 'default' })
neg('raw-key-on-passphrase-envelope', 'raw key given for a PBKDF2 envelope', base.envelope, 'KEY_MISMATCH', { key: { type: 'raw', value: RAW_KEY } })
neg('passphrase-on-raw-envelope', 'passphrase given for a raw-key envelope', positive.find((p) => p.id === 'raw-basic').envelope, 'KEY_MISMATCH', { key: pp('correct horse battery staple'), context: u('user:42/openai') })
neg('wrong-raw-key', 'another raw key', positive.find((p) => p.id === 'raw-basic').envelope, 'AUTH_FAILED', { key: { type: 'raw', value: RAW_KEY_2 }, context: u('user:42/openai') })
neg('raw-tampered-salt', 'raw envelope, salt changed: another subkey, commitment mismatch', restring(ref.encodeHeader({ ...rawEnv, salt: flip(rawEnv.salt, 5) }), rawEnv.body), 'AUTH_FAILED', { key: { type: 'raw', value: RAW_KEY }, context: u('user:42/openai') })
neg('version-2-prefix', 'ks2 prefix', 'ks2.' + base.envelope.slice(4), 'UNSUPPORTED_VERSION')
neg('version-byte-2', 'binary version byte 2 under a ks1 prefix', restring(Buffer.concat([Buffer.from([2]), baseEnv.headerBytes.subarray(1)]), baseEnv.body), 'MALFORMED_ENVELOPE')
neg('unknown-kdf', 'KDF id 0x07', restring(Buffer.concat([Buffer.from([1, 7]), baseEnv.headerBytes.subarray(2)]), baseEnv.body), 'UNSUPPORTED_KDF')
neg('padded-base64url', 'base64url with = padding', base.envelope + '=', 'MALFORMED_ENVELOPE')
neg('extra-field', 'a third field', base.envelope + '.AAAA', 'MALFORMED_ENVELOPE')
neg('missing-field', 'only the header field', base.envelope.slice(0, base.envelope.lastIndexOf('.')), 'MALFORMED_ENVELOPE')
neg('truncated-tag', 'body of 16 bytes: empty secret plus tag', restring(baseEnv.headerBytes, baseEnv.body.subarray(baseEnv.body.length - 16)), 'MALFORMED_ENVELOPE')
neg('short-salt', 'salt of 15 bytes', restring(hdr({ salt: baseEnv.salt.subarray(0, 15) }), baseEnv.body), 'MALFORMED_ENVELOPE')
neg('plaintext-api-key', 'an unencrypted API key in the column', 'sk-proj-7Hq2kLw9XvB3nR8tY1mZ4pQ6sD0fG5jK', 'MALFORMED_ENVELOPE')
neg('standard-base64', 'standard base64 alphabet (+ and /)', 'ks1.' + baseEnv.headerBytes.toString('base64').replace(/=+$/, '') + '+/.' + ref.b64e(baseEnv.body), 'MALFORMED_ENVELOPE')

const doc = {
  description: 'keyseal envelope format v1: frozen vectors (docs/format.md §16). Generated once by scripts/gen-envelope-vectors.mjs; never edited.',
  formatVersion: 1,
  generated: new Date().toISOString().slice(0, 10),
  encoding: {
    key: "{type:'passphrase', value: string} | {type:'passphrase-hex', value: hex bytes} | {type:'raw', value: 'ksk1.' string}",
    context: "null (none) | {type:'utf8'|'hex', value}",
    secret: "{type:'utf8'|'hex', value}",
    policy: 'a name in `policies`',
    intermediate: 'hex: salt, nonce, passphraseBytes (after spec §7), master M, aesKey K, commitment C (spec §5)',
  },
  policies,
  positive,
  negative,
}
const text = JSON.stringify(doc, null, 2) + '\n'
if (process.argv.includes('--print')) process.stdout.write(text)
else writeFileSync(out, text)
console.error(`${positive.length} positive, ${negative.length} negative vectors`)
