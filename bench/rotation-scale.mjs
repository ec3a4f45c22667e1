#!/usr/bin/env node
// Rotation at scale (issue 16), three measurements:
//  1. rotateStream over N raw-key envelopes (raw key to raw key, so it is not KDF-bound: no KDF
//     runs at all) against the sum of its parts in the same process, interleaved round by round:
//     N opens + N seals with cached key objects. rotateStream also opens every new envelope once
//     to verify it (rotate.ts), which the parts do not; a second baseline adds that open, to show
//     what is verification and what is streaming overhead. Goal: at most 1.3x the parts.
//  2. Peak memory of a streaming rotation with compare-and-swap write-back into SQLite, at a small
//     and a large row count (the rows live in the database, not in the process): flat means the
//     large run's peak is about the small run's.
//  3. Rows per second of that rotation with SQLite write-back at concurrency 1, 4 and 16.
// 2 and 3 run in child processes under a Node with node:sqlite (this one when it has it, else
// Node 24 from test/runtimes/node-versions), on the reference adapter examples/storage/sqlite.mjs.
//
//   node --expose-gc bench/rotation-scale.mjs      short (a few minutes on a busy 2-core machine):
//                                                  5,000 envelopes; memory 2,000 vs 10,000 rows;
//                                                  2,000 rows per rows/s pass
//   BENCH_SCALE_FULL=1 node --expose-gc bench/rotation-scale.mjs   the sizes: 100,000
//                                                  envelopes, 2 rounds; memory 10,000 vs 100,000 rows;
//                                                  10,000 rows per rows/s pass (about 20 minutes there)
//   (BENCH_SCALE_N, BENCH_ROUNDS override the envelope count and the rounds)
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { loadKeyseal, ROOT_DIR, writeScenario } from './lib/common.mjs'
import { check, fmtMs } from './lib/harness.mjs'
import { median, ratioRows, ratioTable, timeRounds } from './lib/rotation-rows.mjs'

const FULL = process.env.BENCH_SCALE_FULL === '1'
const N = Number(process.env.BENCH_SCALE_N || (FULL ? 100_000 : 5_000))
const ROUNDS = Number(process.env.BENCH_ROUNDS || (FULL ? 2 : 3))
const MEMORY_ROWS = FULL ? [10_000, 100_000] : [2_000, 10_000]
const RATE_ROWS = FULL ? 10_000 : 2_000
const RATE_ROUNDS = 2
// The memory runs cap V8's old generation at this many MiB: a stream that kept its results (about
// 500 B each: both envelope strings and the result object) would need ~50 MiB at 100,000 rows and
// die of OOM; a flat one finishes with room to spare. The cap makes "flat" a pass/fail fact, not
// a reading of GC timing (V8 grows the heap lazily, so an uncapped peak says little).
const HEAP_CAP_MIB = 24
// The young generation fixed at 2 MiB semi-spaces too: V8 otherwise grows it with the allocation
// rate (up to 16 MiB and more), and the sampled peak would follow that growth, not the stream.
const MEMORY_FLAGS = [`--max-old-space-size=${HEAP_CAP_MIB}`, '--min-semi-space-size=2', '--max-semi-space-size=2']
const log = (...a) => console.log(...a)

const ks = await loadKeyseal()
const started = performance.now()
const checks = []
const notes = []

// ---- 1. rotateStream against the sum of its parts -------------------------------------------
log(`rotation-scale: sealing ${N.toLocaleString('en-US')} envelopes under raw key A...`)
const [kaText, kbText] = [await ks.generateKey(), await ks.generateKey()]
const ka = await ks.importKey(kaText, { keyId: 'a' })
const kb = await ks.importKey(kbText, { keyId: 'b' })
const rows = new Array(N)
for (let i = 0; i < N; i++) {
  const context = `user:${i}/openai`
  rows[i] = { id: i, context, envelope: await ks.sealKey(`sk-proj-${String(i).padStart(40, '0')}`, ka, { context }) }
}

