#!/usr/bin/env node
// KDF work a stranger can force (issue 11 item 4), measured on a real HTTP server.
//
//   node bench/kdf-server.mjs               short run (about a minute): 4 s windows
//   BENCH_KDF_WINDOW_MS=8000 node bench/kdf-server.mjs
//   node bench/run.mjs kdf-server           the same, merged into bench/results/latest.json
//
// Part 1, the worst case of one open call (each in a fresh child process, one at a time): CPU time
// (process.cpuUsage, user + system, all threads) and peak RSS growth (resourceUsage().maxRSS) of
// one openKey of a forged envelope at the most work the policy admits; an envelope needs no key to
// write, so anyone can make one. Cases: the default policy's PBKDF2 bound (1,200,000), the old
// default bound (10,000,000, for comparison), a legitimate default open (600,000), and Argon2id at
// the default bounds (maxWork 77,824: m = 38,912 KiB × t = 2 and m = 65,536 KiB × t = 1), on
// whichever Argon2id path this runtime takes.
//
// Part 2, a Node HTTP server on 127.0.0.1 (a child process; the load comes from this process over
// keep-alive connections) that opens what it is sent with openKey. At each level, `c` connections
// send back to back: c/2 forged worst-case envelopes and c/2 legitimate ones (level "legit 8": 8
// legitimate, no attack: the baseline; level "idle": no requests at all, the machine's own floor for
// the fs.readFile probe). Two configurations, interleaved level by level, each in a
// fresh server:
//   - before: what 0.1.0 did. The old default bound (a policy with maxIterations 10,000,000, forged
//     envelopes at 10,000,000) and the limiter effectively off (setKdfLimits with concurrency and
//     maxQueued 2^32 - 1).
//   - after: the defaults of this build. The default policy (forged envelopes at its bound, 1,200,000)
//     and the default limiter (2 KDFs at once, 32 waiting; a full queue answers 503).
// Measured in the server over the window (after a warm-up): legitimate opens per second, p99
// latency of the legitimate requests (a request still unanswered at the end counts with its age so
// far: the value is then a lower bound, marked ≥), p99 event-loop delay (monitorEventLoopDelay,
// 1 ms resolution), and p99 latency of an unrelated fs.readFile of a 4 KiB file, issued every
// 20 ms (libuv's threadpool, which WebCrypto's PBKDF2 uses too). Ratios: legitimate opens/s over
// the same configuration's no-attack baseline in the same run, and after over before.
// The goal (issue 11): legitimate opens at the machine's KDF cap while fs.readFile p99 stays under 50 ms.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { DIST_DIR, PASSPHRASE, SECRET_64, loadKeyseal, writeScenario } from './lib/common.mjs'

const SELF = fileURLToPath(import.meta.url)
const argv = process.argv.slice(2)
const WINDOW_MS = Number(process.env.BENCH_KDF_WINDOW_MS || 4000)
const WARMUP_MS = 1000
const U32 = 2 ** 32 - 1
const OLD_MAX = 10_000_000
const log = (...a) => console.log(...a)

const ks = await loadKeyseal()

/** A forged envelope: a real one re-written to `iterations` through the JSON form (no key needed). */
async function forgedPbkdf2(iterations) {
  const cheap = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
  const env = await ks.sealKey('sk-forged', 'not the server passphrase', { policy: cheap })
  return ks.envelopeFromJSON({ ...ks.envelopeToJSON(env), iterations })
}

async function argon2idPolicy() {
  const a2 = await import(pathToFileURL(join(DIST_DIR, 'argon2id.js')).href)
  return { a2, policy: ks.createPolicy({ argon2id: { implementation: a2.argon2id } }) }
}

const pct = (xs, p) => {
  if (xs.length === 0) return undefined
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}

