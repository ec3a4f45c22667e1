// Generates the v1 case vectors (docs/format.md §22): vectors/v1-*.json. Deterministic: salts and
// nonces come from SHA-256 of the case id, so running it again gives the same bytes, and
// test/spec-vectors.test.ts checks that it does (`--check`). Every expected result is written here by
// hand from the spec, except the bytes of positive envelopes (sealed by the independent reference,
// test/reference/api.mjs); the script refuses to write a file unless the reference meets every case,
// and the test then holds src/ to the same files.
//   node scripts/gen-spec-vectors-v1.mjs           write the files
//   node scripts/gen-spec-vectors-v1.mjs --check   exit 1 unless the files on disk are what it makes
//   node scripts/gen-spec-vectors-v1.mjs --out DIR write them into DIR instead (scripts/lib/spec-vectors.mjs)
import { createCipheriv } from 'node:crypto'
import * as api from '../test/reference/api.mjs'
import * as ref from '../test/reference/reference.mjs'
import { adapter } from '../test/spec/reference-adapter.mjs'
import { data } from '../test/spec/runner.mjs'
import { caseStream, disagreements, documents, hexOf, writeOrCheck } from './lib/spec-vectors.mjs'

const GENERATED = '2026-12-07'

const rnd = caseStream('keyseal v1 case vectors')

const policies = {
  test: { pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 10000000 } },
  default: { pbkdf2: { iterations: 600000, minIterations: 600000, openMinIterations: 100000, maxIterations: 10000000 } },
  range: { pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 500, maxIterations: 2000 } },
  strict: { pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000, maxIterations: 10000000 } },
  lax: { pbkdf2: { iterations: 500, minIterations: 500, openMinIterations: 500, maxIterations: 10000000 } },
  'argon2id-test': {
    kdf: 'argon2id',
    pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 10000000 },
    argon2id: { memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8, openMinPasses: 1, maxMemoryKiB: 65536, maxPasses: 10, maxLanes: 4 },
  },
}
policies['argon2id-floor'] = { ...policies['argon2id-test'], argon2id: { ...policies['argon2id-test'].argon2id, openMinMemoryKiB: 16, openMinPasses: 2, minPasses: 2, passes: 2 } }
const P = {}
for (const [k, v] of Object.entries(policies)) P[k] = api.createPolicy(v)

const PW = 'correct horse battery staple'
const RAW = 'ksk1.' + Buffer.alloc(32, 0).map((_, i) => (i * 37 + 11) & 0xff).toString('base64url')
const RAW2 = 'ksk1.' + Buffer.alloc(32, 0).map((_, i) => (i * 53 + 7) & 0xff).toString('base64url')
const CTX = 'user:42/openai'
const SECRET = 'sk-proj-case-vectors-0123456789'

/** Seal with the reference, drawing salt and nonce from the case id's stream. */
function sealRef(id, secret, key, options) {
  const stream = rnd(id, 64)
  let o = 0
  api.setRandom((n) => stream.subarray(o, (o += n)))
  try {
    return api.seal(secret, key, options)
  } finally {
    api.setRandom(undefined)
  }
}
function deriveRef(id, pw, options) {
  const stream = rnd(id, 16)
  api.setRandom(() => stream)
  try {
    return api.deriveKey(pw, options)
  } finally {
    api.setRandom(undefined)
  }
}

const BASE = sealRef('base', SECRET, PW, { context: CTX, policy: P.test })
const RAWBASE = sealRef('raw-base', SECRET, api.importKey(RAW), { context: CTX })
const base = ref.parseString(BASE)
const [, BHEAD, BBODY] = BASE.split('.')
const fields = { params: base.params, salt: base.salt, keyId: base.keyId, nonce: base.nonce, commitment: base.commitment }
/** The base header with fields replaced, base64url (not validated: it is meant to be wrong). */
const hdr = (over) => ref.b64e(ref.encodeHeader({ ...fields, ...over }))
/** The base header bytes with byte i set to x. */
const poke = (i, x) => {
  const b = Buffer.from(ref.b64d(BHEAD))
  b[i] = x
  return ref.b64e(b)
}
const env = (h, b = BBODY) => `ks1.${h}.${b}`
const pwKey = { passphrase: PW }
const rawKey = { raw: RAW }
const o = (extra = {}) => ({ policy: 'test', context: CTX, ...extra })

/** An open case expecting a code. */
const openNo = (id, rule, description, envelope, code, key = pwKey, options = o()) => ({ id, rule, description, op: 'open', envelope, key, options, expect: { code } })

// Argon2id headers for header-level rules (no KDF runs: these fail before, or only inspect them).
const a2 = (memoryKiB, passes, lanes, salt = base.salt) => hdr({ params: { kdf: 'argon2id', memoryKiB, passes, lanes }, salt })

// A valid GCM tag under a commitment that is not C: K is right, so only the commitment check refuses it.
function wrongCommitment() {
  const M = ref.masterKey(base.params, { passphrase: PW }, base.salt)
  const { K, C } = ref.schedule(M, base.salt)
  const bad = Buffer.from(C)
  bad[0] ^= 0x80
  const header = ref.encodeHeader({ ...fields, commitment: bad })
  const c = createCipheriv('aes-256-gcm', K, base.nonce)
  c.setAAD(Buffer.concat([header, Buffer.from(CTX)]))
  const ct = Buffer.concat([c.update(Buffer.from(SECRET)), c.final()])
  return env(ref.b64e(header), ref.b64e(Buffer.concat([ct, c.getAuthTag()])))
}

