// Seeds `rows` rows, rotates them all with streaming rotation and compare-and-swap write-back, and
// prints `memory {json}`: heap used after a full GC (node --expose-gc) at 10% of the rows and at the end.
import { generateKey, importKey, sealKey } from '../package-entry.mjs'
import { rotateTable } from '../../examples/storage/rotate.mjs'
import { openStore } from './lib.mjs'

const [kind, where, count] = process.argv.slice(2)
const n = Number(count)
const db = await openStore(kind, JSON.parse(where))
const a = await importKey(await generateKey(), { keyId: 'key-a' })
const b = await importKey(await generateKey(), { keyId: 'key-b' })
const id = (i) => 'row-' + String(i).padStart(7, '0')
for (let i = 0; i < n; i += 5000) {
  const rows = []
  for (let j = i; j < Math.min(n, i + 5000); j++) rows.push({ id: id(j), envelope: await sealKey(`sk-${j}`, a, { context: `row:${id(j)}` }) })
  await db.store.insertMany(rows)
}
const heap = () => {
  globalThis.gc()
  return process.memoryUsage().heapUsed
}
let done = 0
let heapAt10pct
const counts = await rotateTable(db.store, {
  from: a,
  to: b,
  concurrency: 16,
  onResult: () => {
    if (++done === Math.floor(n / 10)) heapAt10pct = heap()
  },
})
const heapEnd = heap()
let versionsNotOne = 0
for (let i = 0; i < n; i++) if ((await db.store.version(id(i))) !== 1) versionsNotOne++
console.log('memory ' + JSON.stringify({ kind, rows: n, rotated: counts.ok, counts, heapAt10pct, heapEnd, rssEnd: process.memoryUsage().rss, versionsNotOne }))
await db.close()
