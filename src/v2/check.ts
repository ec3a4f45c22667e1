// Save-time checks for both formats (issue 16): the v2 entry's checkEnvelope. It lives here, not in
// src/stream.ts, so that the v1 bundles never carry the v2 parser (bench/size.mjs CEILINGS).
import { isValidKeyId } from '../envelope.js'
import { fail } from '../errors.js'
import { inspect as inspectV1 } from '../forms.js'
import { checkOptions } from '../inputs.js'
import { checkOpenParams, checkSealParams, resolvePolicy } from '../policy.js'
import { checkEnvelope as checkEnvelopeV1, type CheckEnvelopeOptions } from '../stream.js'
import { KIND_SYMMETRIC, STANZAS_MAX, V2_PREFIX } from './constants.js'
import { parseV2, type HpkeStanza, type SymmetricStanza } from './format.js'

/**
 * A recipient a stored envelope must have: a stanza of this kind (`passphrase`: a passphrase-derived
 * symmetric stanza; `raw`: a raw-key symmetric stanza; `p256`: a public-key stanza), and, when
 * `keyId` is given, carrying that key id. A v1 envelope is one recipient.
 */
export interface ExpectedRecipient {
  readonly kind: 'passphrase' | 'raw' | 'p256'
  readonly keyId?: string
}

/** Options for {@link checkEnvelope} of `@org/keyseal/v2`. */
export interface CheckEnvelopeOptionsV2 extends CheckEnvelopeOptions {
  /**
   * Recipients the envelope must have, each met by a different stanza (two entries need two
   * stanzas; at most 16 entries, as an envelope has at most 16 stanzas). Other stanzas may be
   * present as well. A missing one with a `keyId` is
   * `UNKNOWN_KEY_ID`; a missing one without is `KEY_MISMATCH`.
   */
  recipients?: readonly ExpectedRecipient[]
}

const KINDS = ['passphrase', 'raw', 'p256']

/** @internal One stanza, or the one recipient of a v1 envelope, as the checks see it. */
interface Seen {
  kind: string
  keyId: string | undefined
}

/**
 * Check an envelope of either version before storing it, without any key: it is canonical; every
 * passphrase recipient's KDF parameters are within the policy's opening bounds and meet its sealing
 * floors (as v1's {@link checkEnvelope}); it has no recipient this build cannot read (a later stanza
 * kind or KDF); when `keyIds` is given every recipient carries one of them; and every recipient of
 * `recipients` is present. Returns nothing; throws the first failure. A public-key recipient is
 * known by its kind and key id only: without the private key, nobody can tell which public key a
 * stanza was sealed to. It does not prove the envelope opens: only a key can tell that.
 *
 * Order: the options, the envelope's form, then each stanza in envelope order (unsupported kind or
 * KDF, opening bounds, sealing floors), then `keyIds`, then `recipients`.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`,
 * `UNSUPPORTED_RECIPIENT` (a stanza of a kind or KDF this build does not implement),
 * `PARAMS_OUT_OF_POLICY`, `UNKNOWN_KEY_ID`, `KEY_MISMATCH` (a missing recipient without a key id),
 * `INVALID_OPTIONS`.
 * @example
 * ```ts
 * import { generateKeyPair, importPublicKey, sealKey, checkEnvelope, isKeysealError } from '@org/keyseal/v2'
 * const server = await importPublicKey((await generateKeyPair()).publicKey, { keyId: 'server-1' })
 * const envelope = await sealKey('sk-proj-example', ['correct horse battery staple', server], { context: 'user:42/openai' })
 * // The server stores only envelopes that it (server-1) and the user's passphrase can open.
 * checkEnvelope(envelope, { recipients: [{ kind: 'passphrase' }, { kind: 'p256', keyId: 'server-1' }] })
 * try {
 *   checkEnvelope(envelope, { recipients: [{ kind: 'p256', keyId: 'server-2' }] })
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // UNKNOWN_KEY_ID
 * }
 * ```
 */
