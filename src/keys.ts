// Key objects: raw 256-bit keys and passphrase-derived keys. Secret material lives only in
// non-extractable CryptoKeys inside a module-private WeakMap; the objects users hold carry no
// secret and redact themselves when printed or serialized.
import { bytesOf, equalConstantTime, fromBase64url, toBase64url, wipe } from './bytes.js'
import { aesGcmKeyAndCommitment, masterFromRaw, passphraseMaterial } from './derive.js'
import { redactAndFreeze } from './inspect.js'
import { fail } from './errors.js'
import { parseString, type Header, type KdfParams } from './envelope.js'
import { checkOptions, optionalKeyId, checkSignal, passphraseBytes } from './inputs.js'
import { DERIVED_KEY_SEAL_LIMIT, RAW_KEY_PREFIX, SALT_MIN } from './constants.js'
import { checkOpenParams, checkSealParams, resolvePolicy, sealParams, type KeysealPolicy } from './policy.js'
import { platform, randomBytes } from './webcrypto.js'

/** The kind of a {@link KeysealKey}. */
export type KeysealKeyKind = 'raw' | 'pbkdf2-sha256' | 'argon2id'


/** @internal The AES key and commitment an envelope is sealed and opened with. */
export interface Material {
  readonly aes: CryptoKey
  readonly commitment: Uint8Array<ArrayBuffer>
}

/**
 * @internal The hidden state of a key object. The differences between raw and derived keys live
 * here, as methods, so that code which never creates a key object (sealKey and openKey with a
 * passphrase) does not carry them.
 */
export interface KeyState {
  /** Envelopes sealed with this key so far (derived keys count them, see DERIVED_KEY_SEAL_LIMIT). */
  seals: number
  /** True when the key is of the kind this header needs (spec §6 step 3); key ids are checked by the caller. */
  fits(h: Header): boolean
  /** Sealing: the parameters and salt of the next envelope, after the key's own checks. */
  sealing(policy: KeysealPolicy): { params: KdfParams; salt: Uint8Array<ArrayBuffer> }
  /** The AES key and commitment for an envelope with this salt. */
  material(salt: Uint8Array<ArrayBuffer>): Material | Promise<Material>
}

const states = new WeakMap<KeysealKey, KeyState>()
const TOKEN: unique symbol = Symbol('keyseal.internal')

/** @internal The hidden state of a key object, or undefined for anything that is not one. */
export function keyState(k: unknown): KeyState | undefined {
  return typeof k === 'object' && k !== null ? states.get(k as KeysealKey) : undefined
}

/**
 * @internal The key id of a key object, or undefined for anything else (a passphrase's bytes): never
 * `Uint8Array.prototype.keyId`, i.e. never a polluted Object.prototype's (issue 11).
 */
export function keyIdOf(k: unknown): string | undefined {
  return keyState(k) !== undefined ? (k as KeysealKey).keyId : undefined
}

/** @internal False only for a key object that cannot seal; a passphrase can (never read from a prototype). */
export function canSealOf(k: unknown): boolean {
  return keyState(k) === undefined || (k as KeysealKey).canSeal
}

/** Same KDF and parameters (the same KDF has the same fields). */
function sameParams(a: KdfParams, b: KdfParams): boolean {
  return Object.keys(a).every((k) => a[k as keyof KdfParams] === b[k as keyof KdfParams])
}

/**
 * A reusable key: a raw 256-bit key from {@link importKey}, or a passphrase-derived key from
 * {@link deriveKey}. Pass it wherever a passphrase goes. It holds only non-extractable CryptoKeys,
 * and printing or JSON-serializing it never shows key material.
 *
 * @example
 * ```ts
 * import { generateKey, importKey, sealKey, openKey } from '@org/keyseal'
 * const key = await importKey(await generateKey(), { keyId: 'prod-2026' })
 * const envelope = await sealKey('sk-test-123', key, { context: 'user:42/openai' })
 * console.log(JSON.stringify(key)) // {"type":"KeysealKey","kind":"raw","keyId":"prod-2026","canSeal":true}
 * console.log(await openKey(envelope, key, { context: 'user:42/openai' })) // sk-test-123
 * ```
 */
