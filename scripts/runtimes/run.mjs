#!/usr/bin/env node
// The runtime matrix driver. One command per runtime, or all of them:
//
//   node scripts/runtimes/run.mjs                 every runtime + interop + no-WebCrypto + packed checks
//   node scripts/runtimes/run.mjs deno            one runtime (npm run test:runtime -- deno)
//   node scripts/runtimes/run.mjs node24 webkit   several
//   node scripts/runtimes/run.mjs packed          the packed-package checks only
//   node scripts/runtimes/run.mjs no-webcrypto    both no-WebCrypto checks
//   node scripts/runtimes/run.mjs argon2id-native Node 24 and 26 recompute the recorded native
//                                                 Argon2id tags and the frozen vectors' master keys
//   node scripts/runtimes/run.mjs argon2id-responsiveness
//                                                 page responsiveness while the TypeScript Argon2id
//                                                 runs in Chromium (numbers in results.json `metrics`)
//   node scripts/runtimes/run.mjs argon2id-worker the Web Worker recipe of docs/argon2id-worker.md,
//                                                 as written, in Chromium
//   node scripts/runtimes/run.mjs --list          names
//
// Runs against the BUILT package: `npm run build` first. Node, Deno and Bun load it by name from
// the packed tarball installed in a temporary consumer (as applications do); workerd, edge-runtime
// and the browsers load the ES module build from dist/. Phase 1 runs the conformance suite (with
// the v1 and v2 case vectors, test/runtimes/case-vectors.mjs) in every selected runtime, each sealing its
// interop envelopes; phase 2 has every runtime open every
// runtime's envelopes. When the selection does not include the machine's Node (node20), it joins
// as the interop partner. Results go to stdout (closing line `runtimes: N passed, N failed`) and, in full, to
// .tmp/runtimes/results.json. Exit code 1 when anything failed.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { preparePacked, runPackedChecks } from '../../test/packed/check.mjs'
import { loadNistSample } from './nist.mjs'
import { ARGON2ID_NATIVE } from './argon2id-native.mjs'
import { RESPONSIVENESS } from './responsiveness.mjs'
import { WORKER } from './worker.mjs'
import { HOST_NODE, NO_WEBCRYPTO, ROOT, RUNTIMES } from './runtimes.mjs'

const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const CONCURRENCY = Number(process.env.KEYSEAL_RUNTIME_CONCURRENCY ?? 2)
// Checks that are not conformance runs of one runtime; they run one at a time after the matrix
// (the responsiveness check measures timing, so nothing else competes for the CPU then).
const EXTRA_CHECKS = [...NO_WEBCRYPTO, ARGON2ID_NATIVE, RESPONSIVENESS, WORKER]
const CHECKS = ['packed', ...EXTRA_CHECKS.map((c) => c.name)]
const ALL = [...RUNTIMES.map((r) => r.name), ...CHECKS]

if (flag('--list')) {
  console.log(ALL.join('\n'))
  process.exit(0)
}

let selected = args.filter((a) => !a.startsWith('--'))
if (selected.length === 0 || selected.includes('all')) selected = ALL
selected = selected.flatMap((n) => (n === 'no-webcrypto' ? NO_WEBCRYPTO.map((c) => c.name) : n === 'node' ? RUNTIMES.filter((r) => r.name.startsWith('node')).map((r) => r.name) : [n]))
const unknown = selected.filter((n) => !ALL.includes(n))
if (unknown.length) {
  console.error(`unknown runtime(s): ${unknown.join(', ')}\nknown: ${ALL.join(', ')}`)
  process.exit(2)
}

for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/argon2id.js', 'dist/argon2id.cjs', 'dist/v2.js', 'dist/v2.cjs']) {
  if (!existsSync(join(ROOT, f))) {
    console.error(`${f} is missing: run \`npm run build\` first (the matrix tests the built package, never src/).`)
    process.exit(2)
  }
}

