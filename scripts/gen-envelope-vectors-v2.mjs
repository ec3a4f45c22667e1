#!/usr/bin/env node
// Generates vectors/envelopes-v2.json ONCE, from the independent node:crypto reference of
// docs/format-v2.md (test/reference/v2.mjs), with fixed inputs for everything the format leaves
// random. The file is then frozen (its SHA-256 is pinned in test/v2-vectors.test.ts): never
// regenerate it for format v2. keyseal must open every positive vector, reproduce its envelope
// from the same inputs, and refuse every negative vector with its code.
//
//   node scripts/gen-envelope-vectors-v2.mjs --write   (refuses to overwrite an existing file)
import { createHash } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import * as ref from '../test/reference/v2.mjs'
import { b64d, b64e } from '../test/reference/reference.mjs'

const outArg = process.argv.indexOf('--out')
const OUT = outArg > 0 ? new URL('file://' + process.argv[outArg + 1]) : new URL('../vectors/envelopes-v2.json', import.meta.url)
const h = (label, n) => createHash('sha256').update('keyseal v2 vectors: ' + label).digest().subarray(0, n)
const hex = (b) => Buffer.from(b).toString('hex')

// Fixed keys. The server scalars are SHA-256 outputs (below the group order n, checked by import).
const serverSk = h('server key 1', 32)
const server2Sk = h('server key 2', 32)
const serverPk = ref.publicOf(serverSk)
const server2Pk = ref.publicOf(server2Sk)
const rawKey = h('raw key', 32)
const kssk = (sk, pk) => 'kssk1.' + b64e(Buffer.concat([sk, pk]))
const kspk = (pk) => 'kspk1.' + b64e(pk)
const ksk = (raw) => 'ksk1.' + b64e(raw)
const PBKDF2 = { kdf: 'pbkdf2-sha256', iterations: 1000 }

/** The random bytes keyseal draws when sealing, in its order: fk, salt, then per symmetric stanza salt, nonce. */
function randomStream(c) {
  return [c.fk, c.salt, ...c.recipients.filter((r) => !('publicKey' in r)).flatMap((r) => [r.salt, r.nonce])].map(hex)
}

function recipientJson(r) {
  if ('publicKey' in r) return { type: 'p256', publicKey: kspk(r.publicKey), ephemeral: hex(r.ephemeral), ...(r.keyId ? { keyId: r.keyId } : {}) }
  if ('raw' in r) return { type: 'raw', key: ksk(r.raw), salt: hex(r.salt), nonce: hex(r.nonce), ...(r.keyId ? { keyId: r.keyId } : {}) }
  return { type: 'passphrase', passphrase: r.passphrase, params: r.params, salt: hex(r.salt), nonce: hex(r.nonce) }
}

