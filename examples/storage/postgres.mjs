// Reference storage adapter: PostgreSQL through a `pg` Pool that you pass in (this file imports
// nothing, so it runs wherever your `pg` is installed). A StorageAdapter for @org/keyseal/testing
// and the table a rotation writes back to with compare-and-swap (docs/storage.md).
//
//   import pg from 'pg'
//   const store = await postgresStore(new pg.Pool({ host: '/run/postgresql', database: 'app' }))
export async function postgresStore(pool, { table = 'api_keys' } = {}) {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error('table: a plain SQL identifier')
  const blobs = `${table}_bytes`
  // COLLATE "C": keyset pagination compares ids bytewise, as the cursor does; a locale collation
  // could order them differently from `id > $1`'s own comparison on another server.
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (id text COLLATE "C" PRIMARY KEY, envelope text NOT NULL, version integer NOT NULL DEFAULT 0)`)
  await pool.query(`CREATE TABLE IF NOT EXISTS ${blobs} (id text COLLATE "C" PRIMARY KEY, envelope bytea NOT NULL)`)
  return {
    async insert(id, envelope) {
      await pool.query(`INSERT INTO ${table} (id, envelope) VALUES ($1, $2)`, [id, envelope])
    },
    async get(id) {
      return (await pool.query(`SELECT envelope FROM ${table} WHERE id = $1`, [id])).rows[0]?.envelope
    },
    // Compare-and-swap: one UPDATE. Under READ COMMITTED a concurrent writer's UPDATE of the same
    // row waits for the row lock, then re-checks `envelope = $3` against the committed row, so at
    // most one of two swaps from the same previous envelope succeeds.
    async compareAndSwap(id, previous, next) {
      const r = await pool.query(`UPDATE ${table} SET envelope = $1, version = version + 1 WHERE id = $2 AND envelope = $3`, [next, id, previous])
      return r.rowCount === 1
    },
    async scan(after, limit) {
      const r =
        after === undefined
          ? await pool.query(`SELECT id, envelope FROM ${table} ORDER BY id LIMIT $1`, [limit])
          : await pool.query(`SELECT id, envelope FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2`, [after, limit])
      return r.rows.map((x) => ({ id: x.id, envelope: x.envelope }))
    },
    async clear() {
      await pool.query(`TRUNCATE ${table}, ${blobs}`)
    },
    bytes: {
      async insert(id, envelope) {
        await pool.query(`INSERT INTO ${blobs} (id, envelope) VALUES ($1, $2)`, [id, Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength)])
      },
      async get(id) {
        const v = (await pool.query(`SELECT envelope FROM ${blobs} WHERE id = $1`, [id])).rows[0]?.envelope
        return v === undefined ? undefined : new Uint8Array(v)
      },
    },
    /** Many rows per statement (seeding). */
    async insertMany(rows) {
      for (let i = 0; i < rows.length; i += 1000) {
        const part = rows.slice(i, i + 1000)
        await pool.query(`INSERT INTO ${table} (id, envelope) SELECT * FROM unnest($1::text[], $2::text[])`, [part.map((r) => r.id), part.map((r) => r.envelope)])
      }
    },
    async version(id) {
      return (await pool.query(`SELECT version FROM ${table} WHERE id = $1`, [id])).rows[0]?.version
    },
    async count() {
      return Number((await pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)
    },
  }
}
