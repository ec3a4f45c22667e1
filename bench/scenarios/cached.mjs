// Scenario `cached` (issue 2 §5, issue 6): seal+open of a 64-byte secret with a key derived once,
// against raw WebCrypto AES-256-GCM encrypt+decrypt with a cached CryptoKey and a fresh random 12-byte
// IV, interleaved in one process. Budget (reported, not a test): keyseal <= 1.3x the raw baseline.
import {
  SECRET_64, PASSPHRASE, TEST_POLICY_OVERRIDES, loadKeyseal, keysealVersion, libVersion,
  log, b64uDecode,
} from '../lib/common.mjs'
import { check, bytesEqual } from '../lib/harness.mjs'
import { budgetedScenario, runIfMain } from '../lib/scenario.mjs'
import { loadCompetitors } from '../lib/competitors.mjs'

const subtle = globalThis.crypto.subtle
const crypto = globalThis.crypto
const enc = new TextEncoder()
const dec = new TextDecoder()
const BUDGET = 1.3

export async function run({ rounds = Number(process.env.BENCH_ROUNDS) || 120 } = {}) {
  const checks = []
  const notes = []
  const ks = await loadKeyseal()
  const C = await loadCompetitors()
  const pt = enc.encode(SECRET_64)
  const rawKeyBytes = crypto.getRandomValues(new Uint8Array(32))

  // ---- baseline: raw WebCrypto, cached non-extractable CryptoKey --------------------------------
  const aesKey = await subtle.importKey('raw', rawKeyBytes, 'AES-GCM', false, ['encrypt', 'decrypt'])
  async function rawSealOpen() {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, pt)
    return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, ct))
  }
  checks.push(check(bytesEqual(await rawSealOpen(), pt), 'raw WebCrypto: decrypt(encrypt(p)) = p'))

  // Reference: the same plus string I/O (UTF-8 both ways, base64url of iv||ct and back): the least
  // any string-in/string-out API over WebCrypto must pay.
  async function rawStringsSealOpen() {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const ct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, enc.encode(SECRET_64)))
    const both = new Uint8Array(12 + ct.length)
    both.set(iv)
    both.set(ct, 12)
    const s = Buffer.from(both.buffer, both.byteOffset, both.length).toString('base64url')
    const back = new Uint8Array(Buffer.from(s, 'base64url'))
    return dec.decode(await subtle.decrypt({ name: 'AES-GCM', iv: back.subarray(0, 12) }, aesKey, back.subarray(12)))
  }
  checks.push(check((await rawStringsSealOpen()) === SECRET_64, 'raw WebCrypto + string I/O round trip'))

  // ---- keyseal --------------------------------------------------------------------------------
  const keysealCases = []
  if (ks) {
  const policy = ks.createPolicy(TEST_POLICY_OVERRIDES)
  const derived = await ks.deriveKey(PASSPHRASE, { policy })
  const rawKs = await ks.importKey(await ks.generateKey())
  const ksDerived = async () => ks.openKey(await ks.sealKey(SECRET_64, derived, { policy }), derived, { policy })
  // The way users do it: derive once at the DEFAULT policy (one 600,000-iteration PBKDF2, not timed),
  // then seal and open with no options. The test-policy case above must pass its policy on every
  // call, which keyseal re-validates each time.
  const derivedDefault = await ks.deriveKey(PASSPHRASE)
  const ksDerivedDefault = async () => ks.openKey(await ks.sealKey(SECRET_64, derivedDefault), derivedDefault)
  const ksRaw = async () => ks.openKey(await ks.sealKey(SECRET_64, rawKs), rawKs)
  const ctx = 'user:42/openai'
  const ksRawCtx = async () => ks.openKey(await ks.sealKey(SECRET_64, rawKs, { context: ctx }), rawKs, { context: ctx })
  {
    const e1 = await ks.sealKey(SECRET_64, derived, { policy })
    const e2 = await ks.sealKey(SECRET_64, derived, { policy })
    checks.push(check(e1.startsWith('ks1.') && e1 !== e2, 'keyseal: envelopes are ks1.* and two seals differ'))
    checks.push(check((await ks.openKey(e1, derived, { policy })) === SECRET_64, 'keyseal (derived key): open(seal(s)) = s'))
    checks.push(check((await ks.openKey(e1, PASSPHRASE, { policy })) === SECRET_64,
      'keyseal: an envelope sealed with the derived key opens with the passphrase alone'))
    checks.push(check((await ksDerivedDefault()) === SECRET_64, 'keyseal (key derived at the default policy): open(seal(s)) = s'))
    checks.push(check((await ksRaw()) === SECRET_64, 'keyseal (raw key): open(seal(s)) = s'))
    checks.push(check((await ksRawCtx()) === SECRET_64, 'keyseal (raw key + context): open(seal(s)) = s'))
    let failed = false
    try {
      await ks.openKey(await ks.sealKey(SECRET_64, rawKs, { context: ctx }), rawKs, { context: 'user:43/openai' })
    } catch (e) {
      failed = e?.code === 'AUTH_FAILED'
    }
    checks.push(check(failed, 'keyseal: wrong context gives AUTH_FAILED'))
    const info = ks.inspect(e1)
    notes.push(`keyseal envelope for the 64-byte secret: ${e1.length} characters; inspect(): ${JSON.stringify(info)}`)
  }
  keysealCases.push(
    { id: 'keyseal-derived-default', label: `keyseal ${keysealVersion()} sealKey+openKey, deriveKey() key, default policy, no options`, group: 'keyseal', fn: ksDerivedDefault, budget: BUDGET },
    { id: 'keyseal-derived', label: `keyseal ${keysealVersion()} sealKey+openKey, deriveKey() key, test policy passed on each call`, group: 'keyseal', fn: ksDerived, budget: BUDGET },
    { id: 'keyseal-raw', label: `keyseal ${keysealVersion()} sealKey+openKey, importKey() raw key`, group: 'keyseal', fn: ksRaw },
    { id: 'keyseal-raw-context', label: `keyseal ${keysealVersion()} raw key + context`, group: 'keyseal', fn: ksRawCtx },
  )
  }

  // ---- jose: compact JWE, dir + A256GCM, the same cached CryptoKey --------------------------------
  const { CompactEncrypt, compactDecrypt } = C.jose
  const joseSealOpen = async () => {
    const jwe = await new CompactEncrypt(pt).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(aesKey)
    return (await compactDecrypt(jwe, aesKey)).plaintext
  }
  {
    const jwe = await new CompactEncrypt(pt).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(aesKey)
    checks.push(check(bytesEqual((await compactDecrypt(jwe, aesKey)).plaintext, pt), 'jose dir+A256GCM: decrypt(encrypt(p)) = p'))
    // Interop: a dir/A256GCM JWE is plain AES-GCM with AAD = ASCII(protected header b64url).
    const [h, , iv, ct, tag] = jwe.split('.')
    const body = new Uint8Array([...b64uDecode(ct), ...b64uDecode(tag)])
    const p2 = await subtle.decrypt({ name: 'AES-GCM', iv: b64uDecode(iv), additionalData: enc.encode(h) }, aesKey, body)
    checks.push(check(bytesEqual(p2, pt), 'interop: raw WebCrypto opens jose dir+A256GCM JWE'))
  }

  // ---- @47ng/cloak: its own key format; on Node it takes node:crypto (sync), in browsers WebCrypto --
  const cloakKeyString = 'k1.aesgcm256.' + Buffer.from(rawKeyBytes).toString('base64url')
  const cloakKey = await C.cloak.parseKey(cloakKeyString)
  const cloakSealOpen = async () => C.cloak.decryptString(await C.cloak.encryptString(SECRET_64, cloakKey), cloakKey)
  {
    const m = await C.cloak.encryptString(SECRET_64, cloakKey)
    checks.push(check((await C.cloak.decryptString(m, cloakKey)) === SECRET_64, '@47ng/cloak: decrypt(encrypt(s)) = s'))
    const [, , , iv, ct] = m.split('.')
    const p2 = await subtle.decrypt({ name: 'AES-GCM', iv: b64uDecode(iv) }, aesKey, b64uDecode(ct))
    checks.push(check(dec.decode(p2) === SECRET_64, 'interop: raw WebCrypto opens @47ng/cloak output (same key bytes)'))
  }
  notes.push('@47ng/cloak on Node uses node:crypto createCipheriv (synchronous), not WebCrypto; in a browser it uses WebCrypto.')

  // ---- iron-webcrypto: no cached key in its API; every seal/unseal runs PBKDF2 (1 iteration by
  // default) twice (encryption + integrity), AES-256-CBC and HMAC-SHA256 -------------------------
  const ironSealOpen = async () => C.iron.unseal(await C.iron.seal(SECRET_64, PASSPHRASE, C.iron.defaults), PASSPHRASE, C.iron.defaults)
  checks.push(check((await ironSealOpen()) === SECRET_64, 'iron-webcrypto: unseal(seal(s)) = s'))
  notes.push('iron-webcrypto has no reusable key: each seal and unseal derives two keys with PBKDF2 (its default: 1 iteration) from a 32+ character password.')

  // ---- @noble/ciphers gcm (pure JS), the same key bytes ---------------------------------------------
  const nobleSealOpen = async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const ct = C.gcm(rawKeyBytes, iv).encrypt(pt)
    return C.gcm(rawKeyBytes, iv).decrypt(ct)
  }
  {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const ct = C.gcm(rawKeyBytes, iv).encrypt(pt)
    checks.push(check(bytesEqual(C.gcm(rawKeyBytes, iv).decrypt(ct), pt), '@noble/ciphers gcm: decrypt(encrypt(p)) = p'))
    checks.push(check(bytesEqual(await subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, ct), pt), 'interop: raw WebCrypto opens noble gcm output'))
    const wct = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, pt))
    checks.push(check(bytesEqual(wct, ct), 'interop: noble gcm and WebCrypto give identical ciphertext||tag for the same key and IV'))
  }

  // ---- libsodium-wrappers: crypto_secretbox (XSalsa20-Poly1305), 24-byte random nonce ---------------
  const S = C.sodium
  const sodiumKey = rawKeyBytes
  const sodiumSealOpen = async () => {
    const nonce = S.randombytes_buf(S.crypto_secretbox_NONCEBYTES)
    const ct = S.crypto_secretbox_easy(pt, nonce, sodiumKey)
    return S.crypto_secretbox_open_easy(ct, nonce, sodiumKey)
  }
  {
    const nonce = S.randombytes_buf(S.crypto_secretbox_NONCEBYTES)
    const ct = S.crypto_secretbox_easy(pt, nonce, sodiumKey)
    checks.push(check(bytesEqual(S.crypto_secretbox_open_easy(ct, nonce, sodiumKey), pt), 'libsodium secretbox: open(seal(p)) = p'))
    checks.push(check(bytesEqual(C.xsalsa20poly1305(sodiumKey, nonce).decrypt(ct), pt), 'interop: noble xsalsa20poly1305 opens libsodium secretbox output'))
  }

  const cases = [
    { id: 'raw', label: 'raw WebCrypto AES-256-GCM (baseline)', group: 'baseline', fn: rawSealOpen, note: 'bytes in, bytes out' },
    ...keysealCases,
    { id: 'raw-strings', label: 'raw WebCrypto + UTF-8 + base64url (reference)', group: 'reference', fn: rawStringsSealOpen },
    { id: 'jose', label: `jose ${libVersion('jose')} compact JWE dir+A256GCM`, group: 'competitor', lib: 'jose', fn: joseSealOpen },
    { id: 'cloak', label: `@47ng/cloak ${libVersion('@47ng/cloak')} (node:crypto on Node)`, group: 'competitor', lib: '@47ng/cloak', fn: cloakSealOpen },
    { id: 'iron', label: `iron-webcrypto ${libVersion('iron-webcrypto')} seal+unseal (no cached key)`, group: 'competitor', lib: 'iron-webcrypto', fn: ironSealOpen },
    { id: 'noble', label: `@noble/ciphers ${libVersion('@noble/ciphers')} gcm (pure JS)`, group: 'competitor', lib: '@noble/ciphers', fn: nobleSealOpen },
    { id: 'sodium', label: `libsodium-wrappers ${libVersion('libsodium-wrappers')} secretbox (XSalsa20-Poly1305)`, group: 'competitor', lib: 'libsodium-wrappers', fn: sodiumSealOpen },
  ]
  log(`cached: ${checks.length} cross-checks passed; timing ${cases.length} cases x ${rounds} rounds`)
  return budgetedScenario(cases, { rounds, targetMs: 5, baseline: 'raw' }, 'cached: seal+open of a 64-byte secret, key derived once (per operation)', {
    scenario: 'cached',
    title: 'Seal + open, 64-byte secret, cached key',
    description:
      'One seal and one open per operation, key derived/imported once. Raw WebCrypto, jose, noble and libsodium get the secret as bytes and return bytes; keyseal, @47ng/cloak and iron-webcrypto take and return strings (their encoding is part of their time). the keyseal derived keys are made once, outside the timing: one at the default policy (600,000 iterations; then sealKey/openKey with no options, as users call them) and one with the contract test policy (1,000 iterations; that policy must then be passed to every sealKey/openKey call).',
    checks: checks.map((c) => c.check),
    notes,
  })
}

runIfMain(import.meta.url, run)
