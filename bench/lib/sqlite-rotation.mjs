// Child process of bench/rotation-scale.mjs (needs node:sqlite: Node 22.13+ or 24+). Modes:
//   seed <db> <n>                  n rows sealed under raw key A (key id `a`)
//   memory <db> <n>                one streaming rotation pass A -> B with compare-and-swap write-back,
//                                  concurrency 16; prints `result {json}` with heap and RSS figures
//   throughput <db> <n> <rounds>   passes at concurrency 1, 4, 16, interleaved per round (each pass
//                                  rotates every row to the other key); prints `result {json}`
// Keys: KEYSEAL_BENCH_KEY_A, KEYSEAL_BENCH_KEY_B (ksk1. strings). The store is the reference adapter
// examples/storage/sqlite.mjs; the loop is rotateTable's (examples/storage/rotate.mjs), written here
// against the keyseal that loadKeyseal() gives (the snapshot run.mjs benchmarks, not the checkout).
import { performance } from 'node:perf_hooks'
import { DatabaseSync } from 'node:sqlite'
import { sqliteStore } from '../../examples/storage/sqlite.mjs'
import { loadKeyseal } from './common.mjs'

const [mode, path, count, roundsArg] = process.argv.slice(2)
const n = Number(count)
const ks = await loadKeyseal()
const keys = {
  a: await ks.importKey(process.env.KEYSEAL_BENCH_KEY_A, { keyId: 'a' }),
  b: await ks.importKey(process.env.KEYSEAL_BENCH_KEY_B, { keyId: 'b' }),
}
const db = new DatabaseSync(path)
// WAL with synchronous=NORMAL: the usual setting for a WAL database (a commit is durable across a
// process crash; a power loss can drop the last commits). Every compare-and-swap is its own
// autocommit transaction, as a rotation that writes each row back before reading more does.
db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000')
const store = sqliteStore(db)
const id = (i) => 'row-' + String(i).padStart(7, '0')
const context = (rowId) => `row:${rowId}`

async function* rowsOf(page = 500) {
  let after
  for (;;) {
    const rows = await store.scan(after, page)
    for (const r of rows) yield { id: r.id, envelope: r.envelope, context: context(r.id) }
    if (rows.length < page) return
    after = rows[rows.length - 1].id
  }
}

/** One pass: every row from `from` to `to`, each written back with compare-and-swap. */
async function pass(from, to, concurrency, onResult) {
  const counts = { ok: 0, skipped: 0, failed: 0, conflicts: 0 }
  for await (const r of ks.rotateStream(rowsOf(), { from, to, concurrency })) {
    if (r.status === 'ok' && !(await store.compareAndSwap(r.id, r.previous, r.envelope))) counts.conflicts++
    else counts[r.status]++
    onResult?.()
  }
  return counts
}

const print = (o) => process.stdout.write('result ' + JSON.stringify(o) + '\n')

if (mode === 'seed') {
  for (let i = 0; i < n; i += 5000) {
    const rows = []
    for (let j = i; j < Math.min(n, i + 5000); j++) rows.push({ id: id(j), envelope: await ks.sealKey(`sk-proj-${String(j).padStart(40, '0')}`, keys.a, { context: context(id(j)) }) })
    await store.insertMany(rows)
  }
  print({ rows: await store.count() })
} else if (mode === 'memory') {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc')
  const gcHeap = () => (globalThis.gc(), process.memoryUsage().heapUsed)
  const heapStart = gcHeap()
  let done = 0
  let peakHeap = 0
  let peakRss = 0
  let heapAt10pct
  const counts = await pass(keys.a, keys.b, 16, () => {
    done++
    // Sampled without a GC: the peak the process really reaches, garbage included.
    if (done % 250 === 0) {
      const m = process.memoryUsage()
      peakHeap = Math.max(peakHeap, m.heapUsed)
      peakRss = Math.max(peakRss, m.rss)
    }
    if (done === Math.floor(n / 10)) heapAt10pct = gcHeap()
  })
  const heapEnd = gcHeap()
  print({ rows: n, counts, heapStart, heapAt10pct, heapEnd, peakHeapSampled: peakHeap, peakRssSampled: peakRss, maxRssKiB: process.resourceUsage().maxRSS })
} else if (mode === 'throughput') {
  const rounds = Number(roundsArg)
  const levels = [1, 4, 16]
  const times = { 1: [], 4: [], 16: [] }
  let at = 'a'
  for (let r = 0; r < rounds; r++) {
    // The order rotates each round, so the shared machine's noise hits every level alike.
    const order = levels.slice(r % 3).concat(levels.slice(0, r % 3))
    for (const c of order) {
      const to = at === 'a' ? 'b' : 'a'
      globalThis.gc?.()
      const t0 = performance.now()
      const counts = await pass(keys[at], keys[to], c)
      times[c].push(performance.now() - t0)
      if (counts.ok !== n || counts.failed + counts.conflicts + counts.skipped !== 0) throw new Error(`pass at concurrency ${c}: ${JSON.stringify(counts)}`)
      at = to
    }
  }
  print({ rows: n, rounds, times })
} else {
  throw new Error(`unknown mode ${mode}`)
}
db.close()
