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
import { join } from 'node:path'
import { SECRET_64, PASSPHRASE, TEST_POLICY_OVERRIDES, ROOT_DIR, loadKeyseal, writeScenario, log } from './lib/common.mjs'
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

// ---- 2b. what async layering and synchronous JS cost around the same two WebCrypto calls ----------
{
  log('\n2b. Synthetic: raw encrypt+decrypt behind 4 nested async layers with a try/await guard, and raw plus 14 µs of synchronous JS (keyseal\'s measured self time)')
  async function guard(op) {
    try {
      return await op()
    } catch {
      throw new Error('failed')
    }
  }
  const l1 = async (f) => await guard(f)
  const l2 = async (f) => await l1(f)
  const l3 = async (f) => await l2(f)
  const spin = (us) => {
    const t = performance.now() + us / 1000
    while (performance.now() < t);
  }
  const rawPair = async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    await subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, pt))
  }
  const r = await interleave([
    { id: 'raw', label: 'raw encrypt+decrypt', group: 'baseline', fn: rawPair },
    { id: 'layers', label: 'the same behind 4 async layers + try/await guard', group: 'reference', fn: async () => {
      const iv = crypto.getRandomValues(new Uint8Array(12))
      const ct = await l3(() => subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, pt))
      await l3(() => subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, ct))
    } },
    { id: 'js14', label: 'the same + 2 x 7 µs synchronous JS', group: 'reference', fn: async () => {
      spin(7)
      await rawPair()
      spin(7)
    } },
  ], { rounds: Number(process.env.BENCH_ROUNDS) || 200, targetMs: 5, baseline: 'raw' })
  printTable(r)
  report.synthetic = r
}

// ---- 3. CPU profile ---------------------------------------------------------------------------------
async function cpuProfile(fn, N) {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 50 })
  for (let i = 0; i < 500; i++) await fn() // warm, outside the profile
  globalThis.gc?.()
  await session.post('Profiler.start')
  const t0 = performance.now()
  for (let i = 0; i < N; i++) await fn()
  const wall = performance.now() - t0
  const { profile } = await session.post('Profiler.stop')
  session.disconnect()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const dt = new Map()
  for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + profile.timeDeltas[i])
  const self = new Map()
  const groups = new Map()
  for (const [id, us] of dt) {
    const cf = byId.get(id).callFrame
    const inKs = cf.url.includes('/index.js') && cf.url.includes('dist')
    const where = inKs ? 'keyseal JS' : cf.url.startsWith('node:') ? 'node internals (WebCrypto JS plumbing, promises)' : cf.functionName === '(garbage collector)' ? 'garbage collector' : cf.functionName === '(idle)' ? 'idle (waiting for the thread pool)' : cf.url ? 'bench harness' : `native: ${cf.functionName || '(anonymous)'}`
    const key = `${inKs ? 'keyseal' : cf.url.startsWith('node:') ? 'node' : 'vm'}: ${cf.functionName || '(anonymous)'}${inKs ? `:${cf.lineNumber + 1}` : ''}`
    self.set(key, (self.get(key) ?? 0) + us)
    const g = where.startsWith('native: ') ? 'other native (V8 run loop, crypto jobs, (program))' : where
    groups.set(g, (groups.get(g) ?? 0) + us)
  }
  return {
    pairs: N,
    wallUsPerPair: (wall * 1000) / N,
    groupsUsPerPair: Object.fromEntries([...groups].sort((a, b) => b[1] - a[1]).map(([g, us]) => [g, us / N])),
    top: [...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, us]) => ({ fn: k, usPerPair: us / N })),
  }
}
{
  log('\n3. V8 CPU profile (sampling every 50 µs): seal+open, keyseal derived key vs raw WebCrypto')
  const N = 4000
  const raw = await cpuProfile(async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    await subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, pt))
  }, N)
  const kp = await cpuProfile(async () => ks.openKey(await ks.sealKey(SECRET_64, derived, { policy }), derived, { policy }), N)
  const gs = new Set([...Object.keys(raw.groupsUsPerPair), ...Object.keys(kp.groupsUsPerPair)])
  log(`  ${'µs per seal+open pair'.padEnd(52)} ${'raw'.padStart(8)} ${'keyseal'.padStart(8)} ${'diff'.padStart(8)}`)
  log(`  ${'wall time (profiler on)'.padEnd(52)} ${raw.wallUsPerPair.toFixed(1).padStart(8)} ${kp.wallUsPerPair.toFixed(1).padStart(8)} ${(kp.wallUsPerPair - raw.wallUsPerPair).toFixed(1).padStart(8)}`)
  for (const g of gs) {
    const a = raw.groupsUsPerPair[g] ?? 0
    const b = kp.groupsUsPerPair[g] ?? 0
    log(`  ${g.padEnd(52)} ${a.toFixed(1).padStart(8)} ${b.toFixed(1).padStart(8)} ${(b - a).toFixed(1).padStart(8)}`)
  }
  log('  keyseal top functions by self time (µs per pair):')
  for (const t of kp.top.filter((t) => t.fn.startsWith('keyseal')).slice(0, 15)) log(`    ${t.usPerPair.toFixed(2).padStart(6)}  ${t.fn}`)
  report.profile = { raw, keyseal: kp }
}

