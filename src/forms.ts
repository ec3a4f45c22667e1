// The three lossless forms of an envelope (string, JSON object, bytes) and `inspect`.
// No crypto, no key: everything here reads only the public header (docs/format.md §9–§10).
import { bytesOf, concat, fromBase64url, toBase64url } from './bytes.js'
import { BINARY_MAX, COMMITMENT_LEN, NONCE_LEN, STRING_MAX, TAG_LEN, VERSION } from './constants.js'
import { encodeHeader, isValidKeyId, parseBinary, parseString, toEnvelopeString, type KdfParams } from './envelope.js'
import { fail, guarded } from './errors.js'

/** What {@link inspect} reports about an envelope. Needs no key. */
export interface EnvelopeInfo {
  /** Format version (1). */
  readonly version: 1
  /** KDF id and its parameters. */
  readonly kdf: KdfParams
  /** Key id recorded at sealing, or `undefined`. */
  readonly keyId: string | undefined
  /** KDF salt, base64url. Envelopes sealed by one derived key share it. */
  readonly salt: string
  /** Length of the sealed secret in bytes. */
  readonly secretLength: number
  /** Length of the binary form in bytes. */
  readonly byteLength: number
}

/**
 * Describe an envelope without opening it: version, KDF and parameters, key id, salt and sizes.
 * It validates the envelope fully (the same parser as {@link openKey}), so a malformed one throws.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`.
 * @example
 * ```ts
 * import { sealKey, inspect, createPolicy } from '@org/keyseal'
 * const envelope = await sealKey('sk-test-123', 'correct horse battery staple')
 * const info = inspect(envelope)
 * console.log(info.kdf) // { kdf: 'pbkdf2-sha256', iterations: 600000 }
 * console.log(info.secretLength) // 11
 * ```
 */
export function inspect(envelope: string): EnvelopeInfo {
  const p = parseString(envelope)
  return Object.freeze({
    version: VERSION,
    kdf: Object.freeze({ ...p.header.params }),
    keyId: p.header.keyId,
    salt: toBase64url(p.header.salt),
    secretLength: p.body.length - TAG_LEN,
    byteLength: p.headerBytes.length + p.body.length,
  })
}

/** The JSON object form of an envelope (docs/format.md §10), for document stores. */
export type EnvelopeJSON = {
  readonly v: 1
  readonly salt: string
  readonly keyId?: string
  readonly nonce: string
  readonly commitment: string
  readonly ciphertext: string
  readonly tag: string
} & (
  | { readonly kdf: 'raw' }
  | { readonly kdf: 'pbkdf2-sha256'; readonly iterations: number }
  | { readonly kdf: 'argon2id'; readonly memoryKiB: number; readonly passes: number; readonly lanes: number }
)

/**
 * Convert an envelope string to its JSON object form. Lossless: {@link envelopeFromJSON} gives back
 * the same string.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`.
 * @example
 * ```ts
 * import { sealKey, envelopeToJSON, envelopeFromJSON } from '@org/keyseal'
 * const envelope = await sealKey('sk-test-123', 'correct horse battery staple')
 * const doc = envelopeToJSON(envelope)
 * console.log(doc.kdf, doc.v) // pbkdf2-sha256 1
 * console.log(envelopeFromJSON(doc) === envelope) // true
 * ```
 */
export function envelopeToJSON(envelope: string): EnvelopeJSON {
  const { header: h, body } = parseString(envelope)
  const n = body.length - TAG_LEN
  // Spreading the parameters gives `kdf` and then its fields, in header order.
  return {
    v: VERSION,
    ...h.params,
    salt: toBase64url(h.salt),
    ...(h.keyId !== undefined && { keyId: h.keyId }),
    nonce: toBase64url(h.nonce),
    commitment: toBase64url(h.commitment),
    ciphertext: toBase64url(body.subarray(0, n)),
    tag: toBase64url(body.subarray(n)),
  } as EnvelopeJSON
}

const KEYS: Readonly<Record<KdfParams['kdf'], readonly string[]>> = {
  raw: [],
  'pbkdf2-sha256': ['iterations'],
  argon2id: ['memoryKiB', 'passes', 'lanes'],
}
const COMMON = ['v', 'kdf', 'salt', 'keyId', 'nonce', 'commitment', 'ciphertext', 'tag']

/** A JSON number that is an integer in 0..max (range rules beyond that are the binary parser's job). */
function intField(v: unknown, max: number): number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max ? (v as number) : fail('MALFORMED_ENVELOPE')
}

/** Strict base64url of exactly `len` bytes, or (`upTo`) at most `len`; the string length is capped before decoding. */
function b64Field(v: unknown, len: number, upTo?: boolean): Uint8Array<ArrayBuffer> {
  if (typeof v !== 'string' || v.length > Math.ceil((len * 4) / 3)) return fail('MALFORMED_ENVELOPE')
  const b = fromBase64url(v, 'MALFORMED_ENVELOPE')
  if (!upTo && b.length !== len) fail('MALFORMED_ENVELOPE')
  return b
}

