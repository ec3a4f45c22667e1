#!/usr/bin/env node
// Argon2id benchmark (issues 5 and 17): keyseal's WebAssembly and pure-TypeScript Argon2id against
// the native `argon2` addon (the baseline), libsodium's WebAssembly (crypto_pwhash, p = 1 only),
// hash-wasm, @noble/hashes, and Node's own argon2 (node:crypto and WebCrypto, Node 24+ only).
// Default: OWASP minimum parameters m = 19456 KiB, t = 2, p = 1, 32-byte tag.
//
//   node bench/argon2id.mjs                          (or: node bench/run.mjs argon2id)
//   node bench/argon2id.mjs --m=65536 --t=3 --p=4    (or: node bench/run.mjs argon2id-64m)
//   BENCH_ROUNDS=15 node --expose-gc bench/argon2id.mjs
//
// - src/kdf/argon2id.ts is compiled with esbuild into a temporary file first, so no build and no
//   TypeScript loader are needed; competitors are resolved from bench/node_modules only.
// - Every implementation's output is cross-checked against the others BEFORE any timing.
// - keyseal's first call in this process (cold JIT) is reported on its own: it is what a page that
//   derives one key pays. Then all cases run interleaved (lib/harness.mjs), one operation per sample.
// - Responsiveness: the gaps between turns of a concurrent setImmediate ticker while argon2idTs
//   runs are the synchronous slices a page would feel; the longest one is reported.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { BENCH_DIR, ROOT_DIR, libVersion, writeScenario } from './lib/common.mjs'
import { bytesEqual, check, fmtMs, interleave, printTable } from './lib/harness.mjs'

const arg = (name, dflt) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt)
const M = arg('m', 19456)
const T = arg('t', 2)
const P = arg('p', 1)
// At 64 MiB the slow pure-JS competitors would take minutes: they run at the OWASP size only.
const LARGE = M > 19456
const TAG = 32
const ROUNDS = Number(process.env.BENCH_ROUNDS || 9)
const requireFromBench = createRequire(join(BENCH_DIR, 'package.json'))
const log = (...a) => console.log(...a)

// ---- keyseal's TypeScript implementation, compiled to a temporary ESM file ----------------------
async function loadOurs(entry = 'src/kdf/argon2id.ts') {
  const esbuild = join(ROOT_DIR, 'node_modules', '.bin', 'esbuild')
  if (!existsSync(esbuild)) throw new Error(`${esbuild} is missing: run npm ci in the repository root`)
  const dir = mkdtempSync(join(os.tmpdir(), 'keyseal-argon2id-bench-'))
  const out = join(dir, 'argon2id.mjs')
  const r = spawnSync(esbuild, [join(ROOT_DIR, entry), '--bundle', '--format=esm', '--platform=neutral', '--target=es2022', `--outfile=${out}`, '--log-level=warning'], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stderr}`)
  const mod = await import(pathToFileURL(out).href)
  rmSync(dir, { recursive: true, force: true })
  return mod
}

/**
 * The native addon is loaded in a throwaway child first: a prebuilt binary that does not match the
 * running Node can crash the process outright (seen here with argon2 0.45.1's prebuild on Node 20),
 * and a crash cannot be caught.
 */
function loadNative() {
  let path
  try {
    path = requireFromBench.resolve('argon2')
  } catch {
    return { reason: 'argon2 is not installed in bench/node_modules (npm ci --prefix bench)' }
  }
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path)})`], { encoding: 'utf8' })
  if (probe.status !== 0) return { reason: `argon2 addon fails to load in ${process.version} (exit ${probe.status ?? probe.signal})` }
  return { mod: requireFromBench('argon2') }
}

const password = new TextEncoder().encode('correct horse battery staple, 2024 edit!')
const salt = Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + 11) & 0xff)

const ours = await loadOurs()
const oursWasm = await loadOurs('src/kdf/argon2id-wasm.ts')
const params = { memoryKiB: M, passes: T, lanes: P, tagLength: TAG }
const cases = []
const outputs = []
const notes = []
/** First call of each implementation in this process (cold: compilation, instantiation, JIT). */
const cold = []
async function first(id, run) {
  const t0 = performance.now()
  const out = await run()
  cold.push({ id, ms: performance.now() - t0 })
  return out
}