// ---------------------------------------------------------------------------------------------
// v1-open-rules.json: one negative (or a boundary positive) per rule of §3, §4, §6, §9, §11.
const openRules = [
  openNo('string-cap', '§9 string cap', 'a ks2. string one UTF-16 code unit over 1,398,379: the cap is checked before the prefix', { repeat: { head: 'ks2.', unit: 'A', count: 1398376 } }, 'MALFORMED_ENVELOPE'),
  openNo('string-cap-utf16-units', '§9 string cap counts UTF-16 code units', 'ks2. and 699,188 astral characters: 1,398,380 UTF-16 code units (over the cap) but 699,192 code points', { repeat: { head: 'ks2.', unit: '\u{1F510}', count: 699188 } }, 'MALFORMED_ENVELOPE'),
  openNo('prefix-ks2', '§9 prefix', 'ks2.: another version', 'ks2.AAAA.AAAA', 'UNSUPPORTED_VERSION'),
  openNo('prefix-ks999999', '§9 prefix', 'ks999999.: the largest version the prefix rule names', 'ks999999.x', 'UNSUPPORTED_VERSION'),
  openNo('prefix-ks1000000', '§9 prefix', 'seven digits: not a version prefix', 'ks1000000.x', 'MALFORMED_ENVELOPE'),
  openNo('prefix-ks01', '§9 prefix', 'a leading zero: not a version prefix', 'ks01.' + BASE.slice(4), 'MALFORMED_ENVELOPE'),
  openNo('prefix-ks0', '§9 prefix', 'ks0.: not a version prefix', 'ks0.' + BASE.slice(4), 'MALFORMED_ENVELOPE'),
  openNo('prefix-uppercase', '§9 prefix', 'KS1.: the prefix is case-sensitive', 'KS1.' + BASE.slice(4), 'MALFORMED_ENVELOPE'),
  openNo('three-fields', '§9 fields', 'a third field', BASE + '.AAAA', 'MALFORMED_ENVELOPE'),
  openNo('empty-body-field', '§9 fields', 'an empty second field', env(BHEAD, ''), 'MALFORMED_ENVELOPE'),
  openNo('b64-padding-header', '§9 base64url', 'the header field padded with =', env(BHEAD + '='.repeat((4 - (BHEAD.length % 4)) % 4 || 4)), 'MALFORMED_ENVELOPE'),
  openNo('b64-whitespace', '§9 base64url', 'a space inside the body field', env(BHEAD, BBODY.slice(0, 8) + ' ' + BBODY.slice(8)), 'MALFORMED_ENVELOPE'),
  openNo('b64-newline', '§9 base64url', 'a line break inside the header field', env(BHEAD.slice(0, 8) + '\n' + BHEAD.slice(8)), 'MALFORMED_ENVELOPE'),
  openNo('b64-std-alphabet', '§9 base64url', 'the body with + and / for - and _', env(BHEAD, BBODY.replaceAll('-', '+').replaceAll('_', '/')), 'MALFORMED_ENVELOPE'),
  openNo('b64-trailing-bits', '§9 base64url', 'the last character of the body has non-zero unused bits (another encoding of the same bytes)', env(BHEAD, nonCanonical(BBODY)), 'MALFORMED_ENVELOPE'),
  openNo('b64-length-1-mod-4', '§9 base64url', 'a body field of length 1 mod 4', env(BHEAD, BBODY + 'A'.repeat(((1 - (BBODY.length % 4)) + 4) % 4 || 4)), 'MALFORMED_ENVELOPE'),
  openNo('b64-non-ascii', '§9 base64url', 'a non-ASCII letter inserted into the body', env(BHEAD, BBODY.slice(0, 8) + 'é' + BBODY.slice(8)), 'MALFORMED_ENVELOPE'),
  openNo('kdf-00', '§4 KDF ids', 'KDF id 0x00', env(poke(1, 0)), 'UNSUPPORTED_KDF'),
  openNo('kdf-ff', '§4 KDF ids', 'KDF id 0xFF', env(poke(1, 0xff)), 'UNSUPPORTED_KDF'),
  openNo('pbkdf2-iterations-zero', '§4 format rules', '0 iterations (a raw key opens it, so only the format rule can refuse it first)', env(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 0 } })), 'MALFORMED_ENVELOPE', rawKey),
  openNo('argon2id-lanes-zero', '§4 format rules', 'Argon2id with 0 lanes', env(a2(64, 1, 0)), 'MALFORMED_ENVELOPE', rawKey, o({ policy: 'argon2id-test' })),
  openNo('argon2id-lanes-2^24', '§4 format rules', 'Argon2id with 2^24 lanes (one over RFC 9106)', env(a2(0x8000000, 1, 0x1000000)), 'MALFORMED_ENVELOPE', rawKey, o({ policy: 'argon2id-test' })),
  openNo('argon2id-passes-zero', '§4 format rules', 'Argon2id with 0 passes', env(a2(64, 0, 1)), 'MALFORMED_ENVELOPE', rawKey, o({ policy: 'argon2id-test' })),
  openNo('argon2id-memory-below-8p', '§4 format rules', 'Argon2id with 15 KiB for 2 lanes (RFC 9106 needs 8 per lane)', env(a2(15, 1, 2)), 'MALFORMED_ENVELOPE', rawKey, o({ policy: 'argon2id-test' })),
  openNo('argon2id-memory-8p-raw-key', '§6 step 3 (after the policy)', 'Argon2id with exactly 8 KiB per lane is well-formed: a raw key reaches the kind check', env(a2(16, 1, 2)), 'KEY_MISMATCH', rawKey, o({ policy: 'argon2id-test' })),
  openNo('argon2id-no-implementation', '§6 step 2, §17.3', 'an Argon2id envelope under a policy without Argon2id, opened with a raw key: UNSUPPORTED_KDF at the policy step, before the kind check', env(a2(64, 1, 1)), 'UNSUPPORTED_KDF', rawKey),
  openNo('argon2id-no-implementation-bad-body', '§6 step 1 before step 2', 'an Argon2id envelope with a malformed body under a policy without Argon2id: the form is checked first', env(a2(64, 1, 1), '!'), 'MALFORMED_ENVELOPE', rawKey),
  openNo('argon2id-memory-over-policy', '§17.3', 'Argon2id memory over maxMemoryKiB', env(a2(65537, 1, 1)), 'PARAMS_OUT_OF_POLICY', rawKey, o({ policy: 'argon2id-test' })),
  openNo('argon2id-memory-under-policy', '§17.3', 'Argon2id memory 8 KiB under openMinMemoryKiB 16 (passes 2 meet openMinPasses)', env(a2(8, 2, 1)), 'PARAMS_OUT_OF_POLICY', rawKey, o({ policy: 'argon2id-floor' })),
  openNo('argon2id-passes-under-policy', '§17.3', 'Argon2id passes 1 under openMinPasses 2', env(a2(64, 1, 1)), 'PARAMS_OUT_OF_POLICY', rawKey, o({ policy: 'argon2id-floor' })),
  openNo('argon2id-passes-over-policy', '§17.3', 'Argon2id passes over maxPasses', env(a2(64, 11, 1)), 'PARAMS_OUT_OF_POLICY', rawKey, o({ policy: 'argon2id-test' })),
  openNo('argon2id-lanes-over-policy', '§17.3', 'Argon2id lanes over maxLanes', env(a2(64, 1, 5)), 'PARAMS_OUT_OF_POLICY', rawKey, o({ policy: 'argon2id-test' })),
  openNo('salt-65', '§3 salt', 'a 65-byte salt', env(hdr({ salt: Buffer.concat([base.salt, Buffer.alloc(49, 1)]) })), 'MALFORMED_ENVELOPE'),
  openNo('salt-64-well-formed', '§3 salt', 'a 64-byte salt is well-formed: the header authenticates, so opening fails only at the commitment', env(hdr({ salt: Buffer.concat([base.salt, Buffer.alloc(48, 1)]) })), 'AUTH_FAILED'),
  openNo('salt-0', '§3 salt', 'salt_len 0', env(hdr({ salt: Buffer.alloc(0) })), 'MALFORMED_ENVELOPE'),
  openNo('kid-65', '§3 key id', 'a 65-byte key id', env(hdr({ keyId: 'k'.repeat(65) })), 'MALFORMED_ENVELOPE'),
  openNo('kid-64-well-formed', '§3 key id', 'a 64-byte key id is well-formed (and not part of the commitment): the tag fails', env(hdr({ keyId: 'k'.repeat(64) })), 'AUTH_FAILED'),
  openNo('kid-space', '§3 key id', 'a key id with a space (0x20)', env(hdr({ keyId: 'a b' })), 'MALFORMED_ENVELOPE'),
  openNo('kid-del', '§3 key id', 'a key id with DEL (0x7F)', env(hdr({ keyId: 'a\x7f' })), 'MALFORMED_ENVELOPE'),
  openNo('kid-byte-80', '§3 key id', 'a key id with byte 0x80', env(ref.b64e(Buffer.concat([ref.b64d(hdr({ keyId: 'ab' })).subarray(0, 2 + 4 + 1 + 16 + 1), Buffer.from([0x61, 0x80]), base.nonce, base.commitment]))), 'MALFORMED_ENVELOPE'),
  openNo('header-truncated', '§3', 'the header field ends inside the commitment', env(ref.b64e(ref.b64d(BHEAD).subarray(0, 60))), 'MALFORMED_ENVELOPE'),
  openNo('header-trailing-byte', '§9', 'one byte after the header in the first field', env(ref.b64e(Buffer.concat([ref.b64d(BHEAD), Buffer.from([0])]))), 'MALFORMED_ENVELOPE'),
  openNo('header-empty', '§9', 'an empty first field', env('', BBODY), 'MALFORMED_ENVELOPE'),
  openNo('body-16', '§11 body', 'a body of 16 bytes (a tag, no ciphertext)', env(BHEAD, ref.b64e(ref.b64d(BBODY).subarray(-16))), 'MALFORMED_ENVELOPE'),
  openNo('body-1048593', '§11 body', 'a body one byte over 1,048,592', { repeat: { head: `ks1.${BHEAD}.`, unit: 'A', count: 1398124 } }, 'MALFORMED_ENVELOPE'),
  openNo('body-1048592-well-formed', '§11 body', 'a body of exactly 1,048,592 bytes is well-formed: the tag fails', { repeat: { head: `ks1.${BHEAD}.`, unit: 'A', count: 1398123 } }, 'AUTH_FAILED'),
  openNo('valid-tag-wrong-commitment', '§6 step 5', 'the GCM tag verifies under the right key, but the stored commitment is not C: only the commitment check refuses it', wrongCommitment(), 'AUTH_FAILED'),
  openNo('kid-changed', '§6 AAD', 'the key id changed from a to b (the commitment does not cover it; the AAD does)', kidChanged(), 'AUTH_FAILED'),
  openNo('context-nfc-of-nfd', '§7 contexts', 'sealed with an NFD context, opened with its NFC form: contexts are not normalized', sealRef('nfd-context', SECRET, PW, { context: 'user:cafe\u0301', policy: P.test }), 'AUTH_FAILED', pwKey, o({ context: 'user:caf\u00e9' })),
  openNo('context-bom', '§7 contexts', 'sealed with a context that starts with U+FEFF, opened without it', sealRef('bom-context', SECRET, PW, { context: '\ufeffuser:1', policy: P.test }), 'AUTH_FAILED', pwKey, o({ context: 'user:1' })),
  openNo('policy-below-open-min', '§17.3', '499 iterations under openMinIterations 500', env(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 499 } })), 'PARAMS_OUT_OF_POLICY', pwKey, o({ policy: 'range' })),
  openNo('policy-over-max', '§17.3', '2001 iterations over maxIterations 2000', env(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 2001 } })), 'PARAMS_OUT_OF_POLICY', pwKey, o({ policy: 'range' })),
  openNo('policy-2^32-1', '§17.3', '2^32 - 1 iterations: no policy admits more than 2^31 - 1', env(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 0xffffffff } })), 'PARAMS_OUT_OF_POLICY', pwKey, o({ policy: 'default' })),
  openNo('raw-key-on-pbkdf2', '§6 step 3', 'a raw key for a passphrase envelope', BASE, 'KEY_MISMATCH', rawKey),
  openNo('bytes-passphrase-on-raw', '§6 step 3', 'a byte passphrase for a raw-key envelope', RAWBASE, 'KEY_MISMATCH', { passphrase: { hex: '0102' } }),
  openNo('options-unknown-and-bad-context', '§19.3 order', 'an unknown option and a context with a lone surrogate: options first', BASE, 'INVALID_OPTIONS', pwKey, { policy: 'test', context: 'a\ud800', contxt: 'x' }),
  openNo('options-null', '§19.1', 'options given as null (not absent)', BASE, 'INVALID_OPTIONS', pwKey, { json: null }),
  openNo('options-array', '§19.1', 'options given as an array', BASE, 'INVALID_OPTIONS', pwKey, { json: [] }),
  openNo('policy-not-a-policy', '§19.1', 'a policy option that is a plain settings object, not a policy', BASE, 'INVALID_OPTIONS', pwKey, { policy: { json: policies.test }, context: 'a\ud800' }),
  openNo('context-null', '§19.1', 'context: null is not "no context"', BASE, 'INVALID_CONTEXT', pwKey, o({ context: { json: null } })),
  openNo('context-number', '§7 contexts', 'a context that is neither a string nor bytes', BASE, 'INVALID_CONTEXT', pwKey, o({ context: { json: 42 } })),
  openNo('context-1025', '§7 contexts', 'a 1025-byte context', BASE, 'INVALID_CONTEXT', pwKey, o({ context: { repeat: { unit: 'c', count: 1025 } } })),
  openNo('context-513-two-byte', '§7 contexts', '513 two-byte characters: 1026 bytes (the cap is in bytes, not characters)', BASE, 'INVALID_CONTEXT', pwKey, o({ context: { repeat: { unit: 'é', count: 513 } } })),
  openNo('context-1024-ok', '§7 contexts', 'a 1024-byte context is accepted (then the tag fails)', BASE, 'AUTH_FAILED', pwKey, o({ context: { repeat: { unit: 'c', count: 1024 } } })),
  openNo('context-lone-surrogate', '§7 contexts', 'a context with a lone low surrogate', BASE, 'INVALID_CONTEXT', pwKey, o({ context: 'x\udc00' })),
  openNo('key-number', '§19.3', 'a key that is neither a passphrase nor a key object', BASE, 'INVALID_KEY', { json: 7 }),
  openNo('key-null-and-garbage', '§19.3 order', 'a null key and a garbage envelope: the key first', 'garbage', 'INVALID_KEY', { json: null }),
  openNo('envelope-not-string', '§19.3', 'an envelope that is not a string', { json: 12 }, 'MALFORMED_ENVELOPE'),
]
// Passphrase rules of §7 (opening, with a valid envelope).
const pwRule = (id, description, p, code = 'INVALID_KEY') => openNo(id, '§7 passphrases', description, BASE, code, { passphrase: p })
openRules.push(
  pwRule('pw-ksk1', 'a passphrase that starts with ksk1. (a raw key in the wrong place)', RAW),
  pwRule('pw-ksk1-short', 'any string starting with ksk1.', 'ksk1.x'),
  pwRule('pw-empty', 'an empty passphrase', ''),
  pwRule('pw-empty-bytes', 'an empty byte passphrase', { hex: '' }),
  pwRule('pw-lone-surrogate', 'a lone high surrogate', 'pass\ud800word'),
  pwRule('pw-nul', 'U+0000', 'pw\u0000'),
  pwRule('pw-c0', 'U+001F', 'pw\u001f'),
  pwRule('pw-del', 'U+007F', 'pw\u007f'),
  pwRule('pw-c1-85', 'U+0085 (C1)', 'pw\u0085'),
  pwRule('pw-c1-9f', 'U+009F (C1)', 'pw\u009f'),
  pwRule('pw-1025', '1025 bytes', 'p'.repeat(1025)),
  pwRule('pw-342-euro', '342 three-byte characters: 1026 bytes', { repeat: { unit: '€', count: 342 } }),
  pwRule('pw-bytes-1025', '1025 bytes given as bytes', { repeatHex: { unit: '70', count: 1025 } }),
  pwRule('pw-1024-ok', '1024 bytes is accepted (wrong passphrase: AUTH_FAILED)', 'p'.repeat(1024), 'AUTH_FAILED'),
  pwRule('pw-nbsp-ok', 'U+00A0 is not a control character (wrong passphrase: AUTH_FAILED)', PW.replace(' ', '\u00a0'), 'AUTH_FAILED'),
  pwRule('pw-bytes-control-ok', 'byte passphrases are not checked for control bytes (wrong passphrase: AUTH_FAILED)', { hex: '00' }, 'AUTH_FAILED'),
)
function nonCanonical(b64) {
  // The body's length is 2 or 3 mod 4 only if the byte count is not a multiple of 3; make sure it is.
  const bytes = ref.b64d(b64)
  const s = ref.b64e(bytes)
  if (s.length % 4 === 0) throw new Error('base body length is a multiple of 3 bytes; pick another secret')
  const last = s.at(-1)
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  return s.slice(0, -1) + alpha[alpha.indexOf(last) + 1]
}
function kidChanged() {
  const e = sealRef('kid-a', SECRET, PW, { context: CTX, policy: P.test, keyId: 'a' })
  const p = ref.parseString(e)
  return `ks1.${ref.b64e(ref.encodeHeader({ params: p.params, salt: p.salt, keyId: 'b', nonce: p.nonce, commitment: p.commitment }))}.${e.split('.')[2]}`
}