export class KeysealKey {
  // `declare`: set by the constructor, not emitted as class fields (smaller bundles).
  /** `raw` for a 256-bit key; `pbkdf2-sha256` or `argon2id` for a passphrase-derived key. */
  declare readonly kind: KeysealKeyKind
  /** The key id written into envelopes this key seals, if any. */
  declare readonly keyId: string | undefined
  /** False for keys re-derived from an existing envelope: they open, but never seal. */
  declare readonly canSeal: boolean

  /** @internal Key objects come only from {@link importKey} and {@link deriveKey}. */
  // `state` is typed `unknown` here so that no platform type (CryptoKey) reaches the published
  // declarations: a Node project without the DOM lib must be able to type-check against them.
  constructor(token: symbol, kind: KeysealKeyKind, keyId: string | undefined, canSeal: boolean, state: unknown) {
    if (token !== TOKEN) fail('INVALID_OPTIONS')
    this.kind = kind
    this.keyId = keyId
    this.canSeal = canSeal
    states.set(this, state as KeyState)
    redactAndFreeze(this)
  }

  /** A redacted description: never key material. */
  toJSON(): { type: 'KeysealKey'; kind: KeysealKeyKind; keyId?: string; canSeal: boolean } {
    return { type: 'KeysealKey', kind: this.kind, ...(this.keyId !== undefined && { keyId: this.keyId }), canSeal: this.canSeal }
  }

  /** A redacted description: never key material. */
  toString(): string {
    return `KeysealKey(${this.kind}${this.keyId === undefined ? '' : `, ${this.keyId}`})`
  }

}

/** Options for {@link deriveKey}. */
export interface DeriveKeyOptions {
  /** Policy for the KDF parameters. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy | undefined
  /** Key id written into envelopes this key seals (1–64 printable ASCII characters). */
  keyId?: string | undefined
  /**
   * Re-derive the key of an existing envelope (its salt and parameters) instead of making a new
   * one. Such a key opens every envelope that shares them, and cannot seal.
   */
  envelope?: string | undefined
  /** Gives up waiting for a KDF slot when it aborts (`ABORTED`), as {@link SealOptions.signal}. */
  signal?: AbortSignal | undefined
}

/**
 * Run the passphrase KDF once and keep the result as a reusable key.
 *
 * Without `envelope`: a fresh random salt and the policy's parameters; the key seals and opens many
 * envelopes cheaply, and each of them still opens with the passphrase alone, because the header
 * carries the salt and parameters. With `envelope`: the key re-derives that envelope's salt and
 * parameters (checked against the policy first) and opens all envelopes that share them, but it
 * cannot seal (docs/format.md §8 explains why).
 *
 * @throws {KeysealError} `INVALID_KEY` (bad passphrase), `INVALID_OPTIONS`, `MALFORMED_ENVELOPE`,
 * `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`, `KEY_MISMATCH` (a raw-key envelope),
 * `PARAMS_OUT_OF_POLICY`, `WEBCRYPTO_UNAVAILABLE`, `CRYPTO_FAILURE`.
 * @example
 * ```ts
 * import { deriveKey, sealKey, openKey } from '@org/keyseal'
 * const key = await deriveKey('correct horse battery staple') // one PBKDF2 run, 600,000 iterations
 * const a = await sealKey('sk-proj-aaa', key, { context: 'user:42/openai' })
 * const b = await sealKey('sk-ant-bbb', key, { context: 'user:42/anthropic' })
 * // Each envelope also opens with the passphrase alone:
 * console.log(await openKey(a, 'correct horse battery staple', { context: 'user:42/openai' })) // sk-proj-aaa
 * console.log(await openKey(b, key, { context: 'user:42/anthropic' })) // sk-ant-bbb
 * ```
 */
