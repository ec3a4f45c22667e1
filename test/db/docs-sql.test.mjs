// The SQL blocks of docs/storage.md, run as written against real SQLite and PostgreSQL (issue 16:
// every documented code block runs). Each ```sql block starts with `-- sqlite` or `-- postgresql`
// and names its statements (`-- name: schema`, `insert`, `compare-and-swap`, `first-page`,
// `next-page`); the table name `api_keys` is replaced by a fresh one per run.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { generateKey, importKey, sealKey } from '../package-entry.mjs'
import { pgConfig } from './lib.mjs'

const md = readFileSync(new URL('../../docs/storage.md', import.meta.url), 'utf8')

/** dialect -> name -> SQL text, from the fenced sql blocks. */
function blocks() {
  const out = {}
  for (const m of md.matchAll(/^```sql\n([\s\S]*?)^```$/gm)) {
    const lines = m[1].split('\n')
    const dialect = /^-- (sqlite|postgresql)$/.exec(lines[0])?.[1]
    assert.ok(dialect, `an sql block in docs/storage.md does not start with -- sqlite or -- postgresql: ${lines[0]}`)
    const named = (out[dialect] = {})
    let name
    for (const line of lines.slice(1)) {
      const n = /^-- name: ([a-z-]+)$/.exec(line)
      if (n) name = n[1]
      else if (line.trim() !== '') named[name] = ((named[name] ?? '') + ' ' + line).trim()
    }
  }
  return out
}

const NAMES = ['schema', 'insert', 'compare-and-swap', 'first-page', 'next-page']
const docs = blocks()
const table = () => `docs_keys_${randomBytes(5).toString('hex')}`
const key = await importKey(await generateKey(), { keyId: 'docs' })
const envelopes = await Promise.all(['a', 'b', 'c', 'd'].map((s) => sealKey(`sk-${s}`, key)))

test('docs/storage.md has both dialects, each with every statement', () => {
  assert.deepEqual(Object.keys(docs).sort(), ['postgresql', 'sqlite'])
  for (const d of Object.values(docs)) assert.deepEqual(Object.keys(d).sort(), [...NAMES].sort())
})

describe('docs/storage.md SQL on SQLite (node:sqlite)', () => {
  test('schema, insert, compare-and-swap (once only), keyset pages', () => {
    const t = table()
    const sql = Object.fromEntries(Object.entries(docs.sqlite).map(([k, v]) => [k, v.replaceAll('api_keys', t)]))
    const db = new DatabaseSync(':memory:')
    try {
      db.exec(sql.schema)
      const insert = db.prepare(sql.insert)
      for (const [i, e] of envelopes.slice(0, 3).entries()) insert.run(`r${i + 1}`, e)
      const cas = db.prepare(sql['compare-and-swap'])
      assert.equal(Number(cas.run(envelopes[3], 'r1', envelopes[0]).changes), 1)
      // A second swap from the same previous envelope (a stale reader) changes nothing.
      assert.equal(Number(cas.run(envelopes[2], 'r1', envelopes[0]).changes), 0)
      assert.equal(Number(cas.run(envelopes[3], 'missing', envelopes[0]).changes), 0)
      assert.deepEqual({ ...db.prepare(`SELECT envelope, version FROM ${t} WHERE id = 'r1'`).get() }, { envelope: envelopes[3], version: 1 })
      assert.deepEqual(db.prepare(sql['first-page']).all(2).map((r) => r.id), ['r1', 'r2'])
      assert.deepEqual(db.prepare(sql['next-page']).all('r2', 2).map((r) => r.id), ['r3'])
      // STRICT: bytes in the text column are refused, not stored as a BLOB (an integer would be
      // converted to text, which STRICT allows: the conversion is lossless).
      assert.throws(() => insert.run('r9', new Uint8Array([1, 2, 3])))
    } finally {
      db.close()
    }
  })
})

describe('docs/storage.md SQL on PostgreSQL', () => {
  test('schema, insert, compare-and-swap (once only, also under two concurrent writers), keyset pages', async () => {
    const t = table()
    const sql = Object.fromEntries(Object.entries(docs.postgresql).map(([k, v]) => [k, v.replaceAll('api_keys', t)]))
    const pool = new pg.Pool(pgConfig())
    try {
      await pool.query(sql.schema)
      for (const [i, e] of envelopes.slice(0, 3).entries()) await pool.query(sql.insert, [`r${i + 1}`, e])
      const cas = async (client, next, id, previous) => (await client.query(sql['compare-and-swap'], [next, id, previous])).rowCount
      assert.equal(await cas(pool, envelopes[3], 'r1', envelopes[0]), 1)
      assert.equal(await cas(pool, envelopes[2], 'r1', envelopes[0]), 0)
      // Two writers swap r2 from the same previous envelope at once: the second waits for the
      // first's row lock, re-checks `envelope = $3` against the committed row, and changes nothing.
      const a = await pool.connect()
      const b = await pool.connect()
      try {
        await a.query('BEGIN')
        assert.equal(await cas(a, envelopes[3], 'r2', envelopes[1]), 1)
        const second = cas(b, envelopes[2], 'r2', envelopes[1])
        await new Promise((r) => setTimeout(r, 200))
        await a.query('COMMIT')
        assert.equal(await second, 0)
      } finally {
        a.release()
        b.release()
      }
      const rows = (await pool.query(`SELECT id, envelope, version FROM ${t} ORDER BY id`)).rows
      assert.deepEqual(rows.map((r) => [r.id, r.envelope === envelopes[3], r.version]), [['r1', true, 1], ['r2', true, 1], ['r3', false, 0]])
      assert.deepEqual((await pool.query(sql['first-page'], [2])).rows.map((r) => r.id), ['r1', 'r2'])
      assert.deepEqual((await pool.query(sql['next-page'], ['r2', 2])).rows.map((r) => r.id), ['r3'])
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${t}`).catch(() => {})
      await pool.end()
    }
  })
})
