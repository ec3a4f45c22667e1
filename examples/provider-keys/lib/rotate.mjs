// Server key rotation: move every row's server stanza to a new key pair. No user password is
// involved: keyseal's per-recipient rotation (docs/format-v2.md §14) opens the file key with the
// old private key and replaces only the server's stanza; the user's stanza is kept byte for byte.
//
// Crash-safe and re-runnable, in three steps whose state lives in the database:
//   1. begin:   a new key pair; its private file is written (0600, fsynced) BEFORE the database
//               records its public half as 'next'. From then on the page seals new keys to it and
//               saves accept it, so new rows never need moving.
//   2. move:    every row whose server_key_id is not 'next' is re-wrapped and written back with
//               compare-and-swap on its version. A row the user changed meanwhile is not
//               overwritten: the write misses, the row is read again, and moved in a later pass
//               (or skipped if the user's new envelope already names the new key).
//   3. promote: in one transaction, only if no row is left on an old key: 'current' becomes
//               'retired' and 'next' becomes 'current'. Then the retired private key file is
//               deleted: from here on a leaked copy of it opens nothing in the live database.
// Killed at any point, the next run resumes: step 1 is skipped when a 'next' key exists, step 2
// only sees rows still on the old key, step 3 is a single transaction, and retired key files
// left behind by a crash after it are deleted on the next run.
import { importPublicKey, rotateRecipient } from '@org/keyseal/v2'
import { contextFor } from '../public/shared.js'
import { createServerKey, destroyPrivateKey, hasPrivateKey } from './server-keys.mjs'

const PAGE = 100
const MAX_PASSES = 5

/**
 * @param {{ store: any, keys: any, dataDir: string, log: Function,
 *           beforeWrite?: (row: any) => void | Promise<void>, stopAfter?: number }} deps
 *   beforeWrite and stopAfter are test hooks: an edit racing the rotation, and a crash midway.
 * @returns {Promise<{ keyId: string, moved: number, conflicts: number, skipped: number, promoted: boolean }>}
 */
export async function rotateServerKey({ store, keys, dataDir, log, beforeWrite, stopAfter = Infinity }) {
  // Step 1.
  let next = store.serverKeyByState('next')
  if (!next) {
    const created = await createServerKey(dataDir)
    store.transaction(() => {
      if (store.serverKeyByState('next')) return // another run began meanwhile: use its key
      store.insertServerKey(created.keyId, created.publicKey, 'next')
    })
    next = store.serverKeyByState('next')
    if (next.key_id !== created.keyId) destroyPrivateKey(dataDir, created.keyId)
    log('rotate.begin', { serverKey: next.key_id })
  } else {
    log('rotate.resume', { serverKey: next.key_id })
  }
  const to = await importPublicKey(next.public_key, { keyId: next.key_id })

  // Step 2.
  let moved = 0
  let conflicts = 0
  let skipped = 0
  for (let pass = 0; pass < MAX_PASSES && store.countNotOn(next.key_id) > 0; pass++) {
    let after = 0
    for (;;) {
      const rows = store.keysNotOn(next.key_id, after, PAGE)
      if (rows.length === 0) break
      for (const row of rows) {
        after = row.id
        if (moved >= stopAfter) throw new Error('stopped (test hook)')
        let envelope
        try {
          const from = await keys.privateKey(row.server_key_id)
          envelope = await rotateRecipient(row.envelope, { from, to, context: contextFor(row.user_id, row.provider) })
        } catch (error) {
          skipped++
          log('rotate.row', { row: row.id, outcome: 'cannot-open', code: error?.code ?? 'NO_PRIVATE_KEY' })
          continue
        }
        if (beforeWrite) await beforeWrite(row)
        // Compare-and-swap on the version read above; the label is the row's own (rotation does
        // not change the envelope's label).
        const wrote = store.casKey(row.id, row.user_id, row.version, row.label, envelope, next.key_id)
        if (wrote) {
          moved++
          log('rotate.row', { row: row.id, outcome: 'moved', serverKey: next.key_id })
        } else {
          conflicts++
          log('rotate.row', { row: row.id, outcome: 'changed-meanwhile' })
        }
      }
    }
  }

  // Step 3.
  const retired = store.transaction(() => {
    if (store.countNotOn(next.key_id) > 0) return null
    const current = store.serverKeyByState('current')
    if (current) store.setServerKeyState(current.key_id, 'retired')
    store.setServerKeyState(next.key_id, 'current')
    return current?.key_id ?? null
  })
  const promoted = retired !== null || store.serverKeyByState('current')?.key_id === next.key_id
  for (const id of store.retiredServerKeyIds()) {
    if (hasPrivateKey(dataDir, id)) {
      destroyPrivateKey(dataDir, id)
      keys.forget(id)
      log('rotate.destroyed', { serverKey: id })
    }
  }
  if (promoted) log('rotate.done', { serverKey: next.key_id, moved, conflicts, skipped })
  else log('rotate.incomplete', { serverKey: next.key_id, left: store.countNotOn(next.key_id), moved, conflicts, skipped })
  return { keyId: next.key_id, moved, conflicts, skipped, promoted }
}