// Positive opening cases at the boundaries (open rules that must not refuse).
const openOk = (id, rule, description, envelope, secretHex, key = pwKey, options = o()) => ({ id, rule, description, op: 'open', envelope, key, options, expect: { secretHex } })
const SECRET_HEX = hexOf(Buffer.from(SECRET))
const at500 = sealRef('at-open-min', SECRET, deriveRef('at-open-min-key', PW, { policy: P.lax }), { context: CTX, policy: P.lax })
openRules.push(
  openOk('open-at-open-min', '§17.3', '500 iterations, exactly openMinIterations (below minIterations: opening uses the opening floor)', at500, SECRET_HEX, pwKey, o({ policy: 'range' })),
  openOk('open-at-max', '§17.3', '2000 iterations, exactly maxIterations', sealRef('at-max', SECRET, deriveRef('at-max-key', PW, { policy: P.strict }), { context: CTX, policy: P.strict }), SECRET_HEX, pwKey, o({ policy: 'range' })),
  openOk('open-empty-context-is-none', '§7 contexts', 'sealed with no context, opened with the empty string', sealRef('no-context', SECRET, PW, { policy: P.test }), SECRET_HEX, pwKey, { policy: 'test', context: '' }),
  openOk('open-bytes-context', '§7 contexts', 'a context as bytes equals the same string as UTF-8', BASE, SECRET_HEX, pwKey, o({ context: { hex: hexOf(Buffer.from(CTX)) } })),
)

// G5, §18.2: re-derived keys and key ids.
const siblingKey = deriveRef('sibling-key', PW, { policy: P.test })
const sibA = sealRef('sibling-a', SECRET, siblingKey, { context: CTX, policy: P.test, keyId: 'a' })
const sibB = sealRef('sibling-b', SECRET, siblingKey, { context: CTX, policy: P.test, keyId: 'b' })
const sibNone = sealRef('sibling-none', SECRET, siblingKey, { context: CTX, policy: P.test })
const sibKey = { derived: { passphrase: PW, policy: 'test', random: hexOf(rnd('sibling-key', 16)) } }
openRules.push(
  openOk('derived-opens-sibling', '§18.2', 'a derived key without a key id opens the envelopes it sealed with key ids a and b', sibB, SECRET_HEX, sibKey),
  openOk('rederived-opens-sibling-without-id', '§18.2', 'a key re-derived from the envelope with id a opens the sibling without a key id', sibNone, SECRET_HEX, { derived: { passphrase: PW, policy: 'test', envelope: sibA } }),
  openNo('rederived-refuses-sibling-other-id', '§18.2 (G5)', 'a key re-derived from the envelope with id a takes id a, so it refuses the sibling with id b (same salt and parameters)', sibB, 'KEY_MISMATCH', { derived: { passphrase: PW, policy: 'test', envelope: sibA } }),
  openNo('rederived-other-id-refuses-source', '§18.2 (G5)', 'deriveKey(pw, { envelope: A, keyId: "c" }) has id c, so it refuses A itself', sibA, 'KEY_MISMATCH', { derived: { passphrase: PW, policy: 'test', envelope: sibA, keyId: 'c' } }),
  openNo('key-id-case-sensitive', '§6 step 3', 'key ids are compared byte for byte: a derived key with id A (same salt) does not open the envelope with id a', sibA, 'KEY_MISMATCH', { derived: { passphrase: PW, policy: 'test', random: hexOf(rnd('sibling-key', 16)), keyId: 'A' } }),
  openNo('derived-other-salt', '§6 step 3', 'a derived key with another salt', BASE, 'KEY_MISMATCH', sibKey),
  openNo('derived-other-iterations', '§6 step 3', 'a derived key with the same salt but other iterations', env(hdr({ params: { kdf: 'pbkdf2-sha256', iterations: 1001 }, salt: rnd('sibling-key', 16) })), 'KEY_MISMATCH', sibKey),
  openNo('derived-key-id-differs', '§6 step 3', 'a key object with id x for an envelope with id a', sibA, 'KEY_MISMATCH', { derived: { passphrase: PW, policy: 'test', random: hexOf(rnd('sibling-key', 16)), keyId: 'x' } }),
)

