// Reference storage adapter: SQLite through node:sqlite (Node 22.13+ / 24+: built in, no native
// build). It is both a StorageAdapter for @org/keyseal/testing and the table a rotation writes
// back to with compare-and-swap (docs/storage.md has the SQL patterns it uses).
//
//   import { DatabaseSync } from 'node:sqlite'
//   const store = sqliteStore(new DatabaseSync('keys.db'))
export function sqliteStore(db, { table = 'api_keys' } = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error('table: a plain SQL identifier')
  const blobs = `${table}_bytes`
  // `version` counts write-backs: the tests read it to prove each row was rotated exactly once.
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id TEXT PRIMARY KEY, envelope TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 0) STRICT`)
  db.exec(`CREATE TABLE IF NOT EXISTS ${blobs} (id TEXT PRIMARY KEY, envelope BLOB NOT NULL) STRICT`)
  const q = {
    insert: db.prepare(`INSERT INTO ${table} (id, envelope) VALUES (?, ?)`),
    get: db.prepare(`SELECT envelope FROM ${table} WHERE id = ?`),
    // Compare-and-swap: one statement, so no other writer can come between the compare and the swap.
    cas: db.prepare(`UPDATE ${table} SET envelope = ?, version = version + 1 WHERE id = ? AND envelope = ?`),
    // Keyset pagination: resumable from the last id seen, stable while rows change.
    first: db.prepare(`SELECT id, envelope FROM ${table} ORDER BY id LIMIT ?`),
    after: db.prepare(`SELECT id, envelope FROM ${table} WHERE id > ? ORDER BY id LIMIT ?`),
    version: db.prepare(`SELECT version FROM ${table} WHERE id = ?`),
    count: db.prepare(`SELECT count(*) AS n FROM ${table}`),
    insertBytes: db.prepare(`INSERT INTO ${blobs} (id, envelope) VALUES (?, ?)`),
    getBytes: db.prepare(`SELECT envelope FROM ${blobs} WHERE id = ?`),
  }
  return {
    async insert(id, envelope) {
      q.insert.run(id, envelope)
    },
    async get(id) {
      return q.get.get(id)?.envelope
    },
    async compareAndSwap(id, previous, next) {
      return Number(q.cas.run(next, id, previous).changes) === 1
    },
    async scan(after, limit) {
      const rows = after === undefined ? q.first.all(limit) : q.after.all(after, limit)
      return rows.map((r) => ({ id: r.id, envelope: r.envelope }))
    },
    async clear() {
      db.exec(`DELETE FROM ${table}; DELETE FROM ${blobs}`)
    },
    bytes: {
      async insert(id, envelope) {
        q.insertBytes.run(id, envelope)
      },
      async get(id) {
        const v = q.getBytes.get(id)?.envelope
        return v === undefined ? undefined : new Uint8Array(v)
      },
    },
    /** Many rows in one transaction (seeding). */
    async insertMany(rows) {
      db.exec('BEGIN')
      try {
        for (const r of rows) q.insert.run(r.id, r.envelope)
        db.exec('COMMIT')
      } catch (error) {
        db.exec('ROLLBACK')
        throw error
      }
    },
    async version(id) {
      return q.version.get(id)?.version
    },
    async count() {
      return Number(q.count.get().n)
    },
  }
}
