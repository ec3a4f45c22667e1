// sealKey / openKey: inputs -> policy check -> key -> AES-GCM -> envelope (docs/format.md §5–§6).
import { aesGcmOpen, aesGcmSeal } from './aead.js'
import { concat, equalConstantTime, fromUtf8, isBytes, wipe } from './bytes.js'
import { aesGcmKeyAndCommitment, masterFromPassphrase } from './derive.js'
import { encodeHeader, parseString, SALT_MIN, toEnvelopeString, type KdfParams } from './envelope.js'
import { fail } from './errors.js'
import { checkOptions, contextBytes, optionalKeyId, passphraseBytes, secretBytes } from './inputs.js'
import { DERIVED_KEY_SEAL_LIMIT, keyState, type KeysealKey } from './keys.js'
import { checkOpenParams, checkSealParams, resolvePolicy, type KeysealPolicy } from './policy.js'
import { platform, randomBytes } from './webcrypto.js'
import { NONCE_LENGTH } from './aead.js'

/** A passphrase (string, NFC-normalized; or bytes, used as given) or a {@link KeysealKey}. */
export type KeyInput = string | Uint8Array | KeysealKey

/** Options for {@link sealKey}. */
export interface SealOptions {
  /**
   * Where this secret belongs, for example `user:42/openai`. Not stored in the envelope, but
   * authenticated: opening needs the same context, so an envelope copied to another row fails.
   * At most 1024 bytes.
   */
  context?: string | Uint8Array
  /** KDF parameters to seal with and their floors. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy
  /** Key id to record in the header (defaults to the key object's `keyId`). */
  keyId?: string
}

