#!/usr/bin/env node
// Scenario `v2` (issue 14): format v2 with a public-key recipient, against raw WebCrypto doing the
// same HPKE steps in the same process, interleaved (lib/harness.mjs).
//
//  - baseline `raw`: one seal and one open of a one-stanza v2 envelope written directly on
//    WebCrypto: ephemeral ECDH P-256 key pair, ECDH, the DHKEM and HPKE key schedules of RFC 9180
//    (each LabeledExtract+LabeledExpand pair as one HKDF call, the constant psk_id_hash/info_hash
//    precomputed, the exporter as one HMAC), AES-256-GCM of the file key, HKDF of the payload and
//    MAC keys, AES-256-GCM of the secret, SHA-256 of the transcript, HMAC of the header; bytes in,
//    bytes out, no parsing or encoding. Cross-checked: this raw open opens keyseal's envelopes.
//  - `keyseal`: sealKey(secret, [publicKey]) + openKey(envelope, privateKey), strings in and out.
//    Budget (goal, reported): <= 1.2x the baseline.
//  - opens per second of one `ks2.` envelope sealed for a passphrase and a public key: with the
//    private key, and with the passphrase at the default policy (PBKDF2-SHA256, 600,000 iterations).
//
// Short by default (2 shared cores): BENCH_ROUNDS=n for more rounds.
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { DIST_DIR, DEV_NO_KEYSEAL, SECRET_64, PASSPHRASE, writeScenario, log } from './lib/common.mjs'
import { interleave, printTable, check, bytesEqual, applyBudgets } from './lib/harness.mjs'

const subtle = globalThis.crypto.subtle
const rnd = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n))
const A = (s) => new TextEncoder().encode(s)
const cat = (...p) => {
  const out = new Uint8Array(p.reduce((n, x) => n + x.length, 0))
  let o = 0
  for (const x of p) {
    out.set(x, o)
    o += x.length
  }
  return out
}
const u16 = (n) => new Uint8Array([n >> 8, n & 255])
const BUDGET = 1.2

// RFC 9180 labels for DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM (docs/format-v2.md §5.2).
const KEM_SUITE = cat(A('KEM'), u16(0x10))
const HPKE_SUITE = cat(A('HPKE'), u16(0x10), u16(1), u16(2))
const V1 = A('HPKE-v1')
const INFO = A('keyseal v2 hpke-p256 file key')
const COMMIT = A('keyseal v2 stanza commitment')
const STANZA = A('keyseal v2 stanza')
const PAYLOAD_INFO = A('keyseal v2 payload key and header mac key')
const ECDH = { name: 'ECDH', namedCurve: 'P-256' }
const labeledIkm = (suite, label, ikm) => cat(V1, suite, A(label), ikm)
const labeledInfo = (suite, label, info, L) => cat(u16(L), V1, suite, A(label), info)

async function hmac(key, data) {
  const k = await subtle.importKey('raw', key.length ? key : new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return new Uint8Array(await subtle.sign('HMAC', k, data))
}
/** LabeledExtract(salt, l1, ikm) then LabeledExpand(prk, l2, info, L): one HKDF call. */
async function hkdf(suite, salt, l1, ikm, l2, info, L) {
  const k = await subtle.importKey('raw', labeledIkm(suite, l1, ikm), 'HKDF', false, ['deriveBits'])
  return new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: labeledInfo(suite, l2, info, L) }, k, L * 8))
}
// Constant for this suite and info: computed once, as a direct implementation would.
const PSK_ID_HASH = await hmac(new Uint8Array(0), labeledIkm(HPKE_SUITE, 'psk_id_hash', new Uint8Array(0)))
const INFO_HASH = await hmac(new Uint8Array(0), labeledIkm(HPKE_SUITE, 'info_hash', INFO))
const KSC = cat(new Uint8Array([0]), PSK_ID_HASH, INFO_HASH)

