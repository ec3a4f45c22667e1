// sealKey / openKey: inputs -> policy check -> key -> AES-GCM -> envelope (docs/format.md §5–§6).
import { aesGcmSeal } from './aead.js'
import { NONCE_LEN, SALT_MIN } from './constants.js'
import { fromUtf8, wipe } from './bytes.js'
import { encodeHeader, parseString, toEnvelopeString, type KdfParams, type Parsed } from './envelope.js'
import { fail } from './errors.js'
import { checkOptions, contextBytes, optionalKeyId, checkSignal, passphraseBytes, secretBytes } from './inputs.js'
import { keyringState, type Keyring, type ResolvedEntry } from './keyring.js'
import { keyIdOf, keyState, type KeysealKey } from './keys.js'
import { checkOpenParams, checkSealParams, resolvePolicy, sealParams, type KeysealPolicy } from './policy.js'
import { aad, keyMaterial, openWithKey, type SingleKey } from './open.js'
import { dict, platform, randomBytes } from './webcrypto.js'

/** A passphrase (string, NFC-normalized; or bytes, used as given), a {@link KeysealKey} or a {@link Keyring}. */
export type KeyInput = string | Uint8Array | KeysealKey | Keyring

export type { SingleKey }

/** Options for {@link sealKey}. */
export interface SealOptions {
  /**
   * Where this secret belongs, for example `user:42/openai`. Not stored in the envelope, but
   * authenticated: opening needs the same context, so an envelope copied to another row fails.
   * At most 1024 bytes.
   */
  context?: string | Uint8Array | undefined
  /** KDF parameters to seal with and their floors: a policy from {@link createPolicy}. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy | undefined
  /**
   * Key id to record in the header, for a passphrase or a key object without one. A key object's
   * own `keyId` is recorded by default; a different one here is `INVALID_OPTIONS` (that envelope
   * would not open with its own key: `KEY_MISMATCH`), and so is any `keyId` with a keyring.
   */
  keyId?: string | undefined
  /**
   * Gives up waiting for a KDF slot (the process-wide limit of {@link setKdfLimits}) when it aborts:
   * the call rejects with `ABORTED`, as it does at once when the signal is already aborted (with
   * any key). A KDF already running finishes. Anything but an AbortSignal is `INVALID_OPTIONS`.
   */
  signal?: AbortSignal | undefined
}

/** Options for {@link openKey} and {@link openKeyBytes}. */
export interface OpenOptions {
  /** The context the envelope was sealed with (default: none). */
  context?: string | Uint8Array | undefined
  /** Bounds for the envelope's KDF parameters, checked before any KDF work: a policy from {@link createPolicy}. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy | undefined
  /** Gives up waiting for a KDF slot when it aborts (`ABORTED`), as {@link SealOptions.signal}. */
  signal?: AbortSignal | undefined
}

const SEAL_OPTIONS = ['context', 'policy', 'keyId', 'signal'] as const
const OPEN_OPTIONS = ['context', 'policy', 'signal'] as const

/** @internal Turn a caller's key argument into a single key or a keyring entry list (sync validation). */
export function resolveKeyInput(key: unknown): { single: SingleKey } | { ring: NonNullable<ReturnType<typeof keyringState>> } {
  // Null-prototype records: `'ring' in k` and `'single' in k` see only what is set here, never a
  // polluted Object.prototype.ring (issue 11).
  const ring = keyringState(key)
  // A keyring, a key object, or else a passphrase (INVALID_KEY from passphraseBytes). Both lookups
  // are WeakMap reads with no side effect, so their order does not matter.
  return dict(ring !== undefined ? { ring } : { single: keyState(key) !== undefined ? (key as KeysealKey) : passphraseBytes(key) })
}

/** @internal Seal validated plaintext under one key. */
export async function sealWithKey(
  plaintext: Uint8Array<ArrayBuffer>,
  key: SingleKey,
  context: Uint8Array<ArrayBuffer>,
  policy: KeysealPolicy,
  signal?: AbortSignal,
  keyIdOption?: string,
): Promise<string> {
  platform()
  const state = keyState(key)
  let params: KdfParams
  let salt: Uint8Array<ArrayBuffer>
  if (state) {
    ;({ params, salt } = state.sealing(policy))
  } else {
    // A passphrase: a fresh salt, hence fresh keys, for every envelope.
    params = sealParams(policy)
    checkSealParams(params, policy)
    salt = randomBytes(SALT_MIN)
  }
  const { aes, commitment } = await keyMaterial(key, params, salt, policy, signal)
  const keyId = keyIdOption ?? keyIdOf(key)
  const nonce = randomBytes(NONCE_LEN)
  const header = encodeHeader({ params, salt, keyId, nonce, commitment })
  // AAD = the whole encoded header || context (docs/format.md §6).
  const body = await aesGcmSeal(aes, nonce, plaintext, aad(header, context))
  const envelope = toEnvelopeString(header, body)
  // Last line of defence (issue 11, item 2; docs/format.md §14): never return an envelope this
  // library's own parser refuses (a platform that cut the tag, a key id planted past the checks):
  // the caller would store it and lose the secret. The inputs were valid, so it is CRYPTO_FAILURE.
  try {
    parseString(envelope)
  } catch {
    fail('CRYPTO_FAILURE')
  }
  return envelope
}

