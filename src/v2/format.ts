// Format v2 parsing and encoding (docs/format-v2.md §4, §5, §12, §13). No cryptography here except
// the exact-arithmetic point check (p256.ts), which is a parsing rule (§13). Every accepted input
// re-encodes to exactly itself: the parsed form keeps each stanza's exact bytes.
import { fromBase64url, fromUtf8, toBase64url } from '../bytes.js'
import { isValidKeyId, parseBinary, type Parsed } from '../envelope.js'
import { fail, isKeysealError } from '../errors.js'
import { dict } from '../webcrypto.js'
import { isValidPoint, POINT_LEN } from './p256.js'
import {
  GCM_TAG_LEN, KIND_HPKE_P256, KIND_SYMMETRIC, LABEL_MAX, PAYLOAD_MAX, MAC_LEN, STANZAS_MAX, UNKNOWN_STANZA_MAX, V2, V2_HEADER_MAX, V2_PREFIX,
  V2_SALT_LEN, V2_STRING_MAX, WRAPPED_LEN,
} from './constants.js'

/** @internal A symmetric stanza: a v1 binary envelope of the file key (§5.1). */
export interface SymmetricStanza {
  readonly kind: typeof KIND_SYMMETRIC
  readonly bytes: Uint8Array<ArrayBuffer>
  readonly v1: Parsed
}
/** @internal An HPKE P-256 stanza (§5.2). */
export interface HpkeStanza {
  readonly kind: typeof KIND_HPKE_P256
  readonly bytes: Uint8Array<ArrayBuffer>
  readonly keyId: string | undefined
  readonly enc: Uint8Array<ArrayBuffer>
  readonly commitment: Uint8Array<ArrayBuffer>
  readonly ct: Uint8Array<ArrayBuffer>
}
/** @internal A stanza this implementation cannot open: an unassigned kind, or a v1 KDF id v1 leaves unassigned (§5). */
export interface UnsupportedStanza {
  readonly kind: number
  readonly bytes: Uint8Array<ArrayBuffer>
  readonly unsupported: true
}
export type Stanza = SymmetricStanza | HpkeStanza | UnsupportedStanza

/** @internal A parsed v2 envelope. */
export interface ParsedV2 {
  /** version || salt || label_len || label */
  readonly core: Uint8Array<ArrayBuffer>
  readonly salt: Uint8Array<ArrayBuffer>
  readonly label: string | undefined
  readonly stanzas: readonly Stanza[]
  readonly mac: Uint8Array<ArrayBuffer>
  readonly payload: Uint8Array<ArrayBuffer>
}

/** @internal True for a label's forbidden characters: C0 controls, DEL, C1 controls (§8). */
export function hasControl(s: string): boolean {
  return /[\0-\x1f\x7f-\x9f]/.test(s)
}

/**
 * @internal Parse one stanza body of a known kind; an unassigned kind is kept as unsupported. The
 * stanza is a null-prototype record (webcrypto.ts dict): `'unsupported' in s` never reads a
 * polluted Object.prototype (issue 11 item 2), where a planted `unsupported` made every stanza one.
 */
function parseStanza(kind: number, body: Uint8Array<ArrayBuffer>, bytes: Uint8Array<ArrayBuffer>): Stanza {
  if (kind === 0) fail('MALFORMED_ENVELOPE') // reserved, never valid (§5)
  if (kind === KIND_SYMMETRIC) {
    let v1: Parsed
    try {
      // v1's parser reads the version byte first (an empty body or a version other than 1 is its
      // MALFORMED_ENVELOPE or UNSUPPORTED_VERSION, both MALFORMED_ENVELOPE here: §5.1), then the KDF id.
      v1 = parseBinary(body)
    } catch (error) {
      // A KDF id v1 leaves unassigned: a later KDF, not a broken envelope (§5.1).
      if (isKeysealError(error, 'UNSUPPORTED_KDF')) return dict({ kind, bytes, unsupported: true })
      return fail('MALFORMED_ENVELOPE')
    }
    if (v1.body.length !== WRAPPED_LEN) fail('MALFORMED_ENVELOPE')
    return dict({ kind, bytes, v1 })
  }
  if (kind === KIND_HPKE_P256) {
    const kidLen = body[0]!
    if (body.length !== 1 + kidLen + POINT_LEN + 32 + WRAPPED_LEN) fail('MALFORMED_ENVELOPE')
    let o = 1 + kidLen
    const keyId = kidLen > 0 ? String.fromCharCode(...body.subarray(1, o)) : undefined
    if (keyId !== undefined && !isValidKeyId(keyId)) fail('MALFORMED_ENVELOPE')
    const enc = body.subarray(o, (o += POINT_LEN))
    if (!isValidPoint(enc)) fail('MALFORMED_ENVELOPE') // §10, checked before any key is used
    const commitment = body.subarray(o, (o += 32))
    return dict({ kind, bytes, keyId, enc, commitment, ct: body.subarray(o) })
  }
  if (body.length > UNKNOWN_STANZA_MAX) fail('MALFORMED_ENVELOPE')
  return dict({ kind, bytes, unsupported: true })
}