/** The parts by hand with the public API: open each envelope with A, seal its secret with B. */
async function parts(verify) {
  const out = new Array(N)
  for (let i = 0; i < N; i++) {
    const { envelope, context } = rows[i]
    const secret = await ks.openKey(envelope, ka, { context })
    out[i] = await ks.sealKey(secret, kb, { context })
    if (verify) await ks.openKey(out[i], kb, { context })
  }
  return out
}

async function* source() {
  for (let i = 0; i < N; i++) yield rows[i]
}

/** The stream, consumed as a caller would: one result at a time, kept (as a write-back would store it). */
async function stream(concurrency) {
  const out = new Array(N)
  for await (const r of ks.rotateStream(source(), { from: ka, to: kb, concurrency })) {
    if (r.status !== 'ok') throw new Error(`item ${r.index}: ${r.status} ${r.code ?? ''}`)
    out[r.index] = r.envelope
  }
  return out
}

{
  const p = await parts(false)
  const s = await stream(4)
  let same = p.length === N && s.length === N && s.every((e) => typeof e === 'string')
  for (const i of [0, 1, Math.floor(N / 2), N - 1]) {
    const a = await ks.openKey(p[i], kb, { context: rows[i].context })
    const b = await ks.openKey(s[i], kb, { context: rows[i].context })
    same &&= a === b && a === `sk-proj-${String(i).padStart(40, '0')}`
  }
  checks.push(check(same, 'parts and rotateStream give envelopes that open under B to the same secrets'))
}

const run = { parts: () => parts(false), partsVerify: () => parts(true), c1: () => stream(1), c4: () => stream(4), c16: () => stream(16) }
const cases = await timeRounds(run, ROUNDS)
const LABELS = {
  parts: 'sum of parts: opens + seals, cached raw keys (baseline)',
  partsVerify: 'sum of parts + the verifying open rotateStream does',
  c1: 'rotateStream, concurrency 1',
  c4: 'rotateStream, concurrency 4',
  c16: 'rotateStream, concurrency 16',
}
const streamRows = ratioRows(cases, N, (name) => LABELS[name])
log('')
for (const line of ratioTable(streamRows)) log(line)
const streamed = streamRows.filter((r) => r.name.startsWith('c'))
const best = streamed.reduce((a, b) => (a.ratio < b.ratio ? a : b))
log(`\nGoal: rotateStream at most 1.3x the parts. Best: ${best.label} at ${best.ratio.toFixed(2)}x — ${best.ratio <= 1.3 ? 'met' : 'NOT met'}`)
for (const r of streamed) log(`  ${r.label}: ${r.ratio <= 1.3 ? 'met' : 'not met'} (${r.ratio.toFixed(2)}x)`)
rows.length = 0 // free the envelopes before the SQLite children run

// ---- 2 and 3: SQLite write-back, in child processes ------------------------------------------
function sqliteNode() {
  const here = spawnSync(process.execPath, ['-e', "import('node:sqlite').then(() => process.exit(0), () => process.exit(1))"], { stdio: 'ignore' })
  if (here.status === 0) return process.execPath
  const node24 = join(ROOT_DIR, 'test/runtimes/node-versions/node_modules/node24/bin/node')
  return existsSync(node24) ? node24 : undefined
}
const node = sqliteNode()
const worker = fileURLToPath(new URL('./lib/sqlite-rotation.mjs', import.meta.url))
const env = { ...process.env, KEYSEAL_BENCH_KEY_A: kaText, KEYSEAL_BENCH_KEY_B: kbText, NODE_NO_WARNINGS: '1' }
function child(args, flags = []) {
  const r = spawnSync(node, ['--expose-gc', ...flags, worker, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 24 })
  const line = r.stdout.split('\n').find((l) => l.startsWith('result '))
  if (r.status !== 0 || line === undefined) throw new Error(`${args[0]} failed (exit ${r.status}): ${r.stderr}`)
  return JSON.parse(line.slice(7))
}

