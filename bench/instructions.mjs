#!/usr/bin/env node
// Load-independent companion to `cached` (JIT timing still moves it by about ±15% between runs): instructions per seal+open, counted by valgrind (callgrind), for
// keyseal (derived key, raw key) and raw WebCrypto. Instruction counts do not move when another
// process loads the machine, so they show keyseal's CPU overhead even when wall-clock ratios are noisy.
// Counts include every thread (valgrind serializes them): the main thread's JS, the WebCrypto work on
// libuv's pool, GC and the JIT. Per-operation figures are differences between an N-operation run and
// an N/3-operation run of the same mode, so start-up cancels out; optimizing-compiler work that is
// still going on between the two (more of it for keyseal, which has more code) is included, and
// --breakdown shows how much.
// Wall-clock time also holds the thread-pool handoff latency, which no instruction count shows.
//
//   node bench/instructions.mjs [N] [--breakdown]   (default N = 3000; 2-3 minutes on 2 cores)
//   --breakdown: also per-function counts (callgrind_annotate), grouped, keyseal minus raw.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { BENCH_DIR, DIST_ENTRY, SECRET_64, PASSPHRASE, TEST_POLICY_OVERRIDES, writeScenario, log } from './lib/common.mjs'

const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a))) || 3000
const BREAKDOWN = process.argv.includes('--breakdown')
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

const tmp = BREAKDOWN ? mkdtempSync(join(os.tmpdir(), 'keyseal-callgrind-')) : undefined

function count(mode, n) {
  const outFile = tmp ? join(tmp, `${mode}-${n}.out`) : '/dev/null'
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${outFile}`, process.execPath, '--input-type=module', '-e', child, mode, String(n)], {
    cwd: BENCH_DIR, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  })
  const m = /Collected : (\d+)/.exec(r.stderr)
  if (r.status !== 0 || !m) throw new Error(`valgrind run ${mode} ${n} failed: ${r.stderr.slice(-2000)}`)
  return Number(m[1])
}

/** Self instructions per function from callgrind_annotate (JIT code has no symbols: one bucket). */
function perFunction(mode, n) {
  const r = spawnSync('callgrind_annotate', ['--threshold=100', join(tmp, `${mode}-${n}.out`)], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  const out = new Map()
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*([\d,]+) \([ \d.]+%\)\s+(.*)$/.exec(line)
    if (!m || line.includes('PROGRAM TOTALS')) continue
    const fn = m[2].replace(/0x[0-9a-f]+/g, '0x…').replace(/^\.\/\S*?:/, '')
    out.set(fn, (out.get(fn) ?? 0) + Number(m[1].replace(/,/g, '')))
  }
  return out
}

function category(f) {
  const name = f.split(' [')[0]
  if (/compiler::|maglev|turboshaft/i.test(f)) return 'V8 optimizing compiler (JIT warm-up)'
  if (/malloc|_int_free|\bfree\b|cfree/.test(name) && f.includes('libc')) return 'libc malloc/free (ArrayBuffer backing stores)'
  if (/Heap|Scaveng|heap::|Sweeper|Marking|Evacuat/.test(name)) return 'V8 garbage collector'
  if (/Builtins_StringAdd|String/.test(name)) return 'V8 string builtins (concatenation, flattening)'
  if (/Builtins_.*(TypedArray|ArrayBuffer|DataView)|JSArrayBuffer|BackingStore/.test(name)) return 'TypedArray/ArrayBuffer creation, slice, set'
  if (/Builtins_.*(Promise|Async|Await|Microtask)/.test(name)) return 'promises and async functions'
  if (/Builtins_(LoadIC|GetProperty|KeyedLoadIC|CreateDataProperty)|LookupIterator|GetPropertyIfPresent/.test(name)) return 'property lookups off the fast path (IC misses)'
  if (/Builtins_/.test(name)) return 'other V8 builtins'
  if (f.includes('0x…') && f.includes('???')) return 'JIT-compiled JavaScript (no symbols)'
  if (/libcrypto|openssl|^\S*:(sha\d+_|aesni_|gcm_|GHASH|EVP_|OPENSSL_|ossl_|CRYPTO_|HMAC|BN_|OBJ_|ERR_|EVP|PKEY|KDF)/i.test(name)) return 'OpenSSL (HKDF, key import, AES-GCM)'
  if (/node::/.test(name)) return 'node C++ (WebCrypto jobs, libuv)'
  if (/v8::/.test(name)) return 'V8 runtime, other'
  return 'other'
}

const rows = []
for (const mode of MODES) {
  const small = count(mode, SMALL)
  const big = count(mode, N)
  const perOp = (big - small) / (N - SMALL)
  rows.push({ mode, instructionsPerOp: perOp })
  log(`${mode.padEnd(16)} ${Math.round(perOp).toLocaleString('en-US').padStart(10)} instructions per seal+open`)
}
let breakdown
if (BREAKDOWN) {
  const per = (mode) => {
    const a = perFunction(mode, SMALL)
    const b = perFunction(mode, N)
    const d = new Map()
    for (const k of new Set([...a.keys(), ...b.keys()])) d.set(k, ((b.get(k) ?? 0) - (a.get(k) ?? 0)) / (N - SMALL))
    return d
  }
  const raw = per('raw')
  breakdown = {}
  for (const mode of MODES.filter((m) => m !== 'raw')) {
    const ks = per(mode)
    const cats = new Map()
    const fns = []
    for (const k of new Set([...raw.keys(), ...ks.keys()])) {
      const diff = (ks.get(k) ?? 0) - (raw.get(k) ?? 0)
      cats.set(category(k), (cats.get(category(k)) ?? 0) + diff)
      fns.push([k, diff])
    }
    const catRows = [...cats].sort((a, b) => b[1] - a[1])
    log(`\n${mode} minus raw, instructions per seal+open, by kind:`)
    for (const [c, v] of catRows) log(`  ${Math.round(v).toLocaleString('en-US').padStart(9)}  ${c}`)
    log('  largest single functions:')
    const top = fns.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1])).slice(0, 15)
    for (const [f, v] of top) log(`  ${Math.round(v).toLocaleString('en-US').padStart(9)}  ${f.slice(0, 140)}`)
    breakdown[mode] = { byKind: Object.fromEntries(catRows), topFunctions: top.map(([f, v]) => ({ fn: f, instructions: v })) }
  }
  rmSync(tmp, { recursive: true, force: true })
}

const base = rows.find((r) => r.mode === 'raw').instructionsPerOp
for (const r of rows) r.ratio = r.instructionsPerOp / base
for (const r of rows) log(`${r.mode.padEnd(16)} ${r.ratio.toFixed(2)}x raw WebCrypto`)
writeScenario({
  scenario: 'instructions',
  title: 'Instructions per seal + open (valgrind callgrind, all threads)',
  description: `Per-operation instruction counts, from runs of ${N} and ${SMALL} operations of each mode (the difference cancels start-up; JIT compilation still under way is included, and varies with JIT timing: expect about ±15% between runs). Not affected by machine load; does not include thread-pool handoff latency.`,
  result: { n: N, small: SMALL, rows, breakdown },
  budgets: [],
  checks: [],
  notes: [],
})
