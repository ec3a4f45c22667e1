// The conformance kit (@org/keyseal/testing, from dist/) against both reference adapters.
import { after, before, describe, test } from 'node:test'
import { conformanceChecks } from '../package-testing.mjs'
import { KINDS, openStore } from './lib.mjs'

for (const kind of KINDS) {
  describe(`conformance kit: ${kind} reference adapter (examples/storage)`, () => {
    let db
    before(async () => (db = await openStore(kind)))
    after(async () => db?.drop())
    for (const c of conformanceChecks) {
      // The longest envelope for the format's own maximum secret (1 MiB): the columns hold any v1 envelope.
      test(c.name, () => c.run(db.store, { rows: 300, secretMaxBytes: 1024 * 1024, concurrency: 8 }))
    }
  })
}