/** HPKE context from the DH output (RFC 9180 §4.1 ExtractAndExpand, §5.1 KeySchedule, base mode). */
async function context(dhOut, enc, pkRm) {
  const ss = await hkdf(KEM_SUITE, new Uint8Array(0), 'eae_prk', dhOut, 'shared_secret', cat(enc, pkRm), 32)
  const [key, nonce, exp] = await Promise.all([
    hkdf(HPKE_SUITE, ss, 'secret', new Uint8Array(0), 'key', KSC, 32),
    hkdf(HPKE_SUITE, ss, 'secret', new Uint8Array(0), 'base_nonce', KSC, 12),
    hkdf(HPKE_SUITE, ss, 'secret', new Uint8Array(0), 'exp', KSC, 32),
  ])
  // Export(COMMIT, 32) = LabeledExpand(exp, "sec", COMMIT, 32): one HMAC block.
  const commitment = await hmac(exp, cat(labeledInfo(HPKE_SUITE, 'sec', COMMIT, 32), new Uint8Array([1])))
  return { key: await subtle.importKey('raw', key, 'AES-GCM', false, ['encrypt', 'decrypt']), nonce, commitment }
}
async function fileKeys(fk, salt) {
  const k = await subtle.importKey('raw', fk, 'HKDF', false, ['deriveBits'])
  const okm = new Uint8Array(await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: PAYLOAD_INFO }, k, 512))
  return {
    aes: await subtle.importKey('raw', okm.subarray(0, 32), 'AES-GCM', false, ['encrypt', 'decrypt']),
    mac: await subtle.importKey('raw', okm.subarray(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
  }
}
const gcm = async (op, key, iv, data, additionalData) => new Uint8Array(await subtle[op]({ name: 'AES-GCM', iv, additionalData }, key, data))

/** Raw seal: the v2 byte layout of one HPKE stanza without a key id (no string form). */
async function rawSeal(secret, pkR, pkRm, ctx) {
  const fk = rnd(32)
  const salt = rnd(16)
  const core = cat(new Uint8Array([2]), salt, new Uint8Array([0]))
  const keys = await fileKeys(fk, salt)
  const payload = await gcm('encrypt', keys.aes, new Uint8Array(12), secret, cat(core, ctx))
  const aad = cat(STANZA, new Uint8Array(await subtle.digest('SHA-256', cat(core, payload))))
  const eph = await subtle.generateKey(ECDH, true, ['deriveBits'])
  const enc = new Uint8Array(await subtle.exportKey('raw', eph.publicKey))
  const dhOut = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: pkR }, eph.privateKey, 256))
  const c = await context(dhOut, enc, pkRm)
  const ct = await gcm('encrypt', c.key, c.nonce, fk, aad)
  const body = cat(new Uint8Array([0]), enc, c.commitment, ct)
  const hwm = cat(core, new Uint8Array([1, 2]), u16(body.length), body)
  const mac = new Uint8Array(await subtle.sign('HMAC', keys.mac, cat(hwm, ctx)))
  return { header: cat(hwm, mac), payload }
}

/** Raw open of that layout (label and key id empty), with the commitment checked first. */
async function rawOpen({ header, payload }, skR, pkRm, ctx) {
  const core = header.subarray(0, 18)
  const body = header.subarray(22, header.length - 32)
  const enc = body.subarray(1, 66)
  const commitment = body.subarray(66, 98)
  const ct = body.subarray(98)
  const pkE = await subtle.importKey('raw', enc, ECDH, false, [])
  const dhOut = new Uint8Array(await subtle.deriveBits({ name: 'ECDH', public: pkE }, skR, 256))
  const c = await context(dhOut, enc, pkRm)
  if (!bytesEqual(c.commitment, commitment)) throw new Error('commitment')
  const aad = cat(STANZA, new Uint8Array(await subtle.digest('SHA-256', cat(core, payload))))
  const fk = await gcm('decrypt', c.key, c.nonce, ct, aad)
  const keys = await fileKeys(fk, header.subarray(1, 17))
  if (!(await subtle.verify('HMAC', keys.mac, header.subarray(header.length - 32), cat(header.subarray(0, header.length - 32), ctx)))) throw new Error('mac')
  return gcm('decrypt', keys.aes, new Uint8Array(12), payload, cat(core, ctx))
}

