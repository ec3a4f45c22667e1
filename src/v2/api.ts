// The public functions of `@org/keyseal/v2` that take both formats: v1 when one symmetric key seals
// without a label (as before), v2 (`ks2.`) for a list of recipients, a public key or a label.
import { fromUtf8, toBase64url, utf8, wipe } from '../bytes.js'
import type { KdfParams } from '../envelope.js'
import { fail } from '../errors.js'
import { inspect as inspectV1, type EnvelopeInfo } from '../forms.js'
import { checkOptions, contextBytes, checkSignal, secretBytes } from '../inputs.js'
import { importKey as importKeyV1, type ImportKeyOptions, type KeysealKey } from '../keys.js'
import { keyringState, type Keyring } from '../keyring.js'
import { resolvePolicy, type KeysealPolicy } from '../policy.js'
import { openKeyBytes as openKeyBytesV1, sealKey as sealKeyV1, type OpenOptions, type SealOptions } from '../seal.js'
import { GCM_TAG_LEN, KIND_SYMMETRIC, LABEL_MAX, PRIVATE_KEY_PREFIX, V2_PREFIX } from './constants.js'
import {
  openV2, replaceStanza, resolveOpenKey, resolveRecipient, resolveRecipients, sealV2, wipeRecipients, type ResolvedRecipient,
} from './envelope.js'
import { hasControl, parseV2, type HpkeStanza, type SymmetricStanza } from './format.js'
import { importPrivateKey, pointState, type ImportPublicKeyOptions, type KeysealPrivateKey, type KeysealPublicKey } from './keys.js'

/**
 * One recipient of a v2 envelope: a passphrase (string, NFC-normalized; or bytes), a raw or
 * derived {@link KeysealKey}, a {@link KeysealPublicKey}, or a {@link KeysealPrivateKey} (seals to
 * its public half).
 */
export type Recipient = string | Uint8Array | KeysealKey | KeysealPublicKey | KeysealPrivateKey

/** What opens an envelope: a passphrase, a key object, a private key or a keyring. */
export type OpenKeyInput = string | Uint8Array | KeysealKey | KeysealPrivateKey | Keyring

/** Options for {@link sealKey}. */
export interface SealOptionsV2 extends SealOptions {
  /**
   * A short public label (0–128 UTF-8 bytes, no control characters), for example
   * `openai · sk-…abcd`. Stored unencrypted in the v2 header, returned by {@link inspect} without a
   * key and verified by opening. Anyone who can read the row can read it. Setting it seals v2.
   */
  label?: string
}

const SEAL_OPTIONS = ['context', 'policy', 'keyId', 'label', 'signal'] as const
const OPEN_OPTIONS = ['context', 'policy', 'signal'] as const

/** @internal The label as bytes (§8): 0 to 128 UTF-8 bytes, well-formed, no control characters; INVALID_OPTIONS. */
function labelBytes(label: unknown): Uint8Array<ArrayBuffer> {
  if (label === undefined) return new Uint8Array(0)
  if (typeof label !== 'string' || label.length > LABEL_MAX || hasControl(label)) return fail('INVALID_OPTIONS')
  const b = utf8(label, 'INVALID_OPTIONS')
  if (b.length > LABEL_MAX) fail('INVALID_OPTIONS')
  return b
}

/**
 * Seal a secret. Given one passphrase or symmetric key (and no `label`), this is v1's `sealKey`
 * and returns a `ks1.` envelope, byte-compatible with everything before. Given a list of
 * recipients, a public key or a `label`, it returns one `ks2.` envelope that each recipient opens
 * alone with {@link openKey} (docs/format-v2.md).
 *
 * The usual workflow: the browser seals for the user's passphrase and the server's public key.
 *
 * @param secret The secret: a string (well-formed Unicode, kept exactly) or bytes; 1 byte to 1 MiB.
 * @param key One key, or 1–16 recipients (no recipient twice).
 * @throws {KeysealError} `INVALID_SECRET`, `INVALID_KEY`, `INVALID_CONTEXT`, `INVALID_OPTIONS`
 * (including an empty or too long recipient list, a duplicate, a bad label, a `keyId` with v2),
 * `PARAMS_OUT_OF_POLICY`, `UNSUPPORTED_KDF`, `KEY_USAGE`, `WEBCRYPTO_UNAVAILABLE`, `CRYPTO_FAILURE`.
 * @example
 * ```ts
 * import { generateKeyPair, importPublicKey, importKey, sealKey, openKey, inspect } from '@org/keyseal/v2'
 * const pair = await generateKeyPair()
 * const server = await importPublicKey(pair.publicKey, { keyId: 'server-1' })
 * const envelope = await sealKey('sk-proj-example', ['correct horse battery staple', server], { context: 'user:42/openai', label: 'openai · sk-…mple' })
 * console.log(envelope.startsWith('ks2.'), inspect(envelope).label) // true openai · sk-…mple
 * const job = await importKey(pair.privateKey, { keyId: 'server-1' })
 * console.log(await openKey(envelope, job, { context: 'user:42/openai' })) // sk-proj-example
 * console.log(await openKey(envelope, 'correct horse battery staple', { context: 'user:42/openai' })) // sk-proj-example
 * ```
 */
