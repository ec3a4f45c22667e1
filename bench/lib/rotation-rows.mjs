// Shared by the rotation benchmarks (bench/rotation.mjs, bench/rotation-scale.mjs): the rounds
// they time, per-case rows whose ratio is the case's median over the median of the `parts`
// baseline of the same rounds, with the spread of the ratios paired round by round, and the
// markdown table they print.
import { log } from './common.mjs'
import { fmtMs } from './harness.mjs'

/**
 * Times each case of `run` (name -> async function; `parts`, the baseline, among them) once per
 * round, interleaved, the order rotated each round so machine noise hits every case alike; logs
 * each round. Returns { <name>: ms[] }, one sample per round.
 */
export async function timeRounds(run, rounds) {
  const cases = Object.fromEntries(Object.keys(run).map((name) => [name, []]))
  for (let r = 0; r < rounds; r++) {
    const order = Object.keys(run)
    for (let s = 0; s < r; s++) order.push(order.shift())
    for (const name of order) {
      globalThis.gc?.()
      const t0 = performance.now()
      await run[name]()
      cases[name].push(performance.now() - t0)
    }
    log(`  round ${r + 1}/${rounds}: ${Object.entries(cases).map(([k, v]) => `${k} ${fmtMs(v[r])}`).join(', ')}`)
  }
  return cases
}

export const median = (a) => {
  const s = [...a].sort((x, y) => x - y)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** cases: { parts: ms[], <name>: ms[] } (one sample per round); n: envelopes per sample. */
export function ratioRows(cases, n, labelOf) {
  const base = median(cases.parts)
  return Object.entries(cases).map(([name, v]) => {
    const paired = v.map((x, i) => x / cases.parts[i])
    return {
      name,
      label: labelOf(name),
      medianMs: median(v),
      minMs: Math.min(...v),
      maxMs: Math.max(...v),
      envelopesPerSec: n / (median(v) / 1000),
      ratio: median(v) / base,
      ratioMin: Math.min(...paired),
      ratioMax: Math.max(...paired),
    }
  })
}

export function ratioTable(rows) {
  return [
    '| case | median | min–max | envelopes/s | ratio vs parts | per-round ratio min–max |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.label} | ${fmtMs(r.medianMs)} | ${fmtMs(r.minMs)} – ${fmtMs(r.maxMs)} | ${Math.round(r.envelopesPerSec)} | ${r.ratio.toFixed(2)}x | ${r.ratioMin.toFixed(2)}x – ${r.ratioMax.toFixed(2)}x |`),
  ]
}