// ---- 3b. CPU profile of a 1 MiB seal+open (the throughput scenario) -----------------------------------
{
  log('\n3b. V8 CPU profile: seal+open of 1 MiB with a raw key, keyseal vs raw WebCrypto')
  const big = new Uint8Array(1024 * 1024).fill(97)
  const N = 30
  const raw = await cpuProfile(async () => {
    const iv = crypto.getRandomValues(new Uint8Array(12))
    await subtle.decrypt({ name: 'AES-GCM', iv }, aesKey, await subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, big))
  }, N)
  const kp = await cpuProfile(async () => ks.openKeyBytes(await ks.sealKey(big, rawKs), rawKs), N)
  log(`  wall per 1 MiB seal+open: raw ${fmtMs(raw.wallUsPerPair / 1000)}, keyseal ${fmtMs(kp.wallUsPerPair / 1000)}`)
  log('  keyseal top functions by self time (ms per 1 MiB seal+open):')
  for (const t of kp.top.slice(0, 12)) log(`    ${(t.usPerPair / 1000).toFixed(2).padStart(7)}  ${t.fn}`)
  report.profile1MiB = { raw, keyseal: kp }
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

// ---- 5. keyseal's base64url helpers (src/bytes.ts, bundled with esbuild) vs alternatives ------------
{
  log('\n5. base64url: keyseal src/bytes.ts vs alternatives (synchronous, per call)')
  const esbuild = await import('esbuild')
  const r = await esbuild.build({ entryPoints: [join(ROOT_DIR, 'src/bytes.ts')], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', write: false, logLevel: 'silent' })
  const mod = await import('data:text/javascript;base64,' + Buffer.from(r.outputFiles[0].text).toString('base64'))
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const codes = Uint8Array.from(A, (c) => c.charCodeAt(0))
  const ascii = new TextDecoder()
  // Alternative: write ASCII codes into one buffer, then one native decode (no string concatenation).
  const encodeViaBytes = (b) => {
    const n = b.length
    const out = new Uint8Array(Math.ceil((n * 4) / 3))
    let o = 0
    let i = 0
    for (; i + 2 < n; i += 3) {
      const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2]
      out[o++] = codes[v >>> 18]
      out[o++] = codes[(v >>> 12) & 63]
      out[o++] = codes[(v >>> 6) & 63]
      out[o++] = codes[v & 63]
    }
    if (n - i === 1) {
      out[o++] = codes[b[i] >>> 2]
      out[o++] = codes[(b[i] & 3) << 4]
    } else if (n - i === 2) {
      out[o++] = codes[b[i] >>> 2]
      out[o++] = codes[((b[i] & 3) << 4) | (b[i + 1] >>> 4)]
      out[o++] = codes[(b[i + 1] & 15) << 2]
    }
    return ascii.decode(out.subarray(0, o))
  }
  const time = (f, n) => {
    for (let i = 0; i < Math.min(n, 2000); i++) f()
    let best = Infinity
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now()
      for (let i = 0; i < n; i++) f()
      best = Math.min(best, (performance.now() - t0) / n)
    }
    return best
  }
  const rows = []
  for (const [label, size, n] of [['148 bytes (a 64-byte secret\'s body)', 148, 100000], ['1 MiB', 1024 * 1024, 8]]) {
    const b = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536)))
    const big = size > 65536 ? new Uint8Array(size).map((_, i) => b[i % b.length]) : b
    const enc1 = mod.toBase64url(big)
    if (enc1 !== Buffer.from(big).toString('base64url') || encodeViaBytes(big) !== enc1) throw new Error('base64url implementations disagree')
    const flat = Buffer.from(big).toString('base64url') // a flat string, as read from a database
    const t = {
      'keyseal toBase64url': time(() => mod.toBase64url(big), n),
      'alternative: ASCII bytes + one TextDecoder.decode': time(() => encodeViaBytes(big), n),
      'node Buffer.toString(base64url) (reference, not portable)': time(() => Buffer.from(big.buffer, big.byteOffset, big.length).toString('base64url'), n),
      'keyseal fromBase64url (flat input)': time(() => mod.fromBase64url(flat, 'MALFORMED_ENVELOPE'), n),
      'node Buffer.from(s, base64url) (reference, lax, not portable)': time(() => Buffer.from(flat, 'base64url'), n),
    }
    log(`  ${label}:`)
    for (const [k, v] of Object.entries(t)) log(`    ${fmtMs(v).padStart(10)}  ${k}`)
    rows.push({ size, perCallMs: t })
  }
  report.base64url = rows
}

writeScenario({ scenario: 'profile', title: 'Where the cached-key time goes', result: report, budgets: [], checks: [], notes: [] })