export async function sealKey(secret: string | Uint8Array, key: OpenKeyInput | Recipient | readonly Recipient[], options?: SealOptionsV2): Promise<string> {
  const single = !Array.isArray(key)
  const o = checkOptions<SealOptionsV2>(options, SEAL_OPTIONS)
  // A keyring whose primary is a private key seals v2 to its public half (§17.7).
  if (single && o.label === undefined && pointState(key) === undefined && !pointState(keyringState(key)?.primary.key)) {
    // Exactly v1 (ks1.), from the options as read once here: `o` is checkOptions' null-prototype
    // copy, whose own members are exactly v1's options once the (undefined) label is gone.
    delete o.label
    return sealKeyV1(secret, key as KeysealKey, o)
  }
  // v2: the same order of checks as v1 (options, policy, context, secret, key).
  if (o.keyId !== undefined) fail('INVALID_OPTIONS') // key ids come from the key objects in v2
  const policy = resolvePolicy(o.policy)
  const context = contextBytes(o.context)
  const label = labelBytes(o.label)
  const signal = checkSignal(o.signal)
  const plaintext = secretBytes(secret)
  let recipients: ResolvedRecipient[] = []
  try {
    recipients = single ? [resolveRecipient(key, true)] : resolveRecipients(key)
    return await sealV2(plaintext, recipients, label, context, policy, undefined, signal)
  } finally {
    wipe(plaintext)
    wipeRecipients(recipients)
  }
}

/** @internal v2 check that is the same for openKeyBytes and rotation: inputs first, then the envelope. */
function v2Inputs(options: unknown): { context: Uint8Array<ArrayBuffer>; policy: KeysealPolicy; signal: AbortSignal | undefined } {
  const o = checkOptions<OpenOptions>(options, OPEN_OPTIONS)
  const policy = resolvePolicy(o.policy)
  return { policy, context: contextBytes(o.context), signal: checkSignal(o.signal) }
}

/**
 * Open an envelope of either version and return the secret as bytes.
 *
 * @throws {KeysealError} as {@link openKey}, except `NOT_UTF8`.
 * @example
 * ```ts
 * import { generateKeyPair, importPublicKey, importKey, sealKey, openKeyBytes } from '@org/keyseal/v2'
 * const pair = await generateKeyPair()
 * const envelope = await sealKey(new Uint8Array([1, 2, 3]), [await importPublicKey(pair.publicKey)])
 * console.log(await openKeyBytes(envelope, await importKey(pair.privateKey))) // Uint8Array(3) [ 1, 2, 3 ]
 * ```
 */
export async function openKeyBytes(envelope: string, key: OpenKeyInput, options?: OpenOptions): Promise<Uint8Array> {
  if (typeof envelope !== 'string' || !envelope.startsWith(V2_PREFIX)) {
    if (pointState(key) !== undefined) {
      // A P-256 key never opens a v1 envelope; the envelope is still checked first.
      v2Inputs(options)
      inspectV1(envelope)
      return fail('KEY_MISMATCH')
    }
    return openKeyBytesV1(envelope, key as KeysealKey, options)
  }
  const { context, policy, signal } = v2Inputs(options)
  const k = resolveOpenKey(key)
  try {
    const opened = await openV2(parseV2(envelope), k, context, policy, signal)
    wipe(opened.fk)
    return opened.plaintext
  } finally {
    if ('sym' in k) wipeRecipients([k])
  }
}

/**
 * Open an envelope of either version (`ks1.` or `ks2.`) and return the secret as a string. A v2
 * envelope opens with any one of its recipients: the passphrase, the raw or derived key, the
 * private key of a public-key recipient, or a keyring holding one of them.
 *
 * Checks, in order (docs/format-v2.md §9): the inputs, the envelope's form, which stanzas fit the
 * key (`KEY_MISMATCH`, `UNSUPPORTED_RECIPIENT`), KDF parameters against the policy, the stanza (key
 * commitment, then AES-GCM), the header MAC (label, every stanza, the context), the payload.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`,
 * `UNSUPPORTED_RECIPIENT`, `PARAMS_OUT_OF_POLICY`, `KEY_MISMATCH`, `UNKNOWN_KEY_ID`, `AUTH_FAILED`,
 * `KEY_USAGE` (a public key), `NOT_UTF8`, `INVALID_KEY`, `INVALID_CONTEXT`, `INVALID_OPTIONS`,
 * `WEBCRYPTO_UNAVAILABLE`, `CRYPTO_FAILURE`.
 * @example
 * ```ts
 * import { sealKey, openKey, generateKey, importKey } from '@org/keyseal/v2'
 * const backup = await importKey(await generateKey())
 * const envelope = await sealKey('sk-ant-example', ['correct horse battery staple', backup], { context: 'user:7/anthropic' })
 * console.log(await openKey(envelope, backup, { context: 'user:7/anthropic' })) // sk-ant-example
 * ```
 */