export function checkEnvelope(envelope: string, options?: CheckEnvelopeOptionsV2): void {
  const o = checkOptions<CheckEnvelopeOptionsV2>(options, ['policy', 'keyIds', 'recipients'])
  const policy = resolvePolicy(o.policy)
  const ids = keyIdSet(o.keyIds)
  const wanted = expected(o.recipients)
  let seen: Seen[]
  if (typeof envelope !== 'string' || !envelope.startsWith(V2_PREFIX)) {
    // v1: exactly v1's checks, then the one recipient against `recipients`.
    checkEnvelopeV1(envelope, { policy, ...(ids && { keyIds: [...ids] }) })
    const info = inspectV1(envelope)
    seen = [{ kind: info.kdf.kdf === 'raw' ? 'raw' : 'passphrase', keyId: info.keyId }]
  } else {
    const p = parseV2(envelope)
    seen = p.stanzas.map((s): Seen => {
      // §5, §9: a stanza this build cannot read cannot be checked against the policy either; a
      // server that stores it would store a recipient it knows nothing about.
      if ('unsupported' in s) return fail('UNSUPPORTED_RECIPIENT')
      if (s.kind === KIND_SYMMETRIC) {
        const h = (s as SymmetricStanza).v1.header
        // §5.1: a symmetric stanza's parameters and policy bounds are exactly v1's (v1 §12).
        checkOpenParams(h.params, policy)
        checkSealParams(h.params, policy)
        return { kind: h.params.kdf === 'raw' ? 'raw' : 'passphrase', keyId: h.keyId }
      }
      return { kind: 'p256', keyId: (s as HpkeStanza).keyId }
    })
    if (ids !== undefined) for (const s of seen) if (!ids.has(s.keyId!)) fail('UNKNOWN_KEY_ID')
  }
  // Each expected recipient takes its own stanza: those with a key id first (each fits only stanzas
  // with that kind and id), then those without (any remaining stanza of the kind). Taking the exact
  // ones first never leaves a kind-only one short where another assignment would have fitted.
  const free = [...seen]
  const take = (r: ExpectedRecipient, code: 'UNKNOWN_KEY_ID' | 'KEY_MISMATCH'): void => {
    const i = free.findIndex((s) => s.kind === r.kind && (r.keyId === undefined || s.keyId === r.keyId))
    if (i < 0) fail(code)
    free.splice(i, 1)
  }
  for (const r of wanted) if (r.keyId !== undefined) take(r, 'UNKNOWN_KEY_ID')
  for (const r of wanted) if (r.keyId === undefined) take(r, 'KEY_MISMATCH')
}

/**
 * @internal The `keyIds` option, as v1's checkEnvelope reads it (a copy of its loop rather than a
 * shared helper: moving it out of v1's function would add bytes to the v1 bundles).
 */
function keyIdSet(list: unknown): Set<string> | undefined {
  if (list === undefined) return undefined
  if (!Array.isArray(list)) return fail('INVALID_OPTIONS')
  const ids = new Set<string>()
  for (let i = 0, n = list.length; i < n; i++) {
    const id: unknown = list[i]
    ids.add(isValidKeyId(id) ? id : fail('INVALID_OPTIONS'))
  }
  return ids
}

/** @internal The `recipients` option, each entry read once into a plain copy; INVALID_OPTIONS. */
function expected(list: unknown): ExpectedRecipient[] {
  if (list === undefined) return []
  if (!Array.isArray(list) || list.length > STANZAS_MAX) return fail('INVALID_OPTIONS')
  const out: ExpectedRecipient[] = []
  for (let i = 0, n = list.length; i < n; i++) {
    const e = checkOptions<ExpectedRecipient>(list[i], ['kind', 'keyId'])
    const kind = e.kind
    if (typeof kind !== 'string' || !KINDS.includes(kind)) fail('INVALID_OPTIONS')
    const keyId = e.keyId
    if (keyId !== undefined && !isValidKeyId(keyId)) fail('INVALID_OPTIONS')
    out.push(keyId === undefined ? { kind } : { kind, keyId })
  }
  return out
}
