// The one door to the platform: the only module that reads `globalThis.crypto` (STYLE.md habit 1).
// It is read at call time, never at import time, so importing keyseal never throws, even where
// WebCrypto is missing (an insecure browser context, Node < 19 without the flag); the first call
// then fails with WEBCRYPTO_UNAVAILABLE. No runtime sniffing, no `node:` imports, no fallback.
import { fail, KeysealError } from './errors.js'

/** @internal The platform's `crypto` (with `subtle` and `getRandomValues`), or WEBCRYPTO_UNAVAILABLE. */
export function platform(): Crypto {
  const c = (globalThis as { crypto?: Crypto }).crypto
  return c?.subtle && typeof c.getRandomValues === 'function' ? c : fail('WEBCRYPTO_UNAVAILABLE')
}

/** @internal The platform's SubtleCrypto, or a typed WEBCRYPTO_UNAVAILABLE error. */
export function subtle(): SubtleCrypto {
  return platform().subtle
}

/** @internal `length` bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return platform().getRandomValues(new Uint8Array(length))
}

/**
 * @internal Run a WebCrypto call and turn any platform failure into CRYPTO_FAILURE (or the given
 * code). Platform error messages can quote their input, so they are never passed on; keyseal's own
 * errors (WEBCRYPTO_UNAVAILABLE from subtle()) pass through unchanged. Not an async function: one
 * promise fewer on every call of the cached-key path.
 */
export function guard<T>(op: () => Promise<T>, code: 'CRYPTO_FAILURE' | 'AUTH_FAILED' = 'CRYPTO_FAILURE'): Promise<T> {
  const onError = (error: unknown): never => {
    throw error instanceof KeysealError ? error : new KeysealError(code)
  }
  try {
    return op().then(undefined, onError)
  } catch (error) {
    return Promise.reject(error).catch(onError)
  }
}

/**
 * @internal A WebIDL dictionary for the platform, as a null-prototype object holding exactly
 * `members`. WebIDL converts a dictionary by reading each member with [[Get]] (WebIDL §3.2.17),
 * which walks the prototype chain: on an ordinary object literal a polluted `Object.prototype`
 * (`Object.prototype.tagLength = 32`, planted by a deep-merge bug anywhere in the process) would
 * supply every member keyseal leaves out. With no prototype, only the members given here exist;
 * callers give every member the dictionary defines, so no default is left to chance either.
 */
export function dict<T extends object>(members: T): T {
  return Object.assign(Object.create(null) as T, members)
}

/** @internal Import raw bytes as a non-extractable key (WebCrypto copies them; the caller wipes its copy). */
export function importRaw(raw: Uint8Array<ArrayBuffer>, algorithm: string | Algorithm, usages: KeyUsage[]): Promise<CryptoKey> {
  // The algorithm as a dictionary of our own (own members only, no prototype): a bare string is
  // turned into an object by the platform (WebCrypto "normalize an algorithm"), which in some
  // runtimes is an ordinary object, and a caller's object literal inherits from Object.prototype.
  return guard(() => subtle().importKey('raw', raw, dict(typeof algorithm === 'string' ? { name: algorithm } : algorithm), false, usages))
}

/** @internal `length` bytes from a WebCrypto deriveBits call (`algorithm` built with {@link dict}). */
export async function deriveBytes(algorithm: HkdfParams | Pbkdf2Params, key: CryptoKey, length: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await guard(() => subtle().deriveBits(algorithm, key, length * 8)))
}

/** @internal HashAlgorithmIdentifier for SHA-256, as a null-prototype Algorithm dictionary. */
export const sha256 = (): Algorithm => dict({ name: 'SHA-256' })
