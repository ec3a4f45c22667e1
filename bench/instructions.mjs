#!/usr/bin/env node
// Noise-free companion to `cached`: instructions per seal+open, counted by valgrind (callgrind), for
// keyseal (derived key, raw key) and raw WebCrypto. Instruction counts do not move when another
// process loads the machine, so they show keyseal's CPU overhead even when wall-clock ratios are noisy.
// Counts include every thread (valgrind serializes them): the main thread's JS, the WebCrypto work on
// libuv's pool, GC and the JIT. Per-operation figures are differences between an N-operation run and
// an N/3-operation run of the same mode, so start-up and warm-up cancel out.
// Wall-clock time also holds the thread-pool handoff latency, which no instruction count shows.
//
//   node bench/instructions.mjs [N]     (default N = 3000; about 10 minutes on 2 cores)
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { BENCH_DIR, DIST_ENTRY, SECRET_64, PASSPHRASE, TEST_POLICY_OVERRIDES, writeScenario, log } from './lib/common.mjs'

const N = Number(process.argv[2]) || 3000
const SMALL = Math.round(N / 3)
const MODES = ['raw', 'keyseal-derived', 'keyseal-raw']

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error('instructions: valgrind is not installed (apt-get install valgrind)')
  process.exit(2)
}

const child = `
const ks = await import(${JSON.stringify(DIST_ENTRY)})
const [mode, n] = [process.argv[1], Number(process.argv[2])]
const subtle = crypto.subtle
const SECRET = ${JSON.stringify(SECRET_64)}
const pt = new TextEncoder().encode(SECRET)
const policy = ks.createPolicy(${JSON.stringify(TEST_POLICY_OVERRIDES)})
const derived = await ks.deriveKey(${JSON.stringify(PASSPHRASE)}, { policy })
const raw = await ks.importKey(await ks.generateKey())
const aes = await subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt', 'decrypt'])
const fns = {
  raw: async () => { const iv = crypto.getRandomValues(new Uint8Array(12)); await subtle.decrypt({ name: 'AES-GCM', iv }, aes, await subtle.encrypt({ name: 'AES-GCM', iv }, aes, pt)) },
  'keyseal-derived': async () => ks.openKey(await ks.sealKey(SECRET, derived, { policy }), derived, { policy }),
  'keyseal-raw': async () => ks.openKey(await ks.sealKey(SECRET, raw), raw),
}
for (let i = 0; i < n; i++) await fns[mode]()
`

function count(mode, n) {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--input-type=module', '-e', child, mode, String(n)], {
    cwd: BENCH_DIR, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  })
  const m = /Collected : (\d+)/.exec(r.stderr)
  if (r.status !== 0 || !m) throw new Error(`valgrind run ${mode} ${n} failed: ${r.stderr.slice(-2000)}`)
  return Number(m[1])
}

const rows = []
for (const mode of MODES) {
  const small = count(mode, SMALL)
  const big = count(mode, N)
  const perOp = (big - small) / (N - SMALL)
  rows.push({ mode, instructionsPerOp: perOp })
  log(`${mode.padEnd(16)} ${Math.round(perOp).toLocaleString('en-US').padStart(10)} instructions per seal+open`)
}
const base = rows.find((r) => r.mode === 'raw').instructionsPerOp
for (const r of rows) r.ratio = r.instructionsPerOp / base
for (const r of rows) log(`${r.mode.padEnd(16)} ${r.ratio.toFixed(2)}x raw WebCrypto`)
writeScenario({
  scenario: 'instructions',
  title: 'Instructions per seal + open (valgrind callgrind, all threads)',
  description: `Per-operation instruction counts, from runs of ${N} and ${SMALL} operations of each mode (the difference cancels start-up and warm-up). Not affected by machine load; does not include thread-pool handoff latency.`,
  result: { n: N, small: SMALL, rows },
  budgets: [],
  checks: [],
  notes: [],
})
