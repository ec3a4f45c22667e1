// Interleaved timing harness shared by every scenario (and open to bench/argon2id.mjs and a later
// rotation bench). Design, after noble's benches and STYLE.md habit 12:
//  - every case runs in the SAME process, interleaved round by round in a shuffled order, so machine
//    noise (the other core, thermal, GC of a neighbour) hits all cases alike;
//  - each sample is a batch of `batch` sequential operations, the batch size calibrated per case so
//    one sample lasts about `targetMs` (timer resolution stops mattering for 20 µs operations);
//  - `gc()` (when node runs with --expose-gc, as run.mjs starts it) runs before every batch, outside
//    the timed region, so one case's garbage is not charged to the next;
//  - results are per-operation medians, min-max, and ratios against the baseline case measured in
//    the same rounds: ratio of medians, and the min-max of the per-round paired ratios.
import { performance } from 'node:perf_hooks'

const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => {}

/** Small deterministic PRNG (mulberry32) so the case order is shuffled but reproducible. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function shuffle(arr, rnd) {
  const a = arr.slice()
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[a[i], a[j]] = [a[j], a[i]]
  }
  return a
}

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

export function summarize(samples) {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  return {
    n: s.length,
    median: quantile(s, 0.5),
    min: s[0],
    max: s[s.length - 1],
    p25: quantile(s, 0.25),
    p75: quantile(s, 0.75),
  }
}

async function timeBatch(fn, batch) {
  gc()
  const t0 = performance.now()
  for (let i = 0; i < batch; i++) await fn()
  return (performance.now() - t0) / batch
}

/**
 * Run `cases` interleaved.
 * case: { id, label, group: 'baseline'|'keyseal'|'competitor'|'reference', lib?, version?, note?,
 *         fn: async () => void (one operation), every?: n (sample only every n-th round, for slow
 *         cases), batch?: fixed batch size }
 * opts: { rounds, targetMs, warmupMs, baseline: id of the baseline case, seed, log }
 * Returns { rounds, targetMs, unit: 'ms/op', cases: [...summaries] }.
 */