let memory
let rate
if (node === undefined) {
  notes.push('SQLite parts skipped: no Node with node:sqlite (22.13+ or 24+); install Node 24 with `npm ci --prefix test/runtimes/node-versions`.')
  log(`\n${notes.at(-1)}`)
} else {
  const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim()
  const dir = mkdtempSync(join(tmpdir(), 'keyseal-bench-sqlite-'))
  try {
    log(`\nSQLite write-back (node:sqlite, ${nodeVersion}, WAL, synchronous=NORMAL, file in ${tmpdir()}):`)
    log(`  memory: concurrency 16, ${MEMORY_FLAGS.join(' ')}`)
    memory = MEMORY_ROWS.map((n) => {
      const db = join(dir, `memory-${n}.db`)
      child(['seed', db, String(n)])
      const m = child(['memory', db, String(n)], MEMORY_FLAGS)
      checks.push(check(m.counts.ok === n && m.counts.failed === 0 && m.counts.conflicts === 0, `memory run of ${n} rows: every row rotated and written back`))
      log(`  ${n.toLocaleString('en-US')} rows: peak heap ${(m.peakHeapSampled / 2 ** 20).toFixed(1)} MiB, max RSS ${(m.maxRssKiB / 1024).toFixed(1)} MiB, heap after GC ${(m.heapAt10pct / 2 ** 20).toFixed(1)} MiB at 10% and ${(m.heapEnd / 2 ** 20).toFixed(1)} MiB at the end`)
      return m
    })
    const [small, large] = memory
    const flat = { peakHeap: large.peakHeapSampled / small.peakHeapSampled, maxRss: large.maxRssKiB / small.maxRssKiB, heapGrowthBytes: large.heapEnd - large.heapAt10pct }
    log(`  ${MEMORY_ROWS[1] / MEMORY_ROWS[0]}x the rows: peak heap ${flat.peakHeap.toFixed(2)}x, max RSS ${flat.maxRss.toFixed(2)}x; heap growth from 10% to 100% of the large run ${(flat.heapGrowthBytes / 1024).toFixed(0)} KiB`)
    memory = { rows: MEMORY_ROWS, flags: MEMORY_FLAGS, runs: memory, flat }

    const db = join(dir, 'rate.db')
    child(['seed', db, String(RATE_ROWS)])
    const t = child(['throughput', db, String(RATE_ROWS), String(RATE_ROUNDS)])
    rate = Object.entries(t.times).map(([c, v]) => ({ concurrency: Number(c), medianMs: median(v), minMs: Math.min(...v), maxMs: Math.max(...v), rowsPerSec: RATE_ROWS / (median(v) / 1000) }))
    log(`  rows per second, ${RATE_ROWS.toLocaleString('en-US')} rows per pass, ${RATE_ROUNDS} passes each:`)
    for (const r of rate) log(`    concurrency ${r.concurrency}: ${Math.round(r.rowsPerSec)} rows/s (pass median ${fmtMs(r.medianMs)}, ${fmtMs(r.minMs)} – ${fmtMs(r.maxMs)})`)
    rate = { rows: RATE_ROWS, rounds: RATE_ROUNDS, node: nodeVersion, levels: rate }
    memory.node = nodeVersion
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

writeScenario({
  scenario: 'rotation-scale',
  title: `Streaming rotation at scale: ${N.toLocaleString('en-US')} raw-key envelopes; SQLite write-back`,
  n: N,
  rounds: ROUNDS,
  full: FULL,
  checks,
  rows: streamRows,
  budget: 1.3,
  memory,
  rate,
  notes,
  wallMs: performance.now() - started,
})
log(`\nwall ${fmtMs(performance.now() - started)}`)
