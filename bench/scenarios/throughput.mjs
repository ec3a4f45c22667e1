// Scenario `throughput` (issue 6): seal+open of a 1 MiB payload with a cached key. The payload is
// 1 MiB of ASCII text, so string APIs (keyseal, @47ng/cloak, iron-webcrypto) and byte APIs get the
// same 1,048,576 bytes. keyseal may cap secret sizes (it seals API keys); a refusal is reported as
// such, with the cap found by bisection, and keyseal is then timed at that cap against raw WebCrypto.
import { loadKeyseal, keysealVersion, libVersion, writeScenario, log, payload } from '../lib/common.mjs'
import { interleave, printTable, check, bytesEqual } from '../lib/harness.mjs'
import { loadCompetitors } from '../lib/competitors.mjs'
import { runIfMain } from '../lib/scenario.mjs'

const subtle = globalThis.crypto.subtle
const crypto = globalThis.crypto
const enc = new TextEncoder()
const SIZE = 1024 * 1024
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

function asciiPayload(n) {
  const b = payload(n)
  let s = ''
  const chunk = []
  for (let i = 0; i < n; i++) {
    chunk.push(ALPHA[b[i] & 63])
    if (chunk.length === 8192) {
      s += chunk.join('')
      chunk.length = 0
    }
  }
  return s + chunk.join('')
}

async function keysealAccepts(ks, key, n) {
  try {
    await ks.sealKey(new Uint8Array(n), key)
    return { ok: true }
  } catch (e) {
    return { ok: false, code: e?.code ?? String(e) }
  }
}

