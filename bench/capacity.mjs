#!/usr/bin/env node
// Capacity planning (issue 12 §4): how many passphrase envelopes one core opens per second at each
// policy, and what that does to the event loop of the server doing it.
//
//   node bench/capacity.mjs            short run (1 round of ~1 s per case and concurrency)
//   node bench/capacity.mjs --full     the README's run (3 rounds of ~3 s)
//   node bench/run.mjs capacity capacity-node24 [--readme]   (pinned to one CPU, results merged)
//
// Cases, each opening one envelope of the 64-byte secret with the library's DEFAULTS (the default
// policy; for Argon2id the default policy plus `@org/keyseal/argon2id`, OWASP m = 19 MiB, t = 2,
// p = 1), through the built dist/ as a consumer imports it:
//   - PBKDF2-SHA256, 600,000 iterations (keyseal's default)
//   - Argon2id through the public entry, on whichever path this runtime takes (argon2idBackend():
//     WebCrypto on Node 24+, WebAssembly on Node 20/22)
//   - Argon2id on the TypeScript path: the same public entry in a child process started with V8's
//     --no-expose-wasm, i.e. a runtime without WebAssembly (workerd, a page whose CSP forbids it);
//     run only where the in-process path is WebAssembly (on Node 24 the native path would win)
//   - a raw 256-bit key (importKey): no KDF
// Baselines in the same process, interleaved with the cases: raw WebCrypto PBKDF2-SHA256 600,000 +
// AES-256-GCM decrypt (what any PBKDF2 envelope costs), and raw AES-256-GCM decrypt with a cached
// key (for the raw-key case). "vs baseline" is keyseal's opens/s over the baseline's.
//
// Each sample runs N opens with C of them in flight at once (C = 1 and C = 8; N sized to the window
// from a warm-up), and counts opens per second over the sample's wall time. run.mjs pins the whole
// process (main thread, libuv's thread pool, the child) to one CPU, so the figures are per core: on
// a server with k free cores, multiply by about k for PBKDF2 and native Argon2id (they run on the
// thread pool), but not for the WebAssembly and TypeScript Argon2id paths or raw keys, which run on
// the JavaScript thread (one per process: scale those with processes or workers).
// Event-loop delay: perf_hooks.monitorEventLoopDelay at 1 ms resolution, enabled only while a case's
// samples run; p99 over all its samples, in ms (the value includes the 1 ms sampling interval: an
// idle loop reads about 1.1 ms, measured first).
// Opening is cross-checked before timing: every case opens to the secret that was sealed.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DIST_DIR, PASSPHRASE, PBKDF2_ITERATIONS, ROOT_DIR, SECRET_64, loadKeyseal, writeScenario } from './lib/common.mjs'
import { check } from './lib/harness.mjs'

const argv = process.argv.slice(2)
const FULL = argv.includes('--full') || process.env.BENCH_CAPACITY_FULL === '1'
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice(7)
const CHILD = argv.includes('--child')
const ROUNDS = Number(process.env.BENCH_ROUNDS || (FULL ? 3 : 1))
const WINDOW_MS = Number(process.env.BENCH_CAPACITY_WINDOW_MS || (FULL ? 3000 : 1000))
const CONCURRENCY = [1, 8]
const log = CHILD ? (...a) => console.error(...a) : (...a) => console.log(...a)
const subtle = globalThis.crypto.subtle
const enc = new TextEncoder()
const started = performance.now()

const ks = await loadKeyseal()
const a2 = await import(pathToFileURL(join(DIST_DIR, 'argon2id.js')).href)
const backend = await a2.argon2idBackend(subtle)

/** What harden2's process-wide KDF limiter (src/kdf/limit.ts) is set to in this build, if it exists. */
function limiterNote() {
  const src = join(ROOT_DIR, 'src', 'kdf', 'limit.ts')
  if (!existsSync(src)) return 'no process-wide KDF limiter in this build (src/kdf/limit.ts does not exist at this commit)'
  const named = Object.keys(ks).filter((k) => /limit|concurren/i.test(k))
  return `process-wide KDF limiter (src/kdf/limit.ts) at its default setting${named.length ? ` (exports: ${named.join(', ')})` : ''}`
}

// ---- the cases ---------------------------------------------------------------------------------
const cases = []
const checks = []

