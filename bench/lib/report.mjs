// bench/results/latest.json -> bench/results/latest.md: the README's speed and size tables, generated
// from a run, never typed by hand.

function us(ms) {
  if (!Number.isFinite(ms)) return 'n/a'
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.1 ? 1 : 0)} µs`
  if (ms < 10) return `${ms.toFixed(2)} ms`
  if (ms < 100) return `${ms.toFixed(1)} ms`
  return `${ms.toFixed(0)} ms`
}
const x = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}x` : 'n/a')
const kb = (n) => `${(n / 1024).toFixed(2)} KB`
const esc = (s) => String(s ?? '').replace(/\|/g, '\\|')

function envLine(env) {
  if (!env) return ''
  const parts = [env.cpu && `${env.cpu}${env.cores ? ` (${env.cores} cores)` : ''}`, env.memoryGiB && `${env.memoryGiB} GiB`, env.platform, env.node && `Node ${env.node}`, env.v8 && `V8 ${env.v8}`, env.openssl && `OpenSSL ${env.openssl}`, env.esbuild && `esbuild ${env.esbuild}`, env.keyseal && `keyseal ${env.keyseal}`, env.date && env.date.slice(0, 16).replace('T', ' ') + ' UTC']
  return parts.filter(Boolean).join(', ')
}

function budgetLines(budgets) {
  return (budgets ?? []).map((b) => {
    if (b.pending) return `- Budget **${esc(b.label ?? b.case)}**: at most ${kb(b.max)} gzip — pending (${esc(b.pending)})`
    if (b.gzip !== undefined) return `- Budget **${esc(b.label ?? b.case)}**: ${kb(b.gzip)} gzip, at most ${kb(b.max)} — **${b.met ? 'met' : 'not met'}**`
    return `- Budget **${esc(b.label ?? b.case)}**: ${x(b.ratio)} of the baseline by medians${Number.isFinite(b.ratioOfMins) ? `, ${x(b.ratioOfMins)} by fastest samples` : ''} (per-round paired ratios ${x(b.ratioMin)}–${x(b.ratioMax)}), at most ${b.max}x — **${b.met ? 'met' : 'not met'}** (judged on medians)`
  })
}

function extras(s) {
  const out = []
  if (s.checks?.length) {
    const text = (c) => (typeof c === 'string' ? c : `${c.check ?? JSON.stringify(c)}${c.ok === false ? ' (FAILED)' : ''}`)
    out.push('', `<details><summary>${s.checks.length} cross-checks passed before timing</summary>`, '', ...s.checks.map((c) => `- ${text(c)}`), '', '</details>')
  }
  if (s.notes?.length) out.push('', ...s.notes.map((n) => `- ${typeof n === 'string' ? n : esc(JSON.stringify(n))}`))
  return out
}

/** Hook scripts may write rows of their own shape: { label, medianMs, minMs, maxMs, ratio, ... }. */
function rowsTable(s) {
  const rows = s.rows
  const extra = rows.some((r) => Number.isFinite(r.envelopesPerSec)) ? 'envelopesPerSec' : undefined
  const out = [
    `| case | median | min–max | ratio vs baseline | per-round ratio min–max${extra ? ' | envelopes/s' : ''} |`,
    `|---|---:|---:|---:|---:${extra ? '|---:' : ''}|`,
  ]
  for (const r of rows) {
    out.push(`| ${esc(r.label ?? r.name)} | ${us(r.medianMs)} | ${us(r.minMs)} – ${us(r.maxMs)} | ${x(r.ratio)} | ${x(r.ratioMin)} – ${x(r.ratioMax)}${extra ? ` | ${Math.round(r[extra])}` : ''} |`)
  }
  if (typeof s.budget === 'number') {
    const best = rows.filter((r) => r.ratio !== 1 || rows.indexOf(r) > 0).reduce((a, b) => (b.ratio < (a?.ratio ?? Infinity) ? b : a), undefined)
    if (best) out.push('', `- Budget: at most ${s.budget}x the baseline. Best: ${esc(best.label ?? best.name)} at ${x(best.ratio)} — **${best.ratio <= s.budget ? 'met' : 'not met'}**`)
  }
  return out
}