export async function run({ rounds = Number(process.env.BENCH_ROUNDS) || 20 } = {}) {
  const checks = []
  const notes = []
  const ks = DEV_NO_KEYSEAL ? null : await import(pathToFileURL(join(DIST_DIR, 'v2.js')).href)
  if (!ks) throw new Error('bench/v2.mjs needs the built dist/v2.js')
  const ctxStr = 'user:42/openai'
  const ctx = A(ctxStr)
  const pt = A(SECRET_64)
  const pair = await ks.generateKeyPair()
  const pub = await ks.importPublicKey(pair.publicKey)
  const priv = await ks.importKey(pair.privateKey)
  // The same key pair for the baseline, imported into WebCrypto directly.
  const both = Buffer.from(pair.privateKey.slice(6), 'base64url')
  const pkRm = new Uint8Array(both.subarray(32))
  const b64 = (b) => Buffer.from(b).toString('base64url')
  const skR = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', d: b64(both.subarray(0, 32)), x: b64(pkRm.subarray(1, 33)), y: b64(pkRm.subarray(33)) }, ECDH, false, ['deriveBits'])
  const pkR = await subtle.importKey('raw', pkRm, ECDH, false, [])

  const raw = async () => rawOpen(await rawSeal(pt, pkR, pkRm, ctx), skR, pkRm, ctx)
  const keyseal = async () => ks.openKey(await ks.sealKey(SECRET_64, [pub], { context: ctxStr }), priv, { context: ctxStr })
  checks.push(check(bytesEqual(await raw(), pt), 'raw WebCrypto HPKE: open(seal(p)) = p'))
  checks.push(check((await keyseal()) === SECRET_64, 'keyseal v2: openKey(sealKey(s, [publicKey]), privateKey) = s'))
  {
    // The baseline does keyseal's work: its open opens keyseal's envelope, and keyseal opens its seal.
    const env = await ks.sealKey(SECRET_64, [pub], { context: ctxStr })
    const [, h, p] = env.split('.')
    checks.push(check(bytesEqual(await rawOpen({ header: Buffer.from(h, 'base64url'), payload: Buffer.from(p, 'base64url') }, skR, pkRm, ctx), pt), 'raw WebCrypto open opens a keyseal ks2. envelope'))
    const mine = await rawSeal(pt, pkR, pkRm, ctx)
    checks.push(check((await ks.openKey(`ks2.${b64(mine.header)}.${b64(mine.payload)}`, priv, { context: ctxStr })) === SECRET_64, 'keyseal opens the raw WebCrypto seal'))
  }

  // Opens per second of the workflow's envelope (passphrase + public key), default policy.
  const stored = await ks.sealKey(SECRET_64, [PASSPHRASE, pub], { context: ctxStr })
  const openPrivate = async () => ks.openKey(stored, priv, { context: ctxStr })
  const openPassphrase = async () => ks.openKey(stored, PASSPHRASE, { context: ctxStr })
  checks.push(check((await openPrivate()) === SECRET_64 && (await openPassphrase()) === SECRET_64, 'the workflow envelope opens with either recipient'))

  // WebCrypto calls per operation (deterministic, unlike the timings on a shared machine).
  const calls = async (fn) => {
    const names = ['importKey', 'exportKey', 'generateKey', 'deriveBits', 'sign', 'verify', 'digest', 'encrypt', 'decrypt']
    const real = Object.fromEntries(names.map((n) => [n, subtle[n]]))
    let n = 0
    for (const m of names) subtle[m] = function (...a) { n++; return real[m].apply(subtle, a) }
    try {
      await fn()
    } finally {
      for (const m of names) subtle[m] = real[m]
    }
    return n
  }
  const callCounts = { raw: await calls(raw), keyseal: await calls(keyseal) }
  notes.push(`WebCrypto calls per seal + open: raw ${callCounts.raw}, keyseal ${callCounts.keyseal}`)
  log(notes.at(-1))

  const cases = [
    { id: 'raw', label: 'raw WebCrypto: HPKE P-256 seal + open, same steps (baseline)', group: 'baseline', fn: raw, note: 'bytes in, bytes out' },
    { id: 'keyseal-p256', label: 'keyseal v2: sealKey([publicKey]) + openKey(privateKey)', group: 'keyseal', fn: keyseal, budget: BUDGET },
    { id: 'open-private', label: 'keyseal v2: openKey of a passphrase + public-key envelope, private key', group: 'keyseal', fn: openPrivate },
    { id: 'open-passphrase', label: 'keyseal v2: the same envelope, passphrase (PBKDF2 600,000)', group: 'keyseal', fn: openPassphrase, every: 4, batch: 1 },
  ]
  log(`v2: ${checks.length} cross-checks passed; timing ${cases.length} cases x ${rounds} rounds`)
  const result = await interleave(cases, { rounds, targetMs: 20, warmupMs: 200, baseline: 'raw', log })
  printTable(result, { title: 'v2: public-key sealing and opening (per operation)' })
  const budgets = applyBudgets(result, cases, log)
  const ops = Object.fromEntries(result.cases.map((c) => [c.id, c.opsPerSec]))
  notes.push(`opens per second, one thread: private key ${ops['open-private'].toFixed(0)}, passphrase ${ops['open-passphrase'].toFixed(2)} (${(ops['open-private'] / ops['open-passphrase']).toFixed(0)}x)`)
  log(notes.at(-1))
  return writeScenario({
    scenario: 'v2',
    title: 'Format v2: seal to a P-256 public key and open with the private key',
    description:
      'One sealKey(secret, [publicKey]) and one openKey(envelope, privateKey) per operation (64-byte secret, strings in and out), against the same HPKE (RFC 9180 base mode, DHKEM P-256) and payload steps written directly on WebCrypto (bytes, no encoding or parsing) in the same rounds; and opens of one envelope sealed for a passphrase and a public key, with the private key and with the passphrase at the default policy.',
    result,
    callCounts,
    budgets,
    checks: checks.map((c) => c.check),
    notes,
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().catch((e) => {
    console.error(e)
    process.exit(1)
  })
}