const cases = [
  {
    id: 'workflow-passphrase-and-server',
    description: 'the browser half of the workflow: the user passphrase and the server public key (key id), a label, a context',
    secret: 'sk-proj-3f9c0a1b2d4e6f8091a2b3c4d5e6f70819aabbccddeeff00', context: 'user:42/openai', label: 'openai · sk-…ff00',
    fk: h('fk 1', 32), salt: h('salt 1', 16),
    recipients: [
      { passphrase: 'correct horse battery staple', params: PBKDF2, salt: h('stanza salt 1a', 16), nonce: h('stanza nonce 1a', 12) },
      { publicKey: serverPk, ephemeral: h('ephemeral 1b', 32), keyId: 'server-2026' },
    ],
    open: [{ type: 'passphrase', value: 'correct horse battery staple' }, { type: 'private', value: kssk(serverSk, serverPk), keyId: 'server-2026' }],
  },
  {
    id: 'raw-key-only',
    description: 'one raw-key stanza with a key id; no label, no context',
    secret: 'sk-ant-api03-example', fk: h('fk 2', 32), salt: h('salt 2', 16),
    recipients: [{ raw: rawKey, salt: h('stanza salt 2a', 16), nonce: h('stanza nonce 2a', 12), keyId: 'backup-1' }],
    open: [{ type: 'raw', value: ksk(rawKey), keyId: 'backup-1' }],
  },
  {
    id: 'three-recipients',
    description: 'raw key, passphrase (non-ASCII, NFC) and a public key without key id; bytes secret; bytes context',
    secretHex: '00ff10203040506070', contextHex: '0102030405', label: 'Schlüssel ✓',
    fk: h('fk 3', 32), salt: h('salt 3', 16),
    recipients: [
      { raw: rawKey, salt: h('stanza salt 3a', 16), nonce: h('stanza nonce 3a', 12) },
      { passphrase: 'pässwörd ünïcode', params: PBKDF2, salt: h('stanza salt 3b', 16), nonce: h('stanza nonce 3b', 12) },
      { publicKey: server2Pk, ephemeral: h('ephemeral 3c', 32) },
    ],
    open: [{ type: 'raw', value: ksk(rawKey) }, { type: 'passphrase', value: 'pässwörd ünïcode' }, { type: 'private', value: kssk(server2Sk, server2Pk) }],
  },
  {
    id: 'two-servers',
    description: 'two public-key recipients; the second server opens by trial (no key ids)',
    secret: 'sk-two', context: 'org:7/mistral', fk: h('fk 4', 32), salt: h('salt 4', 16),
    recipients: [{ publicKey: serverPk, ephemeral: h('ephemeral 4a', 32) }, { publicKey: server2Pk, ephemeral: h('ephemeral 4b', 32) }],
    open: [{ type: 'private', value: kssk(serverSk, serverPk) }, { type: 'private', value: kssk(server2Sk, server2Pk) }],
  },
]

const positive = cases.map((c) => {
  const secret = c.secretHex ? Buffer.from(c.secretHex, 'hex') : Buffer.from(c.secret, 'utf8')
  const context = c.contextHex ? Buffer.from(c.contextHex, 'hex') : c.context
  const { envelope, intermediates } = ref.seal({ secret, context, label: c.label, fk: c.fk, salt: c.salt, recipients: c.recipients })
  for (const k of c.open) {
    const key = k.type === 'passphrase' ? { passphrase: k.value } : k.type === 'raw' ? { raw: b64d(k.value.slice(5)) } : { privateKey: b64d(k.value.slice(6)).subarray(0, 32), publicKey: b64d(k.value.slice(6)).subarray(32) }
    if (!ref.open(envelope, key, context).secret.equals(secret)) throw new Error(`${c.id}: the reference does not open its own vector`)
  }
  return {
    id: c.id, description: c.description,
    secret: c.secretHex ? { type: 'hex', value: c.secretHex } : { type: 'utf8', value: c.secret },
    context: c.contextHex ? { type: 'hex', value: c.contextHex } : c.context === undefined ? null : { type: 'utf8', value: c.context },
    label: c.label ?? null,
    fileKey: hex(c.fk), salt: hex(c.salt),
    recipients: c.recipients.map(recipientJson),
    random: randomStream(c),
    open: c.open,
    intermediate: intermediates,
    envelope,
  }
})