/** @internal Parse a header (§4) that must fill `b` exactly. */
function parseHeader(b: Uint8Array<ArrayBuffer>): Omit<ParsedV2, 'payload'> {
  let o = 0
  const take = (n: number): Uint8Array<ArrayBuffer> => (o + n > b.length ? fail('MALFORMED_ENVELOPE') : b.subarray(o, (o += n)))
  if (b.length > V2_HEADER_MAX || take(1)[0] !== V2) fail('MALFORMED_ENVELOPE')
  const salt = take(V2_SALT_LEN)
  const labelLen = take(1)[0]!
  if (labelLen > LABEL_MAX) fail('MALFORMED_ENVELOPE')
  const labelBytes = take(labelLen)
  const label = labelLen > 0 ? fromUtf8(labelBytes, 'MALFORMED_ENVELOPE') : undefined
  if (label !== undefined && hasControl(label)) fail('MALFORMED_ENVELOPE')
  const core = b.subarray(0, o)
  const count = take(1)[0]!
  if (count < 1 || count > STANZAS_MAX) fail('MALFORMED_ENVELOPE')
  const stanzas: Stanza[] = []
  for (let i = 0; i < count; i++) {
    const start = o
    // Indexed, not destructured: array destructuring closes the iterator, which reads `return`
    // (a TypeError under a polluted Object.prototype.return: issue 11).
    const h = take(3)
    const body = take((h[1]! << 8) | h[2]!)
    stanzas.push(parseStanza(h[0]!, body, b.subarray(start, o)))
  }
  const mac = take(MAC_LEN)
  if (o !== b.length) fail('MALFORMED_ENVELOPE') // exactly one header in the first field
  return { core, salt, label, stanzas, mac }
}

/**
 * @internal Parse the string form `ks2.<header>.<payload>` (§12), in the order of §9 step 1.
 * Fields are views into fresh decodes, which the caller owns.
 */
export function parseV2(s: unknown): ParsedV2 {
  if (typeof s !== 'string' || s.length > V2_STRING_MAX) return fail('MALFORMED_ENVELOPE')
  const parts = s.split('.')
  if (parts.length !== 3 || parts[0] + '.' !== V2_PREFIX) fail('MALFORMED_ENVELOPE')
  const header = parseHeader(fromBase64url(parts[1]!, 'MALFORMED_ENVELOPE'))
  const payload = fromBase64url(parts[2]!, 'MALFORMED_ENVELOPE')
  if (payload.length < GCM_TAG_LEN + 1 || payload.length > PAYLOAD_MAX) fail('MALFORMED_ENVELOPE')
  return { ...header, payload }
}

/** @internal One stanza: kind || u16 body length || body (§4). */
export function encodeStanza(kind: number, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(3 + body.length)
  out[0] = kind
  out[1] = body.length >> 8
  out[2] = body.length & 255
  out.set(body, 3)
  return out
}

/** @internal core = version || salt || label_len || label (§4); the label is already checked. */
export function encodeCore(salt: Uint8Array, label: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(18 + label.length)
  out[0] = V2
  out.set(salt, 1)
  out[17] = label.length
  out.set(label, 18)
  return out
}

/** @internal header_without_mac = core || count || stanzas (§4). */
export function encodeHeaderWithoutMac(core: Uint8Array, stanzas: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const n = stanzas.reduce((a, s) => a + s.length, 0)
  const out = new Uint8Array(core.length + 1 + n)
  out.set(core)
  out[core.length] = stanzas.length
  let o = core.length + 1
  for (const s of stanzas) {
    out.set(s, o)
    o += s.length
  }
  return out
}

/** @internal The string form (§12). */
export function toV2String(header: Uint8Array, payload: Uint8Array): string {
  return V2_PREFIX + toBase64url(header) + '.' + toBase64url(payload)
}
