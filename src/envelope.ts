// The versioned envelope format (docs/format.md): types, encode/decode, canonical checks, size caps.
// This module never touches crypto (STYLE.md habit 2). Every parse path goes through `parseHeader`, so
// the rules live in one place; every accepted input re-encodes to exactly itself.
import { fromBase64url, toBase64url } from './bytes.js'
import { fail } from './errors.js'
import { ARGON2_LANES_MAX, BODY_MAX, COMMITMENT_LEN, KDF_ARGON2ID, KDF_PBKDF2_SHA256, KDF_RAW, NONCE_LEN, PREFIX, SALT_MAX, SALT_MIN, STRING_MAX, TAG_LEN, VERSION } from './constants.js'



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

/** @internal Key ids: 1–64 printable ASCII characters (0x21–0x7E), no spaces. */
export function isValidKeyId(id: unknown): id is string {
  return typeof id === 'string' && /^[!-~]{1,64}$/.test(id)
}

/**
 * @internal Encode a header (docs/format.md §3). The caller guarantees field validity (values come
 * from validated keys and policies); `parseBinary` is the validator for untrusted input.
 */
export function encodeHeader(h: Header): Uint8Array<ArrayBuffer> {
  const p = h.params
  const kid = h.keyId ?? ''
  const fields = p.kdf === 'raw' ? [] : p.kdf === 'pbkdf2-sha256' ? [p.iterations] : [p.memoryKiB, p.passes, p.lanes]
  const b = new Uint8Array(4 * fields.length + h.salt.length + kid.length + 4 + NONCE_LEN + COMMITMENT_LEN)
  const view = new DataView(b.buffer)
  b[0] = VERSION
  b[1] = fields.length === 0 ? KDF_RAW : fields.length === 1 ? KDF_PBKDF2_SHA256 : KDF_ARGON2ID
  let o = 2
  for (const v of fields) view.setUint32((o += 4) - 4, v) // big-endian
  b[o++] = h.salt.length
  b.set(h.salt, o)
  o += h.salt.length
  b[o++] = kid.length
  for (let i = 0; i < kid.length; i++) b[o++] = kid.charCodeAt(i)
  b.set(h.nonce, o)
  b.set(h.commitment, o + NONCE_LEN)
  return b
}

/**
 * @internal Parse one header from the front of `b` (docs/format.md §3–§4). Checks, in order, with
 * the code for each: version (UNSUPPORTED_VERSION), KDF id (UNSUPPORTED_KDF), then every field's
 * length and range (MALFORMED_ENVELOPE). Policy bounds are not checked here (see policy.ts).
 * Fields are views into `b`: callers pass a buffer they own (a fresh decode or a copy).
 */
function parseHeader(b: Uint8Array<ArrayBuffer>): { header: Header; length: number } {
  let o = 0
  /** The next `n` bytes, or MALFORMED_ENVELOPE when the header ends first. */
  const take = (n: number): Uint8Array<ArrayBuffer> => (o + n > b.length ? fail('MALFORMED_ENVELOPE') : b.subarray(o, (o += n)))
  const byte = (): number => take(1)[0]!
  const u32 = (): number => {
    const x = take(4)
    return ((x[0]! << 24) | (x[1]! << 16) | (x[2]! << 8) | x[3]!) >>> 0 // big-endian
  }
  // The version byte first (§14): an empty input is MALFORMED_ENVELOPE, a one-byte input of
  // another version UNSUPPORTED_VERSION, a lone version byte MALFORMED_ENVELOPE.
  if (byte() !== VERSION) fail('UNSUPPORTED_VERSION')
  const id = byte()
  let params: KdfParams
  if (id === KDF_RAW) {
    params = { kdf: 'raw' }
  } else if (id === KDF_PBKDF2_SHA256) {
    params = { kdf: 'pbkdf2-sha256', iterations: u32() }
    // Zero iterations is not a PBKDF2 parameter (RFC 8018 §5.2 requires c >= 1).
    if (params.iterations < 1) fail('MALFORMED_ENVELOPE')
  } else if (id === KDF_ARGON2ID) {
    params = { kdf: 'argon2id', memoryKiB: u32(), passes: u32(), lanes: u32() }
    // RFC 9106 §3.1: 1 <= p <= 2^24 - 1, t >= 1, m >= 8p.
    if (params.lanes < 1 || params.lanes > ARGON2_LANES_MAX || params.passes < 1 || params.memoryKiB < 8 * params.lanes) fail('MALFORMED_ENVELOPE')
  } else {
    return fail('UNSUPPORTED_KDF')
  }
  const saltLen = byte()
  if (saltLen < SALT_MIN || saltLen > SALT_MAX) fail('MALFORMED_ENVELOPE')
  const salt = take(saltLen)
  const kidBytes = take(byte())
  const keyId = kidBytes.length > 0 ? String.fromCharCode(...kidBytes) : undefined
  if (keyId !== undefined && !isValidKeyId(keyId)) fail('MALFORMED_ENVELOPE')
  const nonce = take(NONCE_LEN)
  const commitment = take(COMMITMENT_LEN)
  return { header: { params, salt, keyId, nonce, commitment }, length: o }
}

/** @internal The body is ciphertext || 128-bit tag; the secret is 1 byte to 1 MiB (a shorter body would be a truncated tag or an empty secret, both refused). */
function checkBody(length: number): void {
  if (length < TAG_LEN + 1 || length > BODY_MAX) fail('MALFORMED_ENVELOPE')
}

/**
 * @internal Parse the binary form: header || ciphertext || tag. The result's fields are views into
 * `b`, so callers pass their own copy (envelopeFromBytes copies at most BINARY_MAX bytes).
 */
export function parseBinary(b: Uint8Array<ArrayBuffer>): Parsed {
  const { header, length } = parseHeader(b)
  checkBody(b.length - length)
  return { header, headerBytes: b.subarray(0, length), body: b.subarray(length) }
}

/** @internal Parse the string form `ks1.<base64url header>.<base64url body>`. */
export function parseString(s: unknown): Parsed {
  if (typeof s !== 'string' || s.length > STRING_MAX) return fail('MALFORMED_ENVELOPE')
  // A well-formed prefix for another version (ks2., ks17.) is UNSUPPORTED_VERSION; anything else
  // (an unencrypted API key, JSON, garbage) is simply not an envelope.
  if (!s.startsWith(PREFIX) && /^ks[1-9][0-9]{0,5}\./.test(s)) fail('UNSUPPORTED_VERSION')
  const parts = s.split('.')
  if (parts.length !== 3 || parts[0] + '.' !== PREFIX) fail('MALFORMED_ENVELOPE')
  const head = fromBase64url(parts[1]!, 'MALFORMED_ENVELOPE')
  // The prefix names the version: a `ks1.` string whose header claims another version is not a
  // v1 envelope at all.
  if (head[0] !== VERSION) fail('MALFORMED_ENVELOPE')
  const { header, length } = parseHeader(head)
  // The first field must be exactly one header: no trailing bytes, no body bytes inside it.
  if (length !== head.length) fail('MALFORMED_ENVELOPE')
  const body = fromBase64url(parts[2]!, 'MALFORMED_ENVELOPE')
  checkBody(body.length)
  return { header, headerBytes: head, body }
}

/** @internal Encode the string form. */
export function toEnvelopeString(headerBytes: Uint8Array, body: Uint8Array): string {
  return PREFIX + toBase64url(headerBytes) + '.' + toBase64url(body)
}