// ---- child: one open, its CPU and memory ----------------------------------------------------------
if (argv[0] === '--per-open') {
  const which = argv[1]
  let env
  let policy = ks.defaultPolicy
  let path = 'WebCrypto PBKDF2 (libuv threadpool)'
  if (which === 'legit') env = await ks.sealKey(SECRET_64, PASSPHRASE)
  else if (which === 'pbkdf2-max') env = await forgedPbkdf2(1_200_000)
  else if (which === 'pbkdf2-old') {
    env = await forgedPbkdf2(OLD_MAX)
    policy = ks.createPolicy({ pbkdf2: { maxIterations: OLD_MAX } })
  } else {
    const { a2, policy: p } = await argon2idPolicy()
    policy = p
    path = `Argon2id, ${await a2.argon2idBackend(globalThis.crypto.subtle)} path`
    const [memoryKiB, passes] = which === 'argon2id-38912x2' ? [38_912, 2] : [65_536, 1]
    const cheap = ks.createPolicy({ argon2id: { implementation: a2.argon2id, memoryKiB: 8, passes: 1, minMemoryKiB: 8, minPasses: 1, openMinMemoryKiB: 8 } })
    const real = await ks.sealKey('sk-forged', 'not the server passphrase', { policy: cheap })
    env = ks.envelopeFromJSON({ ...ks.envelopeToJSON(real), memoryKiB, passes })
  }
  globalThis.gc?.()
  const rss0 = process.resourceUsage().maxRSS
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let code = 'opened'
  try {
    await ks.openKey(env, PASSPHRASE, { policy })
  } catch (e) {
    code = e.code ?? String(e)
  }
  const wallMs = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  const rssKiB = process.resourceUsage().maxRSS - rss0
  process.stdout.write(JSON.stringify({ which, path, code, cpuMs: (cpu.user + cpu.system) / 1000, wallMs, maxRssGrowthMiB: rssKiB / 1024 }) + '\n')
  process.exit(0)
}

// ---- child: the HTTP server -------------------------------------------------------------------------
if (argv[0] === '--server') {
  const mode = argv[1]
  const policy = mode === 'before' ? ks.createPolicy({ pbkdf2: { maxIterations: OLD_MAX } }) : ks.defaultPolicy
  if (mode === 'before') ks.setKdfLimits({ concurrency: U32, maxQueued: U32 })
  // Optional (BENCH_KDF_MODES=before,after,after-c1): the defaults with one KDF at a time.
  if (mode === 'after-c1') ks.setKdfLimits({ concurrency: 1, maxQueued: 32 })
  const dir = mkdtempSync(join(tmpdir(), 'kdf-server-'))
  const file = join(dir, 'unrelated.txt')
  writeFileSync(file, 'x'.repeat(4096))
  const eld = monitorEventLoopDelay({ resolution: 1 })
  let measuring = false
  let readMs = []
  const reading = new Set()
  // The unrelated work: a small file read every 20 ms, its latency recorded while measuring (a read
  // still unfinished at the end counts with its age so far).
  const reader = setInterval(() => {
    const t = performance.now()
    if (measuring) reading.add(t)
    readFile(file).then(() => {
      if (reading.delete(t)) readMs.push(performance.now() - t)
    })
  }, 20)
  const server = http.createServer((req, res) => {
    if (req.url === '/reset') {
      readMs = []
      reading.clear()
      eld.reset()
      eld.enable()
      measuring = true
      return res.end('ok')
    }
    if (req.url === '/stats') {
      measuring = false
      eld.disable()
      const now = performance.now()
      const unfinished = [...reading].map((t) => now - t)
      readMs.push(...unfinished)
      return res.end(JSON.stringify({ readUnfinished: unfinished.length, readP99: pct(readMs, 99), readP50: pct(readMs, 50), readMax: Math.max(...readMs), reads: readMs.length, eldP99: eld.percentile(99) / 1e6, eldMax: eld.max / 1e6 }))
    }
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      ks.openKey(body, PASSPHRASE, { policy }).then(
        () => res.end('ok'),
        (e) => {
          res.statusCode = e.code === 'KDF_BUSY' ? 503 : e.code === 'AUTH_FAILED' ? 401 : 400
          res.end(e.code)
        },
      )
    })
  })
  server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port, dir }) + '\n'))
  // The parent ends this process with SIGKILL (a clean exit would wait for every queued KDF) and
  // removes `dir` itself.
  await new Promise(() => {})
}