async function addPbkdf2() {
  const envelope = await ks.sealKey(SECRET_64, PASSPHRASE)
  const info = ks.inspect(envelope)
  checks.push(check(info.kdf.kdf === 'pbkdf2-sha256' && info.kdf.iterations === PBKDF2_ITERATIONS, `default policy seals PBKDF2-SHA256 at ${PBKDF2_ITERATIONS}`))
  cases.push({ id: 'pbkdf2', label: `PBKDF2-SHA256, ${PBKDF2_ITERATIONS.toLocaleString('en-US')} iterations (default policy)`, group: 'keyseal', baseline: 'raw-pbkdf2', open: () => ks.openKey(envelope, PASSPHRASE) })

  // Baseline: the same KDF and cipher with raw WebCrypto, nothing else.
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16))
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12))
  const pw = enc.encode(PASSPHRASE)
  const derive = async () => {
    const base = await subtle.importKey('raw', pw, 'PBKDF2', false, ['deriveBits'])
    const bits = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: PBKDF2_ITERATIONS }, base, 256)
    return subtle.importKey('raw', bits, 'AES-GCM', false, ['encrypt', 'decrypt'])
  }
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, await derive(), enc.encode(SECRET_64))
  const dec = new TextDecoder()
  cases.push({ id: 'raw-pbkdf2', label: 'raw WebCrypto PBKDF2-SHA256 600,000 + AES-256-GCM decrypt (baseline)', group: 'baseline', open: async () => dec.decode(await subtle.decrypt({ name: 'AES-GCM', iv }, await derive(), ct)) })
}

async function addArgon2id(path) {
  const policy = ks.createPolicy({ argon2id: { implementation: a2.argon2id } })
  const envelope = await ks.sealKey(SECRET_64, PASSPHRASE, { policy })
  const { kdf } = ks.inspect(envelope)
  checks.push(check(kdf.kdf === 'argon2id' && kdf.memoryKiB === 19456 && kdf.passes === 2 && kdf.lanes === 1, 'default Argon2id policy seals m = 19456 KiB, t = 2, p = 1'))
  checks.push(check(path === backend, `argon2idBackend() is ${backend}, as expected for this process (${path})`))
  cases.push({ id: `argon2id-${path}`, label: `Argon2id m = 19 MiB, t = 2, p = 1, ${path} path`, group: 'keyseal', baseline: 'raw-pbkdf2', open: () => ks.openKey(envelope, PASSPHRASE, { policy }) })
}

async function addRaw() {
  const key = await ks.importKey(await ks.generateKey())
  const envelope = await ks.sealKey(SECRET_64, key)
  cases.push({ id: 'raw', label: 'raw 256-bit key (importKey), no KDF', group: 'keyseal', baseline: 'raw-aes', open: () => ks.openKey(envelope, key) })
  const aes = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12))
  const ct = await subtle.encrypt({ name: 'AES-GCM', iv }, aes, enc.encode(SECRET_64))
  const dec = new TextDecoder()
  cases.push({ id: 'raw-aes', label: 'raw WebCrypto AES-256-GCM decrypt, cached key (baseline)', group: 'baseline', open: async () => dec.decode(await subtle.decrypt({ name: 'AES-GCM', iv }, aes, ct)) })
}

if (ONLY === 'argon2id') {
  // The child: one case, with the PBKDF2 baseline beside it so its ratio is from its own process.
  await addArgon2id(backend)
  await addPbkdf2()
  cases.splice(cases.findIndex((c) => c.id === 'pbkdf2'), 1)
} else {
  await addPbkdf2()
  await addArgon2id(backend)
  await addRaw()
}

// Cross-check and warm up: every case opens to the secret; the warm-up also times one open.
for (const c of cases) {
  const t0 = performance.now()
  const out = await c.open()
  c.warmMs = performance.now() - t0
  checks.push(check(out === SECRET_64, `${c.id}: opens to the sealed secret`))
  for (let i = 0; i < 2; i++) {
    const t1 = performance.now()
    await c.open()
    c.warmMs = Math.min(c.warmMs, performance.now() - t1)
  }
}

// ---- timing ------------------------------------------------------------------------------------
async function sample(c, concurrency) {
  const n = Math.max(concurrency, Math.ceil(WINDOW_MS / c.warmMs / concurrency) * concurrency)
  let next = 0
  const worker = async () => {
    while (next < n) {
      next++
      const out = await c.open()
      if (out !== SECRET_64) throw new Error(`${c.id}: wrong secret`)
    }
  }
  c.eld[concurrency].enable()
  const t0 = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  const ms = performance.now() - t0
  c.eld[concurrency].disable()
  return (n / ms) * 1000
}

// The idle event loop first: what monitorEventLoopDelay reads with nothing running.
const idle = monitorEventLoopDelay({ resolution: 1 })
idle.enable()
await new Promise((r) => setTimeout(r, 1000))
idle.disable()
const idleP99 = idle.percentile(99) / 1e6

for (const c of cases) {
  c.samples = { 1: [], 8: [] }
  c.eld = Object.fromEntries(CONCURRENCY.map((k) => [k, monitorEventLoopDelay({ resolution: 1 })]))
}
let seed = 0x2545f491
const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32)
for (let r = 0; r < ROUNDS; r++) {
  // Shuffled (seeded) order each round, so noise on the shared machine hits every case alike.
  const order = cases.flatMap((c) => CONCURRENCY.map((k) => [c, k]))
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  for (const [c, k] of order) {
    globalThis.gc?.()
    c.samples[k].push(await sample(c, k))
  }
  log(`capacity: round ${r + 1}/${ROUNDS} done (${((performance.now() - started) / 1000).toFixed(0)} s)`)
}

