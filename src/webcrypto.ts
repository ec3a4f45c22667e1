// The one door to the platform: the only module that reads `globalThis.crypto` (STYLE.md habit 1).
// It is read at call time, never at import time, so importing keyseal never throws, even where
// WebCrypto is missing (an insecure browser context, Node < 19 without the flag); the first call
// then fails with WEBCRYPTO_UNAVAILABLE. No runtime sniffing, no `node:` imports, no fallback.
import { fail, KeysealError } from './errors.js'

interface Platform {
  readonly subtle: SubtleCrypto
  readonly crypto: Crypto
}

/** @internal */
export function platform(): Platform {
  const c = (globalThis as { crypto?: Crypto }).crypto
  const subtle = c?.subtle
  if (c === undefined || c === null || subtle === undefined || subtle === null || typeof c.getRandomValues !== 'function') {
    fail('WEBCRYPTO_UNAVAILABLE')
  }
  return { subtle, crypto: c }
}

/** @internal The platform's SubtleCrypto, or a typed WEBCRYPTO_UNAVAILABLE error. */
export function subtle(): SubtleCrypto {
  return platform().subtle
}

/** @internal `length` bytes from the platform CSPRNG. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length)
  platform().crypto.getRandomValues(out)
  return out
}

/**
 * @internal Run a WebCrypto call and turn any platform failure into CRYPTO_FAILURE (or the given
 * code). Platform error messages can quote their input, so they are never passed on; keyseal's own
 * errors (WEBCRYPTO_UNAVAILABLE from subtle()) pass through unchanged. Not an async function: one
 * promise fewer on every call of the cached-key path.
 */
export function guard<T>(op: () => Promise<T>, code: 'CRYPTO_FAILURE' | 'AUTH_FAILED' = 'CRYPTO_FAILURE'): Promise<T> {
  const onError = (error: unknown): never => {
    if (error instanceof KeysealError) throw error
    return fail(code)
  }
  try {
    return op().then(undefined, onError)
  } catch (error) {
    return Promise.reject(error instanceof KeysealError ? error : new KeysealError(code))
  }
}