// ---------------------------------------------------------------------------------------------
// v1-unicode.json: NFC (and only NFC) for passphrases; secrets and contexts exact.
const unicode = []
const nfkc = [
  ['nfkc-fb01', 'U+FB01 LATIN SMALL LIGATURE FI (NFKC: "fi")', '\ufb01le cabinet', 'file cabinet'],
  ['nfkc-fullwidth', 'fullwidth letters (NFKC: ASCII)', '\uff50\uff41\uff53\uff53 phrase', 'pass phrase'],
  ['nfkc-nbsp', 'U+00A0 NO-BREAK SPACE (NFKC and OpaqueString: U+0020)', 'correct\u00a0horse', 'correct horse'],
  ['nfkc-superscript', 'U+00B2 SUPERSCRIPT TWO (NFKC: "2")', 'level\u00b2 key', 'level2 key'],
]
for (const [id, what, p, folded] of nfkc) {
  const e = sealRef(id, SECRET, p, { context: CTX, policy: P.test })
  unicode.push(
    { id: `${id}/seal`, rule: '§7 NFC only', description: `seal with ${what}: NFC keeps it`, op: 'seal', secret: SECRET, key: { passphrase: p }, options: o(), random: hexOf(rnd(id, 28)), expect: { envelope: e } },
    openOk(`${id}/open`, '§7 NFC only', `opens with the same passphrase: ${what}`, e, SECRET_HEX, { passphrase: p }),
    openNo(`${id}/folded`, '§7 NFC only', `its compatibility-folded form does not open it: ${what}`, e, 'AUTH_FAILED', { passphrase: folded }),
  )
}
const cafe = sealRef('nfc-cafe', SECRET, 'caf\u00e9 au lait', { context: CTX, policy: P.test })
const longNfd = { repeat: { unit: 'e\u0301', count: 512 } } // 1536 bytes as NFD, 1024 as NFC
unicode.push(
  openOk('nfd-passphrase-opens-nfc', '§7 NFC', 'sealed with "café" (NFC), opened with its NFD form', cafe, SECRET_HEX, { passphrase: 'cafe\u0301 au lait' }),
  { id: 'nfd-passphrase-seals-as-nfc', rule: '§7 NFC', description: 'sealing with the NFD form gives the bytes of the NFC form', op: 'seal', secret: SECRET, key: { passphrase: 'cafe\u0301 au lait' }, options: o(), random: hexOf(rnd('nfc-cafe', 28)), expect: { envelope: cafe } },
  openNo('nfd-bytes-passphrase-not-normalized', '§7 bytes', 'a byte passphrase (the UTF-8 of the NFD form) is used as given, so it does not open the NFC-sealed envelope', cafe, 'AUTH_FAILED', { passphrase: { hex: hexOf(Buffer.from('cafe\u0301 au lait')) } }),
  { id: 'nfc-length-after-normalization', rule: '§7 step 5', description: '512 × "e" + U+0301: 1536 bytes as given, 1024 bytes after NFC: accepted', op: 'seal', secret: SECRET, key: { passphrase: longNfd }, options: o(), random: hexOf(rnd('nfc-long', 28)), expect: { envelope: sealRef('nfc-long', SECRET, 'e\u0301'.repeat(512), { context: CTX, policy: P.test }) } },
  { id: 'unicode-15-combining-mark', rule: '§7.1 Unicode version', description: 'a, U+1E4EC (a combining mark assigned in Unicode 15.0), U+0323: Unicode ≥ 15 reorders and composes to U+1EA1 U+1E4EC; Unicode 14 tables leave it unchanged and derive another key', op: 'seal', secret: SECRET, key: { passphrase: 'a\u{1E4EC}\u0323' }, options: o(), random: hexOf(rnd('u15', 28)), expect: { envelope: sealRef('u15', SECRET, 'a\u{1E4EC}\u0323', { context: CTX, policy: P.test }) } },
  openOk('unicode-15-opens-with-composed', '§7.1 Unicode version', 'the same envelope opens with U+1EA1 U+1E4EC', sealRef('u15', SECRET, 'a\u{1E4EC}\u0323', { context: CTX, policy: P.test }), SECRET_HEX, { passphrase: '\u1ea1\u{1E4EC}' }),
)
const secretCase = (id, description, secret) => {
  const e = sealRef(id, secret, PW, { context: CTX, policy: P.test })
  return [
    { id: `${id}/seal`, rule: '§7 secrets', description, op: 'seal', secret, key: pwKey, options: o(), random: hexOf(rnd(id, 28)), expect: { envelope: e } },
    { id: `${id}/openText`, rule: '§7 secrets', description: `${description}: opened as text, exactly`, op: 'openText', envelope: e, key: pwKey, options: o(), expect: { text: secret } },
  ]
}
unicode.push(
  ...secretCase('secret-nfd', 'an NFD secret is sealed exactly (not normalized)', 'sk-cafe\u0301'),
  ...secretCase('secret-bom', 'a secret that starts with U+FEFF keeps it (no BOM stripping)', '\ufeffsk-bom-0123'),
  ...secretCase('secret-fb01', 'a secret with U+FB01 is kept (no compatibility folding)', 'sk-\ufb01'),
  { id: 'context-nfd/seal', rule: '§7 contexts', description: 'an NFD context is authenticated exactly', op: 'seal', secret: SECRET, key: pwKey, options: o({ context: 'user:cafe\u0301' }), random: hexOf(rnd('nfd-context', 28)), expect: { envelope: sealRef('nfd-context', SECRET, PW, { context: 'user:cafe\u0301', policy: P.test }) } },
  { id: 'context-bom/seal', rule: '§7 contexts', description: 'a context that starts with U+FEFF is authenticated with it', op: 'seal', secret: SECRET, key: pwKey, options: o({ context: '\ufeffuser:1' }), random: hexOf(rnd('bom-context', 28)), expect: { envelope: sealRef('bom-context', SECRET, PW, { context: '\ufeffuser:1', policy: P.test }) } },
  { id: 'not-utf8', rule: '§19.3 openText', description: 'a secret sealed as bytes that are not UTF-8, opened as text', op: 'openText', envelope: sealRef('not-utf8', new Uint8Array([0x73, 0xff]), PW, { context: CTX, policy: P.test }), key: pwKey, options: o(), expect: { code: 'NOT_UTF8' } },
  { id: 'not-utf8-surrogate-bytes', rule: '§19.3 openText', description: 'CESU-style bytes ED A0 80 (an encoded surrogate) are not UTF-8', op: 'openText', envelope: sealRef('not-utf8-2', new Uint8Array([0xed, 0xa0, 0x80]), PW, { context: CTX, policy: P.test }), key: pwKey, options: o(), expect: { code: 'NOT_UTF8' } },
)