const median = (a) => {
  const s = [...a].sort((x, y) => x - y)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
let rows = cases.map((c) => ({
  id: c.id,
  label: c.label,
  group: c.group,
  baseline: c.baseline,
  node: process.version,
  backend: c.id.startsWith('argon2id') ? backend : undefined,
  warmMs: c.warmMs,
  opensPerSec: Object.fromEntries(CONCURRENCY.map((k) => [k, median(c.samples[k])])),
  opensPerSecMin: Object.fromEntries(CONCURRENCY.map((k) => [k, Math.min(...c.samples[k])])),
  opensPerSecMax: Object.fromEntries(CONCURRENCY.map((k) => [k, Math.max(...c.samples[k])])),
  eldP99Ms: Object.fromEntries(CONCURRENCY.map((k) => [k, c.eld[k].percentile(99) / 1e6])),
  eldMaxMs: Object.fromEntries(CONCURRENCY.map((k) => [k, c.eld[k].max / 1e6])),
  samples: c.samples,
}))

if (CHILD) {
  // The parent merges these rows into its own output.
  process.stdout.write(JSON.stringify({ rows, checks, idleP99 }) + '\n')
  process.exit(0)
}

// The TypeScript Argon2id path, in a child without WebAssembly (same flags, same CPU affinity).
const notes = []
if (backend === 'webassembly') {
  log('capacity: Argon2id on the TypeScript path (child process, node --no-expose-wasm) ...')
  const child = await new Promise((resolve) => {
    const p = spawn(process.execPath, ['--expose-gc', '--no-expose-wasm', fileURLToPath(import.meta.url), '--child', '--only=argon2id', ...(FULL ? ['--full'] : [])], { env: process.env, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    p.stdout.on('data', (d) => (out += d))
    p.on('close', (code) => resolve({ code, out }))
  })
  if (child.code !== 0) throw new Error(`capacity: the TypeScript-path child failed (exit ${child.code})`)
  const res = JSON.parse(child.out.trim().split('\n').pop())
  if (!res.rows.some((r) => r.backend === 'typescript')) throw new Error('capacity: the child did not take the TypeScript path')
  checks.push(...res.checks.map((c) => ({ ...c, check: `TypeScript-path child: ${c.check}` })))
  const base = res.rows.find((r) => r.id === 'raw-pbkdf2')
  for (const r of res.rows.filter((x) => x.group === 'keyseal')) {
    // Its ratio is against the PBKDF2 baseline measured in the child, stored beside it.
    rows.push({ ...r, childBaseline: base.opensPerSec, process: 'child, node --no-expose-wasm' })
  }
} else {
  notes.push(`The TypeScript Argon2id path is not measured under ${process.version}: its native Argon2id (${backend}) is what the public entry uses here.`)
}

// Ratios: keyseal's opens/s over its baseline's, in the same process, per concurrency.
for (const r of rows) {
  const base = r.childBaseline ?? rows.find((b) => b.id === r.baseline)?.opensPerSec
  if (base) r.vsBaseline = Object.fromEntries(CONCURRENCY.map((k) => [k, r.opensPerSec[k] / base[k]]))
}

log('')
log(`| case | opens/s, C=1 | opens/s, C=8 | vs baseline C=1 / C=8 | p99 event-loop delay C=1 | C=8 |`)
log(`|---|---:|---:|---:|---:|---:|`)
for (const r of rows) {
  log(`| ${r.label} | ${r.opensPerSec[1].toFixed(1)} | ${r.opensPerSec[8].toFixed(1)} | ${r.vsBaseline ? `${r.vsBaseline[1].toFixed(2)}x / ${r.vsBaseline[8].toFixed(2)}x` : ''} | ${r.eldP99Ms[1].toFixed(1)} ms | ${r.eldP99Ms[8].toFixed(1)} ms |`)
}
log(`idle event loop p99: ${idleP99.toFixed(2)} ms`)
const limiter = limiterNote()
log(`KDF limiter: ${limiter}`)
notes.push(`KDF limiter: ${limiter}.`, `Idle event loop p99 (monitorEventLoopDelay, 1 ms resolution) before the cases: ${idleP99.toFixed(2)} ms.`)

writeScenario({
  scenario: process.env.KEYSEAL_BENCH_SCENARIO || 'capacity',
  title: `Capacity: envelope opens per second on one core, Node ${process.version}`,
  description: 'Opens per second of one 64-byte secret at each default policy, with 1 and 8 opens in flight, on one core (the process pinned with taskset when run through bench/run.mjs), with the p99 event-loop delay while they ran; baselines are raw WebCrypto in the same process.',
  full: FULL,
  rounds: ROUNDS,
  windowMs: WINDOW_MS,
  backend,
  limiter,
  idleP99Ms: idleP99,
  capacity: rows,
  checks,
  notes,
  wallMs: performance.now() - started,
})
