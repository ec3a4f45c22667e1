/**
 * Every failure keyseal reports, as a stable string code.
 *
 * Codes are part of the public API and never change meaning within a major version. Switch on
 * `error.code`, never on `error.message`.
 *
 * - `WEBCRYPTO_UNAVAILABLE`: `globalThis.crypto.subtle` or `crypto.getRandomValues` is missing (an insecure browser context, an old runtime).
 * - `MALFORMED_ENVELOPE`: the envelope is not a canonical keyseal envelope (wrong type, size, prefix, fields, encoding).
 * - `UNSUPPORTED_VERSION`: the envelope names a format version this build does not implement.
 * - `UNSUPPORTED_KDF`: the envelope names a key-derivation function this build does not implement, or one the
 *   policy does not enable (Argon2id without an implementation).
 * - `PARAMS_OUT_OF_POLICY`: KDF parameters are outside the policy's bounds (checked before any KDF work).
 * - `AUTH_FAILED`: wrong key, wrong context or a tampered envelope. Deliberately one code for all three.
 * - `KEY_MISMATCH`: the key is of a kind that cannot open this envelope (raw key versus passphrase, another salt, another key id).
 * - `UNKNOWN_KEY_ID`: a keyring has no key with the envelope's key id.
 * - `UNSUPPORTED_RECIPIENT`: a v2 envelope has no stanza for this key, and has a stanza of a kind (or KDF)
 *   this build does not implement (docs/format-v2.md §5, §9).
 * - `INVALID_KEY`: the passphrase or key material is unusable (empty, too long, control characters, wrong length).
 * - `INVALID_SECRET`: the secret to seal is empty, too large or not well-formed Unicode.
 * - `INVALID_CONTEXT`: the context is not a string or bytes, too long or not well-formed Unicode.
 * - `INVALID_OPTIONS`: an options or policy object is not well-formed.
 * - `KEY_USAGE`: the key cannot do this (an open-only key asked to seal, or a key past its sealing limit).
 * - `NOT_UTF8`: `openKey` found a secret that is not UTF-8 text (it was sealed as bytes): use `openKeyBytes`.
 * - `CRYPTO_FAILURE`: the platform's WebCrypto failed unexpectedly (also: a sealed envelope that
 *   keyseal's own parser would refuse, which sealKey never returns).
 * - `KDF_BUSY`: the process-wide KDF limit is reached and its queue is full (`setKdfLimits`): try again later.
 * - `ABORTED`: the call's `signal` was aborted when the call started, or aborted while it waited for a KDF slot.
 */
export type KeysealErrorCode =
  | 'WEBCRYPTO_UNAVAILABLE'
  | 'MALFORMED_ENVELOPE'
  | 'UNSUPPORTED_VERSION'
  | 'UNSUPPORTED_KDF'
  | 'PARAMS_OUT_OF_POLICY'
  | 'AUTH_FAILED'
  | 'KEY_MISMATCH'
  | 'UNKNOWN_KEY_ID'
  | 'UNSUPPORTED_RECIPIENT'
  | 'INVALID_KEY'
  | 'INVALID_SECRET'
  | 'INVALID_CONTEXT'
  | 'INVALID_OPTIONS'
  | 'KEY_USAGE'
  | 'NOT_UTF8'
  | 'CRYPTO_FAILURE'
  | 'KDF_BUSY'
  | 'ABORTED'

// Fixed messages: they never contain the input, the passphrase, the key or the plaintext
// (SECURITY-NOTES: "secrets in errors"). Nothing is ever appended to them, not even an inner error.
/**
 * The only error type keyseal throws or rejects with.
 *
 * `message` is fixed per `code` and never includes the input, key, passphrase or plaintext, so it is
 * safe to log. No `cause` is attached, because platform errors can quote their input.
 *
 * @example
 * ```ts
 * import { openKey, isKeysealError } from '@org/keyseal'
 * try {
 *   await openKey('ks1.not-an-envelope', 'correct horse battery staple')
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // MALFORMED_ENVELOPE
 * }
 * ```
 */
export class KeysealError extends Error {
  /** The stable error code. */
  readonly code: KeysealErrorCode

  /** @internal */
  constructor(code: KeysealErrorCode) {
    // The message is the code in words ("keyseal: auth failed"): fixed per code, never the input.
    // See KeysealErrorCode for what each one means.
    super('keyseal: ' + code.toLowerCase().replace(/_/g, ' '))
    this.name = 'KeysealError'
    this.code = code
  }
}

/**
 * True when `value` is a {@link KeysealError}, optionally with the given code.
 *
 * @throws Never: it only inspects `value`.
 * @example
 * ```ts
 * import { isKeysealError } from '@org/keyseal'
 * console.log(isKeysealError(new Error('x'))) // false
 * ```
 */
export function isKeysealError(value: unknown, code?: KeysealErrorCode): value is KeysealError {
  try {
    // `instanceof` runs a Proxy's getPrototypeOf trap: a revoked Proxy throws there (issue 11).
    return value instanceof KeysealError && (code === undefined || value.code === code)
  } catch {
    return false
  }
}

/** @internal Throw a fresh error with the fixed message for `code`. */
export function fail(code: KeysealErrorCode): never {
  throw new KeysealError(code)
}

/**
 * @internal Run `read`, a synchronous read of a caller's object, and turn anything but a
 * KeysealError it throws (a revoked Proxy, a throwing trap or getter) into `code`: only
 * KeysealError escapes keyseal's functions (issue 11), and the caller's error is not passed on.
 */
export function guarded<T>(read: () => T, code: KeysealErrorCode): T {
  try {
    return read()
  } catch (error) {
    if (isKeysealError(error)) throw error
    return fail(code)
  }
}