// ---- negatives: each built from a positive vector, with the spec section that refuses it ---------
const base = positive[0]
const parsed = ref.parse(base.envelope)
const fk0 = Buffer.from(base.fileKey, 'hex')
const [, head0, pay0] = base.envelope.split('.')
const headB = b64d(head0)
const withHeader = (b) => `ks2.${b64e(b)}.${pay0}`
const reMac = (core, stanzas, payload = parsed.payload, context = 'user:42/openai') => ref.assemble({ core, stanzas, payload, fk: fk0, context, salt: parsed.salt })
const st = parsed.stanzas.map((s) => s.bytes)
const pw = { type: 'passphrase', value: 'correct horse battery staple' }
const srv = { type: 'private', value: kssk(serverSk, serverPk), keyId: 'server-2026' }
const flip = (b, i) => {
  const c = Buffer.from(b)
  c[i] ^= 1
  return c
}
const hpkeWithEnc = (enc) => {
  const s = Buffer.from(st[1])
  const k = s[3]
  enc.copy(s, 3 + 1 + k)
  return s
}
const unknownStanza = Buffer.from([0x7f, 0, 3, 1, 2, 3])
const negative = [
  { id: 'ks3-prefix', spec: '§15 UNSUPPORTED_VERSION', envelope: 'ks3.' + base.envelope.slice(4), key: pw, code: 'UNSUPPORTED_VERSION' },
  { id: 'header-version-1', spec: '§12', envelope: withHeader(Buffer.concat([Buffer.from([1]), headB.subarray(1)])), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'label-129', spec: '§13', envelope: reMac(Buffer.concat([parsed.core.subarray(0, 17), Buffer.from([129]), Buffer.alloc(129, 0x61)]), st), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'label-control', spec: '§8, §13', envelope: reMac(Buffer.concat([parsed.core.subarray(0, 17), Buffer.from([3, 0x61, 0x0a, 0x62])]), st), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'label-not-utf8', spec: '§8, §13', envelope: reMac(Buffer.concat([parsed.core.subarray(0, 17), Buffer.from([2, 0xc3, 0x28])]), st), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'count-0', spec: '§13', envelope: withHeader(Buffer.concat([parsed.core, Buffer.from([0]), parsed.mac])), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'count-17', spec: '§13', envelope: reMac(parsed.core, Array.from({ length: 17 }, () => unknownStanza)), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'kind-0', spec: '§5', envelope: reMac(parsed.core, [st[0], Buffer.from([0, 0, 0])]), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'unknown-kind-too-long', spec: '§5', envelope: reMac(parsed.core, [st[0], Buffer.concat([Buffer.from([0x7f, 0x04, 0x01]), Buffer.alloc(1025)])]), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'hpke-enc-off-curve', spec: '§10, §13', envelope: reMac(parsed.core, [st[0], hpkeWithEnc(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 1)]))]), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'hpke-body-too-short', spec: '§5.2', envelope: reMac(parsed.core, [st[0], Buffer.concat([Buffer.from([2, 0, st[1].length - 3 - 32]), st[1].subarray(3, st[1].length - 32)])]), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'symmetric-stanza-short-body', spec: '§5.1', envelope: reMac(parsed.core, [Buffer.concat([Buffer.from([1, 0, st[0].length - 4]), st[0].subarray(3, st[0].length - 1)]), st[1]]), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'trailing-header-byte', spec: '§13', envelope: withHeader(Buffer.concat([headB, Buffer.from([0])])), key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'payload-16-bytes', spec: '§13', envelope: `ks2.${head0}.${b64e(Buffer.alloc(16))}`, key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'padded-base64url', spec: '§12', envelope: base.envelope + '=', key: pw, code: 'MALFORMED_ENVELOPE' },
  { id: 'mac-flipped', spec: '§7', envelope: withHeader(flip(headB, headB.length - 1)), key: srv, code: 'AUTH_FAILED' },
  { id: 'wrong-context', spec: '§6, §7', envelope: base.envelope, context: { type: 'utf8', value: 'user:43/openai' }, key: srv, code: 'AUTH_FAILED' },
  { id: 'wrong-passphrase', spec: '§9 step 5', envelope: base.envelope, key: { type: 'passphrase', value: 'wrong horse battery staple' }, code: 'AUTH_FAILED' },
  { id: 'stanzas-reordered', spec: '§7', envelope: withHeader(Buffer.concat([parsed.core, Buffer.from([2]), st[1], st[0], parsed.mac])), key: srv, code: 'AUTH_FAILED' },
  { id: 'stanza-removed', spec: '§7', envelope: withHeader(Buffer.concat([parsed.core, Buffer.from([1]), st[1], parsed.mac])), key: srv, code: 'AUTH_FAILED' },
  { id: 'payload-replaced-remac', spec: '§11 (insider: same stanzas, new payload, MAC recomputed)', envelope: reMac(parsed.core, st, Buffer.from(ref.parse(positive[3].envelope).payload)), key: pw, code: 'AUTH_FAILED' },
  { id: 'raw-key-no-raw-stanza', spec: '§9 step 2', envelope: base.envelope, key: { type: 'raw', value: ksk(rawKey) }, code: 'KEY_MISMATCH' },
  { id: 'private-key-other-id', spec: '§9 step 2', envelope: base.envelope, key: { type: 'private', value: kssk(serverSk, serverPk), keyId: 'server-2027' }, code: 'KEY_MISMATCH' },
  { id: 'only-unknown-for-this-key', spec: '§9 step 2', envelope: reMac(parsed.core, [st[0], unknownStanza]), key: srv, code: 'UNSUPPORTED_RECIPIENT' },
  { id: 'public-key-opens', spec: '§15 KEY_USAGE', envelope: base.envelope, key: { type: 'public', value: kspk(serverPk) }, code: 'KEY_USAGE' },
  { id: 'iterations-below-policy', spec: '§9 step 3', envelope: base.envelope, key: { type: 'passphrase', value: 'wrong horse battery staple' }, policy: 'default', code: 'PARAMS_OUT_OF_POLICY' },
  // Precedence: wrong in two ways; the earlier check wins.
  { id: 'precedence-malformed-over-key-mismatch', spec: '§9 step 1 before step 2', envelope: withHeader(Buffer.concat([headB, Buffer.from([0])])), key: { type: 'raw', value: ksk(rawKey) }, code: 'MALFORMED_ENVELOPE' },
  { id: 'precedence-key-mismatch-over-auth', spec: '§9 step 2 before step 6', envelope: withHeader(flip(headB, headB.length - 1)), key: { type: 'raw', value: ksk(rawKey) }, code: 'KEY_MISMATCH' },
  { id: 'precedence-policy-over-auth', spec: '§9 step 3 before step 5', envelope: withHeader(flip(headB, headB.length - 1)), key: pw, policy: 'default', code: 'PARAMS_OUT_OF_POLICY' },
  { id: 'precedence-invalid-key-over-malformed', spec: '§9 step 0', envelope: 'ks2.x', key: { type: 'passphrase', value: '' }, code: 'INVALID_KEY' },
]
for (const n of negative) n.context ??= { type: 'utf8', value: 'user:42/openai' }
for (const n of negative) n.policy ??= 'test'