/**
 * Convert the JSON object form back to an envelope string. Strict: a plain object with exactly the
 * fields of its KDF (`keyId` optional), integers as JSON numbers, strict unpadded base64url; any
 * extra key (including `__proto__` or `constructor` as own keys), missing key or wrong type is
 * `MALFORMED_ENVELOPE`. Key order does not matter (document stores reorder keys).
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`.
 * @example
 * ```ts
 * import { envelopeFromJSON, isKeysealError } from '@org/keyseal'
 * try {
 *   envelopeFromJSON({ v: 1, kdf: 'raw' })
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // MALFORMED_ENVELOPE
 * }
 * ```
 */
export function envelopeFromJSON(json: unknown): string {
  // A revoked Proxy or a throwing trap is MALFORMED_ENVELOPE, never a TypeError (issue 11).
  return guarded(() => fromJSON(json), 'MALFORMED_ENVELOPE')
}

function fromJSON(json: unknown): string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('MALFORMED_ENVELOPE')
  // A plain object: its prototype is null or an Object.prototype, of this realm or another (an
  // object parsed in an iframe or a vm context); class instances and arrays are refused.
  const proto: unknown = Object.getPrototypeOf(json)
  if (proto !== null && Object.getPrototypeOf(proto) !== null) fail('MALFORMED_ENVELOPE')
  // Own data properties only: a getter could return different values on each read.
  const desc = Object.getOwnPropertyDescriptors(json) as Record<PropertyKey, PropertyDescriptor>
  const has = (k: string): boolean => Object.hasOwn(desc, k)
  const get = (k: string): unknown => (has(k) ? desc[k]!.value : undefined)
  for (const k of Reflect.ownKeys(desc)) {
    if (typeof k !== 'string' || !Object.hasOwn(desc[k]!, 'value')) fail('MALFORMED_ENVELOPE')
  }
  // §14: a `v` that is an integer other than 1 is UNSUPPORTED_VERSION; anything else MALFORMED.
  const v = get('v')
  if (!Number.isInteger(v)) fail('MALFORMED_ENVELOPE')
  if (v !== VERSION) fail('UNSUPPORTED_VERSION')
  const kdf = get('kdf')
  if (typeof kdf !== 'string') return fail('MALFORMED_ENVELOPE')
  if (!Object.hasOwn(KEYS, kdf)) fail('UNSUPPORTED_KDF')
  const fields = KEYS[kdf as KdfParams['kdf']]
  const allowed = [...COMMON, ...fields]
  for (const k of Object.keys(desc)) if (!allowed.includes(k)) fail('MALFORMED_ENVELOPE')
  for (const k of allowed) if (k !== 'keyId' && !has(k)) fail('MALFORMED_ENVELOPE')
  // From here on every failure is MALFORMED_ENVELOPE, so the order of the checks does not matter.
  // Integers as JSON numbers in 0..2^32-1, in header order (KEYS).
  const params: Record<string, unknown> = { kdf }
  for (const k of fields) params[k] = intField(get(k), 0xffffffff)
  const keyId = get('keyId') as string | undefined
  // A present keyId must be valid: encodeHeader keeps only the low byte of each unit.
  if (has('keyId') && !isValidKeyId(keyId)) fail('MALFORMED_ENVELOPE')
  // Salt and ciphertext: the string caps bound their length (at most 255 bytes, BINARY_MAX).
  const header = encodeHeader({
    params: params as KdfParams,
    salt: b64Field(get('salt'), 255, true),
    keyId,
    nonce: b64Field(get('nonce'), NONCE_LEN),
    commitment: b64Field(get('commitment'), COMMITMENT_LEN),
  })
  const out = toEnvelopeString(header, concat(b64Field(get('ciphertext'), BINARY_MAX, true), b64Field(get('tag'), TAG_LEN)))
  // Parse the result: every rule of the string form applies unchanged, including that the first
  // field is exactly one header (so fields of the wrong length cannot shift into each other).
  parseString(out)
  return out
}

/**
 * Convert an envelope string to its binary form (header || ciphertext || tag), for BYTEA/BLOB columns.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`.
 * @example
 * ```ts
 * import { sealKey, envelopeToBytes, envelopeFromBytes } from '@org/keyseal'
 * const envelope = await sealKey('sk-test-123', 'correct horse battery staple')
 * const bytes = envelopeToBytes(envelope)
 * console.log(bytes[0]) // 1
 * console.log(envelopeFromBytes(bytes) === envelope) // true
 * ```
 */
export function envelopeToBytes(envelope: string): Uint8Array {
  const p = parseString(envelope)
  return concat(p.headerBytes, p.body)
}

/**
 * Convert the binary form back to an envelope string.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`.
 * @example
 * ```ts
 * import { envelopeFromBytes, isKeysealError } from '@org/keyseal'
 * try {
 *   envelopeFromBytes(new Uint8Array([2, 1]))
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // UNSUPPORTED_VERSION
 * }
 * ```
 */
export function envelopeFromBytes(bytes: Uint8Array): string {
  // A copy, made only for a real Uint8Array of at most BINARY_MAX bytes.
  const p = parseBinary(bytesOf(bytes, BINARY_MAX) ?? fail('MALFORMED_ENVELOPE'))
  return toEnvelopeString(p.headerBytes, p.body)
}

/** @internal The string-form size cap, exported for tests and the spec. */
export const ENVELOPE_STRING_MAX = STRING_MAX
