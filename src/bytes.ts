// Byte helpers: UTF-8, strict base64url, concatenation, constant-time comparison, wiping.
// No crypto here, so the format module can depend on it without touching the platform.
import { fail, type KeysealErrorCode } from './errors.js'

const encoder = new TextEncoder()
// fatal: invalid UTF-8 is an error, never silently replaced with U+FFFD. `ascii` decodes the
// base64url character codes of an encoding (always ASCII, so it cannot fail).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const ascii = new TextDecoder()

/**
 * @internal True when `s` has a lone surrogate. With the `u` flag a regular expression reads `s`
 * by code points: a surrogate pair is one astral code point, so only an unpaired surrogate is in
 * the category Cs (Surrogate).
 */
export function hasLoneSurrogate(s: string): boolean {
  return /\p{Cs}/u.test(s)
}

/**
 * @internal UTF-8 encode a well-formed string. A lone surrogate would be silently replaced by
 * U+FFFD (WHATWG Encoding), making two different strings seal to the same bytes: refuse instead.
 */
export function utf8(s: string, code: KeysealErrorCode): Uint8Array<ArrayBuffer> {
  if (hasLoneSurrogate(s)) fail(code)
  return encoder.encode(s) as Uint8Array<ArrayBuffer>
}

/** @internal Strict UTF-8 decode; invalid UTF-8 fails with `code`. */
export function fromUtf8(b: Uint8Array, code: KeysealErrorCode): string {
  try {
    return decoder.decode(b)
  } catch {
    return fail(code)
  }
}

// The base64url alphabet's character codes (RFC 4648 §5), and the decoding table for the 128
// ASCII codes: the 6-bit value, or 0x80 for "not in the alphabet".
const CODES = /* @__PURE__ */ encoder.encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')
const LOOKUP = new Uint8Array(128).fill(0x80)
for (let i = 0; i < 64; i++) LOOKUP[CODES[i]!] = i

/**
 * @internal Unpadded base64url (RFC 4648 §5, no `=`). Reads past the end of `b` give undefined,
 * i.e. 0 bits; the characters they feed are cut off. The character codes go into one buffer that
 * is decoded once, whatever the length: building a long string by concatenation costs ~70 ms per
 * MiB in V8 (mostly garbage collection), and for envelope-sized inputs (62-300 bytes) one decode
 * measured as fast as concatenation or faster (Node 20, 2026-12-07), so there is one path.
 */
export function toBase64url(b: Uint8Array): string {
  const n = b.length
  const length = Math.ceil((n * 4) / 3)
  // Up to 3 codes past `length` are written by the last group (and cut off).
  const chars = new Uint8Array(length + 3)
  for (let i = 0, o = 0; i < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    chars[o++] = CODES[v >>> 18]!
    chars[o++] = CODES[(v >> 12) & 63]!
    chars[o++] = CODES[(v >> 6) & 63]!
    chars[o++] = CODES[v & 63]!
  }
  return ascii.decode(chars.subarray(0, length))
}

/**
 * @internal Strict unpadded base64url decode (SECURITY-NOTES: lax parsing). Refuses, with `code`:
 * any character outside `A-Z a-z 0-9 - _` (so no `=`, `+`, `/`, whitespace, nothing above 0x7F),
 * a length that is 1 mod 4, and non-zero unused trailing bits. Hence every accepted string is the
 * unique encoding of its bytes: decode then encode gives back exactly the input. The checks are
 * collected over the whole input and tested once at the end.
 */
export function fromBase64url(s: string, code: KeysealErrorCode): Uint8Array<ArrayBuffer> {
  const n = s.length
  const out = new Uint8Array((n * 3) >> 2)
  // `bad` collects the not-in-the-alphabet flag (0x80) of every character; `acc` holds the
  // `bits` decoded bits not yet written (at most 12 are kept).
  let bad = n % 4 === 1 ? 0x80 : 0
  let acc = 0
  let bits = 0
  for (let i = 0, o = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    const v = c < 128 ? LOOKUP[c]! : 0x80
    bad |= v
    acc = ((acc << 6) | (v & 63)) & 0xfff
    bits += 6
    if (bits >= 8) out[o++] = acc >> (bits -= 8)
  }
  // The unused trailing bits (2 or 4) must be zero (canonical).
  if (bad & 0x80 || acc & ((1 << bits) - 1)) fail(code)
  return out
}

/** @internal Concatenate two byte arrays into a fresh array. */
export function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/**
 * @internal Compare two byte arrays without an early exit on the first difference, so the time
 * taken does not reveal how many leading bytes match. Used for the key commitment, which an
 * attacker-supplied envelope is compared against (see docs/format.md §6).
 */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/** @internal Best-effort wipe of a secret byte copy once it has been imported into a CryptoKey. */
export function wipe(b: Uint8Array): void {
  b.fill(0)
}

// The getters of %TypedArray%.prototype read a typed array's internal slots ([[TypedArrayName]],
// [[ArrayLength]]), so they are brand checks: a Proxy, an Object.create(Uint8Array.prototype), a
// Float64Array subclass named Uint8Array or an overridden `length` cannot fake them (where
// `instanceof` and `constructor.name` can), they work across realms (iframes, vm contexts), and
// on anything that is not a typed array the tag getter returns undefined instead of throwing.
const TYPED_ARRAY = /* @__PURE__ */ Object.getPrototypeOf(Uint8Array.prototype) as object
const tagOf = /* @__PURE__ */ Object.getOwnPropertyDescriptor(TYPED_ARRAY, Symbol.toStringTag)!.get!
const lengthOf = /* @__PURE__ */ Object.getOwnPropertyDescriptor(TYPED_ARRAY, 'length')!.get!

/**
 * @internal A copy of `v` when it is a real Uint8Array (Node Buffers and other subclasses too) of at
 * most `max` bytes, or undefined. The length is checked before copying, so an oversized input
 * costs nothing.
 */
export function bytesOf(v: unknown, max: number): Uint8Array<ArrayBuffer> | undefined {
  return tagOf.call(v) === 'Uint8Array' && lengthOf.call(v) <= max ? new Uint8Array(v as Uint8Array) : undefined
}
