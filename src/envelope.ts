// The versioned envelope format (docs/format.md): types, encode/decode, canonical checks, size caps.
// This module never touches crypto (STYLE.md habit 2). Every parse path ends in `parseBinary`, so
// the rules live in one place; every accepted input re-encodes to exactly itself.
import { base64urlLength, fromBase64url, toBase64url } from './bytes.js'
import { fail } from './errors.js'

/** @internal Format version byte (docs/format.md §3). */
export const VERSION = 1
/** @internal String-form prefix: scheme `ks`, version 1. */
export const PREFIX = 'ks1.'

/** @internal KDF identifiers (docs/format.md §4). 0x00 and 0x04–0xFF are unassigned. */
export const KDF_RAW = 0x01
export const KDF_PBKDF2_SHA256 = 0x02
export const KDF_ARGON2ID = 0x03

export const SALT_MIN = 16
export const SALT_MAX = 64
export const KEY_ID_MAX = 64
export const NONCE_LEN = 12
export const COMMITMENT_LEN = 32
export const TAG_LEN = 16
/**
 * Largest secret, in bytes, that an envelope may hold: 1 MiB (docs/format.md §11).
 *
 * @example
 * ```ts
 * import { SECRET_MAX } from '@org/keyseal'
 * console.log(SECRET_MAX) // 1048576
 * ```
 */
export const SECRET_MAX = 1024 * 1024
/** Argon2id lanes: RFC 9106 §3.1 allows 1 to 2^24 - 1. */
export const ARGON2_LANES_MAX = 0xffffff

/** KDF identifier and parameters as carried by an envelope header. */
export type KdfParams =
  | { readonly kdf: 'raw' }
  | { readonly kdf: 'pbkdf2-sha256'; readonly iterations: number }
  | { readonly kdf: 'argon2id'; readonly memoryKiB: number; readonly passes: number; readonly lanes: number }

/** @internal A decoded header. */
export interface Header {
  readonly params: KdfParams
  readonly salt: Uint8Array<ArrayBuffer>
  readonly keyId: string | undefined
  readonly nonce: Uint8Array<ArrayBuffer>
  readonly commitment: Uint8Array<ArrayBuffer>
}

/** @internal A decoded envelope: the header, its exact bytes (the AAD prefix) and ciphertext || tag. */
export interface Parsed {
  readonly header: Header
  readonly headerBytes: Uint8Array<ArrayBuffer>
  readonly body: Uint8Array<ArrayBuffer>
}

const HEADER_MAX = 1 + 1 + 12 + 1 + SALT_MAX + 1 + KEY_ID_MAX + NONCE_LEN + COMMITMENT_LEN
const BODY_MAX = SECRET_MAX + TAG_LEN
/** Longest string form; anything longer is refused before any decoding (size bombs). */
export const STRING_MAX = PREFIX.length + base64urlLength(HEADER_MAX) + 1 + base64urlLength(BODY_MAX)
/** Longest binary form. */
export const BINARY_MAX = HEADER_MAX + BODY_MAX

/** @internal Key ids: 1–64 printable ASCII characters (0x21–0x7E), no spaces. */
export function isValidKeyId(id: unknown): id is string {
  if (typeof id !== 'string' || id.length < 1 || id.length > KEY_ID_MAX) return false
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    if (c < 0x21 || c > 0x7e) return false
  }
  return true
}

function paramsLength(p: KdfParams): number {
  return p.kdf === 'raw' ? 0 : p.kdf === 'pbkdf2-sha256' ? 4 : 12
}

function putU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24
  b[o + 1] = (v >>> 16) & 255
  b[o + 2] = (v >>> 8) & 255
  b[o + 3] = v & 255
}

function getU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0
}

/** @internal Byte offset of the nonce inside an encoded header (it sits just before the commitment). */
export function nonceOffset(headerLength: number): number {
  return headerLength - COMMITMENT_LEN - NONCE_LEN
}

/**
 * @internal Encode a header (docs/format.md §3). The caller guarantees field validity (values come
 * from validated keys and policies); `parseBinary` is the validator for untrusted input.
 */
export function encodeHeader(h: Header): Uint8Array<ArrayBuffer> {
  const kid = h.keyId === undefined ? '' : h.keyId
  const n = 2 + paramsLength(h.params) + 1 + h.salt.length + 1 + kid.length + NONCE_LEN + COMMITMENT_LEN
  const b = new Uint8Array(n)
  let o = 0
  b[o++] = VERSION
  const p = h.params
  if (p.kdf === 'raw') {
    b[o++] = KDF_RAW
  } else if (p.kdf === 'pbkdf2-sha256') {
    b[o++] = KDF_PBKDF2_SHA256
    putU32(b, o, p.iterations)
    o += 4
  } else {
    b[o++] = KDF_ARGON2ID
    putU32(b, o, p.memoryKiB)
    putU32(b, o + 4, p.passes)
    putU32(b, o + 8, p.lanes)
    o += 12
  }
  b[o++] = h.salt.length
  b.set(h.salt, o)
  o += h.salt.length
  b[o++] = kid.length
  for (let i = 0; i < kid.length; i++) b[o++] = kid.charCodeAt(i)
  b.set(h.nonce, o)
  o += NONCE_LEN
  b.set(h.commitment, o)
  return b
}