// Cold first call: JIT warm-up included, as a page deriving one key would see it.
const oursOut = await first('keyseal', () => ours.argon2idTs(password, salt, params))
const coldMs = cold[0].ms
outputs.push(['keyseal argon2idTs', oursOut])
cases.push({ id: 'keyseal', label: 'keyseal argon2idTs (pure TS)', group: 'keyseal', fn: () => ours.argon2idTs(password, salt, params) })
if (!LARGE) cases.push({ id: 'keyseal-sync', label: 'keyseal argon2idTsSync (pure TS, no yields)', group: 'keyseal', fn: async () => ours.argon2idTsSync(password, salt, params) })

// keyseal's WebAssembly fill (issue 17). Its first call compiles the module and runs the
// known-answer check; undefined would mean this runtime refused WebAssembly.
{
  const run = async () => {
    const out = await oursWasm.argon2idWasm(password, salt, params)
    if (out === undefined) throw new Error('keyseal argon2idWasm fell back (WebAssembly refused here)')
    return out
  }
  outputs.push(['keyseal argon2idWasm', await first('keyseal-wasm', run)])
  cases.push({ id: 'keyseal-wasm', label: 'keyseal argon2idWasm (WebAssembly SIMD)', group: 'keyseal', fn: run })
}

const native = loadNative()
if (native.mod) {
  const a2 = native.mod
  const opts = { type: a2.argon2id, raw: true, salt: Buffer.from(salt), memoryCost: M, timeCost: T, parallelism: P, hashLength: TAG }
  outputs.push(['argon2 (native)', await first('native', () => a2.hash(Buffer.from(password), opts))])
  cases.push({ id: 'native', label: `argon2 ${libVersion('argon2')} (native addon)`, group: 'baseline', fn: () => a2.hash(Buffer.from(password), opts) })
} else {
  notes.push(`native argon2 skipped: ${native.reason}`)
}

try {
  if (LARGE) throw new Error(`not run at m = ${M} (minutes per round)`)
  const { argon2id } = await import(pathToFileURL(requireFromBench.resolve('@noble/hashes/argon2.js')).href)
  outputs.push(['@noble/hashes', await first('noble', async () => argon2id(password, salt, { m: M, t: T, p: P, dkLen: TAG }))])
  cases.push({ id: 'noble', label: `@noble/hashes ${libVersion('@noble/hashes')} argon2id`, group: 'competitor', fn: async () => argon2id(password, salt, { m: M, t: T, p: P, dkLen: TAG }) })
} catch (e) {
  notes.push(`@noble/hashes skipped: ${e.message}`)
}

try {
  const hw = requireFromBench('hash-wasm')
  const run = () => hw.argon2id({ password, salt, parallelism: P, iterations: T, memorySize: M, hashLength: TAG, outputType: 'binary' })
  outputs.push(['hash-wasm', await first('hash-wasm', run)])
  cases.push({ id: 'hash-wasm', label: `hash-wasm ${libVersion('hash-wasm')} argon2id`, group: 'competitor', fn: run })
} catch (e) {
  notes.push(`hash-wasm skipped: ${e.message}`)
}

// libsodium's WebAssembly build (crypto_pwhash with ALG_ARGON2ID13: Argon2id v1.3, always p = 1,
// 16-byte salt, memory in bytes). One instance for the process, as libsodium is used.
try {
  if (P !== 1) throw new Error(`crypto_pwhash has no lanes parameter (p = ${P} here)`)
  const sodium = requireFromBench('libsodium-wrappers-sumo')
  await sodium.ready
  const run = async () => sodium.crypto_pwhash(TAG, password, salt, T, M * 1024, sodium.crypto_pwhash_ALG_ARGON2ID13)
  outputs.push(['libsodium', await first('libsodium', run)])
  cases.push({ id: 'libsodium', label: `libsodium-wrappers-sumo ${libVersion('libsodium-wrappers-sumo')} crypto_pwhash (WebAssembly)`, group: 'competitor', fn: run })
} catch (e) {
  notes.push(`libsodium skipped: ${e.message}`)
}

// Node 24+: node:crypto argon2 and WebCrypto Argon2id. Detected by trying, not by version.
const nodeCrypto = await import('node:crypto')
if (typeof nodeCrypto.argon2 === 'function') {
  const p = { message: password, nonce: salt, parallelism: P, tagLength: TAG, memory: M, passes: T }
  const run = () => new Promise((res, rej) => nodeCrypto.argon2('argon2id', p, (err, key) => (err ? rej(err) : res(key))))
  outputs.push(['node:crypto argon2', await first('node-crypto', run)])
  cases.push({ id: 'node-crypto', label: `node:crypto argon2 (${process.version})`, group: 'reference', fn: run })
} else {
  notes.push(`node:crypto argon2 not in ${process.version} (Node 24+)`)
}
try {
  const subtle = globalThis.crypto.subtle
  const key = await subtle.importKey('raw-secret', password, 'Argon2id', false, ['deriveBits'])
  const run = async () => new Uint8Array(await subtle.deriveBits({ name: 'Argon2id', nonce: salt, memory: M, passes: T, parallelism: P }, key, TAG * 8))
  outputs.push(['WebCrypto Argon2id', await first('webcrypto', run)])
  cases.push({ id: 'webcrypto', label: `WebCrypto Argon2id (${process.version})`, group: 'reference', fn: run })
} catch {
  notes.push(`WebCrypto Argon2id not in ${process.version}`)
}

