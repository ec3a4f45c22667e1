// Scenario `passphrase` (issue 2 §5, issue 6): sealKey(secret, passphrase) at the DEFAULT policy
// (PBKDF2-SHA256, 600,000 iterations) against raw WebCrypto importKey(PBKDF2) + deriveBits(600000)
// + importKey(AES-GCM) + encrypt, and the same for open. Budget: at most 1.05x (reported).
// Competitors get the same passphrase, the same secret and the same iteration count.
import {
  SECRET_64, PASSPHRASE, PBKDF2_ITERATIONS, loadKeyseal, keysealVersion, libVersion, log, b64uDecode,
} from '../lib/common.mjs'
import { check, bytesEqual } from '../lib/harness.mjs'
import { budgetedScenario, runIfMain } from '../lib/scenario.mjs'
import { loadCompetitors } from '../lib/competitors.mjs'

const subtle = globalThis.crypto.subtle
const crypto = globalThis.crypto
const enc = new TextEncoder()
const BUDGET = 1.05
const ITER = PBKDF2_ITERATIONS

export async function run({ rounds = Number(process.env.BENCH_ROUNDS) || 24 } = {}) {
  const checks = []
  const notes = []
  const ks = await loadKeyseal()
  const C = await loadCompetitors()
  const pt = enc.encode(SECRET_64)
  const pw = enc.encode(PASSPHRASE)

  // ---- baseline: raw WebCrypto --------------------------------------------------------------
  async function webcryptoPbkdf2(salt, bits = 256) {
    const base = await subtle.importKey('raw', pw, 'PBKDF2', false, ['deriveBits'])
    return new Uint8Array(await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: ITER }, base, bits))
  }
  async function rawSeal() {
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const bits = await webcryptoPbkdf2(salt)
    const key = await subtle.importKey('raw', bits, 'AES-GCM', false, ['encrypt'])
    const iv = crypto.getRandomValues(new Uint8Array(12))
    return { salt, iv, ct: await subtle.encrypt({ name: 'AES-GCM', iv }, key, pt) }
  }
  async function rawOpen(s) {
    const bits = await webcryptoPbkdf2(s.salt)
    const key = await subtle.importKey('raw', bits, 'AES-GCM', false, ['decrypt'])
    return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: s.iv }, key, s.ct))
  }
  const rawSealed = await rawSeal()
  checks.push(check(bytesEqual(await rawOpen(rawSealed), pt), 'raw WebCrypto PBKDF2 600k + AES-GCM: open(seal(p)) = p'))

  const cases = [
    { id: 'raw-seal', label: 'raw WebCrypto PBKDF2 + AES-GCM seal (baseline)', group: 'baseline', fn: rawSeal },
    { id: 'raw-open', label: 'raw WebCrypto PBKDF2 + AES-GCM open (baseline)', group: 'baseline', fn: () => rawOpen(rawSealed) },
  ]

  // ---- keyseal, default policy -----------------------------------------------------------------
  if (ks) {
    const env = await ks.sealKey(SECRET_64, PASSPHRASE)
    const info = ks.inspect(env)
    notes.push(`keyseal default-policy envelope: inspect() = ${JSON.stringify(info)}`)
    checks.push(check(JSON.stringify(info).includes(String(ITER)), `keyseal default policy seals with ${ITER} iterations (inspect)`))
    checks.push(check((await ks.openKey(env, PASSPHRASE)) === SECRET_64, 'keyseal: openKey(sealKey(s, pw), pw) = s'))
    let failed = false
    try {
      await ks.openKey(env, PASSPHRASE + 'x')
    } catch (e) {
      failed = e?.code === 'AUTH_FAILED'
    }
    checks.push(check(failed, 'keyseal: wrong passphrase gives AUTH_FAILED'))
    cases.push(
      { id: 'keyseal-seal', label: `keyseal ${keysealVersion()} sealKey(secret, passphrase)`, group: 'keyseal', fn: () => ks.sealKey(SECRET_64, PASSPHRASE), baseline: 'raw-seal', budget: BUDGET },
      { id: 'keyseal-open', label: `keyseal ${keysealVersion()} openKey(envelope, passphrase)`, group: 'keyseal', fn: () => ks.openKey(env, PASSPHRASE), baseline: 'raw-open', budget: BUDGET },
    )
  }

  // ---- jose: PBES2-HS256+A128KW, p2c 600000, enc A256GCM ---------------------------------------------
  // RFC 7518 §4.8 registers PBES2-HS256+A128KW, -HS384+A192KW and -HS512+A256KW only; the one with
  // PBKDF2-HMAC-SHA256 (keyseal's KDF) wraps the random 256-bit CEK with a 128-bit AES-KW key.
  const { CompactEncrypt, compactDecrypt } = C.jose
  const joseSeal = () =>
    new CompactEncrypt(pt).setProtectedHeader({ alg: 'PBES2-HS256+A128KW', enc: 'A256GCM' }).setKeyManagementParameters({ p2c: ITER }).encrypt(pw)
  // jose refuses PBES2 on decrypt unless allow-listed, and caps p2c at 10,000 by default (its
  // CVE-2022-36083 fix): allow exactly this algorithm and count.
  const joseOpen = (jwe) => compactDecrypt(jwe, pw, { keyManagementAlgorithms: ['PBES2-HS256+A128KW'], maxPBES2Count: ITER })
  const jwe = await joseSeal()
  checks.push(check(bytesEqual((await joseOpen(jwe)).plaintext, pt), 'jose PBES2-HS256+A128KW p2c=600000: decrypt(encrypt(p)) = p'))
  {
    // Interop (RFC 7518 §4.8): KEK = PBKDF2-SHA256(pw, UTF8(alg) || 0x00 || p2s, p2c); CEK = AES-KW unwrap.
    const [h, ek, iv, ct, tag] = jwe.split('.')
    const header = JSON.parse(new TextDecoder().decode(b64uDecode(h)))
    checks.push(check(header.p2c === ITER, 'jose header carries p2c = 600000'))
    const salt = new Uint8Array([...enc.encode(header.alg), 0, ...b64uDecode(header.p2s)])
    const kek = await subtle.importKey('raw', await webcryptoPbkdf2(salt, 128), 'AES-KW', false, ['unwrapKey'])
    const cek = await subtle.unwrapKey('raw', b64uDecode(ek), kek, 'AES-KW', 'AES-GCM', false, ['decrypt'])
    const p2 = await subtle.decrypt({ name: 'AES-GCM', iv: b64uDecode(iv), additionalData: enc.encode(h) }, cek,
      new Uint8Array([...b64uDecode(ct), ...b64uDecode(tag)]))
    checks.push(check(bytesEqual(p2, pt), 'interop: raw WebCrypto (PBKDF2 + AES-KW + AES-GCM) opens the jose PBES2 JWE'))
  }
  cases.push(
    { id: 'jose-seal', label: `jose ${libVersion('jose')} PBES2-HS256+A128KW encrypt`, group: 'competitor', lib: 'jose', fn: joseSeal, baseline: 'raw-seal', every: 3 },
    { id: 'jose-open', label: `jose ${libVersion('jose')} PBES2-HS256+A128KW decrypt`, group: 'competitor', lib: 'jose', fn: () => joseOpen(jwe), baseline: 'raw-open', every: 3 },
  )

  // ---- iron-webcrypto with 600,000 iterations. Iron's format fixes PBKDF2-HMAC-SHA1 and derives two
  // 256-bit keys per call (AES-256-CBC and HMAC-SHA256); a 256-bit output takes two SHA-1 blocks, so
  // each seal or unseal is about four times the PBKDF2 work of the others: its design, not noise. ---
  const ironOpts = {
    ...C.iron.defaults,
    encryption: { ...C.iron.defaults.encryption, iterations: ITER },
    integrity: { ...C.iron.defaults.integrity, iterations: ITER },
  }
  const ironSealed = await C.iron.seal(SECRET_64, PASSPHRASE, ironOpts)
  checks.push(check((await C.iron.unseal(ironSealed, PASSPHRASE, ironOpts)) === SECRET_64, 'iron-webcrypto 600k iterations: unseal(seal(s)) = s'))
  cases.push(
    { id: 'iron-seal', label: `iron-webcrypto ${libVersion('iron-webcrypto')} seal (PBKDF2-SHA1 600k, 2 keys)`, group: 'competitor', lib: 'iron-webcrypto', fn: () => C.iron.seal(SECRET_64, PASSPHRASE, ironOpts), baseline: 'raw-seal', every: 3 },
    { id: 'iron-open', label: `iron-webcrypto ${libVersion('iron-webcrypto')} unseal (PBKDF2-SHA1 600k, 2 keys)`, group: 'competitor', lib: 'iron-webcrypto', fn: () => C.iron.unseal(ironSealed, PASSPHRASE, ironOpts), baseline: 'raw-open', every: 3 },
  )
  notes.push('iron-webcrypto derives two 256-bit keys (AES-256-CBC and HMAC-SHA256) per seal and per unseal with PBKDF2-HMAC-SHA1 (fixed by the Iron format): 2 keys x 2 SHA-1 blocks = about four times the PBKDF2 work of the others at the same iteration count.')

  // ---- @noble/hashes pbkdf2 (pure JS) + @noble/ciphers gcm --------------------------------------
  const nobleKdf = (salt) => C.pbkdf2Async(C.sha256, pw, salt, { c: ITER, dkLen: 32 })
  const nobleSeal = async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const key = await nobleKdf(salt)
    const iv = crypto.getRandomValues(new Uint8Array(12))
    return { salt, iv, ct: C.gcm(key, iv).encrypt(pt) }
  }
  const nobleOpen = async (s) => C.gcm(await nobleKdf(s.salt), s.iv).decrypt(s.ct)
  const nobleSealed = await nobleSeal()
  checks.push(check(bytesEqual(await nobleOpen(nobleSealed), pt), '@noble pbkdf2 600k + gcm: open(seal(p)) = p'))
  checks.push(check(bytesEqual(await rawOpen(nobleSealed), pt), 'interop: raw WebCrypto (PBKDF2 + AES-GCM) opens the noble output: same KDF output, same AEAD'))
  cases.push(
    { id: 'noble-seal', label: `@noble/hashes ${libVersion('@noble/hashes')} pbkdf2 + @noble/ciphers gcm seal (pure JS)`, group: 'competitor', lib: '@noble/hashes', fn: nobleSeal, baseline: 'raw-seal', every: 6 },
    { id: 'noble-open', label: `@noble/hashes ${libVersion('@noble/hashes')} pbkdf2 + @noble/ciphers gcm open (pure JS)`, group: 'competitor', lib: '@noble/hashes', fn: () => nobleOpen(nobleSealed), baseline: 'raw-open', every: 6 },
  )

  // ---- hash-wasm pbkdf2 (WebAssembly) + WebCrypto AES-GCM ------------------------------------------
  const { pbkdf2: hwPbkdf2, createSHA256 } = C.hashWasm
  const hwKdf = (salt) => hwPbkdf2({ password: pw, salt, iterations: ITER, hashLength: 32, hashFunction: createSHA256(), outputType: 'binary' })
  const hwSeal = async () => {
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const key = await subtle.importKey('raw', await hwKdf(salt), 'AES-GCM', false, ['encrypt'])
    const iv = crypto.getRandomValues(new Uint8Array(12))
    return { salt, iv, ct: await subtle.encrypt({ name: 'AES-GCM', iv }, key, pt) }
  }
  const hwOpen = async (s) => {
    const key = await subtle.importKey('raw', await hwKdf(s.salt), 'AES-GCM', false, ['decrypt'])
    return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv: s.iv }, key, s.ct))
  }
  const hwSealed = await hwSeal()
  checks.push(check(bytesEqual(await hwOpen(hwSealed), pt), 'hash-wasm pbkdf2 600k + WebCrypto AES-GCM: open(seal(p)) = p'))
  checks.push(check(bytesEqual(await rawOpen(hwSealed), pt), 'interop: hash-wasm pbkdf2 gives the same key as WebCrypto deriveBits'))
  cases.push(
    { id: 'hashwasm-seal', label: `hash-wasm ${libVersion('hash-wasm')} pbkdf2 + WebCrypto AES-GCM seal`, group: 'competitor', lib: 'hash-wasm', fn: hwSeal, baseline: 'raw-seal', every: 6 },
    { id: 'hashwasm-open', label: `hash-wasm ${libVersion('hash-wasm')} pbkdf2 + WebCrypto AES-GCM open`, group: 'competitor', lib: 'hash-wasm', fn: () => hwOpen(hwSealed), baseline: 'raw-open', every: 6 },
  )

  // ---- libsodium: crypto_pwhash is Argon2id, not PBKDF2 (a different KDF, shown for users who would
  // pick libsodium); OWASP minimum m = 19 MiB, t = 2, p = 1 (libsodium's p is always 1) + secretbox.
  const S = C.sodiumSumo
  const M = 19 * 1024 * 1024
  const T = 2
  const sodiumKdf = (salt) => S.crypto_pwhash(32, pw, salt, T, M, S.crypto_pwhash_ALG_ARGON2ID13)
  const sodiumSeal = async () => {
    const salt = S.randombytes_buf(S.crypto_pwhash_SALTBYTES)
    const nonce = S.randombytes_buf(S.crypto_secretbox_NONCEBYTES)
    return { salt, nonce, ct: S.crypto_secretbox_easy(pt, nonce, sodiumKdf(salt)) }
  }
  const sodiumOpen = async (s) => S.crypto_secretbox_open_easy(s.ct, s.nonce, sodiumKdf(s.salt))
  const sodiumSealed = await sodiumSeal()
  checks.push(check(bytesEqual(await sodiumOpen(sodiumSealed), pt), 'libsodium crypto_pwhash (Argon2id) + secretbox: open(seal(p)) = p'))
  {
    const hw = await C.hashWasm.argon2id({ password: pw, salt: sodiumSealed.salt, parallelism: 1, iterations: T, memorySize: M / 1024, hashLength: 32, outputType: 'binary' })
    checks.push(check(bytesEqual(hw, sodiumKdf(sodiumSealed.salt)), 'interop: hash-wasm argon2id and libsodium crypto_pwhash give the same key'))
  }
  cases.push(
    { id: 'sodium-seal', label: `libsodium-wrappers-sumo ${libVersion('libsodium-wrappers-sumo')} pwhash Argon2id (m=19MiB,t=2) + secretbox seal [different KDF]`, group: 'competitor', lib: 'libsodium-wrappers-sumo', fn: sodiumSeal, baseline: 'raw-seal', every: 3 },
    { id: 'sodium-open', label: `libsodium-wrappers-sumo ${libVersion('libsodium-wrappers-sumo')} pwhash Argon2id (m=19MiB,t=2) + secretbox open [different KDF]`, group: 'competitor', lib: 'libsodium-wrappers-sumo', fn: () => sodiumOpen(sodiumSealed), baseline: 'raw-open', every: 3 },
  )
  notes.push('libsodium has no PBKDF2; its crypto_pwhash rows use Argon2id at the OWASP minimum (m = 19 MiB, t = 2, p = 1) and are not a like-for-like ratio.')

  log(`passphrase: ${checks.length} cross-checks passed; timing ${cases.length} cases x ${rounds} rounds (competitors every 3rd round, noble and hash-wasm every 6th)`)
  return budgetedScenario(cases, { rounds, targetMs: 1, warmupMs: 1, baseline: 'raw-seal' }, `passphrase: PBKDF2-SHA256 ${ITER} iterations (per operation; ratios against the raw seal or raw open)`, {
    scenario: 'passphrase',
    title: `Seal and open with a passphrase (PBKDF2-SHA256, ${ITER.toLocaleString('en-US')} iterations)`,
    description:
      'Every operation runs the full KDF. keyseal runs at its DEFAULT policy. Seal rows are compared with the raw WebCrypto seal (importKey PBKDF2 + deriveBits + importKey AES-GCM + encrypt), open rows with the raw open.',
    checks: checks.map((c) => c.check),
    notes,
  })
}

runIfMain(import.meta.url, run)
