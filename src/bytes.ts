// Byte helpers: UTF-8, strict base64url, concatenation, constant-time comparison, wiping.
// No crypto here, so the format module can depend on it without touching the platform.
import { fail, type KeysealErrorCode } from './errors.js'

const encoder = new TextEncoder()
// fatal: invalid UTF-8 is an error, never silently replaced with U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** @internal True when `s` has no lone surrogate, so its UTF-8 encoding round-trips exactly. */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdfff) {
      if (c >= 0xdc00) return false
      const d = s.charCodeAt(i + 1)
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false
      i++
    }
  }
  return true
}

/**
 * @internal UTF-8 encode a well-formed string. A lone surrogate would be silently replaced by
 * U+FFFD (WHATWG Encoding), making two different strings seal to the same bytes: refuse instead.
 */
export function utf8(s: string, code: KeysealErrorCode): Uint8Array<ArrayBuffer> {
  if (!isWellFormed(s)) fail(code)
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

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
// Decoding table for the 128 ASCII codes: the 6-bit value, or 0x80 for "not in the alphabet".
const LOOKUP = new Uint8Array(128).fill(0x80)
for (let i = 0; i < 64; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i
// Encoding table for 12-bit groups, two characters at a time; built on first use, not at import.
let PAIRS: string[] | undefined
function pairs(): string[] {
  if (PAIRS === undefined) {
    PAIRS = []
    for (let i = 0; i < 4096; i++) PAIRS.push(ALPHABET[i >> 6]! + ALPHABET[i & 63]!)
  }
  return PAIRS
}

const CODES = new Uint8Array(64)
for (let i = 0; i < 64; i++) CODES[i] = ALPHABET.charCodeAt(i)
const ascii = new TextDecoder()

/** @internal Unpadded base64url (RFC 4648 §5, no `=`). */
export function toBase64url(b: Uint8Array): string {
  const n = b.length
  // Small inputs (envelopes): concatenating two-character table entries is fastest (a TextDecoder
  // call costs a few microseconds of its own). Large inputs: write the character codes into one
  // buffer and decode it once; building a long string by concatenation costs ~70 ms per MiB in V8,
  // mostly garbage collection.
  if (n > 768) return toBase64urlLarge(b)
  const PAIRS = pairs()
  let out = ''
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    out += PAIRS[v >>> 12]! + PAIRS[v & 4095]!
  }
  if (n - i === 1) out += PAIRS[b[i]! << 4]!
  else if (n - i === 2) out += PAIRS[(b[i]! << 4) | (b[i + 1]! >>> 4)]! + ALPHABET[(b[i + 1]! & 15) << 2]!
  return out
}

function toBase64urlLarge(b: Uint8Array): string {
  const n = b.length
  const out = new Uint8Array(base64urlLength(n))
  let o = 0
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    out[o++] = CODES[v >>> 18]!
    out[o++] = CODES[(v >>> 12) & 63]!
    out[o++] = CODES[(v >>> 6) & 63]!
    out[o++] = CODES[v & 63]!
  }
  if (n - i >= 1) {
    const v = (b[i]! << 16) | ((n - i === 2 ? b[i + 1]! : 0) << 8)
    out[o++] = CODES[v >>> 18]!
    out[o++] = CODES[(v >>> 12) & 63]!
    if (n - i === 2) out[o++] = CODES[(v >>> 6) & 63]!
  }
  return ascii.decode(out)
}

/** @internal Length in characters of the unpadded base64url encoding of `n` bytes. */
export function base64urlLength(n: number): number {
  return Math.floor(n / 3) * 4 + [0, 2, 3][n % 3]!
}

/**
 * @internal Strict unpadded base64url decode (SECURITY-NOTES: lax parsing). Refuses: any character
 * outside `A-Z a-z 0-9 - _` (so no `=`, `+`, `/`, whitespace), a length that is 1 mod 4, and
 * non-zero unused trailing bits. Hence every accepted string is the unique encoding of its bytes:
 * decode then encode gives back exactly the input.
 */
export function fromBase64url(s: string, code: KeysealErrorCode): Uint8Array<ArrayBuffer> {
  const n = s.length
  const rem = n % 4
  if (rem === 1) fail(code)
  const out = new Uint8Array(((n - rem) / 4) * 3 + (rem === 0 ? 0 : rem - 1))
  // Branch-free over the input: `bad` collects the invalid-character flag (0x80) of every lookup
  // and `wide` every code unit above 0x7F; both are checked once at the end.
  let bad = 0
  let wide = 0
  let o = 0
  let i = 0
  for (; i + 4 <= n; i += 4) {
    const c0 = s.charCodeAt(i), c1 = s.charCodeAt(i + 1), c2 = s.charCodeAt(i + 2), c3 = s.charCodeAt(i + 3)
    wide |= c0 | c1 | c2 | c3
    const a = LOOKUP[c0 & 127]!, b = LOOKUP[c1 & 127]!, c = LOOKUP[c2 & 127]!, d = LOOKUP[c3 & 127]!
    bad |= a | b | c | d
    out[o++] = (a << 2) | (b >>> 4)
    out[o++] = ((b & 15) << 4) | (c >>> 2)
    out[o++] = ((c & 3) << 6) | d
  }
  if (rem >= 2) {
    const c0 = s.charCodeAt(i), c1 = s.charCodeAt(i + 1)
    wide |= c0 | c1
    const a = LOOKUP[c0 & 127]!, b = LOOKUP[c1 & 127]!
    bad |= a | b
    out[o++] = (a << 2) | (b >>> 4)
    if (rem === 2) {
      bad |= b & 15 ? 0x80 : 0 // the 4 unused bits must be zero (canonical)
    } else {
      const c2 = s.charCodeAt(i + 2)
      wide |= c2
      const c = LOOKUP[c2 & 127]!
      bad |= c | (c & 3 ? 0x80 : 0) // the 2 unused bits must be zero (canonical)
      out[o++] = ((b & 15) << 4) | (c >>> 2)
    }
  }
  if ((bad & 0x80) !== 0 || wide > 127) fail(code)
  return out
}

/** @internal Concatenate byte arrays into a fresh array. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let n = 0
  for (const p of parts) n += p.length
  const out = new Uint8Array(n)
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

/**
 * @internal Compare two byte arrays without an early exit on the first difference, so the time
 * taken does not reveal how many leading bytes match. Used for the key commitment, which an
 * attacker-supplied envelope is compared against (see docs/format.md §6).
 */
export function equalConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/** @internal Best-effort wipe of a secret byte copy once it has been imported into a CryptoKey. */
export function wipe(b: Uint8Array): void {
  b.fill(0)
}

/** @internal Copy any Uint8Array (even a view on a SharedArrayBuffer or a Buffer) into a fresh ArrayBuffer. */
export function copyBytes(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(b)
}

/** @internal True for a real Uint8Array (Node Buffers are Uint8Arrays too). */
export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array || (ArrayBuffer.isView(v) && v.constructor?.name === 'Uint8Array')
}
