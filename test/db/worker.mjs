// A rotation run in its own process, so a test can kill it midway (SIGKILL: no cleanup at all).
// argv: kind, JSON of where the store is; env: KEYSEAL_FROM, KEYSEAL_TO (raw keys, ksk1. strings).
// Prints `swapped <id>` after each successful write-back and `done <json counts>` at the end.
import { importKey } from '../package-entry.mjs'
import { rotateTable } from '../../examples/storage/rotate.mjs'
import { openStore } from './lib.mjs'

const [kind, where] = process.argv.slice(2)
const db = await openStore(kind, JSON.parse(where))
const from = await importKey(process.env.KEYSEAL_FROM, { keyId: 'key-a' })
const to = await importKey(process.env.KEYSEAL_TO, { keyId: 'key-b' })
const counts = await rotateTable(db.store, {
  from,
  to,
  concurrency: 4,
  onResult: (r) => {
    if (r.status === 'ok') process.stdout.write(`swapped ${r.id}\n`)
  },
})
process.stdout.write(`done ${JSON.stringify(counts)}\n`)
await db.close()