// keyseal's public entry (`@org/keyseal/argon2id`, src/argon2id.ts): native WebCrypto Argon2id
// where the runtime has it, else WebAssembly, else TypeScript, detected by trying. Where it is
// native, issue 5 allows at most 1.1x the native addon for this path (the wrapper adds one
// importKey try and two copies); where it is WebAssembly, issue 17 allows 1.3x.
const entry = await loadOurs('src/argon2id.ts')
const entryBackend = await entry.argon2idBackend(globalThis.crypto.subtle)
const nativePath = entryBackend === 'webcrypto'
{
  const run = () => entry.argon2id.derive(password, salt, { memoryKiB: M, passes: T, lanes: P }, globalThis.crypto.subtle)
  outputs.push(['keyseal argon2id.derive', await first('keyseal-entry', run)])
  cases.push({
    id: 'keyseal-entry',
    label: `keyseal argon2id.derive, public entry (${entryBackend} path)`,
    group: 'keyseal',
    fn: run,
  })
}

// ---- Cross-check before timing ---------------------------------------------------------------
const checks = []
for (const [name, out] of outputs) checks.push(check(bytesEqual(out, oursOut), `${name} gives the same ${TAG}-byte tag as keyseal`))
const syncOut = ours.argon2idTsSync(password, salt, params)
checks.push(check(bytesEqual(syncOut, oursOut), 'keyseal argon2idTsSync equals argon2idTs'))
log(`cross-checked ${outputs.length} implementations: identical output ${Buffer.from(oursOut).toString('hex')}`)
log(`keyseal first call (cold JIT): ${fmtMs(coldMs)}`)
for (const c of cold) log(`first call in this process (cold) ${c.id}: ${fmtMs(c.ms)}`)
for (const n of notes) log(`note: ${n}`)

// ---- Responsiveness: longest synchronous slice while argon2idTs runs --------------------------
async function slices(yieldEvery, derive = (opts) => ours.argon2idTs(password, salt, params, opts)) {
  // A setImmediate ticker: one tick per event-loop turn. (A MessageChannel ping-pong would not do
  // in Node, which drains up to ~1000 port messages inside one callback.)
  const gaps = []
  let last = performance.now()
  let running = true
  const tick = () => {
    const now = performance.now()
    gaps.push(now - last)
    last = now
    if (running) setImmediate(tick)
  }
  setImmediate(tick)
  const start = performance.now()
  await derive(yieldEvery === undefined ? undefined : { yieldEvery })
  const total = performance.now() - start
  running = false
  await new Promise((r) => setTimeout(r, 5))
  gaps.sort((a, b) => a - b)
  return { yieldEvery: yieldEvery ?? 'default', turns: gaps.length, totalMs: total, maxSliceMs: gaps[gaps.length - 1], medianSliceMs: gaps[gaps.length >> 1] }
}
const responsiveness = []
{
  let worst
  for (let i = 0; i < 3; i++) {
    const r = await slices(undefined, () => oursWasm.argon2idWasm(password, salt, params))
    if (worst === undefined || r.maxSliceMs > worst.maxSliceMs) worst = r
  }
  worst.yieldEvery = 'WebAssembly (8 ms slices)'
  responsiveness.push(worst)
  log(`slices (WebAssembly): ${worst.turns} event-loop turns in ${fmtMs(worst.totalMs)}, longest slice ${fmtMs(worst.maxSliceMs)}, median ${fmtMs(worst.medianSliceMs)} (worst of 3 runs)`)
}
for (const ye of LARGE ? [] : [undefined, 256, 4096]) {
  let worst
  for (let i = 0; i < 3; i++) {
    const r = await slices(ye)
    if (worst === undefined || r.maxSliceMs > worst.maxSliceMs) worst = r
  }
  responsiveness.push(worst)
  log(`slices (yieldEvery ${worst.yieldEvery}): ${worst.turns} event-loop turns in ${fmtMs(worst.totalMs)}, longest slice ${fmtMs(worst.maxSliceMs)}, median ${fmtMs(worst.medianSliceMs)} (worst of 3 runs)`)
}

