// Byte helpers: UTF-8, strict base64url, concatenation, constant-time comparison, wiping.
// No crypto here, so the format module can depend on it without touching the platform.
import { fail, type KeysealErrorCode } from './errors.js'

const encoder = new TextEncoder()
// fatal: invalid UTF-8 is an error, never silently replaced with U+FFFD. `ascii` decodes the
// base64url character codes of large encodings (always ASCII, so it cannot fail).
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

// The base64url alphabet (RFC 4648 §5) as character codes, and its inverse for the 256 codes
// below 0x100 (characters outside the alphabet map to 0; the decoder's re-encoding check rejects
// them, see fromBase64url).
const CODES = /* @__PURE__ */ new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_')
const VALUES = new Uint8Array(256)
for (let i = 0; i < 64; i++) VALUES[CODES[i]!] = i

/**
 * @internal Unpadded base64url (RFC 4648 §5, no `=`). The character codes go into one buffer;
 * short outputs (envelope headers, keys) become a string through String.fromCharCode, long ones
 * through one TextDecoder call (concatenating a long string costs ~70 ms per MiB in V8, mostly
 * garbage collection; a TextDecoder call has a fixed cost of about a microsecond).
 */
export function toBase64url(b: Uint8Array): string {
  const n = b.length
  const length = Math.ceil((n * 4) / 3)
  const out = new Uint8Array(length + 3)
  // Reads past the end give undefined, i.e. 0 bits; the characters they feed are cut off below.
  for (let i = 0, o = 0; i < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    out[o++] = CODES[v >>> 18]!
    out[o++] = CODES[(v >> 12) & 63]!
    out[o++] = CODES[(v >> 6) & 63]!
    out[o++] = CODES[v & 63]!
  }
  const chars = out.subarray(0, length)
  return length > 1024 ? ascii.decode(chars) : String.fromCharCode.apply(null, chars as unknown as number[])
}

/**
 * @internal Strict unpadded base64url decode (SECURITY-NOTES: lax parsing). The decoding loop
 * itself is lenient; strictness comes from one rule at the end: the result must re-encode to
 * exactly `s`. The encoding of bytes is unique, so this refuses, with `code`: any character
 * outside `A-Z a-z 0-9 - _` (no `=`, `+`, `/`, whitespace, nothing above 0x7F: each re-encodes to
 * an alphabet character, which differs), a length that is 1 mod 4 (no byte string encodes to it),
 * and non-zero unused trailing bits (the re-encoding has them zero). Every accepted string is
 * the canonical encoding of its bytes.
 */
export function fromBase64url(s: string, code: KeysealErrorCode): Uint8Array<ArrayBuffer> {
  const n = s.length
  const out = new Uint8Array((n * 3) >> 2)
  // Writes past the end of `out` are dropped; charCodeAt past the end is NaN, i.e. 0 here.
  for (let i = 0, o = 0; i < n; i += 4) {
    const v =
      (VALUES[s.charCodeAt(i) & 255]! << 18) |
      (VALUES[s.charCodeAt(i + 1) & 255]! << 12) |
      (VALUES[s.charCodeAt(i + 2) & 255]! << 6) |
      VALUES[s.charCodeAt(i + 3) & 255]!
    out[o++] = v >> 16
    out[o++] = v >> 8
    out[o++] = v
  }
  if (toBase64url(out) !== s) fail(code)
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

/** @internal True for a real Uint8Array (Node Buffers are Uint8Arrays too). */
export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array || (ArrayBuffer.isView(v) && v.constructor?.name === 'Uint8Array')
}
