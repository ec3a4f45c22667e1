#!/usr/bin/env node
// Where does keyseal's cached-key time go? `node --expose-gc bench/profile.mjs`
//  1. WebCrypto calls per sealKey and per openKey (counted by wrapping globalThis.crypto's methods
//     in this process only), and their share of the time;
//  2. seal alone and open alone against raw encrypt alone and raw decrypt alone, interleaved;
//  3. a V8 CPU profile (node:inspector) of many seal+open pairs: self time by function, keyseal's
//     own functions (dist/index.js) apart from node's WebCrypto plumbing and idle time;
//  4. the cost of the primitives keyseal's path uses, at the sizes it uses them.
// Measures the built dist/index.js; never edits or stubs src/.
import { Session } from 'node:inspector/promises'
import { performance } from 'node:perf_hooks'
import { SECRET_64, PASSPHRASE, TEST_POLICY_OVERRIDES, loadKeyseal, writeScenario, log } from './lib/common.mjs'
import { interleave, printTable, fmtMs } from './lib/harness.mjs'

const ks = await loadKeyseal()
const subtle = globalThis.crypto.subtle
const crypto = globalThis.crypto
const enc = new TextEncoder()
const pt = enc.encode(SECRET_64)
const policy = ks.createPolicy(TEST_POLICY_OVERRIDES)
const derived = await ks.deriveKey(PASSPHRASE, { policy })
const rawKs = await ks.importKey(await ks.generateKey())
const aesKey = await subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt', 'decrypt'])
const report = { calls: {}, split: null, profile: null, primitives: [] }

// ---- 1. count WebCrypto calls --------------------------------------------------------------------
{
  const counts = new Map()
  const timeIn = new Map()
  const orig = {}
  const wrap = (obj, name, label) => {
    orig[label] = obj[name]
    obj[name] = function (...a) {
      counts.set(label, (counts.get(label) ?? 0) + 1)
      const t0 = performance.now()
      const r = orig[label].apply(this, a)
      if (r && typeof r.then === 'function') {
        return r.then((v) => {
          timeIn.set(label, (timeIn.get(label) ?? 0) + performance.now() - t0)
          return v
        })
      }
      timeIn.set(label, (timeIn.get(label) ?? 0) + performance.now() - t0)
      return r
    }
  }
  for (const m of ['encrypt', 'decrypt', 'importKey', 'deriveBits', 'deriveKey', 'sign', 'verify', 'digest']) wrap(subtle, m, `subtle.${m}`)
  wrap(crypto, 'getRandomValues', 'getRandomValues')
  const N = 500
  const measure = async (label, fn) => {
    counts.clear()
    timeIn.clear()
    const t0 = performance.now()
    for (let i = 0; i < N; i++) await fn()
    const total = (performance.now() - t0) / N
    const calls = Object.fromEntries([...counts].map(([k, v]) => [k, v / N]))
    const inCalls = [...timeIn.values()].reduce((a, b) => a + b, 0) / N
    report.calls[label] = { perOpMs: total, calls, msAwaitingWebCrypto: inCalls }
    log(`${label}: ${fmtMs(total)}/op; per op: ${Object.entries(calls).map(([k, v]) => `${k} x${v}`).join(', ')}; ${fmtMs(inCalls)} between calling WebCrypto and resuming`)
  }
  const envD = await ks.sealKey(SECRET_64, derived, { policy })
  const envR = await ks.sealKey(SECRET_64, rawKs)
  log('\n1. WebCrypto calls per operation (wrapped in this process only)')
  await measure('raw encrypt+decrypt', async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    await subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, pt))
  })
  await measure('keyseal sealKey (derived key)', () => ks.sealKey(SECRET_64, derived, { policy }))
  await measure('keyseal openKey (derived key)', () => ks.openKey(envD, derived, { policy }))
  await measure('keyseal sealKey (raw key)', () => ks.sealKey(SECRET_64, rawKs))
  await measure('keyseal openKey (raw key)', () => ks.openKey(envR, rawKs))
  for (const [label, f] of Object.entries(orig)) {
    const [o, m] = label.startsWith('subtle.') ? [subtle, label.slice(7)] : [crypto, label]
    o[m] = f
    delete o[m] // drop the own property so the prototype method is used again
    if (o[m] !== f && typeof o[m] !== 'function') o[m] = f
  }
}