/**
 * @internal Parse one header from the front of `b` (docs/format.md §3–§4). Checks, in order, with
 * the code for each: version (UNSUPPORTED_VERSION), KDF id (UNSUPPORTED_KDF), then every field's
 * length and range (MALFORMED_ENVELOPE). Policy bounds are not checked here (see policy.ts).
 * Fields are views into `b`: callers pass a buffer they own (a fresh decode or a copy).
 */
function parseHeader(b: Uint8Array<ArrayBuffer>): { header: Header; length: number } {
  if (b.length < 2) fail('MALFORMED_ENVELOPE')
  if (b[0] !== VERSION) fail('UNSUPPORTED_VERSION')
  const id = b[1]
  let o = 2
  let params: KdfParams
  const need = (k: number): void => {
    if (o + k > b.length) fail('MALFORMED_ENVELOPE')
  }
  if (id === KDF_RAW) {
    params = { kdf: 'raw' }
  } else if (id === KDF_PBKDF2_SHA256) {
    need(4)
    const iterations = getU32(b, o)
    o += 4
    // Zero iterations is not a PBKDF2 parameter (RFC 8018 §5.2 requires c >= 1).
    if (iterations === 0) fail('MALFORMED_ENVELOPE')
    params = { kdf: 'pbkdf2-sha256', iterations }
  } else if (id === KDF_ARGON2ID) {
    need(12)
    const memoryKiB = getU32(b, o)
    const passes = getU32(b, o + 4)
    const lanes = getU32(b, o + 8)
    o += 12
    // RFC 9106 §3.1: 1 <= p <= 2^24 - 1, t >= 1, m >= 8p.
    if (lanes < 1 || lanes > ARGON2_LANES_MAX || passes < 1 || memoryKiB < 8 * lanes) fail('MALFORMED_ENVELOPE')
    params = { kdf: 'argon2id', memoryKiB, passes, lanes }
  } else {
    return fail('UNSUPPORTED_KDF')
  }
  need(1)
  const saltLen = b[o++]!
  if (saltLen < SALT_MIN || saltLen > SALT_MAX) fail('MALFORMED_ENVELOPE')
  need(saltLen)
  const salt = b.subarray(o, o + saltLen)
  o += saltLen
  need(1)
  const kidLen = b[o++]!
  if (kidLen > KEY_ID_MAX) fail('MALFORMED_ENVELOPE')
  need(kidLen)
  let keyId: string | undefined
  if (kidLen > 0) {
    let s = ''
    for (let i = 0; i < kidLen; i++) {
      const c = b[o + i]!
      if (c < 0x21 || c > 0x7e) fail('MALFORMED_ENVELOPE')
      s += String.fromCharCode(c)
    }
    keyId = s
  }
  o += kidLen
  need(NONCE_LEN + COMMITMENT_LEN)
  const nonce = b.subarray(o, o + NONCE_LEN)
  o += NONCE_LEN
  const commitment = b.subarray(o, o + COMMITMENT_LEN)
  o += COMMITMENT_LEN
  return { header: { params, salt, keyId, nonce, commitment }, length: o }
}

/** @internal The body is ciphertext || 128-bit tag; the secret is 1 byte to 1 MiB (a shorter body would be a truncated tag or an empty secret, both refused). */
function checkBody(length: number): void {
  if (length < TAG_LEN + 1 || length > BODY_MAX) fail('MALFORMED_ENVELOPE')
}

/**
 * @internal Parse the binary form: header || ciphertext || tag. The input is copied first, so the
 * result never aliases the caller's memory.
 */
export function parseBinary(input: Uint8Array): Parsed {
  if (input.length > BINARY_MAX) fail('MALFORMED_ENVELOPE')
  const b = new Uint8Array(input)
  const { header, length } = parseHeader(b)
  checkBody(b.length - length)
  return { header, headerBytes: b.subarray(0, length), body: b.subarray(length) }
}

/** @internal Parse the string form `ks1.<base64url header>.<base64url body>`. */
export function parseString(s: unknown): Parsed {
  if (typeof s !== 'string') return fail('MALFORMED_ENVELOPE')
  if (s.length > STRING_MAX) fail('MALFORMED_ENVELOPE')
  if (!s.startsWith(PREFIX)) {
    // A well-formed prefix for another version (ks2., ks17.) is UNSUPPORTED_VERSION; anything else
    // (an unencrypted API key, JSON, garbage) is simply not an envelope.
    if (/^ks[1-9][0-9]{0,5}\./.test(s)) fail('UNSUPPORTED_VERSION')
    fail('MALFORMED_ENVELOPE')
  }
  const dot = s.indexOf('.', PREFIX.length)
  if (dot < 0 || s.indexOf('.', dot + 1) >= 0) fail('MALFORMED_ENVELOPE')
  const head = fromBase64url(s.slice(PREFIX.length, dot), 'MALFORMED_ENVELOPE')
  // The prefix names the version: a `ks1.` string whose header claims another version is not a
  // v1 envelope at all.
  if (head[0] !== VERSION) fail('MALFORMED_ENVELOPE')
  const { header, length } = parseHeader(head)
  // The first field must be exactly one header: no trailing bytes, no body bytes inside it.
  if (length !== head.length) fail('MALFORMED_ENVELOPE')
  const body = fromBase64url(s.slice(dot + 1), 'MALFORMED_ENVELOPE')
  checkBody(body.length)
  return { header, headerBytes: head, body }
}

/** @internal Encode the string form. */
export function toEnvelopeString(headerBytes: Uint8Array, body: Uint8Array): string {
  return PREFIX + toBase64url(headerBytes) + '.' + toBase64url(body)
}