/** bench/capacity.mjs: opens per second on one core at 1 and 8 in flight, and the p99 event-loop delay. */
function capacityTable(s) {
  const n = (v) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1))
  const ms = (v) => `${v.toFixed(v < 10 ? 1 : 0)} ms`
  const out = [
    '| policy (Argon2id path) | opens/s, 1 in flight (min–max) | opens/s, 8 in flight (min–max) | vs baseline, 1 / 8 in flight | p99 event-loop delay, 1 / 8 in flight |',
    '|---|---:|---:|---:|---:|',
  ]
  for (const r of s.capacity) {
    const label = r.group === 'keyseal' ? `**${esc(r.label)}**${r.process ? ` (${esc(r.process)})` : ''}` : esc(r.label)
    out.push(`| ${[
      label,
      `${n(r.opensPerSec[1])} (${n(r.opensPerSecMin[1])}–${n(r.opensPerSecMax[1])})`,
      `${n(r.opensPerSec[8])} (${n(r.opensPerSecMin[8])}–${n(r.opensPerSecMax[8])})`,
      r.vsBaseline ? `${x(r.vsBaseline[1])} / ${x(r.vsBaseline[8])}` : '',
      `${ms(r.eldP99Ms[1])} / ${ms(r.eldP99Ms[8])}`,
    ].join(' | ')} |`)
  }
  out.push('', `- "vs baseline": opens/s over those of raw WebCrypto in the same process (PBKDF2-SHA256 600,000 + AES-256-GCM for the passphrase rows, Argon2id included; AES-256-GCM with a cached key for the raw key). ${s.full ? 'Full' : 'Short'} run: ${s.rounds} round(s), samples of about ${(s.windowMs / 1000).toFixed(0)} s per case and concurrency. ${esc(s.limiter)[0].toUpperCase()}${esc(s.limiter).slice(1)}. Idle event loop p99 before the cases: ${ms(s.idleP99Ms)} (the delay figures include the 1 ms sampling interval).`)
  return out
}

/** bench/timing.mjs: failed opens by class, one operation per sample, and a threshold classifier. */
function timingClassesTable(s) {
  const out = ['| case | median | p10 – p90 | p99 | ratio vs the successful open (medians) |', '|---|---:|---:|---:|---:|']
  for (const r of s.timing) out.push(`| ${esc(r.label)} | ${us(r.median)} | ${us(r.p10)} – ${us(r.p90)} | ${us(r.p99)} | ${x(r.ratio)} |`)
  out.push('', `- ${s.rounds} rounds for the raw key, ${s.kdfRounds} for the passphrase; median gap wrong context minus wrong key: ${us(s.gapMs)} (raw key), ${us(s.passphraseGapMs)} (passphrase).`)
  for (const c of s.classifiers) {
    const acc = c.testGroups ? `${(100 * c.accuracy).toFixed(1)}%` : 'n/a'
    if (c.paired) out.push(`- Paired with a known wrong-key request, ${esc(c.a)} vs ${esc(c.b)}, from the median of ${c.k} pair${c.k > 1 ? 's' : ''}: ${acc} correct (${c.testGroups} groups; 50% is a coin toss).`)
    else out.push(`- Threshold classifier, ${esc(c.a)} vs ${esc(c.b)}, from the median of ${c.k} request${c.k > 1 ? 's' : ''}: ${acc} correct on held-out rounds (${c.testGroups} per class; 50% is a coin toss).`)
  }
  return out
}