// ---------------------------------------------------------------------------------------------
// v1-seal.json: sealing, its order of checks (§19.2), and positive seals from given salt and nonce.
const sealNo = (id, rule, description, secret, key, options, code) => ({ id, rule, description, op: 'seal', secret, key, ...(options === undefined ? {} : { options }), expect: { code } })
const sealOk = (id, rule, description, secret, key, options, refKey) => {
  const e = sealRef(id, data(secret), refKey, resolveOpts(options))
  return { id, rule, description, op: 'seal', secret, key, options, random: hexOf(rnd(id, 28)), expect: { envelope: e } }
}
function resolveOpts(op) {
  const out = {}
  for (const [k, v] of Object.entries(op ?? {})) out[k] = k === 'policy' ? P[v] : v
  return out
}
const openOnly = { derived: { passphrase: PW, policy: 'test', envelope: BASE } }
const laxKey = { derived: { passphrase: PW, policy: 'lax', random: hexOf(rnd('lax-key', 16)) } }
const ring = (entries) => ({ keyring: entries })
const seal = [
  sealNo('seal-empty-secret-empty-passphrase', '§19.2 order', 'sealKey("", ""): the secret before the key', '', { passphrase: '' }, undefined, 'INVALID_SECRET'),
  sealNo('seal-bad-keyid-bad-context', '§19.2 order', 'a key id with a space and a context with a lone surrogate: the context first', SECRET, pwKey, { policy: 'test', context: 'a\ud800', keyId: 'a b' }, 'INVALID_CONTEXT'),
  sealNo('seal-bad-keyid-bad-secret', '§19.2 order', 'a bad key id and an empty secret: the key id first', '', pwKey, { policy: 'test', keyId: '' }, 'INVALID_OPTIONS'),
  sealNo('seal-unknown-option-bad-context', '§19.2 order', 'an unknown option and a bad context: the option set first', SECRET, pwKey, { policy: 'test', context: 'a\ud800', keyid: 'x' }, 'INVALID_OPTIONS'),
  sealNo('seal-bad-policy-bad-context', '§19.2 order', 'a policy that is not one and a bad context: the policy first', SECRET, pwKey, { policy: { json: {} }, context: 'a\ud800' }, 'INVALID_OPTIONS'),
  sealNo('seal-bad-context-bad-secret', '§19.2 order', 'a bad context and an empty secret: the context first', '', pwKey, { policy: 'test', context: { json: null } }, 'INVALID_CONTEXT'),
  sealNo('seal-bad-secret-bad-key', '§19.2 order', 'a lone-surrogate secret and a ksk1. passphrase: the secret first', 'sk-\udfff', { passphrase: RAW }, o(), 'INVALID_SECRET'),
  sealNo('seal-bad-key-ring-keyid', '§19.2 order', 'a bad passphrase with a key id option: INVALID_KEY (the key-id conflict rules need a key)', SECRET, { passphrase: '' }, o({ keyId: 'x' }), 'INVALID_KEY'),
  sealNo('seal-ring-with-keyid', '§19.2 (G3)', 'a keyring and a keyId option, even the primary\'s own id', SECRET, ring([{ id: 'k1', key: { raw: RAW } }]), o({ keyId: 'k1' }), 'INVALID_OPTIONS'),
  sealNo('seal-key-id-contradicts', '§19.2', 'a key object with id k1 and keyId k2', SECRET, { raw: RAW, keyId: 'k1' }, o({ keyId: 'k2' }), 'INVALID_OPTIONS'),
  sealNo('seal-open-only', '§18.2', 'a key re-derived from an envelope cannot seal', SECRET, openOnly, o(), 'KEY_USAGE'),
  sealNo('seal-open-only-out-of-policy', '§19.2 order', 'an open-only key under a policy its parameters fail: KEY_USAGE first', SECRET, openOnly, o({ policy: 'strict' }), 'KEY_USAGE'),
  sealNo('seal-derived-below-policy', '§19.2, §18.2', 'a key derived under a lax policy (500 iterations) sealing under a policy with minIterations 2000', SECRET, laxKey, o({ policy: 'strict' }), 'PARAMS_OUT_OF_POLICY'),
  sealNo('seal-derived-between-floors', '§17.3 sealing uses minIterations', 'a key derived at 500 iterations sealing under a policy with openMinIterations 500 and minIterations 1000', SECRET, laxKey, o({ policy: 'range' }), 'PARAMS_OUT_OF_POLICY'),
  sealNo('seal-secret-too-long', '§7 secrets', '1,048,577 bytes', { repeatHex: { unit: '61', count: 1048577 } }, { raw: RAW }, o(), 'INVALID_SECRET'),
  sealNo('seal-secret-number', '§7 secrets', 'a secret that is neither a string nor bytes', { json: 5 }, pwKey, o(), 'INVALID_SECRET'),
  sealNo('seal-secret-empty-bytes', '§7 secrets', 'an empty byte secret', { hex: '' }, pwKey, o(), 'INVALID_SECRET'),
  sealNo('seal-secret-lone-surrogate', '§7 secrets', 'a secret with a lone surrogate', 'sk-\ud800', pwKey, o(), 'INVALID_SECRET'),
  sealNo('seal-keyid-65', '§11 key id', 'a 65-character key id', SECRET, pwKey, o({ keyId: 'k'.repeat(65) }), 'INVALID_OPTIONS'),
  sealNo('seal-keyid-non-ascii', '§11 key id', 'a key id with é', SECRET, pwKey, o({ keyId: 'clé' }), 'INVALID_OPTIONS'),
  sealNo('seal-keyid-null', '§19.1', 'keyId: null is not absent', SECRET, pwKey, o({ keyId: { json: null } }), 'INVALID_OPTIONS'),
  sealNo('seal-context-1025', '§7 contexts', 'a 1025-byte context', SECRET, pwKey, o({ context: { repeatHex: { unit: '00', count: 1025 } } }), 'INVALID_CONTEXT'),
  sealNo('seal-key-array', '§19.2', 'a key that is an array', SECRET, { json: [1, 2] }, o(), 'INVALID_KEY'),
  sealNo('seal-pw-control', '§7 passphrases', 'a passphrase with U+0085', SECRET, { passphrase: 'pw\u0085' }, o(), 'INVALID_KEY'),
  sealOk('seal-passphrase', '§6 sealing', 'a passphrase: salt (16 bytes) then nonce (12) from the random stream', SECRET, pwKey, o(), PW),
  sealOk('seal-passphrase-keyid', '§6 sealing', 'a passphrase and a key id', SECRET, pwKey, o({ keyId: 'user-42' }), PW),
  sealOk('seal-raw', '§6 sealing', 'a raw key', SECRET, { raw: RAW }, o(), api.importKey(RAW)),
  sealOk('seal-raw-own-id', '§19.2', 'a raw key with its own id k1 and the same keyId option', SECRET, { raw: RAW, keyId: 'k1' }, o({ keyId: 'k1' }), api.importKey(RAW, { keyId: 'k1' })),
  sealOk('seal-raw-id-from-option', '§19.2', 'a key object without an id takes the keyId option', SECRET, { raw: RAW }, o({ keyId: 'k9' }), api.importKey(RAW)),
  sealOk('seal-bytes-secret', '§7 secrets', 'a byte secret with a NUL and 0xFF', { hex: '00ff7f80' }, { raw: RAW }, o(), api.importKey(RAW)),
  sealOk('seal-default-policy', '§17.1', 'a passphrase under the default policy: 600,000 iterations', SECRET, pwKey, { context: CTX }, PW),
  sealOk('seal-ring-primary', '§18.3', 'a keyring seals with its primary and records its id', SECRET, ring([{ id: 'old', key: { raw: RAW2 }, disabled: true }, { id: 'new', key: { raw: RAW }, primary: true }]), o(), api.createKeyring([{ id: 'old', key: api.importKey(RAW2), disabled: true }, { id: 'new', key: api.importKey(RAW), primary: true }])),
  sealOk('seal-ring-passphrase-primary', '§18.3', 'a keyring whose primary is a passphrase', SECRET, ring([{ id: 'p', key: { passphrase: PW } }]), o(), api.createKeyring([{ id: 'p', key: PW }])),
]
// A derived key seals with its own salt: the random stream gives only the nonce.
{
  const k = deriveRef('derived-seal-key', PW, { policy: P.test })
  const stream = rnd('derived-seal', 12)
  api.setRandom(() => stream)
  const e = api.seal(SECRET, k, { context: CTX, policy: P.test })
  api.setRandom(undefined)
  seal.push({ id: 'seal-derived', rule: '§18.2', description: 'a derived key: its salt, the policy-checked parameters, and a fresh nonce', op: 'seal', secret: SECRET, key: { derived: { passphrase: PW, policy: 'test', random: hexOf(rnd('derived-seal-key', 16)) } }, options: o(), random: hexOf(stream), expect: { envelope: e } })
}

