// Opening under one key: the kind check, the key schedule and the key commitment before AES-GCM
// (docs/format.md §6). Shared by sealKey/openKey (seal.ts), keyrings (keyring.ts) and rotation.
import { aesGcmOpen } from './aead.js'
import { concat, equalConstantTime } from './bytes.js'
import { passphraseMaterial } from './derive.js'
import type { KdfParams, Parsed } from './envelope.js'
import { fail } from './errors.js'
import { keyIdOf, keyState, type KeysealKey, type Material } from './keys.js'
import type { KeysealPolicy } from './policy.js'
import { platform } from './webcrypto.js'

/** @internal One key: a key object, or passphrase bytes already normalized by passphraseBytes. */
export type SingleKey = KeysealKey | Uint8Array<ArrayBuffer>

/** @internal True when `key` is of a kind that can open an envelope with this header (spec §6 step 3). */
export function compatible(key: SingleKey, p: Parsed): boolean {
  const h = p.header
  const state = keyState(key)
  const id = keyIdOf(key)
  // A passphrase opens passphrase KDFs; a key object checks its kind, and its id when both have one.
  return state ? !(id && h.keyId && id !== h.keyId) && state.fits(h) : h.params.kdf !== 'raw'
}

/**
 * @internal The AES key and commitment of one key for an envelope with these parameters and salt:
 * a passphrase runs its KDF; a key object knows its own (keys.ts).
 */
export function keyMaterial(
  key: SingleKey,
  params: KdfParams,
  salt: Uint8Array<ArrayBuffer>,
  policy: KeysealPolicy,
  signal?: AbortSignal,
): Material | Promise<Material> {
  // Not async: a derived key's material is returned as is, without a promise (cached-key path).
  return keyState(key)?.material(salt) ?? passphraseMaterial(key as Uint8Array<ArrayBuffer>, params, salt, policy, signal)
}

/**
 * @internal Open a parsed envelope (policy already checked) under one compatible key. `derive`, when
 * given, replaces the passphrase KDF with a cached derived key (bulk rotation); `signal` aborts the
 * wait for a KDF slot (src/kdf/limit.ts). The commitment is
 * compared, in constant time, before AES-GCM runs (docs/format.md §6).
 */
export async function openWithKey(
  p: Parsed,
  key: SingleKey,
  context: Uint8Array<ArrayBuffer>,
  policy: KeysealPolicy,
  signal?: AbortSignal,
  derive?: (pw: Uint8Array<ArrayBuffer>, p: Parsed) => Promise<KeysealKey>,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!compatible(key, p)) fail('KEY_MISMATCH')
  platform()
  const h = p.header
  if (derive && keyState(key) === undefined) key = await derive(key as Uint8Array<ArrayBuffer>, p)
  const { aes, commitment } = await keyMaterial(key, h.params, h.salt, policy, signal)
  if (!equalConstantTime(commitment, h.commitment)) fail('AUTH_FAILED')
  return aesGcmOpen(aes, h.nonce, p.body, aad(p.headerBytes, context))
}

/** @internal AAD = the whole encoded header || context (docs/format.md §6); no copy when there is no context. */
export function aad(header: Uint8Array<ArrayBuffer>, context: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return context.length === 0 ? header : concat(header, context)
}