export async function interleave(cases, opts) {
  const { rounds = 30, targetMs = 10, warmupMs = 100, baseline, seed = 42, log = () => {} } = opts
  // BENCH_ONLY=id,id,...: time only these cases (and every baseline they need), for a focused,
  // longer run of a pair: `BENCH_ONLY=keyseal-derived BENCH_ROUNDS=400 node --expose-gc bench/scenarios/cached.mjs`.
  if (process.env.BENCH_ONLY) {
    const only = new Set(process.env.BENCH_ONLY.split(',').map((x) => x.trim()))
    for (const c of cases) if (only.has(c.id) && c.baseline) only.add(c.baseline)
    if (baseline) only.add(baseline)
    cases = cases.filter((c) => only.has(c.id))
    log(`  BENCH_ONLY: timing ${cases.map((c) => c.id).join(', ')}`)
  }
  const ids = new Set()
  for (const c of cases) {
    if (ids.has(c.id)) throw new Error(`duplicate case id ${c.id}`)
    ids.add(c.id)
  }
  for (const b of [baseline, ...cases.map((c) => c.baseline)]) {
    if (b && !ids.has(b)) throw new Error(`baseline ${b} is not a case`)
  }

  // Warm up (JIT, lazy WASM instantiation, key schedules) and calibrate the batch size.
  const batch = new Map()
  for (const c of cases) {
    const t0 = performance.now()
    let n = 0
    do {
      await c.fn()
      n++
    } while (performance.now() - t0 < warmupMs && n < 10_000)
    const perOp = (performance.now() - t0) / n
    batch.set(c.id, c.batch ?? Math.max(1, Math.round(targetMs / perOp)))
    log(`  warm ${c.id}: ${n} ops, ~${fmtMs(perOp)}/op, batch ${batch.get(c.id)}`)
  }

  const samples = new Map(cases.map((c) => [c.id, new Array(rounds).fill(NaN)]))
  const rnd = prng(seed)
  const started = performance.now()
  for (let r = 0; r < rounds; r++) {
    for (const c of shuffle(cases, rnd)) {
      const every = c.every ?? 1
      if (r % every !== 0) continue
      samples.get(c.id)[r] = await timeBatch(c.fn, batch.get(c.id))
    }
    if ((r + 1) % Math.max(1, Math.floor(rounds / 5)) === 0) {
      log(`  round ${r + 1}/${rounds} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    }
  }

  const out = []
  for (const c of cases) {
    // A case may name its own baseline (for example an `open` case against the raw open).
    const baseId = c.baseline ?? baseline
    const s = samples.get(c.id)
    // A case sampled only every n-th round is compared with the baseline in those same rounds, so a
    // busy spell in the other rounds cannot tilt its ratio.
    const base = baseId ? samples.get(baseId).map((b, r) => (Number.isFinite(s[r]) ? b : NaN)) : undefined
    const baseSummary = base ? summarize(base) : undefined
    const sum = summarize(s)
    const entry = {
      id: c.id,
      label: c.label,
      group: c.group,
      lib: c.lib,
      version: c.version,
      note: c.note,
      baseline: baseId,
      batch: batch.get(c.id),
      ...sum,
      opsPerSec: 1000 / sum.median,
      samples: s.map((x) => (Number.isFinite(x) ? round4(x) : null)),
    }
    if (baseSummary) {
      const paired = []
      for (let r = 0; r < rounds; r++) {
        if (Number.isFinite(s[r]) && Number.isFinite(base[r])) paired.push(s[r] / base[r])
      }
      const ps = summarize(paired)
      entry.ratio = sum.median / baseSummary.median
      // Fastest sample over fastest sample: the least noise-sensitive estimate on a busy machine.
      entry.ratioOfMins = sum.min / baseSummary.min
      entry.ratioPairedMedian = ps.median
      entry.ratioMin = ps.min
      entry.ratioMax = ps.max
    }
    out.push(entry)
  }
  return { unit: 'ms/op', rounds, targetMs, baseline, cases: out }
}

function round4(x) {
  return Math.round(x * 1e4) / 1e4
}

export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return 'n/a'
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.1 ? 2 : 1)} µs`
  if (ms < 100) return `${ms.toFixed(2)} ms`
  return `${ms.toFixed(0)} ms`
}

export function fmtRatio(x) {
  return Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a'
}

/** A plain-text table for the console. */
export function printTable(result, { title } = {}) {
  const rows = [['case', 'median', 'min–max', 'ratio', 'ratio of mins', 'paired ratio min–max']]
  for (const c of result.cases) {
    rows.push([
      c.label,
      fmtMs(c.median),
      `${fmtMs(c.min)} – ${fmtMs(c.max)}`,
      c.ratio === undefined ? '' : fmtRatio(c.ratio),
      c.ratio === undefined ? '' : fmtRatio(c.ratioOfMins),
      c.ratio === undefined ? '' : `${fmtRatio(c.ratioMin)} – ${fmtRatio(c.ratioMax)}`,
    ])
  }
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
  const lines = rows.map((r) => r.map((v, i) => String(v).padEnd(w[i])).join('  '))
  lines.splice(1, 0, w.map((n) => '-'.repeat(n)).join('  '))
  if (title) console.log(`\n${title}`)
  console.log(lines.join('\n'))
}

/** Throws unless `cond`; cross-checks run before any timing and abort the scenario when wrong. */
export function check(cond, what) {
  if (!cond) throw new Error(`cross-check failed: ${what}`)
  return { check: what, ok: true }
}

export function bytesEqual(a, b) {
  a = a instanceof Uint8Array ? a : new Uint8Array(a)
  b = b instanceof Uint8Array ? b : new Uint8Array(b)
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * Copy `budget` from the case definitions onto the results and list each budget as met or not.
 * Budgets are ratios of medians against the case's baseline; they are reported, never asserted.
 */
export function applyBudgets(result, caseDefs, log = () => {}) {
  const budgets = []
  for (const c of result.cases) {
    const def = caseDefs.find((x) => x.id === c.id)
    if (!def?.budget) continue
    c.budget = def.budget
    const b = { case: c.id, label: c.label, baseline: c.baseline, max: def.budget, ratio: c.ratio, ratioOfMins: c.ratioOfMins, ratioMin: c.ratioMin, ratioMax: c.ratioMax, met: c.ratio <= def.budget }
    budgets.push(b)
    log(`budget ${b.case}: ${b.ratio.toFixed(3)}x (paired ${b.ratioMin.toFixed(2)}–${b.ratioMax.toFixed(2)}) vs <= ${b.max}x -> ${b.met ? 'MET' : 'NOT MET'}`)
  }
  return budgets
}
