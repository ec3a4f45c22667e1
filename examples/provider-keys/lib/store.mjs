// The schema and every query. The database holds user names, a hash of each user's sign-in
// verifier, session-token hashes, the server's PUBLIC keys, and per provider key: the keyseal
// envelope and its public label. No password, verifier, API key or private key is ever stored.
import { openDatabase } from './sqlite.mjs'

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  auth_salt   BLOB NOT NULL,          -- random, for the server-side scrypt of the verifier
  auth_hash   BLOB NOT NULL,          -- scrypt(verifier); the verifier itself is never stored
  created_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_hash  BLOB PRIMARY KEY,       -- SHA-256 of the cookie value
  user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at  INTEGER NOT NULL
);
-- The server's key pairs: public halves only. The private halves live in files (server-keys.mjs).
-- state: 'current' (sealed to and opened with), 'next' (a rotation in progress: new rows are
-- sealed to it, the rotation moves old rows to it), 'retired' (no row uses it; private key deleted).
CREATE TABLE IF NOT EXISTS server_keys (
  key_id      TEXT PRIMARY KEY,
  public_key  TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('current', 'next', 'retired')),
  created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS server_keys_one_current ON server_keys(state) WHERE state IN ('current', 'next');
CREATE TABLE IF NOT EXISTS provider_keys (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  provider      TEXT NOT NULL,
  label         TEXT NOT NULL,        -- the envelope's authenticated label, copied for listing
  envelope      TEXT NOT NULL,        -- ks2.… sealed for [the user's password, the server's public key]
  server_key_id TEXT NOT NULL,        -- which server key the envelope's server stanza is for
  version       INTEGER NOT NULL,     -- bumped on every write: the compare-and-swap token
  updated_at    INTEGER NOT NULL,
  UNIQUE (user_id, provider)
);
CREATE INDEX IF NOT EXISTS provider_keys_server_key ON provider_keys(server_key_id);
`

export async function openStore(file, options) {
  const db = await openDatabase(file, options)
  db.exec(SCHEMA)
  const now = () => Date.now()
  return {
    db,
    driver: db.driver,
    transaction: (fn) => db.transaction(fn),
    close: () => db.close(),
    checkpoint: () => db.checkpoint(),

    // ---- users and sessions
    createUser(name, authSalt, authHash) {
      return db.run('INSERT INTO users (name, auth_salt, auth_hash, created_at) VALUES (?, ?, ?, ?)', name, authSalt, authHash, now()).lastInsertRowid
    },
    userByName: (name) => db.get('SELECT id, name, auth_salt, auth_hash FROM users WHERE name = ?', name),
    userById: (id) => db.get('SELECT id, name, auth_salt, auth_hash FROM users WHERE id = ?', id),
    setAuth: (id, authSalt, authHash) => db.run('UPDATE users SET auth_salt = ?, auth_hash = ? WHERE id = ?', authSalt, authHash, id).changes,
    createSession: (tokenHash, userId, expiresAt) => db.run('INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)', tokenHash, userId, expiresAt),
    sessionUser: (tokenHash) => db.get('SELECT user_id FROM sessions WHERE token_hash = ? AND expires_at > ?', tokenHash, now())?.user_id,
    deleteSession: (tokenHash) => db.run('DELETE FROM sessions WHERE token_hash = ?', tokenHash),
    deleteOtherSessions: (userId, keepHash) => db.run('DELETE FROM sessions WHERE user_id = ? AND token_hash != ?', userId, keepHash),

    // ---- server keys (public halves)
    serverKeys: () => db.all("SELECT key_id, public_key, state FROM server_keys WHERE state != 'retired' ORDER BY created_at"),
    serverKeyByState: (state) => db.get('SELECT key_id, public_key, state FROM server_keys WHERE state = ?', state),
    retiredServerKeyIds: () => db.all("SELECT key_id FROM server_keys WHERE state = 'retired'").map((r) => r.key_id),
    insertServerKey: (keyId, publicKey, state) => db.run('INSERT INTO server_keys (key_id, public_key, state, created_at) VALUES (?, ?, ?, ?)', keyId, publicKey, state, now()),
    setServerKeyState: (keyId, state) => db.run('UPDATE server_keys SET state = ? WHERE key_id = ?', state, keyId).changes,

    // ---- provider keys
    listKeys: (userId) =>
      db.all('SELECT id, provider, label, envelope, version, updated_at FROM provider_keys WHERE user_id = ? ORDER BY provider', userId),
    keyById: (id) => db.get('SELECT id, user_id, provider, label, envelope, server_key_id, version FROM provider_keys WHERE id = ?', id),
    keyFor: (userId, provider) => db.get('SELECT id, version FROM provider_keys WHERE user_id = ? AND provider = ?', userId, provider),
    insertKey(userId, provider, label, envelope, serverKeyId) {
      return db.run(
        'INSERT INTO provider_keys (user_id, provider, label, envelope, server_key_id, version, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?)',
        userId, provider, label, envelope, serverKeyId, now(),
      ).lastInsertRowid
    },
    /**
     * Compare-and-swap: write only if the row still has the version the writer read. Returns
     * true when it wrote, false when someone else wrote first (the caller re-reads; nothing is
     * overwritten). `userId` is part of the match so one user can never write another's row.
     */
    casKey(id, userId, expectedVersion, label, envelope, serverKeyId) {
      return (
        db.run(
          'UPDATE provider_keys SET label = ?, envelope = ?, server_key_id = ?, version = version + 1, updated_at = ? WHERE id = ? AND user_id = ? AND version = ?',
          label, envelope, serverKeyId, now(), id, userId, expectedVersion,
        ).changes === 1
      )
    },
    deleteKey: (id, userId) => db.run('DELETE FROM provider_keys WHERE id = ? AND user_id = ?', id, userId).changes === 1,
    /** Every row, for the scheduled job (id order; the job reads in pages to bound memory). */
    keysPage: (afterId, limit) => db.all('SELECT id, user_id, provider, label, envelope, server_key_id, version FROM provider_keys WHERE id > ? ORDER BY id LIMIT ?', afterId, limit),
    /** Rows whose server stanza is not yet for `keyId`: what a rotation still has to move. */
    keysNotOn: (keyId, afterId, limit) =>
      db.all('SELECT id, user_id, provider, label, envelope, server_key_id, version FROM provider_keys WHERE server_key_id != ? AND id > ? ORDER BY id LIMIT ?', keyId, afterId, limit),
    countNotOn: (keyId) => db.get('SELECT count(*) AS n FROM provider_keys WHERE server_key_id != ?', keyId).n,
    countKeys: () => db.get('SELECT count(*) AS n FROM provider_keys').n,
  }
}