// ---- Timing ------------------------------------------------------------------------------------
// CPU time per call as well (process-wide, so the native addon's libuv thread counts): on a shared
// machine wall time swings with the load, CPU time much less. The last ROUNDS calls of each case
// are the timed rounds (the warm-up calls come first).
const cpuSamples = new Map()
for (const c of cases) {
  const run = c.fn
  const samples = []
  cpuSamples.set(c.id, samples)
  c.fn = async () => {
    const c0 = process.cpuUsage()
    await run()
    const d = process.cpuUsage(c0)
    samples.push((d.user + d.system) / 1000)
  }
}
const baseline = cases.some((c) => c.id === 'native') ? 'native' : 'keyseal'
log(`\ntiming ${cases.length} cases, ${ROUNDS} interleaved rounds, 1 op per sample, baseline ${baseline} (loadavg ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`)
const result = await interleave(cases, { rounds: ROUNDS, targetMs: 1, warmupMs: 600, baseline, log })
printTable(result, { title: `Argon2id m=${M} KiB, t=${T}, p=${P}, ${TAG}-byte tag (ms per derivation; ratio = median / ${baseline} median)` })
const cpu = {}
for (const c of cases) {
  const s = cpuSamples.get(c.id).slice(-ROUNDS).sort((a, b) => a - b)
  cpu[c.id] = { min: s[0], median: s[s.length >> 1], max: s[s.length - 1] }
}
log(`\nCPU time per derivation (process-wide; ratio = min / ${baseline} min):`)
for (const c of cases) {
  const x = cpu[c.id]
  log(`  ${c.label.padEnd(48)} min ${fmtMs(x.min).padStart(9)}  median ${fmtMs(x.median).padStart(9)}  ratio ${(x.min / cpu[baseline].min).toFixed(2)}x`)
}
const ks = result.cases.find((c) => c.id === 'keyseal')
const kw = result.cases.find((c) => c.id === 'keyseal-wasm')
for (const c of result.cases) {
  if (c.id !== 'keyseal' && ks) log(`keyseal TypeScript vs ${c.label}: ${(ks.median / c.median).toFixed(2)}x the time`)
  if (c.id !== 'keyseal-wasm' && kw) log(`keyseal WebAssembly vs ${c.label}: ${(kw.median / c.median).toFixed(2)}x the time`)
}

writeScenario({
  scenario: process.env.KEYSEAL_BENCH_SCENARIO ?? 'argon2id',
  title: `Argon2id, m=${M} KiB, t=${T}, p=${P}, Node ${process.version}`,
  description: 'keyseal WebAssembly and pure-TypeScript Argon2id vs native argon2 (baseline), libsodium WebAssembly, hash-wasm, @noble/hashes, and Node 24+ native when available. Outputs cross-checked before timing; pinned to one CPU.',
  result,
  budgets: [
    ...(ks && baseline === 'native' && !LARGE ? [{ case: 'keyseal', label: ks.label, baseline, max: 3, ratio: ks.ratio, ratioMin: ks.ratioMin, ratioMax: ks.ratioMax, met: ks.ratio <= 3 }] : []),
    ...(kw && baseline === 'native' ? [{ case: 'keyseal-wasm', label: kw.label, baseline, max: 1.3, ratio: kw.ratio, ratioMin: kw.ratioMin, ratioMax: kw.ratioMax, met: kw.ratio <= 1.3 }] : []),
    ...result.cases
      .filter((c) => c.id === 'keyseal-entry' && nativePath && baseline === 'native')
      .map((c) => ({ case: c.id, label: c.label, baseline, max: 1.1, ratio: c.ratio, ratioMin: c.ratioMin, ratioMax: c.ratioMax, met: c.ratio <= 1.1 })),
  ],
  checks,
  cpu,
  notes: [`keyseal first call (cold JIT) ${coldMs.toFixed(1)} ms`,
    `cold (first call in the process, compilation included): ${cold.map((c) => `${c.id} ${c.ms.toFixed(1)} ms`).join(', ')}`,
    ...cases.map((c) => `CPU ${c.id}: min ${cpu[c.id].min.toFixed(1)} ms, median ${cpu[c.id].median.toFixed(1)} ms, ${(cpu[c.id].min / cpu[baseline].min).toFixed(2)}x ${baseline} (min/min)`), ...responsiveness.map((r) => `yieldEvery ${r.yieldEvery}: longest synchronous slice ${r.maxSliceMs.toFixed(1)} ms, median ${r.medianSliceMs.toFixed(2)} ms, ${r.turns} turns`), ...notes],
})