// ---- parent ---------------------------------------------------------------------------------------
function child(args) {
  const p = spawn(process.execPath, ['--expose-gc', SELF, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env })
  const first = new Promise((resolve, reject) => {
    let out = ''
    p.stdout.on('data', (d) => {
      out += d
      const i = out.indexOf('\n')
      if (i >= 0) resolve(JSON.parse(out.slice(0, i)))
    })
    p.on('exit', (code) => reject(new Error(`child ${args.join(' ')} exited ${code} without output`)))
  })
  return { p, first }
}

const started = performance.now()
log('kdf-server: part 1, the worst case of one open (one fresh process each)')
const perOpen = []
for (const which of process.env.BENCH_KDF_SKIP_PER_OPEN ? [] : ['legit', 'pbkdf2-max', 'pbkdf2-old', 'argon2id-38912x2', 'argon2id-65536x1']) {
  const c = child(['--per-open', which])
  const r = await c.first
  perOpen.push(r)
  log(`  ${which}: ${r.code}, CPU ${r.cpuMs.toFixed(0)} ms, wall ${r.wallMs.toFixed(0)} ms, peak RSS +${r.maxRssGrowthMiB.toFixed(1)} MiB (${r.path})`)
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
function post(port, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', agent }, (res) => {
      let out = ''
      res.on('data', (d) => (out += d))
      res.on('end', () => resolve({ status: res.statusCode, body: out }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const legit = await ks.sealKey(SECRET_64, PASSPHRASE)
const forged = { before: await forgedPbkdf2(OLD_MAX), after: await forgedPbkdf2(1_200_000) }
const ONLY = process.env.BENCH_KDF_LEVELS?.split(',')
const ALL_LEVELS = [
  // The floor: the server idle (no requests), only the fs.readFile probe. On a shared machine this
  // is what its other load alone costs the probe, in the same run.
  { id: 'idle', legit: 0, forged: 0 },
  { id: 'legit-8', legit: 8, forged: 0 },
  { id: 'mixed-4', legit: 2, forged: 2 },
  { id: 'mixed-16', legit: 8, forged: 8 },
  { id: 'mixed-64', legit: 32, forged: 32 },
]
const LEVELS = ALL_LEVELS.filter((l) => !ONLY || ONLY.includes(l.id))

async function runLevel(mode, level) {
  const dbg = process.env.BENCH_KDF_DEBUG ? (...a) => console.error(`[${(performance.now() | 0)}]`, ...a) : () => {}
  const srv = child(['--server', mode])
  dbg('spawned')
  const { port, dir } = await srv.first
  dbg('port', port)
  let stop = false
  let measuring = false
  let t0 = 0
  const lat = []
  const counts = { legitOk: 0, legit503: 0, legitOther: 0, forged: 0, forged503: 0 }
  const inflight = new Set()
  const loop = async (kind) => {
    while (!stop) {
      const t = performance.now()
      const token = { t, kind }
      inflight.add(token)
      const r = await post(port, '/open', kind === 'legit' ? legit : forged[mode === 'before' ? 'before' : 'after']).catch(() => ({ status: 0 }))
      inflight.delete(token)
      if (stop) break
      if (!measuring) continue
      if (kind === 'legit') {
        if (r.status === 200) {
          counts.legitOk++
          lat.push(performance.now() - t)
        } else if (r.status === 503) counts.legit503++
        else counts.legitOther++
      } else {
        counts.forged++
        if (r.status === 503) counts.forged503++
      }
    }
  }
  const loops = [...Array(level.legit).fill('legit'), ...Array(level.forged).fill('forged')].map((k) => loop(k))
  await new Promise((r) => setTimeout(r, WARMUP_MS))
  dbg('reset')
  await post(port, '/reset')
  dbg('reset done')
  measuring = true
  t0 = performance.now()
  await new Promise((r) => setTimeout(r, WINDOW_MS))
  dbg('stats')
  const stats = JSON.parse((await post(port, '/stats')).body)
  dbg('stats done')
  const end = performance.now()
  measuring = false
  // Legitimate requests still unanswered: their age so far (the p99 is then a lower bound).
  const pending = [...inflight].filter((x) => x.kind === 'legit').map((x) => end - x.t)
  const p99 = pct([...lat, ...pending], 99)
  stop = true
  srv.p.kill('SIGKILL') // SIGTERM would wait: Node finishes queued WebCrypto jobs before it exits
  dbg('killed')
  await Promise.allSettled(loops)
  rmSync(dir, { recursive: true, force: true })
  dbg('loops done')
  const seconds = (end - t0) / 1000
  return {
    mode, level: level.id, legitConnections: level.legit, forgedConnections: level.forged,
    legitOpensPerSec: counts.legitOk / seconds, legitP99Ms: p99, legitP99LowerBound: pending.some((x) => x >= p99),
    legitPendingAtEnd: pending.length, legit503: counts.legit503, legitOther: counts.legitOther,
    forgedAnswered: counts.forged, forged503: counts.forged503,
    eventLoopP99Ms: stats.eldP99, eventLoopMaxMs: stats.eldMax, readFileP99Ms: stats.readP99, readFileP50Ms: stats.readP50, readFileMaxMs: stats.readMax, readFileSamples: stats.reads, readFileUnfinished: stats.readUnfinished,
  }
}

log(`kdf-server: part 2, HTTP server on 127.0.0.1, ${WINDOW_MS} ms windows after ${WARMUP_MS} ms warm-up`)
const rows = []
for (const level of LEVELS) {
  for (const mode of process.env.BENCH_KDF_MODES?.split(',') ?? ['before', 'after']) {
    const r = await runLevel(mode, level)
    rows.push(r)
    log(`  ${mode.padEnd(6)} ${level.id.padEnd(8)} legit ${r.legitOpensPerSec.toFixed(2)}/s p99 ${r.legitP99LowerBound ? '≥' : ''}${r.legitP99Ms?.toFixed(0)} ms (503: ${r.legit503}, unanswered: ${r.legitPendingAtEnd}); forged answered ${r.forgedAnswered} (503: ${r.forged503}); event loop p99 ${r.eventLoopP99Ms.toFixed(1)} ms; fs.readFile p99 ${r.readFileP99Ms?.toFixed(1)} ms (max ${r.readFileMaxMs?.toFixed(1)}, ${r.readFileSamples} reads)`)
  }
}
agent.destroy()
for (const r of rows) {
  const base = rows.find((b) => b.mode === r.mode && b.level === 'legit-8')
  const other = rows.find((b) => b.mode === 'before' && b.level === r.level)
  r.vsNoAttack = r.level !== 'idle' && base?.legitOpensPerSec > 0 ? r.legitOpensPerSec / base.legitOpensPerSec : undefined
  r.afterOverBefore = r.mode === 'after' && other?.legitOpensPerSec > 0 ? r.legitOpensPerSec / other.legitOpensPerSec : undefined
}

const fmt = (x, d = 1) => (x === undefined ? '–' : x.toFixed(d))
const table = [
  '| config | level | legit opens/s | vs no attack | after/before | legit p99 | event-loop p99 | fs.readFile p99 | forged answered (503) |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.mode} | ${r.level} | ${fmt(r.legitOpensPerSec, 2)} | ${fmt(r.vsNoAttack, 2)}x | ${r.afterOverBefore === undefined ? '' : fmt(r.afterOverBefore, 2) + 'x'} | ${r.legitP99LowerBound ? '≥' : ''}${fmt(r.legitP99Ms, 0)} ms | ${fmt(r.eventLoopP99Ms)} ms | ${fmt(r.readFileP99Ms)} ms | ${r.forgedAnswered} (${r.forged503}) |`),
]
log('\n' + table.join('\n'))
writeScenario({
  scenario: 'kdf-server',
  title: 'KDF work a stranger can force: one open at the policy bounds; an HTTP server under forged envelopes, before and after (issue 11 item 4)',
  windowMs: WINDOW_MS,
  warmupMs: WARMUP_MS,
  perOpen,
  rows,
  table: table.join('\n'),
  goal: 'legitimate opens at the machine KDF cap while fs.readFile p99 stays under 50 ms',
  wallMs: performance.now() - started,
})
log(`\nwall ${((performance.now() - started) / 1000).toFixed(1)} s`)
