// Rotating a whole table with keyseal's streaming rotation and compare-and-swap write-back, over
// any store from this folder (sqlite.mjs, postgres.mjs). Each row is written before the next one
// is read beyond `concurrency`; a row edited meanwhile is left alone (its swap fails) and a re-run
// picks it up. Resumable: rows already sealed by a `to` key with a key id are skipped, so a run
// stopped midway and started again rotates every row exactly once.
import { rotateStream } from '@org/keyseal'

/** Every row, a page at a time, from `after` on (keyset pagination). */
export async function* rowsOf(store, { after, page = 500, context = (id) => `row:${id}` } = {}) {
  for (;;) {
    const rows = await store.scan(after, page)
    for (const r of rows) yield { id: r.id, envelope: r.envelope, context: context(r.id) }
    if (rows.length < page) return
    after = rows[rows.length - 1].id
  }
}

/** Rotate every row; returns counts. `onResult` sees each result after its write-back. */
export async function rotateTable(store, { from, to, concurrency = 4, policy, kdf, context, onResult } = {}) {
  const counts = { ok: 0, skipped: 0, failed: 0, conflicts: 0 }
  const options = { from, to, concurrency, ...(policy && { policy }), ...(kdf && { kdf }) }
  for await (const r of rotateStream(rowsOf(store, { ...(context && { context }) }), options)) {
    if (r.status === 'ok' && !(await store.compareAndSwap(r.id, r.previous, r.envelope))) counts.conflicts++
    else counts[r.status]++
    await onResult?.(r)
  }
  return counts
}