function timingTable(s, { mibps = false } = {}) {
  const rows = [
    `| ${['case', 'median', 'min–max', 'ratio vs baseline', 'ratio of fastest samples', 'per-round ratio min–max', ...(mibps ? ['MiB/s'] : [])].join(' | ')} |`,
    `|${['---', '---:', '---:', '---:', '---:', '---:', ...(mibps ? ['---:'] : [])].join('|')}|`,
  ]
  for (const c of s.result.cases) {
    const isBase = c.group === 'baseline'
    const label = c.group === 'keyseal' ? `**${esc(c.label)}**` : esc(c.label)
    rows.push(`| ${[
      label,
      us(c.median),
      `${us(c.min)} – ${us(c.max)}`,
      isBase && c.baseline === c.id ? '1.00x (baseline)' : x(c.ratio),
      isBase && c.baseline === c.id ? '' : x(c.ratioOfMins ?? c.min / s.result.cases.find((b) => b.id === c.baseline)?.min),
      isBase && c.baseline === c.id ? '' : `${x(c.ratioMin)} – ${x(c.ratioMax)}`,
      ...(mibps ? [Number.isFinite(c.mibPerSec) ? c.mibPerSec.toFixed(0) : ''] : []),
    ].join(' | ')} |`)
  }
  return rows
}

function section(name, s, { compact = false } = {}) {
  const out = []
  if (!s) return out
  if (s.status === 'pending') {
    out.push(`### ${name}`, '', `Not measured yet: ${esc(s.reason)}.`, '')
    return out
  }
  if (s.status === 'ran') {
    out.push(`### ${name}`, '', 'The hook script wrote no JSON; its output:', '', '```text', s.output.trim(), '```', '')
    return out
  }
  out.push(`### ${s.title ?? name}`, '')
  if (s.description && !compact) out.push(s.description, '')
  const noise = [
    Number.isFinite(s.idleBefore) ? `machine ${(100 * s.idleBefore).toFixed(0)}% idle just before` : '',
    s.env?.loadavg ? `load average ${s.env.loadavg[0]} at start, ${s.env.loadavgEnd?.[0] ?? '?'} at end` : '',
    Number.isInteger(s.pinnedCpu) ? `pinned to CPU ${s.pinnedCpu} with taskset (every case on one core)` : '',
  ].filter(Boolean).join(', ')
  out.push(`Run: ${envLine(s.env)}${s.env?.gitHead ? `, commit ${s.env.gitHead}` : ''}${s.result?.rounds ?? s.rounds ? `; ${s.result?.rounds ?? s.rounds} rounds` : ''}${s.seconds ? `; ${s.seconds.toFixed(0)} s` : ''}${noise ? `; ${noise}` : ''}.`, '')
  if (s.scenario === 'import') {
    out.push('| library | import (median) | min–max | whole process (median) | over an empty process |', '|---|---:|---:|---:|---:|')
    for (const c of s.result.cases) {
      out.push(`| ${c.group === 'keyseal' ? `**${esc(c.label)}**` : esc(c.label)} | ${c.id === 'node' ? '—' : us(c.median)} | ${c.id === 'node' ? '—' : `${us(c.min)} – ${us(c.max)}`} | ${us(c.wall.median)} | ${c.id === 'node' ? '—' : `+${us(Math.max(0, c.wallOverBaselineMs))}`} |`)
    }
  } else if (!s.result && typeof s.table === 'string') {
    // A scenario that renders its own table (kdf-server: rows of a different shape), shown as is.
    out.push(s.table)
  } else if (s.scenario === 'instructions') {
    out.push('| case | instructions per seal+open | ratio vs raw WebCrypto |', '|---|---:|---:|')
    for (const r of s.result.rows) out.push(`| ${esc(r.mode)} | ${Math.round(r.instructionsPerOp).toLocaleString('en-US')} | ${x(r.ratio)} |`)
    for (const [mode, b] of Object.entries(s.result.breakdown ?? {})) {
      out.push('', `Where ${esc(mode)}'s extra instructions go (${esc(mode)} minus raw, per seal+open, from callgrind_annotate):`, '', '| kind | instructions |', '|---|---:|')
      for (const [k, v] of Object.entries(b.byKind)) out.push(`| ${esc(k)} | ${Math.round(v).toLocaleString('en-US')} |`)
    }
  } else if (s.scenario === 'size') {
    // Results before 2026-12-07 carry the retired budgets (`budget`); later ones the no-growth
    // ceilings of bench/size.mjs (`ceiling`, exact gzip bytes).
    const limit = (e) => (e.ceiling !== undefined ? `no-growth ceiling ${e.ceiling} B: ${e.met ? 'within' : '**over**'}` : `retired budget ${kb(e.budget)}: ${e.met ? 'met' : 'not met'}`)
    out.push('| bundle | minified | gzip -9 | brotli 11 | limit (gzip) |', '|---|---:|---:|---:|---|')
    for (const e of s.result.keyseal) {
      if (e.pending) out.push(`| **${esc(e.label)}** | — | — | — | pending |`)
      else out.push(`| **${esc(e.label)}** | ${kb(e.minified)} | ${kb(e.gzip)} (${e.gzip} B) | ${kb(e.brotli)} | ${limit(e)} |`)
    }
    for (const c of s.result.competitors ?? []) {
      out.push(`| ${esc(c.label)} ${c.version ?? ''}${c.note ? ` (${esc(c.note)})` : ''} | ${kb(c.minified)} | ${kb(c.gzip)} | ${kb(c.brotli)} | |`)
    }
    if (s.result.competitorsSkipped) out.push('', `Competitors not measured: ${s.result.competitorsSkipped}.`)
  } else if (Array.isArray(s.timing)) {
    out.push(...timingClassesTable(s))
  } else if (Array.isArray(s.capacity)) {
    out.push(...capacityTable(s))
  } else if (s.result?.cases) {
    const base = s.result.cases.find((c) => c.id === s.result.baseline)
    if (base) out.push(`Baseline: ${esc(base.label)}.`, '')
    out.push(...timingTable(s, { mibps: s.scenario === 'throughput' }))
  } else if (Array.isArray(s.rows)) {
    out.push(...rowsTable(s))
  } else {
    const { env, checks, notes, ...rest } = s
    out.push('```json', JSON.stringify(rest, null, 2).slice(0, 8000), '```')
  }
  const bl = budgetLines(s.budgets)
  if (bl.length) out.push('', ...bl)
  if (!compact) out.push(...extras(s))
  out.push('')
  return out
}

