// One synchronous SQLite handle, from whichever driver this Node has:
//   - `node:sqlite` (built into Node 22.13+ and 23.4+; earlier 22.x need --experimental-sqlite), or
//   - `better-sqlite3` 12 (an npm package that compiles SQLite from source with node-gyp when its
//     prebuilt binary cannot be fetched, so it installs from the npm registry alone), on Node 20.
// Both expose prepare(sql).run/get/all with positional `?` parameters and exec(sql); that common
// subset is all the app uses. Transactions are plain BEGIN IMMEDIATE / COMMIT so both drivers
// behave the same.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

async function loadDriver(preferred) {
  if (preferred !== 'better-sqlite3') {
    try {
      const { DatabaseSync } = await import('node:sqlite')
      return { name: 'node:sqlite', open: (file) => new DatabaseSync(file) }
    } catch (error) {
      if (preferred === 'node:sqlite') throw error
    }
  }
  let Database
  try {
    Database = require('better-sqlite3')
  } catch {
    throw new Error(
      'No SQLite driver: this Node has no node:sqlite and better-sqlite3 is not installed. ' +
        'Run `npm ci` in examples/provider-keys (it builds better-sqlite3 from source), or use Node 22.13+.',
    )
  }
  return { name: 'better-sqlite3', open: (file) => new Database(file) }
}

/**
 * Open (and create) a database file in WAL mode.
 * @param {string} file
 * @param {{ driver?: 'node:sqlite' | 'better-sqlite3' }} [options] default: node:sqlite when present
 */
export async function openDatabase(file, { driver = process.env.APP_SQLITE_DRIVER } = {}) {
  const d = await loadDriver(driver)
  const db = d.open(file)
  // WAL: readers (the page's list) do not block the writer (the job, a rotation); the rotation
  // command and the server are separate processes on one file, so wait for locks instead of
  // failing at once.
  db.exec('PRAGMA journal_mode = WAL')
  db.exec('PRAGMA busy_timeout = 5000')
  db.exec('PRAGMA foreign_keys = ON')
  const cache = new Map()
  const stmt = (sql) => {
    let s = cache.get(sql)
    if (!s) cache.set(sql, (s = db.prepare(sql)))
    return s
  }
  let depth = 0
  return {
    driver: d.name,
    exec: (sql) => db.exec(sql),
    /** @returns {{ changes: number, lastInsertRowid: number }} */
    run: (sql, ...params) => {
      const r = stmt(sql).run(...params)
      return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) }
    },
    get: (sql, ...params) => stmt(sql).get(...params),
    all: (sql, ...params) => stmt(sql).all(...params),
    /**
     * Run `fn` inside BEGIN IMMEDIATE ... COMMIT (rolled back if it throws). `fn` must be
     * synchronous: both drivers are, so nothing else in this process interleaves with it, and
     * IMMEDIATE takes the write lock up front so another process cannot either.
     */
    transaction(fn) {
      if (depth > 0) return fn()
      db.exec('BEGIN IMMEDIATE')
      depth++
      try {
        const out = fn()
        if (out && typeof out.then === 'function') throw new Error('transaction callbacks must be synchronous')
        db.exec('COMMIT')
        return out
      } catch (error) {
        db.exec('ROLLBACK')
        throw error
      } finally {
        depth--
      }
    },
    checkpoint: () => db.exec('PRAGMA wal_checkpoint(TRUNCATE)'),
    close: () => db.close(),
  }
}
