// Validation of caller inputs: passphrases, secrets, contexts, options. Everything here is
// synchronous and runs before any WebCrypto call, so a bad input fails fast and nothing is half-done.
import { copyBytes, isBytes, isWellFormed, utf8 } from './bytes.js'
import { fail } from './errors.js'
import { isValidKeyId, SECRET_MAX } from './envelope.js'

/** Longest passphrase, in UTF-8 bytes after normalization (docs/format.md §7). */
export const PASSPHRASE_MAX = 1024
/** Longest context, in bytes (docs/format.md §5). */
export const CONTEXT_MAX = 1024
/** Prefix of the string form of a raw key (see generateKey). */
export const RAW_KEY_PREFIX = 'ksk1.'

/**
 * @internal Passphrase -> bytes (docs/format.md §7). Strings: reject lone surrogates (they would
 * encode as U+FFFD and collide), normalize to NFC (RFC 8265 OpaqueString: the same passphrase typed
 * on two devices can arrive in different Unicode forms), then reject empty passphrases and control
 * characters (C0, DEL, C1): "pw" and "pw\0" derive the same PBKDF2 key, because HMAC pads short
 * keys with zeros. Bytes are used exactly as given. Either way at most PASSPHRASE_MAX bytes.
 */
export function passphraseBytes(p: string | Uint8Array): Uint8Array<ArrayBuffer> {
  let out: Uint8Array<ArrayBuffer>
  if (typeof p === 'string') {
    // A raw key string passed where a passphrase goes would "work" as a weak-by-accident passphrase
    // with a slow KDF; refuse it so the mistake is seen (raw keys go through importKey).
    if (p.startsWith(RAW_KEY_PREFIX)) fail('INVALID_KEY')
    // Cheap guard before normalizing a huge string; the exact byte cap is applied after encoding.
    if (p.length > 4 * PASSPHRASE_MAX || !isWellFormed(p)) fail('INVALID_KEY')
    const s = p.normalize('NFC')
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) fail('INVALID_KEY')
    }
    out = utf8(s, 'INVALID_KEY')
  } else if (isBytes(p)) {
    out = copyBytes(p)
  } else {
    return fail('INVALID_KEY')
  }
  if (out.length === 0 || out.length > PASSPHRASE_MAX) fail('INVALID_KEY')
  return out
}

/** @internal Secret -> bytes: 1 byte to 1 MiB; strings must be well-formed Unicode (no normalization). */
export function secretBytes(s: unknown): Uint8Array<ArrayBuffer> {
  let out: Uint8Array<ArrayBuffer>
  if (typeof s === 'string') {
    // Cheap size check before encoding: UTF-8 needs at least one byte per UTF-16 unit.
    if (s.length > SECRET_MAX) fail('INVALID_SECRET')
    out = utf8(s, 'INVALID_SECRET')
  } else if (isBytes(s)) {
    if (s.length > SECRET_MAX) fail('INVALID_SECRET')
    out = copyBytes(s)
  } else {
    return fail('INVALID_SECRET')
  }
  // An empty secret is almost always a bug (an unset environment variable); sealing it would store
  // a useless envelope silently.
  if (out.length === 0 || out.length > SECRET_MAX) fail('INVALID_SECRET')
  return out
}

const EMPTY = new Uint8Array(0)

/** @internal Context -> bytes: absent means empty; at most CONTEXT_MAX bytes; strings as UTF-8. */
export function contextBytes(c: unknown): Uint8Array<ArrayBuffer> {
  if (c === undefined) return EMPTY
  let out: Uint8Array<ArrayBuffer>
  if (typeof c === 'string') {
    if (c.length > CONTEXT_MAX) fail('INVALID_CONTEXT')
    out = utf8(c, 'INVALID_CONTEXT')
  } else if (isBytes(c)) {
    out = copyBytes(c)
  } else {
    return fail('INVALID_CONTEXT')
  }
  if (out.length > CONTEXT_MAX) fail('INVALID_CONTEXT')
  return out
}

/**
 * @internal Options must be undefined or an object whose own keys are all known. An unknown key
 * is refused rather than ignored: a typo such as `contxt` would otherwise seal without a context.
 */
export function checkOptions<T extends object>(o: unknown, allowed: readonly string[]): Partial<T> {
  if (o === undefined) return {}
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return fail('INVALID_OPTIONS')
  for (const k of Reflect.ownKeys(o)) {
    if (typeof k !== 'string' || !allowed.includes(k)) fail('INVALID_OPTIONS')
  }
  return o as Partial<T>
}

/** @internal An optional key id must be 1–64 printable ASCII characters. */
export function optionalKeyId(id: unknown): string | undefined {
  if (id === undefined) return undefined
  if (!isValidKeyId(id)) return fail('INVALID_OPTIONS')
  return id
}
