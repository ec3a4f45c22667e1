// The server's key pairs. The public half goes in the database (server_keys) and into the page;
// the private half is a file readable by the server's user only:
//
//   <data>/server-keys/           mode 0700
//   <data>/server-keys/<id>.key   mode 0600, one line: the private key string from generateKeyPair()
//
// A real deployment keeps the private key in its secrets manager (or a KMS / HSM that does the
// unwrapping) and loads it from there; a file stands in for that here. The loader refuses a key
// file that group or others can read, as ssh does for private keys.
import { randomBytes } from 'node:crypto'
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { generateKeyPair, importKey } from '@org/keyseal/v2'

const ID = /^srv-[0-9]{8}-[0-9a-f]{8}$/

export function keyDir(dataDir) {
  const dir = join(dataDir, 'server-keys')
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700)
  return dir
}

function keyFile(dataDir, keyId) {
  if (!ID.test(keyId)) throw new Error('bad server key id')
  return join(keyDir(dataDir), `${keyId}.key`)
}

export function newKeyId(now = new Date()) {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '')
  return `srv-${day}-${randomBytes(4).toString('hex')}`
}

/** Write a private key file: created with 0600 (never world-readable, not even briefly), synced, then renamed into place. */
function writePrivate(dataDir, keyId, privateKey) {
  const final = keyFile(dataDir, keyId)
  const tmp = `${final}.tmp-${process.pid}`
  const fd = openSync(tmp, 'wx', 0o600)
  try {
    writeSync(fd, `${privateKey}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, final)
  const dfd = openSync(keyDir(dataDir), 'r')
  try {
    fsyncSync(dfd) // the rename is durable before the database says the key exists
  } finally {
    closeSync(dfd)
  }
}

/** Make a key pair; the private half is on disk before the caller records the public half. */
export async function createServerKey(dataDir) {
  const keyId = newKeyId()
  const { publicKey, privateKey } = await generateKeyPair()
  writePrivate(dataDir, keyId, privateKey)
  return { keyId, publicKey }
}

/** Load a private key as a keyseal key object (opens; never leaves this process). */
export async function loadPrivateKey(dataDir, keyId) {
  const file = keyFile(dataDir, keyId)
  const st = statSync(file)
  if ((st.mode & 0o077) !== 0) throw new Error(`server key file ${keyId}.key is readable by group or others (chmod 600 it)`)
  const text = readFileSync(file, 'utf8').trim()
  return importKey(text, { keyId })
}

export function hasPrivateKey(dataDir, keyId) {
  return existsSync(keyFile(dataDir, keyId))
}

/** Delete a retired private key: envelopes that still name it can then no longer be opened by the server. */
export function destroyPrivateKey(dataDir, keyId) {
  rmSync(keyFile(dataDir, keyId), { force: true })
}

/**
 * The server's key set from the database plus the private keys on disk, cached per key id.
 * `sealTo` is the key the page seals new envelopes for (the rotation's next key while one is in
 * progress, so new rows never need moving); `accepted` are the key ids a save may name.
 */
export function serverKeySet(store, dataDir) {
  const privateCache = new Map()
  return {
    ensure: async () => {
      if (store.serverKeyByState('current')) return
      const { keyId, publicKey } = await createServerKey(dataDir)
      store.transaction(() => {
        // Another process may have made one meanwhile: keep theirs, drop ours.
        if (store.serverKeyByState('current')) return destroyPrivateKey(dataDir, keyId)
        store.insertServerKey(keyId, publicKey, 'current')
      })
    },
    snapshot() {
      const rows = store.serverKeys()
      const current = rows.find((r) => r.state === 'current')
      const next = rows.find((r) => r.state === 'next')
      const sealTo = next ?? current
      return { current, next, sealTo, accepted: rows.map((r) => r.key_id) }
    },
    async privateKey(keyId) {
      let k = privateCache.get(keyId)
      if (!k) privateCache.set(keyId, (k = loadPrivateKey(dataDir, keyId)))
      try {
        return await k
      } catch (error) {
        privateCache.delete(keyId)
        throw error
      }
    },
    forget: (keyId) => privateCache.delete(keyId),
  }
}
