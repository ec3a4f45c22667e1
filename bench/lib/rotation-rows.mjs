// Shared by the rotation benchmarks (bench/rotation.mjs, bench/rotation-scale.mjs): per-case rows
// whose ratio is the case's median over the median of the `parts` baseline of the same rounds,
// with the spread of the ratios paired round by round, and the markdown table they print.
import { fmtMs } from './harness.mjs'

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