const doc = {
  description: 'keyseal envelope format v2: frozen vectors (docs/format-v2.md §16). Generated once by scripts/gen-envelope-vectors-v2.mjs from the node:crypto reference (test/reference/v2.mjs); never edited.',
  formatVersion: 2,
  generated: new Date().toISOString().slice(0, 10),
  encoding: {
    keys: "open[].type: 'passphrase' (value: string) | 'raw' (value: 'ksk1.' string) | 'private' (value: 'kssk1.' string) | 'public' ('kspk1.'); keyId: the key object's id",
    recipients: "as sealed: 'passphrase' (params, stanza salt, nonce) | 'raw' | 'p256' (public key, the 32-byte ephemeral scalar, hex)",
    random: 'hex, the bytes keyseal draws from the CSPRNG when sealing, in order: file key, envelope salt, then per symmetric stanza its salt and nonce (HPKE ephemeral keys are generated by WebCrypto: see recipients[].ephemeral)',
    intermediate: 'hex: T (transcript hash), payloadKey, macKey, mac, and per stanza its commitment (v1 commitment or HPKE export)',
    policy: "a name in `policies`",
  },
  policies: {
    test: { pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } },
    default: {},
  },
  positive,
  negative,
}
if (!process.argv.includes('--write')) {
  console.log(JSON.stringify(doc, null, 2).slice(0, 2000))
} else {
  if (existsSync(OUT)) throw new Error('vectors/envelopes-v2.json exists and is frozen')
  writeFileSync(OUT, JSON.stringify(doc, null, 2) + '\n')
  console.log('wrote', OUT.pathname)
}