// ---------------------------------------------------------------------------------------------
// v1-forms.json: JSON form (§10), binary form and inspect (§20).
const forms = []
const J = api.toJSON(BASE)
const RJ = api.toJSON(RAWBASE)
const kidEnv = sealRef('forms-kid', SECRET, api.importKey(RAW), { context: CTX, keyId: 'prod-1' })
const jsonNo = (id, description, json, code) => ({ id, rule: '§10.2', description, op: 'fromJSON', json, expect: { code } })
const info = (e) => ({ ...api.inspect(e), keyId: api.inspect(e).keyId ?? null })
const without = (obj, k) => Object.fromEntries(Object.entries(obj).filter(([m]) => m !== k))
forms.push(
  { id: 'json-to', rule: '§10.1', description: 'string to JSON (members in header order)', op: 'toJSON', envelope: BASE, expect: { json: J } },
  { id: 'json-to-raw-kid', rule: '§10.1', description: 'a raw-key envelope with a key id', op: 'toJSON', envelope: kidEnv, expect: { json: api.toJSON(kidEnv) } },
  { id: 'json-from', rule: '§10.2', description: 'JSON to string', op: 'fromJSON', json: { json: J }, expect: { envelope: BASE } },
  { id: 'json-from-reordered', rule: '§10.2', description: 'member order does not matter', op: 'fromJSON', json: { json: Object.fromEntries(Object.entries(J).reverse()) }, expect: { envelope: BASE } },
  { id: 'json-from-1.0', rule: '§10.2 numbers', description: 'v written 1.0 and iterations 1000.0 are the integers 1 and 1000', op: 'fromJSON', json: { jsonText: JSON.stringify(J).replace('"v":1', '"v":1.0').replace('"iterations":1000', '"iterations":1000.0') }, expect: { envelope: BASE } },
  { id: 'json-from-1e0', rule: '§10.2 numbers', description: 'v written 1e0 and iterations 1E3', op: 'fromJSON', json: { jsonText: JSON.stringify(J).replace('"v":1', '"v":1e0').replace('"iterations":1000', '"iterations":1E3') }, expect: { envelope: BASE } },
  jsonNo('json-array', 'an array', { json: [] }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-null', 'null', { json: null }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-string', 'the string form passed as JSON', { json: BASE }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-v-missing', 'no v', { json: without(J, 'v') }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-v-string', 'v "1"', { json: { ...J, v: '1' } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-v-fraction', 'v 1.5', { json: { ...J, v: 1.5 } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-v-2', 'v 2', { json: { ...J, v: 2 } }, 'UNSUPPORTED_VERSION'),
  jsonNo('json-v-minus-1', 'v -1: an integer other than 1', { json: { ...J, v: -1 } }, 'UNSUPPORTED_VERSION'),
  jsonNo('json-v-2^32', 'v 2^32: an integer other than 1', { json: { ...J, v: 4294967296 } }, 'UNSUPPORTED_VERSION'),
  jsonNo('json-v-1e400', 'v 1e400 (infinite as a binary64): not an integer', { jsonText: JSON.stringify(J).replace('"v":1', '"v":1e400') }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-v2-and-bad-kdf', 'v 2 and kdf "scrypt": v first', { json: { ...J, v: 2, kdf: 'scrypt' } }, 'UNSUPPORTED_VERSION'),
  jsonNo('json-kdf-unknown', 'kdf "scrypt"', { json: { ...J, kdf: 'scrypt' } }, 'UNSUPPORTED_KDF'),
  jsonNo('json-kdf-toString', 'kdf "toString" (not a KDF, whatever the language\'s objects have)', { json: { ...J, kdf: 'toString' } }, 'UNSUPPORTED_KDF'),
  jsonNo('json-kdf-unknown-and-extra', 'kdf "scrypt" and an extra member: the KDF first', { json: { ...J, kdf: 'scrypt', extra: 1 } }, 'UNSUPPORTED_KDF'),
  jsonNo('json-kdf-number', 'kdf 2 (the id, not the name)', { json: { ...J, kdf: 2 } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-kdf-case', 'kdf "PBKDF2-SHA256"', { json: { ...J, kdf: 'PBKDF2-SHA256' } }, 'UNSUPPORTED_KDF'),
  jsonNo('json-extra-member', 'an extra member', { json: { ...J, note: 'x' } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-raw-with-iterations', 'iterations in a raw envelope', { json: { ...RJ, iterations: 1000 } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-missing-nonce', 'no nonce', { json: without(J, 'nonce') }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-missing-iterations', 'no iterations', { json: without(J, 'iterations') }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-keyid-null', 'keyId null', { json: { ...J, keyId: null } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-keyid-empty', 'keyId ""', { json: { ...J, keyId: '' } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-keyid-space', 'keyId with a space', { json: { ...J, keyId: 'a b' } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-iterations-string', 'iterations "1000"', { json: { ...J, iterations: '1000' } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-iterations-fraction', 'iterations 1000.5', { json: { ...J, iterations: 1000.5 } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-iterations-2^32', 'iterations 2^32', { json: { ...J, iterations: 4294967296 } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-iterations-negative', 'iterations -1', { json: { ...J, iterations: -1 } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-iterations-zero', 'iterations 0 (a format rule)', { json: { ...J, iterations: 0 } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-argon2id-lanes-zero', 'argon2id with lanes 0', { json: { ...without(J, 'iterations'), kdf: 'argon2id', memoryKiB: 64, passes: 1, lanes: 0 } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-nonce-11', 'an 11-byte nonce', { json: { ...J, nonce: ref.b64e(base.nonce.subarray(0, 11)) } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-commitment-31', 'a 31-byte commitment', { json: { ...J, commitment: ref.b64e(base.commitment.subarray(0, 31)) } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-tag-15', 'a 15-byte tag', { json: { ...J, tag: J.tag.slice(0, 20) } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-salt-15', 'a 15-byte salt', { json: { ...J, salt: ref.b64e(base.salt.subarray(0, 15)) } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-salt-65', 'a 65-byte salt', { json: { ...J, salt: ref.b64e(Buffer.alloc(65, 3)) } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-salt-padded', 'a salt with = padding', { json: { ...J, salt: J.salt + '==' } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-ciphertext-empty', 'an empty ciphertext', { json: { ...J, ciphertext: '' } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-ciphertext-std-b64', 'a ciphertext in standard base64', { json: { ...J, ciphertext: '+/' + J.ciphertext.slice(2) } }, 'MALFORMED_ENVELOPE'),
  jsonNo('json-nonce-bytes-field', 'a nonce that is an array of numbers', { json: { ...J, nonce: [...base.nonce] } }, 'MALFORMED_ENVELOPE'),
)
const B = api.toBytes(BASE)
const bytesNo = (id, description, bytes, code) => ({ id, rule: '§20.3', description, op: 'fromBytes', bytes, expect: { code } })
forms.push(
  { id: 'bytes-to', rule: '§20.3', description: 'string to binary: header || ciphertext || tag', op: 'toBytes', envelope: BASE, expect: { hex: hexOf(B) } },
  { id: 'bytes-from', rule: '§20.3', description: 'binary to string', op: 'fromBytes', bytes: { hex: hexOf(B) }, expect: { envelope: BASE } },
  { id: 'bytes-from-trailing-byte', rule: '§20.3', description: 'a byte appended to the binary form is part of the body: a well-formed (different) envelope', op: 'fromBytes', bytes: { hex: hexOf(B) + '00' }, expect: { envelope: api.fromBytes(Buffer.concat([B, Buffer.from([0])])) } },
  openNo('bytes-trailing-byte-fails-to-open', '§20.3', 'that envelope does not open', api.fromBytes(Buffer.concat([B, Buffer.from([0])])), 'AUTH_FAILED'),
  bytesNo('bytes-empty', 'no bytes', { hex: '' }, 'MALFORMED_ENVELOPE'),
  bytesNo('bytes-version-2-alone', 'the single byte 0x02: the version byte first', { hex: '02' }, 'UNSUPPORTED_VERSION'),
  bytesNo('bytes-version-1-alone', 'the single byte 0x01', { hex: '01' }, 'MALFORMED_ENVELOPE'),
  bytesNo('bytes-kdf-04', '0x01 0x04', { hex: '0104' }, 'UNSUPPORTED_KDF'),
  bytesNo('bytes-version-0', 'version byte 0x00', { hex: '00' + hexOf(B.subarray(1)) }, 'UNSUPPORTED_VERSION'),
  bytesNo('bytes-cap', '1,048,781 bytes starting with 0x02: the cap before the version byte', { repeatHex: { head: '02', unit: '00', count: 1048780 } }, 'MALFORMED_ENVELOPE'),
  bytesNo('bytes-body-16', 'a header and a 16-byte body', { hex: hexOf(B.subarray(0, 68)) + hexOf(B.subarray(-16)) }, 'MALFORMED_ENVELOPE'),
  bytesNo('bytes-body-1048593', 'a raw-key header and a body of 1,048,593 bytes (under the 1,048,780-byte cap)', { repeatHex: { head: hexOf(api.toBytes(RAWBASE).subarray(0, 64)), unit: '00', count: 1048593 } }, 'MALFORMED_ENVELOPE'),
  bytesNo('bytes-not-bytes', 'a string instead of bytes', { json: hexOf(B) }, 'MALFORMED_ENVELOPE'),
  bytesNo('bytes-array-of-numbers', 'an array of numbers instead of bytes', { json: [...B] }, 'MALFORMED_ENVELOPE'),
  bytesNo('bytes-kid-space', 'a key id with a space', { hex: hexOf(ref.b64d(hdr({ keyId: 'a b' }))) + hexOf(ref.b64d(BBODY)) }, 'MALFORMED_ENVELOPE'),
  { id: 'inspect', rule: '§20.1', description: 'inspect: version, KDF and parameters, key id (null when absent), salt, sizes', op: 'inspect', envelope: BASE, expect: { info: { version: 1, kdf: base.params, keyId: null, salt: ref.b64e(base.salt), secretLength: SECRET.length, byteLength: B.length } } },
  { id: 'inspect-kid', rule: '§20.1', description: 'inspect with a key id', op: 'inspect', envelope: kidEnv, expect: { info: info(kidEnv) } },
  { id: 'inspect-argon2id-no-implementation', rule: '§4, §20.1', description: 'an Argon2id header is parsed without an implementation', op: 'inspect', envelope: env(a2(16, 3, 2)), expect: { info: info(env(a2(16, 3, 2))) } },
  { id: 'inspect-salt-64-kid-64', rule: '§3', description: 'the longest salt and key id', op: 'inspect', envelope: env(hdr({ salt: Buffer.alloc(64, 5), keyId: '~'.repeat(64) })), expect: { info: info(env(hdr({ salt: Buffer.alloc(64, 5), keyId: '~'.repeat(64) }))) } },
  { id: 'inspect-malformed', rule: '§20.1', description: 'inspect validates fully', op: 'inspect', envelope: env(poke(1, 4)), expect: { code: 'UNSUPPORTED_KDF' } },
  { id: 'inspect-trailing-header-byte', rule: '§20.1', description: 'inspect refuses a trailing header byte', op: 'inspect', envelope: env(ref.b64e(Buffer.concat([ref.b64d(BHEAD), Buffer.from([0])]))), expect: { code: 'MALFORMED_ENVELOPE' } },
  { id: 'toJSON-malformed', rule: '§10.1', description: 'toJSON validates fully', op: 'toJSON', envelope: env(BHEAD, BBODY + '='), expect: { code: 'MALFORMED_ENVELOPE' } },
  { id: 'toBytes-version', rule: '§20.3', description: 'toBytes validates fully', op: 'toBytes', envelope: 'ks3.x.y', expect: { code: 'UNSUPPORTED_VERSION' } },
)

// ---------------------------------------------------------------------------------------------
// v1-keys.json: importKey, deriveKey, createKeyring, and opening with a keyring (§18, §19.4).
const keys = []
const P1 = 'first passphrase of the ring'
const P2 = 'second passphrase of the ring'
const byP1 = sealRef('ring-p1', SECRET, P1, { context: CTX, policy: P.test })
const byP2 = sealRef('ring-p2', SECRET, P2, { context: CTX, policy: P.test })
const byRaw2 = sealRef('ring-raw2', SECRET, api.importKey(RAW2), { context: CTX })
const byRawKidX = sealRef('ring-raw-x', SECRET, api.importKey(RAW), { context: CTX, keyId: 'x' })
const byRawKidR = sealRef('ring-raw-r', SECRET, api.importKey(RAW), { context: CTX, keyId: 'r' })
const ringOpen = (id, rule, description, envelope, entries, expect) => ({ id, rule, description, op: 'open', envelope, key: ring(entries), options: o(), expect })
const ok = { secretHex: SECRET_HEX }
keys.push(
  ringOpen('ring-kid-picks-entry', '§19.4', 'the key id picks the entry', byRawKidR, [{ id: 'p', key: { passphrase: P1 }, primary: true }, { id: 'r', key: { raw: RAW } }], ok),
  ringOpen('ring-unknown-kid', '§19.4', 'an unknown key id is UNKNOWN_KEY_ID even when another entry holds the key', byRawKidX, [{ id: 'r', key: { raw: RAW } }], { code: 'UNKNOWN_KEY_ID' }),
  ringOpen('ring-kid-wrong-kind', '§19.4', 'the entry named by the key id is of the wrong kind', byRawKidR, [{ id: 'p', key: { passphrase: P1 }, primary: true }, { id: 'r', key: { passphrase: P2 } }], { code: 'KEY_MISMATCH' }),
  ringOpen('ring-no-kid-disabled-raw', '§19.4', 'no key id: every fitting raw-key entry is tried, disabled ones included', byRaw2, [{ id: 'a', key: { raw: RAW }, primary: true }, { id: 'b', key: { raw: RAW2 }, disabled: true }], ok),
  ringOpen('ring-no-kid-primary-passphrase', '§19.4', 'no key id: the primary passphrase is the one KDF run', byP1, [{ id: 'a', key: { passphrase: P1 }, primary: true }, { id: 'b', key: { passphrase: P2 } }], ok),
  ringOpen('ring-no-kid-one-kdf', '§19.4', 'no key id: only the primary passphrase is tried, so an envelope of the second passphrase fails', byP2, [{ id: 'a', key: { passphrase: P1 }, primary: true }, { id: 'b', key: { passphrase: P2 } }], { code: 'AUTH_FAILED' }),
  ringOpen('ring-no-kid-first-passphrase', '§19.4', 'primary raw: the first passphrase entry in the order given is tried (disabled included)', byP1, [{ id: 'r', key: { raw: RAW }, primary: true }, { id: 'a', key: { passphrase: P1 }, disabled: true }, { id: 'b', key: { passphrase: P2 } }], ok),
  ringOpen('ring-no-kid-not-second-passphrase', '§19.4', 'primary raw: the second passphrase entry is never tried', byP2, [{ id: 'r', key: { raw: RAW }, primary: true }, { id: 'a', key: { passphrase: P1 }, disabled: true }, { id: 'b', key: { passphrase: P2 } }], { code: 'AUTH_FAILED' }),
  ringOpen('ring-no-kid-order-not-primary-first', '§19.4', 'primary passphrase listed second: still the primary is the one tried', byP2, [{ id: 'a', key: { passphrase: P1 } }, { id: 'b', key: { passphrase: P2 }, primary: true }], ok),
  ringOpen('ring-no-kid-raw-plus-passphrase', '§19.4', 'no key id: raw-key entries and the one passphrase are all tried', byP1, [{ id: 'r', key: { raw: RAW }, primary: true }, { id: 'a', key: { passphrase: P1 } }], ok),
  ringOpen('ring-no-kid-derived-entry', '§19.4', 'no key id: a fitting derived-key entry is tried without a KDF run, besides the passphrase', sibNone, [{ id: 'a', key: { passphrase: P1 }, primary: true }, { id: 'd', key: sibKey }], ok),
  ringOpen('ring-no-fitting-entry', '§19.4', 'no key id and no entry of a fitting kind', BASE, [{ id: 'r', key: { raw: RAW } }], { code: 'KEY_MISMATCH' }),
  ringOpen('ring-no-kid-passphrase-for-raw', '§19.4', 'a raw-key envelope and a ring of passphrases', byRaw2, [{ id: 'a', key: { passphrase: P1 } }], { code: 'KEY_MISMATCH' }),
)
const ringNo = (id, description, entries, code) => ({ id, rule: '§18.3', description, op: 'createKeyring', entries, expect: { code } })
keys.push(
  { id: 'ring-create', rule: '§18.3', description: 'a single entry is the primary', op: 'createKeyring', entries: [{ id: 'only', key: { passphrase: P1 } }], expect: { primaryId: 'only' } },
  ringNo('ring-empty', 'no entries', [], 'INVALID_OPTIONS'),
  ringNo('ring-not-array', 'not a list', { json: { id: 'a' } }, 'INVALID_OPTIONS'),
  ringNo('ring-duplicate-id', 'two entries with id a', [{ id: 'a', key: { raw: RAW }, primary: true }, { id: 'a', key: { raw: RAW2 } }], 'INVALID_OPTIONS'),
  ringNo('ring-two-primaries', 'two primaries', [{ id: 'a', key: { raw: RAW }, primary: true }, { id: 'b', key: { raw: RAW2 }, primary: true }], 'INVALID_OPTIONS'),
  ringNo('ring-no-primary', 'two entries, none primary', [{ id: 'a', key: { raw: RAW } }, { id: 'b', key: { raw: RAW2 } }], 'INVALID_OPTIONS'),
  ringNo('ring-single-primary-false', 'a single entry marked primary: false', [{ id: 'a', key: { raw: RAW }, primary: false }], 'INVALID_OPTIONS'),
  ringNo('ring-disabled-primary', 'a disabled primary', [{ id: 'a', key: { raw: RAW }, primary: true, disabled: true }], 'INVALID_OPTIONS'),
  ringNo('ring-open-only-primary', 'an open-only key as primary', [{ id: 'a', key: openOnly }], 'INVALID_OPTIONS'),
  ringNo('ring-key-id-differs', 'a key object whose own id differs from the entry id', [{ id: 'a', key: { raw: RAW, keyId: 'b' } }], 'INVALID_OPTIONS'),
  ringNo('ring-bad-id', 'an id with a space', [{ id: 'a b', key: { raw: RAW } }], 'INVALID_OPTIONS'),
  ringNo('ring-primary-null', 'primary: null is not absent', [{ id: 'a', key: { raw: RAW }, primary: { json: null } }], 'INVALID_OPTIONS'),
  ringNo('ring-primary-null-second', 'primary: null on a second entry is not absent', [{ id: 'a', key: { raw: RAW }, primary: true }, { id: 'b', key: { raw: RAW2 }, primary: { json: null } }], 'INVALID_OPTIONS'),
  ringNo('ring-disabled-null', 'disabled: null on a second entry is not absent', [{ id: 'a', key: { raw: RAW }, primary: true }, { id: 'b', key: { raw: RAW2 }, disabled: { json: null } }], 'INVALID_OPTIONS'),
  ringNo('ring-entry-null', 'an entry that is null', [{ json: null }], 'INVALID_OPTIONS'),
  ringNo('ring-bad-passphrase-then-bad-id', 'entries are checked in order: a bad passphrase in the first, a bad id in the second', [{ id: 'a', key: { passphrase: '' }, primary: true }, { id: '', key: { raw: RAW } }], 'INVALID_KEY'),
  ringNo('ring-bad-id-then-bad-passphrase', 'in one entry the id before the key', [{ id: '', key: { passphrase: '' } }], 'INVALID_OPTIONS'),
)
const importNo = (id, description, material, code, options) => ({ id, rule: '§18.1', description, op: 'importKey', material, ...(options ? { options } : {}), expect: { code } })
keys.push(
  { id: 'import-ok', rule: '§18.1', description: 'a ksk1. key', op: 'importKey', material: RAW, expect: { ok: true } },
  { id: 'import-bytes-ok', rule: '§18.1', description: '32 bytes', op: 'importKey', material: { hex: '01'.repeat(32) }, expect: { ok: true } },
  importNo('import-zero', 'an all-zero key', { hex: '00'.repeat(32) }, 'INVALID_KEY'),
  importNo('import-zero-string', 'an all-zero key as a string', 'ksk1.' + ref.b64e(Buffer.alloc(32)), 'INVALID_KEY'),
  importNo('import-31', '31 bytes', { hex: '01'.repeat(31) }, 'INVALID_KEY'),
  importNo('import-33', '33 bytes', { hex: '01'.repeat(33) }, 'INVALID_KEY'),
  importNo('import-trailing-bits', 'a ksk1. key whose last character has non-zero unused bits', RAW.slice(0, -1) + nonCanonical(RAW.slice(5)).at(-1), 'INVALID_KEY'),
  importNo('import-padded', 'a ksk1. key with = padding', RAW + '=', 'INVALID_KEY'),
  importNo('import-prefix', 'a key without the ksk1. prefix', 'kskx.' + RAW.slice(5), 'INVALID_KEY'),
  importNo('import-bad-keyid-and-material', 'a bad key id and bad material: options first', 'nope', 'INVALID_OPTIONS', { keyId: 'a b' }),
  importNo('import-unknown-option', 'an unknown option', RAW, 'INVALID_OPTIONS', { kid: 'a' }),
)
const deriveNo = (id, description, passphrase, options, code) => ({ id, rule: '§18.2', description, op: 'deriveKey', passphrase, options, expect: { code } })
keys.push(
  { id: 'derive-new', rule: '§18.2', description: 'a new derived key seals', op: 'deriveKey', passphrase: PW, options: { policy: 'test', keyId: 'k' }, random: hexOf(rnd('derive-new', 16)), expect: { key: { kind: 'pbkdf2-sha256', keyId: 'k', canSeal: true } } },
  { id: 'derive-from-envelope', rule: '§18.2', description: 'a re-derived key takes the envelope\'s key id and cannot seal', op: 'deriveKey', passphrase: PW, options: { policy: 'test', envelope: sibA }, expect: { key: { kind: 'pbkdf2-sha256', keyId: 'a', canSeal: false } } },
  { id: 'derive-from-envelope-keyid', rule: '§18.2', description: 'a keyId option replaces the envelope\'s', op: 'deriveKey', passphrase: PW, options: { policy: 'test', envelope: sibA, keyId: 'z' }, expect: { key: { kind: 'pbkdf2-sha256', keyId: 'z', canSeal: false } } },
  deriveNo('derive-raw-envelope', 'from a raw-key envelope', PW, { policy: 'test', envelope: RAWBASE }, 'KEY_MISMATCH'),
  deriveNo('derive-below-policy', 'from an envelope below the opening policy', PW, { policy: 'strict', envelope: at500 }, 'PARAMS_OUT_OF_POLICY'),
  { id: 'derive-at-open-min', rule: '§18.2', description: 'a re-derivation checks the opening bounds, not the sealing ones: 500 iterations under openMinIterations 500 and minIterations 1000', op: 'deriveKey', passphrase: PW, options: { policy: 'range', envelope: at500 }, expect: { key: { kind: 'pbkdf2-sha256', keyId: null, canSeal: false } } },
  deriveNo('derive-malformed-envelope', 'from a malformed envelope', PW, { policy: 'test', envelope: 'ks1.x' }, 'MALFORMED_ENVELOPE'),
  deriveNo('derive-bad-pw-and-envelope', 'a bad passphrase and a malformed envelope: the passphrase first', '', { policy: 'test', envelope: 'ks1.x' }, 'INVALID_KEY'),
  deriveNo('derive-bad-keyid-and-pw', 'a bad key id and a bad passphrase: the key id first', '', { policy: 'test', keyId: '' }, 'INVALID_OPTIONS'),
  deriveNo('derive-bad-policy-and-pw', 'a policy that is not one and a bad passphrase', '', { policy: { json: {} } }, 'INVALID_OPTIONS'),
  deriveNo('derive-envelope-number', 'an envelope option that is not a string', PW, { policy: 'test', envelope: { json: 1 } }, 'MALFORMED_ENVELOPE'),
  deriveNo('derive-argon2id-no-implementation', 'from an Argon2id envelope under a policy without Argon2id', PW, { policy: 'test', envelope: env(a2(64, 1, 1)) }, 'UNSUPPORTED_KDF'),
)

// ---------------------------------------------------------------------------------------------
// v1-policy.json: §17.2 validity rules.
const pol = []
const polOk = (id, description, settings) => ({ id, rule: '§17.2', description, op: 'createPolicy', settings: { json: settings }, expect: { ok: true } })
const polNo = (id, description, settings) => ({ id, rule: '§17.2', description, op: 'createPolicy', settings: { json: settings }, expect: { code: 'INVALID_OPTIONS' } })
const A = policies['argon2id-test'].argon2id
pol.push(
  polOk('policy-default', 'no settings: the defaults', {}),
  polOk('policy-equal-bounds', 'all four PBKDF2 values equal', { pbkdf2: { iterations: 5000, minIterations: 5000, openMinIterations: 5000, maxIterations: 5000 } }),
  polOk('policy-max-2^31-1', 'maxIterations 2^31 - 1, the largest allowed', { pbkdf2: { maxIterations: 2147483647 } }),
  polNo('policy-max-2^31', 'maxIterations 2^31 (platforms cannot compute it)', { pbkdf2: { maxIterations: 2147483648 } }),
  polNo('policy-max-2^32-1', 'maxIterations 2^32 - 1', { pbkdf2: { maxIterations: 4294967295 } }),
  polNo('policy-open-min-over-min', 'openMinIterations over minIterations', { pbkdf2: { openMinIterations: 700000 } }),
  polNo('policy-min-over-iterations', 'minIterations over iterations', { pbkdf2: { minIterations: 700000 } }),
  polNo('policy-iterations-over-max', 'iterations over maxIterations', { pbkdf2: { iterations: 20000000 } }),
  polNo('policy-zero', 'a count of 0', { pbkdf2: { openMinIterations: 0 } }),
  polNo('policy-fraction', 'a count of 600000.5 (in order with the defaults)', { pbkdf2: { iterations: 600000.5 } }),
  polNo('policy-string', 'a count given as a string (in order with the defaults)', { pbkdf2: { iterations: '700000' } }),
  polNo('policy-null-member', 'a member given as null (not absent)', { pbkdf2: { iterations: null } }),
  polNo('policy-2^32', 'a count of 2^32', { argon2id: { ...A, maxPasses: 4294967296 } }),
  polNo('policy-unknown-member', 'an unknown member', { pbkdf2: { iteration: 1000 } }),
  polNo('policy-unknown-top', 'an unknown top-level member', { scrypt: {} }),
  polNo('policy-kdf-argon2id-without', 'kdf argon2id without Argon2id settings', { kdf: 'argon2id' }),
  polNo('policy-kdf-unknown', 'kdf scrypt', { kdf: 'scrypt' }),
  polNo('policy-kdf-null', 'kdf null', { kdf: null }),
  polNo('policy-pbkdf2-null', 'pbkdf2 null', { pbkdf2: null }),
  polOk('policy-argon2id', 'Argon2id enabled: it becomes the sealing KDF', { argon2id: A }),
  polOk('policy-argon2id-pbkdf2-seals', 'Argon2id enabled, PBKDF2 still seals', { kdf: 'pbkdf2-sha256', argon2id: A }),
  polNo('policy-a2-open-min-over-min', 'openMinMemoryKiB over minMemoryKiB', { argon2id: { ...A, openMinMemoryKiB: 128 } }),
  polNo('policy-a2-min-over-memory', 'minMemoryKiB over memoryKiB', { argon2id: { ...A, minMemoryKiB: 128 } }),
  polNo('policy-a2-memory-over-max', 'memoryKiB over maxMemoryKiB', { argon2id: { ...A, maxMemoryKiB: 32 } }),
  polNo('policy-a2-max-memory-2^23', 'maxMemoryKiB 8,388,608 (over 8,388,607)', { argon2id: { ...A, maxMemoryKiB: 8388608 } }),
  polOk('policy-a2-max-memory-2^23-1', 'maxMemoryKiB 8,388,607', { argon2id: { ...A, maxMemoryKiB: 8388607 } }),
  polNo('policy-a2-open-min-passes-over-min', 'openMinPasses over minPasses', { argon2id: { ...A, openMinPasses: 2 } }),
  polNo('policy-a2-min-passes-over-passes', 'minPasses over passes', { argon2id: { ...A, minPasses: 2 } }),
  polNo('policy-a2-passes-over-max', 'passes over maxPasses', { argon2id: { ...A, passes: 11 } }),
  polNo('policy-a2-lanes-over-max', 'lanes over maxLanes', { argon2id: { ...A, lanes: 5, memoryKiB: 64 } }),
  polNo('policy-a2-max-lanes-2^24', 'maxLanes 2^24', { argon2id: { ...A, maxLanes: 16777216 } }),
  polNo('policy-a2-memory-below-8-lanes', 'memoryKiB 31 for 4 lanes (under 8 per lane)', { argon2id: { ...A, memoryKiB: 31, minMemoryKiB: 8, openMinMemoryKiB: 8, lanes: 4 } }),
  polNo('policy-a2-open-min-memory-7', 'openMinMemoryKiB 7', { argon2id: { ...A, openMinMemoryKiB: 7 } }),
)

// ---------------------------------------------------------------------------------------------
const files = {
  'v1-open-rules.json': ['Opening: one case per rule of docs/format.md §3, §4, §6, §7, §9, §11 and §17.3 (the boundary cases that must NOT be refused are here too), and the derived-key rules of §18.2.', openRules],
  'v1-unicode.json': ['Unicode: NFC and only NFC for string passphrases (NFKC-sensitive passphrases: U+FB01, fullwidth letters, U+00A0, U+00B2), NFD passphrases, secrets and contexts kept exactly, a BOM secret, the Unicode 15 example of §7.1, NOT_UTF8.', unicode],
  'v1-seal.json': ['Sealing: the order of checks of §19.2 (cases wrong in two ways), seal-side refusals, and positive seals reproduced byte for byte from the given random bytes (salt, then nonce).', seal],
  'v1-forms.json': ['The JSON form (§10), the binary form and inspect (§20), with their orders of checks.', forms],
  'v1-keys.json': ['importKey, deriveKey, createKeyring, and opening with a keyring (§18, §19.4).', keys],
  'v1-policy.json': ['Policy validity (§17.2).', pol],
}

const docs = documents(files, (_, what) => ({
  description: `keyseal envelope format v1: case vectors (docs/format.md §22). ${what} Generated by scripts/gen-spec-vectors-v1.mjs; the format of a case is described in vectors/README.md.`,
  formatVersion: 1,
  generated: GENERATED,
  policies,
}))
writeOrCheck(docs, await disagreements(adapter(api), docs), 'vectors/v1-*.json')
