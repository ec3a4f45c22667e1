// Validation of caller inputs: passphrases, secrets, contexts, options. Everything here is
// synchronous and runs before any WebCrypto call, so a bad input fails fast and nothing is half-done.
import { bytesOf, hasLoneSurrogate, utf8 } from './bytes.js'
import { fail, guarded, type KeysealErrorCode } from './errors.js'
import { isValidKeyId } from './envelope.js'
import { CONTEXT_MAX, PASSPHRASE_MAX, RAW_KEY_PREFIX, SECRET_MAX } from './constants.js'

/**
 * @internal A string (well-formed Unicode, as UTF-8) or bytes (copied) of `min` to `max` bytes, or
 * `code`. A string longer than `maxChars` UTF-16 units is refused before it is encoded or
 * normalized (size bombs), as are bytes longer than `max` before they are copied.
 */
function bytesIn(v: unknown, code: KeysealErrorCode, max: number, min = 1, maxChars = max): Uint8Array<ArrayBuffer> {
  const out =
    typeof v === 'string' ? (v.length <= maxChars ? utf8(v, code) : fail(code)) : (bytesOf(v, max) ?? fail(code))
  if (out.length < min || out.length > max) fail(code)
  return out
}

/**
 * @internal Passphrase -> bytes (docs/format.md §7). Strings: reject lone surrogates (they would
 * encode as U+FFFD and collide), normalize to NFC (RFC 8265 OpaqueString: the same passphrase typed
 * on two devices can arrive in different Unicode forms), then reject empty passphrases and control
 * characters (C0, DEL, C1): "pw" and "pw\0" derive the same PBKDF2 key, because HMAC pads short
 * keys with zeros. A string that looks like a raw key (`ksk1.`) is refused: it was meant for
 * importKey. Bytes are used exactly as given. Either way at most PASSPHRASE_MAX bytes; a string
 * of more than 4 * PASSPHRASE_MAX UTF-16 units is refused before normalization.
 */
export function passphraseBytes(p: unknown): Uint8Array<ArrayBuffer> {
  if (typeof p === 'string') {
    if (p.startsWith(RAW_KEY_PREFIX) || p.length > 4 * PASSPHRASE_MAX || hasLoneSurrogate(p)) fail('INVALID_KEY')
    p = p.normalize('NFC')
    if (/[\0-\x1f\x7f-\x9f]/.test(p as string)) fail('INVALID_KEY')
  }
  return bytesIn(p, 'INVALID_KEY', PASSPHRASE_MAX, 1, 4 * PASSPHRASE_MAX)
}

/** @internal Secret -> bytes: 1 byte to 1 MiB; strings must be well-formed Unicode (no normalization). */
export function secretBytes(s: unknown): Uint8Array<ArrayBuffer> {
  return bytesIn(s, 'INVALID_SECRET', SECRET_MAX)
}

/** @internal Context -> bytes: absent means empty; at most CONTEXT_MAX bytes; strings as UTF-8. */
export function contextBytes(c: unknown): Uint8Array<ArrayBuffer> {
  return c === undefined ? new Uint8Array(0) : bytesIn(c, 'INVALID_CONTEXT', CONTEXT_MAX, 0)
}

/**
 * @internal Options must be undefined or an object whose own keys are all known. An unknown key
 * is refused rather than ignored: a typo such as `contxt` would otherwise seal without a context.
 * The result is a copy in which every known option is an own property (undefined when not given)
 * and each given one was read exactly once: a getter cannot answer a check and the use
 * differently, and a polluted Object.prototype cannot supply an option the caller did not pass
 * (SECURITY-NOTES: prototype traps).
 */
export function checkOptions<T extends object>(o: unknown, allowed: readonly string[]): Partial<T> {
  // Null prototype: an option nobody passed is an own undefined, never a polluted Object.prototype's.
  const out: Record<string, unknown> = Object.create(null)
  for (const k of allowed) out[k] = undefined
  if (o !== undefined) {
    plainObject(o, 'INVALID_OPTIONS')
    // A throwing getter or Proxy trap is INVALID_OPTIONS, not the caller's error.
    guarded(() => {
      for (const k of Reflect.ownKeys(o as object)) {
        if (typeof k !== 'string' || !allowed.includes(k)) fail('INVALID_OPTIONS')
        out[k] = (o as Record<string, unknown>)[k]
      }
    }, 'INVALID_OPTIONS')
  }
  return out as Partial<T>
}

/**
 * @internal `o` must be a plain object: its prototype is null or an `Object.prototype` (of this
 * realm or another: an object made in an iframe or a vm context), otherwise `code`. Arrays, class
 * instances and `Object.create({ context })` are refused: keyseal reads own properties only, so an
 * option on such an object's prototype would be silently dropped (issue 11: a class with a
 * `context` getter sealed without the context).
 */
export function plainObject(o: unknown, code: KeysealErrorCode): void {
  // Array.isArray and getPrototypeOf throw on a revoked Proxy: `code`, like any other bad object.
  guarded(() => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) fail(code)
    const proto: unknown = Object.getPrototypeOf(o)
    if (proto === null || proto === Object.prototype) return
    // Another realm's Object.prototype: its own prototype is null and its own `constructor` is a
    // function named Object whose `prototype` is it. A null-prototype object carrying options is not.
    const d = Object.getPrototypeOf(proto) === null ? Object.getOwnPropertyDescriptor(proto, 'constructor') : undefined
    const ctor: unknown = d !== undefined && Object.hasOwn(d, 'value') ? d.value : undefined
    if (!(typeof ctor === 'function' && ctor.name === 'Object' && ctor.prototype === proto)) fail(code)
  }, code)
}

/** @internal An own property's value, or undefined: never read through a prototype. A throwing trap or getter is `code`. */
export function ownValue(o: object, k: string, code: KeysealErrorCode = 'INVALID_OPTIONS'): unknown {
  return guarded(() => (Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined), code)
}

/** @internal An optional key id must be 1–64 printable ASCII characters. */
export function optionalKeyId(id: unknown): string | undefined {
  if (id === undefined) return undefined
  if (!isValidKeyId(id)) return fail('INVALID_OPTIONS')
  return id
}

/**
 * @internal An optional AbortSignal: any object with an `addEventListener` method whose `aborted`
 * reads as a boolean (signals of other realms and polyfills pass); anything else, or a throwing
 * getter or trap, is INVALID_OPTIONS. An aborted one is ABORTED, as the platform's own APIs do.
 */
export function checkSignal(s: unknown): AbortSignal | undefined {
  const a = s === undefined ? false : guarded(() => (typeof (s as AbortSignal).addEventListener == 'function' ? (s as AbortSignal).aborted : 0), 'INVALID_OPTIONS')
  if (a !== false) fail(a === true ? 'ABORTED' : 'INVALID_OPTIONS')
  return s as AbortSignal | undefined
}