// ---- 2. seal alone and open alone, interleaved ----------------------------------------------------
{
  log('\n2. Seal alone and open alone (interleaved, derived key)')
  const envD = await ks.sealKey(SECRET_64, derived, { policy })
  const ivFixed = crypto.getRandomValues(new Uint8Array(12))
  const ctFixed = await subtle.encrypt({ name: 'AES-GCM', iv: ivFixed }, aesKey, pt)
  const cases = [
    { id: 'raw-enc', label: 'raw: getRandomValues(12) + encrypt', group: 'baseline', fn: () => subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)) }, aesKey, pt) },
    { id: 'raw-dec', label: 'raw: decrypt', group: 'baseline', fn: () => subtle.decrypt({ name: 'AES-GCM', iv: ivFixed }, aesKey, ctFixed) },
    { id: 'ks-seal', label: 'keyseal sealKey (derived key)', group: 'keyseal', fn: () => ks.sealKey(SECRET_64, derived, { policy }), baseline: 'raw-enc' },
    { id: 'ks-open', label: 'keyseal openKey (derived key)', group: 'keyseal', fn: () => ks.openKey(envD, derived, { policy }), baseline: 'raw-dec' },
    { id: 'ks-inspect', label: 'keyseal inspect() (parse only, no crypto)', group: 'keyseal', fn: () => ks.inspect(envD), baseline: 'raw-dec' },
  ]
  const r = await interleave(cases, { rounds: Number(process.env.BENCH_ROUNDS) || 40, targetMs: 10, baseline: 'raw-enc' })
  printTable(r)
  report.split = r
}

// ---- 3. CPU profile ---------------------------------------------------------------------------------
{
  log('\n3. V8 CPU profile of seal+open (derived key), self time by function')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 50 })
  await session.post('Profiler.start')
  const N = 4000
  const t0 = performance.now()
  for (let i = 0; i < N; i++) await ks.openKey(await ks.sealKey(SECRET_64, derived, { policy }), derived, { policy })
  const wall = performance.now() - t0
  const { profile } = await session.post('Profiler.stop')
  session.disconnect()
  const self = new Map()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const dt = new Map()
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + profile.timeDeltas[i])
  let total = 0
  for (const [id, us] of dt) {
    const n = byId.get(id)
    const cf = n.callFrame
    const where = cf.url.includes('/dist/index.js') ? 'keyseal' : cf.url.startsWith('node:') ? 'node' : cf.url ? 'other' : 'vm'
    const key = `${where}: ${cf.functionName || '(anonymous)'}${cf.url.includes('/dist/index.js') ? `:${cf.lineNumber + 1}` : ''}`
    self.set(key, (self.get(key) ?? 0) + us)
    total += us
  }
  const rows = [...self].sort((a, b) => b[1] - a[1])
  const groups = new Map()
  for (const [k, us] of rows) {
    const g = k.split(':')[0]
    groups.set(g, (groups.get(g) ?? 0) + us)
  }
  log(`  ${N} seal+open pairs, ${fmtMs(wall / N)} per pair wall time`)
  for (const [g, us] of groups) log(`  ${g.padEnd(8)} ${(us / N).toFixed(1).padStart(7)} µs/pair  ${((100 * us) / total).toFixed(1)}%`)
  log('  top functions (self time):')
  for (const [k, us] of rows.slice(0, 25)) log(`    ${(us / N).toFixed(2).padStart(7)} µs/pair  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`)
  report.profile = {
    pairs: N,
    wallMsPerPair: wall / N,
    groupsUsPerPair: Object.fromEntries([...groups].map(([g, us]) => [g, us / N])),
    top: rows.slice(0, 40).map(([k, us]) => ({ fn: k, usPerPair: us / N, share: us / total })),
  }
}

// ---- 4. primitives at the sizes keyseal uses -----------------------------------------------------
{
  log('\n4. Primitives (synchronous, per call)')
  const td = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
  const env = await ks.sealKey(SECRET_64, derived, { policy })
  const body = env.slice(env.lastIndexOf('.') + 1)
  const sample = new Uint8Array(96)
  const prims = [
    ['TextEncoder.encode(64-byte string)', () => enc.encode(SECRET_64)],
    ['TextDecoder(fatal).decode(64 bytes)', () => td.decode(pt)],
    ['crypto.getRandomValues(12 bytes)', () => crypto.getRandomValues(new Uint8Array(12))],
    ['crypto.getRandomValues(16 bytes)', () => crypto.getRandomValues(new Uint8Array(16))],
    ['Buffer base64url encode, 96 bytes', () => Buffer.from(sample.buffer).toString('base64url')],
    [`Buffer base64url decode, ${body.length} chars`, () => Buffer.from(body, 'base64url')],
    ['keyseal inspect(envelope): parse + checks, no crypto', () => ks.inspect(env)],
    ['keyseal createPolicy(test overrides)', () => ks.createPolicy(TEST_POLICY_OVERRIDES)],
    ['new Uint8Array(80) + set x2 (AAD concat)', () => { const a = new Uint8Array(80); a.set(pt); a.set(sample.subarray(0, 16), 64); return a }],
  ]
  for (const [label, f] of prims) {
    for (let i = 0; i < 20000; i++) f()
    const N = 200000
    const t0 = performance.now()
    for (let i = 0; i < N; i++) f()
    const us = ((performance.now() - t0) / N) * 1000
    report.primitives.push({ label, usPerCall: us })
    log(`  ${us.toFixed(3).padStart(8)} µs  ${label}`)
  }
  log(`  (envelope for a 64-byte secret: ${env.length} characters)`)
}

writeScenario({ scenario: 'profile', title: 'Where the cached-key time goes', result: report, budgets: [], checks: [], notes: [] })