export async function run({ rounds = Number(process.env.BENCH_ROUNDS) || 20 } = {}) {
  const checks = []
  const notes = []
  const ks = await loadKeyseal()
  const C = await loadCompetitors()
  const text = asciiPayload(SIZE)
  const bytes = enc.encode(text)
  if (bytes.length !== SIZE) throw new Error('payload must be exactly 1 MiB')
  const rawKeyBytes = crypto.getRandomValues(new Uint8Array(32))
  const aesKey = await subtle.importKey('raw', rawKeyBytes, 'AES-GCM', false, ['encrypt', 'decrypt'])

  const rawSealOpen = (p) => async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, p)
    return new Uint8Array(await subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, ct))
  }
  checks.push(check(bytesEqual(await rawSealOpen(bytes)(), bytes), 'raw WebCrypto: 1 MiB round trip'))
  const cases = [{ id: 'raw', label: 'raw WebCrypto AES-256-GCM (baseline)', group: 'baseline', fn: rawSealOpen(bytes), bytes: SIZE }]

  let capped
  if (ks) {
    const key = await ks.importKey(await ks.generateKey())
    const acc = await keysealAccepts(ks, key, SIZE)
    if (acc.ok) {
      const fn = async () => ks.openKeyBytes(await ks.sealKey(bytes, key), key)
      checks.push(check(bytesEqual(await fn(), bytes), 'keyseal: openKeyBytes(sealKey(1 MiB)) = payload'))
      const fnStr = async () => ks.openKey(await ks.sealKey(text, key), key)
      checks.push(check((await fnStr()) === text, 'keyseal: openKey(sealKey(1 MiB string)) = payload'))
      cases.push(
        { id: 'keyseal-bytes', label: `keyseal ${keysealVersion()} bytes in, openKeyBytes`, group: 'keyseal', fn, bytes: SIZE },
        { id: 'keyseal-string', label: `keyseal ${keysealVersion()} string in, openKey`, group: 'keyseal', fn: fnStr, bytes: SIZE },
      )
    } else {
      // Bisect the largest accepted size (bytes), so the report states the real cap.
      let lo = 0
      let hi = SIZE
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1
        if ((await keysealAccepts(ks, key, mid)).ok) lo = mid
        else hi = mid
      }
      capped = { refusedCode: acc.code, maxAcceptedBytes: lo }
      notes.push(`keyseal refuses a 1 MiB secret with ${acc.code}; the largest secret it accepts is ${lo} bytes. It is timed at that size against raw WebCrypto at the same size below.`)
      if (lo > 0) {
        const small = bytes.subarray(0, lo)
        const fn = async () => ks.openKeyBytes(await ks.sealKey(small, key), key)
        checks.push(check(bytesEqual(await fn(), small), `keyseal: round trip at its cap (${lo} bytes)`))
        cases.push(
          { id: 'raw-at-cap', label: `raw WebCrypto at keyseal's cap (${lo} B)`, group: 'reference', fn: rawSealOpen(small), bytes: lo },
          { id: 'keyseal-at-cap', label: `keyseal ${keysealVersion()} at its cap (${lo} B)`, group: 'keyseal', fn, bytes: lo, baseline: 'raw-at-cap' },
        )
      }
    }
  }

  const { CompactEncrypt, compactDecrypt } = C.jose
  const joseFn = async () =>
    (await compactDecrypt(await new CompactEncrypt(bytes).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(aesKey), aesKey)).plaintext
  checks.push(check(bytesEqual(await joseFn(), bytes), 'jose dir+A256GCM: 1 MiB round trip'))

  const cloakKey = await C.cloak.parseKey('k1.aesgcm256.' + Buffer.from(rawKeyBytes).toString('base64url'))
  const cloakFn = async () => C.cloak.decryptString(await C.cloak.encryptString(text, cloakKey), cloakKey)
  checks.push(check((await cloakFn()) === text, '@47ng/cloak: 1 MiB round trip'))

  const pw = 'correct horse battery staple, 2024 edit!'
  const ironFn = async () => C.iron.unseal(await C.iron.seal(text, pw, C.iron.defaults), pw, C.iron.defaults)
  checks.push(check((await ironFn()) === text, 'iron-webcrypto: 1 MiB round trip'))

  const nobleFn = async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    return C.gcm(rawKeyBytes, iv).decrypt(C.gcm(rawKeyBytes, iv).encrypt(bytes))
  }
  checks.push(check(bytesEqual(await nobleFn(), bytes), '@noble/ciphers gcm: 1 MiB round trip'))

  const S = C.sodium
  const sodiumFn = async () => {
    const nonce = S.randombytes_buf(S.crypto_secretbox_NONCEBYTES)
    return S.crypto_secretbox_open_easy(S.crypto_secretbox_easy(bytes, nonce, rawKeyBytes), nonce, rawKeyBytes)
  }
  checks.push(check(bytesEqual(await sodiumFn(), bytes), 'libsodium secretbox: 1 MiB round trip'))

  cases.push(
    { id: 'jose', label: `jose ${libVersion('jose')} compact JWE dir+A256GCM`, group: 'competitor', fn: joseFn, bytes: SIZE },
    { id: 'cloak', label: `@47ng/cloak ${libVersion('@47ng/cloak')} (node:crypto on Node)`, group: 'competitor', fn: cloakFn, bytes: SIZE },
    { id: 'iron', label: `iron-webcrypto ${libVersion('iron-webcrypto')} (AES-256-CBC + HMAC)`, group: 'competitor', fn: ironFn, bytes: SIZE },
    { id: 'noble', label: `@noble/ciphers ${libVersion('@noble/ciphers')} gcm (pure JS)`, group: 'competitor', fn: nobleFn, bytes: SIZE },
    { id: 'sodium', label: `libsodium-wrappers ${libVersion('libsodium-wrappers')} secretbox`, group: 'competitor', fn: sodiumFn, bytes: SIZE },
  )

  log(`throughput: ${checks.length} cross-checks passed; timing ${cases.length} cases x ${rounds} rounds`)
  const result = await interleave(cases, { rounds, targetMs: 20, warmupMs: 200, baseline: 'raw', log })
  for (const c of result.cases) {
    const def = cases.find((x) => x.id === c.id)
    c.bytes = def.bytes
    c.mibPerSec = def.bytes / 2 ** 20 / (c.median / 1000)
  }
  printTable(result, { title: 'throughput: seal+open of 1 MiB, cached key (per operation)' })
  for (const c of result.cases) log(`  ${c.label}: ${c.mibPerSec.toFixed(1)} MiB/s (seal+open)`)
  return writeScenario({
    scenario: 'throughput',
    title: 'Throughput: seal + open of a 1 MiB payload, cached key',
    description: 'One seal and one open of 1 MiB per operation; MiB/s counts the payload once per seal+open.',
    result,
    budgets: [],
    checks: checks.map((c) => c.check),
    notes,
    keysealCap: capped,
  })
}

runIfMain(import.meta.url, run)