/** compact: tables, run lines and budgets only (for README.md); the full file adds checks and notes. */
export function renderMarkdown(latest, { compact = false } = {}) {
  const order = ['cached', 'instructions', 'passphrase', 'throughput', 'import', 'size', 'argon2id', 'argon2id-node24', 'argon2id-64m', 'rotation', 'capacity', 'capacity-node24', 'timing']
  const names = [...order.filter((n) => latest.scenarios?.[n]), ...Object.keys(latest.scenarios ?? {}).filter((n) => !order.includes(n))]
  const out = [
    '<!-- Generated by `node bench/run.mjs` from bench/results/latest.json. Do not edit by hand: run `npm run bench` (or `node bench/run.mjs --report --readme`). -->',
    '',
    '## Speed and size',
    '',
    `Machine of the latest scenario run: ${envLine(latest.env)}. Scenarios are run one at a time, so each section below gives its own run: machine, date, commit and load. Every speed table comes from one process per scenario in which keyseal, raw WebCrypto and the other libraries ran interleaved, round by round in shuffled order; each row's ratio is its median over the median of the scenario's baseline (raw WebCrypto unless the section names another) in the same rounds, and "per-round ratio min–max" is the spread of the ratios paired round by round. Outputs were cross-checked before timing.`,
    '',
  ]
  for (const n of names) out.push(...section(n, latest.scenarios[n], { compact }))
  if (compact) out.push('Cross-checks, notes and every sample: `bench/results/latest.md` and `bench/results/latest.json`.', '')
  return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n'
}
