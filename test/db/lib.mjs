// Shared by the database tests: open a store of either kind on a fresh table.
// SQLite: a file in a temp dir (node:sqlite, Node 24). PostgreSQL: the server .ci/steps/20-scale.sh
// starts, on the Unix socket in KEYSEAL_PG_HOST (required: a missing server fails, never skips).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { sqliteStore } from '../../examples/storage/sqlite.mjs'
import { postgresStore } from '../../examples/storage/postgres.mjs'

export const KINDS = ['sqlite', 'postgres']

export function pgConfig() {
  const host = process.env.KEYSEAL_PG_HOST
  if (!host) throw new Error('KEYSEAL_PG_HOST is not set: run these tests through .ci/steps/20-scale.sh, which starts PostgreSQL')
  return { host, port: Number(process.env.KEYSEAL_PG_PORT ?? 5432), user: 'postgres', database: 'postgres', max: 8 }
}

/** A store on a new table; `where` lets a child process reopen the same one. */
export async function openStore(kind, where) {
  if (kind === 'sqlite') {
    const dir = where?.dir ?? mkdtempSync(join(tmpdir(), 'keyseal-sqlite-'))
    const db = new DatabaseSync(join(dir, 'keys.db'))
    db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000')
    const store = sqliteStore(db)
    return { store, where: { dir }, close: async () => db.close(), drop: async () => (db.close(), rmSync(dir, { recursive: true, force: true })) }
  }
  const table = where?.table ?? `keys_${randomBytes(6).toString('hex')}`
  const pool = new pg.Pool(pgConfig())
  const store = await postgresStore(pool, { table })
  return {
    store,
    where: { table },
    close: async () => pool.end(),
    drop: async () => {
      await pool.query(`DROP TABLE IF EXISTS ${table}, ${table}_bytes`)
      await pool.end()
    },
  }
}
