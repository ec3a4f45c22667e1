#!/usr/bin/env node
// Bulk rotation benchmark (issue 4): rotateMany over 10,000 envelopes sealed under one
// passphrase-derived key (default policy, PBKDF2 600,000 iterations), against the sum of its parts
// measured in the same process: 2 KDFs + 10,000 opens + 10,000 seals with cached keys.
// Budget (reported, not a test): rotateMany at most 1.3x the parts. rotateMany also opens every new
// envelope once to verify it, which the parts do not; that work is inside its time.
//
//   node bench/rotation.mjs          (or: node bench/run.mjs rotation)
//   BENCH_ROTATION_N=2000 BENCH_ROUNDS=2 node bench/rotation.mjs   (quicker)
import { performance } from 'node:perf_hooks'
import { loadKeyseal, writeScenario } from './lib/common.mjs'
import { check } from './lib/harness.mjs'
import { ratioRows, ratioTable, timeRounds } from './lib/rotation-rows.mjs'

const N = Number(process.env.BENCH_ROTATION_N || 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS || 3)
const OLD = 'old passphrase for the rotation benchmark'
const NEW = 'new passphrase for the rotation benchmark'
const log = (...a) => console.log(...a)

const ks = await loadKeyseal()
const started = performance.now()
log(`rotation: sealing ${N} envelopes under one derived key (PBKDF2 600,000)...`)
const oldKey = await ks.deriveKey(OLD)
const rows = []
for (let i = 0; i < N; i++) {
  const context = `user:${i}/openai`
  rows.push({ id: i, context, envelope: await ks.sealKey(`sk-proj-${String(i).padStart(40, '0')}`, oldKey, { context }) })
}

// The parts, done by hand with the public API: derive the old key once from an envelope, derive a
// new key once, open every envelope, seal every secret.
async function parts() {
  const from = await ks.deriveKey(OLD, { envelope: rows[0].envelope })
  const to = await ks.deriveKey(NEW)
  const out = new Array(N)
  for (let i = 0; i < N; i++) {
    const secret = await ks.openKey(rows[i].envelope, from, { context: rows[i].context })
    out[i] = await ks.sealKey(secret, to, { context: rows[i].context })
  }
  return out
}

async function bulk(concurrency) {
  return ks.rotateMany(rows, { from: OLD, to: NEW, concurrency })
}

// Cross-check before timing: both produce envelopes that open under the new passphrase to the
// same secrets; every item is ok.
const checks = []
{
  const p = await parts()
  const b = await bulk(4)
  checks.push(check(b.length === N && b.every((r) => r.status === 'ok'), `rotateMany: ${N} items ok`))
  const k1 = await ks.deriveKey(NEW, { envelope: p[0] })
  const k2 = await ks.deriveKey(NEW, { envelope: b[0].envelope })
  let same = true
  for (const i of [0, 1, Math.floor(N / 2), N - 1]) {
    const a = await ks.openKey(p[i], k1, { context: rows[i].context })
    const c = await ks.openKey(b[i].envelope, k2, { context: rows[i].context })
    same &&= a === c && a === `sk-proj-${String(i).padStart(40, '0')}`
  }
  checks.push(check(same, 'parts and rotateMany give envelopes that open to the same secrets under the new passphrase'))
}

const run = { parts: () => parts(), c1: () => bulk(1), c4: () => bulk(4), c16: () => bulk(16) }
const cases = await timeRounds(run, ROUNDS)
const rowsOut = ratioRows(cases, N, (name) => (name === 'parts' ? 'sum of parts: 2 KDFs + opens + seals, cached keys (baseline)' : `rotateMany, concurrency ${name.slice(1)}`))
log('')
for (const line of ratioTable(rowsOut)) log(line)
const best = rowsOut.filter((r) => r.name !== 'parts').reduce((a, b) => (a.ratio < b.ratio ? a : b))
log(`\nBudget: rotateMany at most 1.3x the parts. Best: ${best.label} at ${best.ratio.toFixed(2)}x — ${best.ratio <= 1.3 ? 'met' : 'NOT met'}`)
for (const r of rowsOut.filter((x) => x.name !== 'parts')) log(`  ${r.label}: ${r.ratio <= 1.3 ? 'met' : 'not met'} (${r.ratio.toFixed(2)}x)`)
log(`(rotateMany also verifies every new envelope by opening it once; the parts do not.)`)
writeScenario({ scenario: 'rotation', title: `Bulk rotation: ${N.toLocaleString('en-US')} envelopes, passphrase to passphrase`, n: N, rounds: ROUNDS, checks, rows: rowsOut, budget: 1.3, wallMs: performance.now() - started })