/** Options for {@link openKey} and {@link openKeyBytes}. */
export interface OpenOptions {
  /** The context the envelope was sealed with (default: none). */
  context?: string | Uint8Array
  /** Bounds for the envelope's KDF parameters, checked before any KDF work. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy
}

const SEAL_OPTIONS = ['context', 'policy', 'keyId'] as const
const OPEN_OPTIONS = ['context', 'policy'] as const

/**
 * Seal a secret (an API key, a token) into an envelope string.
 *
 * With a passphrase, each call runs PBKDF2-SHA256 (600,000 iterations by default) with a fresh
 * salt; to seal many secrets, derive once with {@link deriveKey}. With a raw key from
 * {@link importKey}, each envelope gets its own salt-derived subkey. Every envelope gets a fresh
 * random nonce and is bound to `options.context`.
 *
 * @param secret The secret: a string (well-formed Unicode, kept exactly) or bytes; 1 byte to 1 MiB.
 * @param key A passphrase or a {@link KeysealKey}.
 * @returns The envelope, `ks1.<header>.<body>` (docs/format.md).
 * @throws {KeysealError} `INVALID_SECRET`, `INVALID_KEY`, `INVALID_CONTEXT`, `INVALID_OPTIONS`,
 * `PARAMS_OUT_OF_POLICY` (a derived key below the policy), `KEY_USAGE` (an open-only key),
 * `WEBCRYPTO_UNAVAILABLE`, `CRYPTO_FAILURE`.
 * @example
 * ```ts
 * import { sealKey, openKey } from '@org/keyseal'
 * const envelope = await sealKey('sk-proj-example', 'correct horse battery staple', { context: 'user:42/openai' })
 * console.log(envelope.startsWith('ks1.')) // true
 * console.log(await openKey(envelope, 'correct horse battery staple', { context: 'user:42/openai' })) // sk-proj-example
 * ```
 */
export async function sealKey(secret: string | Uint8Array, key: KeyInput, options?: SealOptions): Promise<string> {
  // Validate everything synchronously first: a bad input fails before any work is done.
  const o = checkOptions<SealOptions>(options, SEAL_OPTIONS)
  const policy = resolvePolicy(o.policy)
  const context = contextBytes(o.context)
  const optionKeyId = optionalKeyId(o.keyId)
  const plaintext = secretBytes(secret)
  const state = keyState(key)
  platform()

  let params: KdfParams
  let salt: Uint8Array<ArrayBuffer>
  let aes: CryptoKey
  let commitment: Uint8Array<ArrayBuffer>
  let keyId = optionKeyId
  if (state === undefined) {
    if (typeof key !== 'string' && !isBytes(key)) fail('INVALID_KEY')
    const pw = passphraseBytes(key)
    params = { kdf: 'pbkdf2-sha256', iterations: policy.pbkdf2.iterations }
    checkSealParams(params, policy)
    salt = randomBytes(SALT_MIN)
    ;({ aes, commitment } = await aesGcmKeyAndCommitment(await masterFromPassphrase(pw, params, salt), salt))
  } else {
    keyId ??= (key as KeysealKey).keyId
    if (state.type === 'raw') {
      // A fresh salt per envelope gives a fresh AES key per envelope (docs/format.md §8).
      params = { kdf: 'raw' }
      salt = randomBytes(SALT_MIN)
      ;({ aes, commitment } = await aesGcmKeyAndCommitment(state.base, salt))
    } else {
      if (!(key as KeysealKey).canSeal) fail('KEY_USAGE')
      checkSealParams(state.params, policy)
      // SP 800-38D §8.3: at most 2^32 random-nonce encryptions under one key. Counted before use.
      if (state.seals >= DERIVED_KEY_SEAL_LIMIT) fail('KEY_USAGE')
      state.seals++
      params = state.params
      salt = state.salt
      aes = state.aes
      commitment = state.commitment
    }
  }
  const nonce = randomBytes(NONCE_LENGTH)
  const header = encodeHeader({ params, salt, keyId, nonce, commitment })
  // AAD = the whole encoded header || context (docs/format.md §6).
  const body = await aesGcmSeal(aes, nonce, plaintext, concat(header, context))
  wipe(plaintext)
  return toEnvelopeString(header, body)
}

/**
 * Open an envelope and return the secret as bytes. Use this for secrets sealed as bytes.
 *
 * @throws {KeysealError} as {@link openKey}, except `NOT_UTF8`.
 * @example
 * ```ts
 * import { sealKey, openKeyBytes } from '@org/keyseal'
 * const envelope = await sealKey(new Uint8Array([1, 2, 3]), 'correct horse battery staple')
 * console.log(await openKeyBytes(envelope, 'correct horse battery staple')) // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export async function openKeyBytes(envelope: string, key: KeyInput, options?: OpenOptions): Promise<Uint8Array> {
  const o = checkOptions<OpenOptions>(options, OPEN_OPTIONS)
  const policy = resolvePolicy(o.policy)
  const context = contextBytes(o.context)
  const state = keyState(key)
  let pw: Uint8Array<ArrayBuffer> | undefined
  if (state === undefined) {
    if (typeof key !== 'string' && !isBytes(key)) fail('INVALID_KEY')
    pw = passphraseBytes(key)
  }
  const { header: h, headerBytes, body } = parseString(envelope)
  // Parameter bounds before any KDF work (SECURITY-NOTES: attacker-chosen KDF cost).
  checkOpenParams(h.params, policy)
  platform()

  let aes: CryptoKey
  let commitment: Uint8Array<ArrayBuffer>
  if (state === undefined) {
    if (h.params.kdf === 'raw') fail('KEY_MISMATCH')
    ;({ aes, commitment } = await aesGcmKeyAndCommitment(await masterFromPassphrase(pw!, h.params, h.salt), h.salt))
  } else {
    const k = key as KeysealKey
    if (k.keyId !== undefined && h.keyId !== undefined && k.keyId !== h.keyId) fail('KEY_MISMATCH')
    if (state.type === 'raw') {
      if (h.params.kdf !== 'raw') fail('KEY_MISMATCH')
      ;({ aes, commitment } = await aesGcmKeyAndCommitment(state.base, h.salt))
    } else {
      if (!sameParams(state.params, h.params) || !equalConstantTime(state.salt, h.salt)) fail('KEY_MISMATCH')
      aes = state.aes
      commitment = state.commitment
    }
  }
  // Key commitment first (docs/format.md §6): an envelope opens under at most one key.
  if (!equalConstantTime(commitment, h.commitment)) fail('AUTH_FAILED')
  return aesGcmOpen(aes, h.nonce, body, concat(headerBytes, context))
}

/**
 * Open an envelope and return the secret as a string.
 *
 * Checks, in order: the envelope's form, its KDF parameters against the policy (before any KDF
 * work), that the key is of the right kind, the key commitment, then AES-GCM over the header and
 * `options.context`. Wrong key, wrong context and tampering all give `AUTH_FAILED`.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`,
 * `PARAMS_OUT_OF_POLICY`, `KEY_MISMATCH`, `AUTH_FAILED`, `NOT_UTF8`, `INVALID_KEY`,
 * `INVALID_CONTEXT`, `INVALID_OPTIONS`, `WEBCRYPTO_UNAVAILABLE`.
 * @example
 * ```ts
 * import { sealKey, openKey, isKeysealError } from '@org/keyseal'
 * const envelope = await sealKey('sk-proj-example', 'correct horse battery staple', { context: 'user:42/openai' })
 * try {
 *   await openKey(envelope, 'correct horse battery staple', { context: 'user:43/openai' })
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // AUTH_FAILED
 * }
 * ```
 */
export async function openKey(envelope: string, key: KeyInput, options?: OpenOptions): Promise<string> {
  const bytes = await openKeyBytes(envelope, key, options)
  try {
    return fromUtf8(bytes, 'NOT_UTF8')
  } finally {
    wipe(bytes)
  }
}

function sameParams(a: KdfParams, b: KdfParams): boolean {
  if (a.kdf === 'pbkdf2-sha256' && b.kdf === 'pbkdf2-sha256') return a.iterations === b.iterations
  if (a.kdf === 'argon2id' && b.kdf === 'argon2id') {
    return a.memoryKiB === b.memoryKiB && a.passes === b.passes && a.lanes === b.lanes
  }
  return false
}