export async function openKey(envelope: string, key: OpenKeyInput, options?: OpenOptions): Promise<string> {
  const bytes = await openKeyBytes(envelope, key, options)
  try {
    return fromUtf8(bytes, 'NOT_UTF8')
  } finally {
    wipe(bytes)
  }
}

/**
 * Load a key: a `kssk1.` private key string from {@link generateKeyPair} (a
 * {@link KeysealPrivateKey}), or, as in v1, a raw 256-bit key (`ksk1.` string or 32 bytes).
 *
 * @throws {KeysealError} `INVALID_KEY`, `INVALID_OPTIONS`, `WEBCRYPTO_UNAVAILABLE`.
 * @example
 * ```ts
 * import { generateKeyPair, generateKey, importKey } from '@org/keyseal/v2'
 * console.log(String(await importKey((await generateKeyPair()).privateKey, { keyId: 'job' }))) // KeysealPrivateKey(p256, job)
 * console.log(String(await importKey(await generateKey()))) // KeysealKey(raw)
 * ```
 */
export function importKey(material: `kssk1.${string}`, options?: ImportKeyOptions): Promise<KeysealPrivateKey>
export function importKey(material: string | Uint8Array, options?: ImportKeyOptions): Promise<KeysealKey | KeysealPrivateKey>
export function importKey(material: string | Uint8Array, options?: ImportKeyOptions): Promise<KeysealKey | KeysealPrivateKey> {
  return typeof material === 'string' && material.startsWith(PRIVATE_KEY_PREFIX)
    ? importPrivateKey(material, options as ImportPublicKeyOptions)
    : importKeyV1(material, options)
}

/** One recipient as {@link inspect} reports it (no key needed). */
export type RecipientInfo =
  | { readonly kind: 'passphrase'; readonly kdf: Exclude<KdfParams, { kdf: 'raw' }>; readonly keyId: string | undefined; readonly salt: string }
  | { readonly kind: 'raw'; readonly keyId: string | undefined }
  | { readonly kind: 'p256'; readonly keyId: string | undefined }
  | { readonly kind: 'unsupported'; readonly type: number }

/** What {@link inspect} reports, for both versions. */
export type EnvelopeInfoAny =
  | (EnvelopeInfo & { readonly label: undefined; readonly recipients: readonly RecipientInfo[] })
  | {
      readonly version: 2
      /** The public label, not yet verified (opening verifies it), or undefined. */
      readonly label: string | undefined
      /** One entry per stanza, in envelope order. */
      readonly recipients: readonly RecipientInfo[]
      readonly secretLength: number
      readonly byteLength: number
    }

const freeze = Object.freeze

function symmetricInfo(params: KdfParams, keyId: string | undefined, salt: Uint8Array): RecipientInfo {
  return params.kdf === 'raw' ? freeze({ kind: 'raw', keyId }) : freeze({ kind: 'passphrase', kdf: freeze({ ...params }), keyId, salt: toBase64url(salt) })
}

/**
 * Describe an envelope of either version without opening it. For v2: the label (unverified until
 * opened) and the recipients (kind, key id, KDF parameters); for v1 the same fields (one recipient,
 * no label) beside v1's own.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF` (v1).
 * @example
 * ```ts
 * import { generateKeyPair, importPublicKey, sealKey, inspect } from '@org/keyseal/v2'
 * const server = await importPublicKey((await generateKeyPair()).publicKey, { keyId: 'server-1' })
 * const info = inspect(await sealKey('sk-test-123', ['correct horse battery staple', server], { label: 'test key' }))
 * console.log(info.label, info.recipients.map((r) => r.kind).join(' ')) // test key passphrase p256
 * ```
 */
export function inspect(envelope: string): EnvelopeInfoAny {
  if (typeof envelope !== 'string' || !envelope.startsWith(V2_PREFIX)) {
    const v1 = inspectV1(envelope)
    // Rebuilt from the header: inspectV1 returns the salt as base64url already.
    const r: RecipientInfo = v1.kdf.kdf === 'raw' ? freeze({ kind: 'raw', keyId: v1.keyId }) : freeze({ kind: 'passphrase', kdf: v1.kdf, keyId: v1.keyId, salt: v1.salt })
    return freeze({ ...v1, label: undefined, recipients: freeze([r]) })
  }
  const p = parseV2(envelope)
  const recipients = p.stanzas.map((s): RecipientInfo => {
    if ('unsupported' in s) return freeze({ kind: 'unsupported', type: s.kind })
    if (s.kind === KIND_SYMMETRIC) {
      const h = (s as SymmetricStanza).v1.header
      return symmetricInfo(h.params, h.keyId, h.salt)
    }
    return freeze({ kind: 'p256', keyId: (s as HpkeStanza).keyId })
  })
  return freeze({
    version: 2,
    label: p.label,
    recipients: freeze(recipients),
    secretLength: p.payload.length - GCM_TAG_LEN,
    // The header's length from its canonical unpadded base64url length.
    byteLength: Math.floor((envelope.split('.')[1]!.length * 3) / 4) + p.payload.length,
  })
}