const started = Date.now()
const log = (msg) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${msg}`)

// ---- inputs ------------------------------------------------------------------------------------
const vectorsPath = join(ROOT, 'vectors/envelopes-v1.json')
const envelopeVectors = existsSync(vectorsPath) ? JSON.parse(readFileSync(vectorsPath, 'utf8')) : null
const argon2idVectorsPath = join(ROOT, 'vectors/envelopes-v1-argon2id.json')
// Missing Argon2id vectors fail the Argon2id vector test in every runtime (they are not optional).
const argon2idVectors = existsSync(argon2idVectorsPath) ? JSON.parse(readFileSync(argon2idVectorsPath, 'utf8')) : null
// The precedence vectors (two defects each: which error code wins) are not optional either.
const precedencePath = join(ROOT, 'vectors/envelopes-v1-precedence.json')
const precedenceVectors = existsSync(precedencePath) ? JSON.parse(readFileSync(precedencePath, 'utf8')) : null
const { nist, reason: nistMissing } = loadNistSample(ROOT)
// Format v2: the frozen v2 vectors and Wycheproof's P-256 points with keyseal's verdict for each
// (docs/format-v2.md §10: accept exactly the valid uncompressed points). Both are in the repository.
const v2Vectors = JSON.parse(readFileSync(join(ROOT, 'vectors/envelopes-v2.json'), 'utf8'))
const wycheproof = JSON.parse(readFileSync(join(ROOT, 'vectors/wycheproof/ecdh_secp256r1_ecpoint_test.json'), 'utf8')).testGroups.flatMap((g) =>
  g.tests.map((c) => ({ tcId: c.tcId, public: c.public, accept: c.result === 'valid' && c.public.length === 130 && c.public.startsWith('04') })),
)
// The case vectors, v1 (open rules, Unicode, seal-side, forms, keys and keyrings, policies;
// docs/format.md §22) and v2 (seal-side, one negative per rule, precedence, keyring, recipients,
// points; docs/format-v2.md §16): every file vectors/v1-cases.sha256.json and v2-cases.sha256.json
// pin, checked against its pin here, so that every runtime runs exactly the frozen cases
// test/spec-vectors.test.ts and test/v2-spec-vectors.test.ts run in Node.
function pinnedCaseVectors(pinFile) {
  const pins = JSON.parse(readFileSync(join(ROOT, 'vectors', pinFile), 'utf8'))
  const sets = Object.entries(pins).map(([file, sha256]) => {
    const text = readFileSync(join(ROOT, 'vectors', file))
    if (createHash('sha256').update(text).digest('hex') !== sha256) throw new Error(`vectors/${file} differs from its SHA-256 in vectors/${pinFile} (frozen)`)
    return { file, doc: JSON.parse(text.toString('utf8')) }
  })
  if (sets.length === 0) throw new Error(`vectors/${pinFile} pins no case vector file`)
  return sets
}
const v1CaseVectors = pinnedCaseVectors('v1-cases.sha256.json')
const v2CaseVectors = pinnedCaseVectors('v2-cases.sha256.json')
if (!envelopeVectors) log('note: vectors/envelopes-v1.json not found; the envelope-vector test is skipped')
// The NIST data is part of the repository (vectors/nist-cavp/): a missing or altered copy fails.
if (!nist) throw new Error(`NIST vectors: ${nistMissing}`)
if (!envelopeVectors || !precedenceVectors) throw new Error('vectors/envelopes-v1.json and vectors/envelopes-v1-precedence.json are part of the repository')

const runtimeNames = selected.filter((n) => RUNTIMES.some((r) => r.name === n))
if (runtimeNames.length > 0 && !runtimeNames.includes(HOST_NODE)) runtimeNames.unshift(HOST_NODE)
const runtimes = RUNTIMES.filter((r) => runtimeNames.includes(r.name))
const checks = EXTRA_CHECKS.filter((c) => selected.includes(c.name))

// ---- helpers -----------------------------------------------------------------------------------
async function pool(items, size, fn) {
  const out = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i])
      }
    }),
  )
  return out
}

async function attempt(fn) {
  const t0 = Date.now()
  try {
    const out = await fn()
    return { ...out, ms: Date.now() - t0 }
  } catch (error) {
    return { crash: String(error?.stack ?? error), ms: Date.now() - t0 }
  }
}

const ok = (phase) => phase && !phase.crash && phase.report && phase.report.failed === 0 && phase.report.passed > 0
const counts = (phase) => (phase?.report ? `${phase.report.passed}/${phase.report.passed + phase.report.failed}` : 'crashed')

// ---- packed consumer (Node, Deno and Bun load the package from it by name) -------------------
const ctx = {}
const needPacked = selected.includes('packed') || runtimes.some((r) => r.needsPacked)
if (needPacked) {
  log('npm pack + install into a temporary consumer')
  try {
    ctx.packed = await preparePacked()
  } catch (error) {
    ctx.packedError = String(error.message ?? error)
    log(`packing failed: ${ctx.packedError}`)
  }
}

// ---- phase 1: conformance + sealing ------------------------------------------------------------
const results = new Map()
for (const r of runtimes) results.set(r.name, { name: r.name, reference: !selected.includes(r.name) })

await pool(runtimes, CONCURRENCY, async (r) => {
  const entry = results.get(r.name)
  const available = r.available()
  if (available !== true) {
    entry.conformance = { crash: `not available: ${available}` }
  } else if (r.needsPacked && !ctx.packed) {
    entry.conformance = { crash: `needs the packed tarball: ${ctx.packedError}` }
  } else {
    log(`${r.name}: conformance`)
    entry.conformance = await attempt(() => r.run({ phase: 'conformance', runtime: r.name, envelopeVectors, argon2idVectors, precedenceVectors, nist, v2Vectors, wycheproof, v1CaseVectors, v2CaseVectors }, ctx))
  }
  entry.version = entry.conformance.version
  entry.argon2id = entry.conformance.argon2idPath
  // A runtime that is not installed never ran: say why instead of a time ("crashed (NaN s)").
  const ms = entry.conformance.ms
  log(`${r.name}: conformance ${counts(entry.conformance)} ${typeof ms === 'number' ? `(${(ms / 1000).toFixed(1)} s)` : `(${entry.conformance.crash ?? 'no time'})`}`)
})

// ---- phase 2: every runtime opens every runtime's envelopes -----------------------------------
const envelopes = runtimes.flatMap((r) => results.get(r.name).conformance.sealed ?? [])
const sealedBy = new Set(envelopes.map((e) => e.from))
await pool(
  runtimes.filter((r) => results.get(r.name).conformance.report),
  CONCURRENCY,
  async (r) => {
    const entry = results.get(r.name)
    log(`${r.name}: opening ${envelopes.length} envelopes from ${sealedBy.size} runtimes`)
    entry.interop = await attempt(() => r.run({ phase: 'open', runtime: r.name, envelopes }, ctx))
    log(`${r.name}: interop ${counts(entry.interop)}`)
  },
)
for (const r of runtimes) {
  const entry = results.get(r.name)
  const missing = runtimes.filter((o) => !sealedBy.has(o.name)).map((o) => o.name)
  entry.ok = ok(entry.conformance) && ok(entry.interop) && missing.length === 0
  if (missing.length) entry.note = `no envelopes from ${missing.join(', ')} (interop incomplete)`
}

// ---- no-WebCrypto and packed checks -----------------------------------------------------------
for (const c of checks) {
  log(`${c.name}`)
  const available = c.available()
  const out = available === true ? await attempt(() => c.run()) : { crash: `not available: ${available}` }
  results.set(c.name, { name: c.name, conformance: out, version: out.version, ...(out.metrics ? { metrics: out.metrics } : {}), ok: ok(out) })
}
if (selected.includes('packed')) {
  log('packed: checks')
  const out = ctx.packed ? await attempt(async () => ({ report: await runPackedChecks(ctx.packed) })) : { crash: ctx.packedError }
  results.set('packed', { name: 'packed', conformance: out, version: ctx.packed ? ctx.packed.tarball.split('/').pop() : undefined, ok: ok(out) })
}
await ctx.packed?.cleanup()

// ---- report ------------------------------------------------------------------------------------
console.log('')
const all = [...results.values()]
for (const e of all) {
  const parts = [`conformance ${counts(e.conformance)}`]
  if (e.interop || RUNTIMES.some((r) => r.name === e.name)) parts.push(`interop ${counts(e.interop)}`)
  const secs = (((e.conformance?.ms ?? 0) + (e.interop?.ms ?? 0)) / 1000).toFixed(1)
  console.log(`${e.ok ? 'PASS' : 'FAIL'} ${e.name.padEnd(22)} ${String(e.version ?? '').padEnd(44)} ${parts.join('  ')}  ${secs} s${e.reference ? '  (interop partner)' : ''}`)
  for (const phase of ['conformance', 'interop']) {
    const p = e[phase]
    if (!p) continue
    if (p.crash) console.log(`     ${phase}: CRASH ${p.crash.split('\n').slice(0, 12).join('\n       ')}`)
    for (const t of p.report?.results ?? []) {
      if (t.status === 'fail') console.log(`     ${phase}: FAIL ${t.name}\n       ${t.error.split('\n').join('\n       ')}`)
      if (t.status === 'skip') console.log(`     ${phase}: skip ${t.name} (${t.reason})`)
      if (t.note) console.log(`     ${phase}: note ${t.name}: ${t.note}`)
    }
  }
  if (e.note) console.log(`     ${e.note}`)
}
const paths = all.filter((e) => e.argon2id).map((e) => `${e.name}: ${e.argon2id.split(' ')[0]}`)
if (paths.length) console.log(`\nArgon2id path per runtime: ${paths.join(', ')}`)
const resp = results.get(RESPONSIVENESS.name)?.metrics
if (resp) {
  const line = (m) => `longest task ${m.longestTaskMs} ms, seal ${m.sealMs} ms`
  for (const key of ['webassembly', 'typescript']) {
    const r = resp[key]
    if (r) console.log(`Argon2id responsiveness (Chromium, ${key}, m=19456 t=2 p=1): cold ${line(r.cold)}; warm ${line(r.warm)} (bound ${resp.boundMs} ms warm)`)
  }
}
const passed = all.filter((e) => e.ok).length
const failed = all.length - passed
await mkdir(join(ROOT, '.tmp/runtimes'), { recursive: true })
await writeFile(
  join(ROOT, '.tmp/runtimes/results.json'),
  JSON.stringify({ date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, results: all }, null, 2),
)
console.log(`\nwall time ${((Date.now() - started) / 1000).toFixed(1)} s; details in .tmp/runtimes/results.json`)
// .ci/runtimes.sh passes its own start time, so the total includes installs and the build.
if (process.env.KEYSEAL_RUNTIMES_STARTED) console.log(`total wall time with setup ${Math.round(Date.now() / 1000 - Number(process.env.KEYSEAL_RUNTIMES_STARTED))} s`)
console.log(`runtimes: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
