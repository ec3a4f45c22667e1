// Opening under one key: the kind check, the key schedule and the key commitment before AES-GCM
// (docs/format.md §6). Shared by sealKey/openKey (seal.ts), keyrings (keyring.ts) and rotation.
import { aesGcmOpen } from './aead.js'
import { concat, equalConstantTime } from './bytes.js'
import { aesGcmKeyAndCommitment, masterFromPassphrase } from './derive.js'
import type { KdfParams, Parsed } from './envelope.js'
import { fail } from './errors.js'
import { keyState, type KeysealKey } from './keys.js'
import type { KeysealPolicy } from './policy.js'
import { platform } from './webcrypto.js'

/** @internal One key: a key object, or passphrase bytes already normalized by passphraseBytes. */
export type SingleKey = KeysealKey | Uint8Array<ArrayBuffer>

/** @internal True when `key` is of a kind that can open an envelope with this header (spec §6 step 3). */
export function compatible(key: SingleKey, p: Parsed): boolean {
  const h = p.header
  const state = keyState(key)
  if (state === undefined) return h.params.kdf !== 'raw' // a passphrase opens passphrase KDFs
  const k = key as KeysealKey
  if (k.keyId !== undefined && h.keyId !== undefined && k.keyId !== h.keyId) return false
  if (state.type === 'raw') return h.params.kdf === 'raw'
  return sameParams(state.params, h.params) && equalConstantTime(state.salt, h.salt)
}

/**
 * @internal Open a parsed envelope (policy already checked) under one compatible key. `derive`, when
 * given, replaces the passphrase KDF with a cached derived key (bulk rotation).
 */
export async function openWithKey(
  p: Parsed,
  key: SingleKey,
  context: Uint8Array<ArrayBuffer>,
  policy: KeysealPolicy,
  derive?: (pw: Uint8Array<ArrayBuffer>, p: Parsed) => Promise<KeysealKey>,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!compatible(key, p)) fail('KEY_MISMATCH')
  platform()
  const h = p.header
  let aes: CryptoKey
  let commitment: Uint8Array<ArrayBuffer>
  let state = keyState(key)
  if (state === undefined && derive !== undefined) {
    key = await derive(key as Uint8Array<ArrayBuffer>, p)
    state = keyState(key)
  }
  if (state === undefined) {
    ;({ aes, commitment } = await aesGcmKeyAndCommitment(await masterFromPassphrase(key as Uint8Array<ArrayBuffer>, h.params, h.salt, policy), h.salt))
  } else if (state.type === 'raw') {
    ;({ aes, commitment } = await aesGcmKeyAndCommitment(state.base, h.salt))
  } else {
    aes = state.aes
    commitment = state.commitment
  }
  // Key commitment first (docs/format.md §6): an envelope opens under at most one key.
  if (!equalConstantTime(commitment, h.commitment)) fail('AUTH_FAILED')
  return aesGcmOpen(aes, h.nonce, p.body, aad(p.headerBytes, context))
}

/** @internal AAD = the whole encoded header || context (docs/format.md §6); no copy when there is no context. */
export function aad(header: Uint8Array<ArrayBuffer>, context: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return context.length === 0 ? header : concat(header, context)
}

/** @internal Same KDF and parameters (salt compared separately). */
export function sameParams(a: KdfParams, b: KdfParams): boolean {
  if (a.kdf === 'pbkdf2-sha256' && b.kdf === 'pbkdf2-sha256') return a.iterations === b.iterations
  if (a.kdf === 'argon2id' && b.kdf === 'argon2id') {
    return a.memoryKiB === b.memoryKiB && a.passes === b.passes && a.lanes === b.lanes
  }
  return false
}