export async function deriveKey(passphrase: string | Uint8Array, options?: DeriveKeyOptions): Promise<KeysealKey> {
  const o = checkOptions<DeriveKeyOptions>(options, ['policy', 'keyId', 'envelope', 'signal'])
  const policy = resolvePolicy(o.policy)
  let keyId = optionalKeyId(o.keyId)
  const signal = checkSignal(o.signal)
  const pw = passphraseBytes(passphrase)
  let params: KdfParams
  let salt: Uint8Array<ArrayBuffer>
  const canSeal = o.envelope === undefined
  try {
    platform()
    if (!canSeal) {
      const h = parseString(o.envelope).header
      if (h.params.kdf === 'raw') fail('KEY_MISMATCH')
      checkOpenParams(h.params, policy)
      params = h.params
      salt = h.salt.slice() // an own copy: the key outlives the parsed envelope
      keyId ??= h.keyId
    } else {
      params = sealParams(policy)
      checkSealParams(params, policy)
      salt = randomBytes(SALT_MIN)
    }
  } catch (error) {
    wipe(pw) // the passphrase copy never outlives a failed call
    throw error
  }
  const material = await passphraseMaterial(pw, params, salt, policy, signal).finally(() => wipe(pw))
  const state: KeyState = {
    seals: 0,
    // Same KDF, parameters and salt (the key id is checked by the caller).
    fits: (h) => sameParams(params, h.params) && equalConstantTime(salt, h.salt),
    sealing(policy) {
      if (!canSeal) fail('KEY_USAGE')
      checkSealParams(params, policy)
      // One AES key seals every envelope of this key under random 96-bit nonces: at most 2^32
      // of them (NIST SP 800-38D §8.3).
      if (state.seals >= DERIVED_KEY_SEAL_LIMIT) fail('KEY_USAGE')
      state.seals++
      return { params, salt }
    },
    material: () => material,
  }
  return new KeysealKey(TOKEN, params.kdf as 'pbkdf2-sha256' | 'argon2id', keyId, canSeal, state)
}

/**
 * Make a new random 256-bit key, as a string you can store in an environment variable or a
 * secrets manager: `ksk1.` followed by 43 base64url characters. Load it with {@link importKey}.
 *
 * @throws {KeysealError} `WEBCRYPTO_UNAVAILABLE`.
 * @example
 * ```ts
 * import { generateKey } from '@org/keyseal'
 * const stored = await generateKey()
 * console.log(stored.startsWith('ksk1.'), stored.length) // true 48
 * ```
 */
export async function generateKey(): Promise<string> {
  const raw = randomBytes(32)
  const s = RAW_KEY_PREFIX + toBase64url(raw)
  wipe(raw)
  return s
}

/** Options for {@link importKey}. */
export interface ImportKeyOptions {
  /** Key id written into envelopes this key seals (1–64 printable ASCII characters). */
  keyId?: string | undefined
}

/**
 * Load a raw 256-bit key: the string from {@link generateKey}, or exactly 32 bytes. Anything else
 * is refused, as is an all-zero key (almost always an uninitialised buffer).
 *
 * Every envelope sealed with a raw key gets its own random salt, and so its own AES key and
 * commitment (docs/format.md §5), so one raw key can seal any number of envelopes.
 *
 * @throws {KeysealError} `INVALID_KEY`, `INVALID_OPTIONS`, `WEBCRYPTO_UNAVAILABLE`.
 * @example
 * ```ts
 * import { importKey } from '@org/keyseal'
 * const key = await importKey(new Uint8Array(32).fill(7), { keyId: 'test' })
 * console.log(String(key)) // KeysealKey(raw, test)
 * ```
 */
export async function importKey(material: string | Uint8Array, options?: ImportKeyOptions): Promise<KeysealKey> {
  const o = checkOptions<ImportKeyOptions>(options, ['keyId'])
  const keyId = optionalKeyId(o.keyId)
  const raw =
    typeof material === 'string'
      ? material.length === RAW_KEY_PREFIX.length + 43 && material.startsWith(RAW_KEY_PREFIX)
        ? fromBase64url(material.slice(RAW_KEY_PREFIX.length), 'INVALID_KEY')
        : fail('INVALID_KEY')
      : (bytesOf(material, 32) ?? fail('INVALID_KEY'))
  let base: CryptoKey
  try {
    // All zero: OR of every byte (no early exit on the key's bytes).
    if (raw.length !== 32 || raw.reduce((any, x) => any | x, 0) === 0) fail('INVALID_KEY')
    platform() // WEBCRYPTO_UNAVAILABLE, not the CRYPTO_FAILURE that guard() would turn it into
    base = await masterFromRaw(raw)
  } finally {
    wipe(raw) // the key's bytes, copied: wiped whether or not the import succeeded
  }
  return new KeysealKey(TOKEN, 'raw', keyId, true, {
    seals: 0,
    fits: (h) => h.params.kdf === 'raw',
    // A fresh salt, hence fresh subkeys, for every envelope (docs/format.md §5).
    sealing: () => ({ params: { kdf: 'raw' }, salt: randomBytes(SALT_MIN) }),
    material: (salt) => aesGcmKeyAndCommitment(base, salt),
  } satisfies KeyState)
}