/**
 * @internal Open under a single key or a keyring. With a keyring: the envelope's key id picks the
 * one key to use (an unknown id is UNKNOWN_KEY_ID; no other key is tried). Without a key id, each
 * compatible key is tried, primary first. The keyring half lives with the Keyring (keyring.ts), so
 * a bundle that never builds a keyring does not carry it.
 */
export function openResolved(
  p: Parsed,
  key: ReturnType<typeof resolveKeyInput>,
  context: Uint8Array<ArrayBuffer>,
  policy: KeysealPolicy,
  signal?: AbortSignal,
  derive?: (pw: Uint8Array<ArrayBuffer>, p: Parsed, entry: ResolvedEntry | undefined) => Promise<KeysealKey>,
): Promise<Uint8Array<ArrayBuffer>> {
  if ('single' in key) return openWithKey(p, key.single, context, policy, signal, derive && ((pw, q) => derive(pw, q, undefined)))
  return key.ring.open(key.ring, p, context, policy, signal, derive)
}

/**
 * Seal a secret (an API key, a token) into an envelope string.
 *
 * With a passphrase, each call runs PBKDF2-SHA256 (600,000 iterations by default) with a fresh
 * salt; to seal many secrets, derive once with {@link deriveKey}. With a raw key from
 * {@link importKey}, each envelope gets its own salt-derived subkey. With a {@link Keyring}, the
 * primary key seals and its id is recorded. Every envelope gets a fresh random nonce and is bound
 * to `options.context`.
 *
 * @param secret The secret: a string (well-formed Unicode, kept exactly) or bytes; 1 byte to 1 MiB.
 * @param key A passphrase, a {@link KeysealKey} or a {@link Keyring}.
 * @returns The envelope, `ks1.<header>.<body>` (docs/format.md).
 * @throws {KeysealError} `INVALID_SECRET`, `INVALID_KEY`, `INVALID_CONTEXT`, `INVALID_OPTIONS`,
 * `PARAMS_OUT_OF_POLICY` (a derived key below the policy), `UNSUPPORTED_KDF` (an Argon2id-derived
 * key under a policy without Argon2id), `KEY_USAGE` (an open-only key), `WEBCRYPTO_UNAVAILABLE`,
 * `CRYPTO_FAILURE`.
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
  let keyId = optionalKeyId(o.keyId)
  const signal = checkSignal(o.signal)
  const plaintext = secretBytes(secret)
  // The key (and its passphrase copy) is resolved inside the try: whichever check fails after the
  // plaintext copy, no copy outlives the call.
  let k: ReturnType<typeof resolveKeyInput> | undefined
  try {
    k = resolveKeyInput(key)
    let single: SingleKey
    if ('ring' in k) {
      if (keyId !== undefined) fail('INVALID_OPTIONS')
      single = k.ring.primary.key
      keyId = k.ring.primary.id
    } else {
      single = k.single
      // An id that contradicts the key object's own would make an envelope its key cannot open.
      const own = keyIdOf(single)
      if (keyId !== undefined && own !== undefined && keyId !== own) fail('INVALID_OPTIONS')
    }
    return await sealWithKey(plaintext, single, context, policy, signal, keyId)
  } finally {
    wipe(plaintext)
    if (k !== undefined && 'single' in k && keyState(k.single) === undefined) wipe(k.single as Uint8Array)
  }
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
  const signal = checkSignal(o.signal)
  const k = resolveKeyInput(key)
  try {
    const p = parseString(envelope)
    // Parameter bounds before any KDF work (SECURITY-NOTES: attacker-chosen KDF cost).
    checkOpenParams(p.header.params, policy)
    return await openResolved(p, k, context, policy, signal)
  } finally {
    if ('single' in k && keyState(k.single) === undefined) wipe(k.single as Uint8Array)
  }
}

/**
 * Open an envelope and return the secret as a string.
 *
 * Checks, in order: the envelope's form, its KDF parameters against the policy (before any KDF
 * work), that the key is of the right kind, the key commitment, then AES-GCM over the header and
 * `options.context`. Wrong key, wrong context and tampering all give `AUTH_FAILED`.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`,
 * `PARAMS_OUT_OF_POLICY`, `KEY_MISMATCH`, `UNKNOWN_KEY_ID` (keyrings), `AUTH_FAILED`, `NOT_UTF8`,
 * `INVALID_KEY`, `INVALID_CONTEXT`, `INVALID_OPTIONS`, `WEBCRYPTO_UNAVAILABLE`, `CRYPTO_FAILURE`
 * (the platform failed, or an Argon2id implementation returned an all-zero or wrong-length key).
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
