// Keyrings: several keys, each with an id; one primary for sealing; disabled keys open but never
// seal. Ids live in a Map, so `constructor`, `__proto__` and `toString` are ordinary ids
// (SECURITY-NOTES: prototype traps).
import { isValidKeyId } from './envelope.js'
import { redactAndFreeze } from './inspect.js'
import type { Parsed } from './envelope.js'
import { fail, guarded, isKeysealError } from './errors.js'
import { ownValue, passphraseBytes, plainObject } from './inputs.js'
import { canSealOf, keyState, type KeysealKey } from './keys.js'
import { compatible, openWithKey } from './open.js'
import type { KeysealPolicy } from './policy.js'

/** One key of a {@link Keyring}. */
export interface KeyringEntry {
  /** The key id written into envelopes (1–64 printable ASCII characters). */
  readonly id: string
  /** A passphrase (string or bytes) or a key object from {@link importKey} or {@link deriveKey}. */
  readonly key: string | Uint8Array | KeysealKey
  /** Seal with this key. Exactly one entry is primary (a single entry is primary by default). */
  readonly primary?: boolean | undefined
  /** Open with this key, but never seal. The primary cannot be disabled. */
  readonly disabled?: boolean | undefined
}

/** @internal A resolved keyring entry: a key object, or normalized passphrase bytes. */
export interface ResolvedEntry {
  readonly id: string
  readonly key: KeysealKey | Uint8Array<ArrayBuffer>
  readonly disabled: boolean
}

/** @internal Passphrase KDF replacement for bulk rotation (see seal.ts openResolved). */
export type RingDerive = (pw: Uint8Array<ArrayBuffer>, p: Parsed, entry: ResolvedEntry | undefined) => Promise<KeysealKey>

/**
 * @internal The hidden state of a keyring. `open` is {@link openWithRing}, reached through the
 * state so that a bundle that never builds a keyring does not carry it.
 */
export interface RingState {
  readonly entries: Map<string, ResolvedEntry>
  readonly primary: ResolvedEntry
  readonly open: typeof openWithRing
}

const rings = new WeakMap<Keyring, RingState>()
export const TOKEN: unique symbol = Symbol('keyseal.keyring')

/** @internal The hidden state of a keyring, or undefined. */
export function keyringState(k: unknown): RingState | undefined {
  return typeof k === 'object' && k !== null ? rings.get(k as Keyring) : undefined
}

/** The entries of a real keyring; a method called on anything else (unbound, on the prototype) is INVALID_OPTIONS, not a TypeError. */
function entriesOf(ring: Keyring): Map<string, ResolvedEntry> {
  return (rings.get(ring) ?? fail('INVALID_OPTIONS')).entries
}

/**
 * @internal Open under a keyring (policy already checked): the envelope's key id picks the one
 * key to use (an unknown id is UNKNOWN_KEY_ID; no other key is tried). Without a key id, every
 * compatible key object is tried (no KDF: the key commitment lets at most one open), primary
 * first, but at most one passphrase entry: the primary if it is one, else the first in the order
 * given (disabled entries included). Whoever writes the envelope chooses to leave the id out, so
 * trying each passphrase would let a stranger buy one KDF run per entry (issue 11).
 */
export async function openWithRing(
  ring: RingState,
  p: Parsed,
  context: Uint8Array<ArrayBuffer>,
  policy: KeysealPolicy,
  signal?: AbortSignal,
  derive?: RingDerive,
): Promise<Uint8Array<ArrayBuffer>> {
  const { entries, primary } = ring
  const id = p.header.keyId
  let candidates: ResolvedEntry[]
  if (id !== undefined) {
    candidates = [entries.get(id) ?? fail('UNKNOWN_KEY_ID')] // its kind is checked by openWithKey (KEY_MISMATCH)
  } else {
    // A Set keeps the first of duplicates: the primary, then the others in order. Key objects
    // first (no KDF), then the one passphrase.
    const fit = [...new Set([primary, ...entries.values()])].filter((e) => compatible(e.key, p))
    candidates = [...fit.filter((e) => keyState(e.key)), ...fit.filter((e) => !keyState(e.key)).slice(0, 1)]
  }
  if (candidates.length === 0) fail('KEY_MISMATCH')
  // An index loop: leaving a for-of early (the `return` below) calls the iterator's `return`
  // method, which an array iterator inherits from a polluted Object.prototype (issue 11).
  for (let i = 0; i < candidates.length; i++) {
    const e = candidates[i]!
    try {
      return await openWithKey(p, e.key, context, policy, signal, derive && ((pw, q) => derive(pw, q, e)))
    } catch (error) {
      if (!isKeysealError(error, 'AUTH_FAILED')) throw error
    }
  }
  return fail('AUTH_FAILED')
}

/**
 * Several keys with ids, one primary. Pass a keyring wherever a key goes: sealing uses the primary
 * and records its id; opening picks the key by the envelope's authenticated key id and never tries
 * the others (an unknown id is `UNKNOWN_KEY_ID`). Envelopes without a key id are tried against each
 * key object of a compatible kind, primary first, and against at most one passphrase entry (the
 * primary if it is one, else the first in the order given), so one open runs at most one KDF
 * (docs/format.md §19.4). Printing or serializing a keyring shows no key material.
 *
 * @example
 * ```ts
 * import { createKeyring, importKey, generateKey, sealKey, openKey, inspect } from '@org/keyseal'
 * const ring = createKeyring([
 *   { id: '2025', key: await importKey(await generateKey()), disabled: true },
 *   { id: '2026', key: await importKey(await generateKey()), primary: true },
 * ])
 * const envelope = await sealKey('sk-test-123', ring, { context: 'user:1/openai' })
 * console.log(inspect(envelope).keyId) // 2026
 * console.log(await openKey(envelope, ring, { context: 'user:1/openai' })) // sk-test-123
 * ```
 */
export class Keyring {
  // `declare`: set by the constructor, not emitted as class fields (smaller bundles).
  /** The id of the primary key. */
  declare readonly primaryId: string
  /** All ids, in the order given. */
  declare readonly ids: readonly string[]

  /** @internal Keyrings come only from {@link createKeyring}. */
  constructor(token: symbol, state: unknown) {
    if (token !== TOKEN) fail('INVALID_OPTIONS')
    const { entries, primary } = state as RingState
    this.primaryId = primary.id
    this.ids = Object.freeze([...entries.keys()])
    rings.set(this, state as RingState)
    redactAndFreeze(this)
  }

  /** True when the keyring has a key with this id (never a prototype property). */
  has(id: string): boolean {
    return entriesOf(this).has(id)
  }

  /** True when the key with this id is disabled (opens, never seals). */
  isDisabled(id: string): boolean {
    return entriesOf(this).get(id)?.disabled === true
  }

  /** A redacted description: ids and flags, never key material. */
  toJSON(): { type: 'Keyring'; primaryId: string; keys: { id: string; disabled: boolean }[] } {
    const keys = [...entriesOf(this).values()].map((e) => ({ id: e.id, disabled: e.disabled }))
    return { type: 'Keyring', primaryId: this.primaryId, keys }
  }

  /** A redacted description. */
  toString(): string {
    return `Keyring(${entriesOf(this).size} keys, primary ${this.primaryId})`
  }

}

/**
 * Build a keyring from entries.
 *
 * @throws {KeysealError} `INVALID_OPTIONS` (no entries, a bad or duplicate id, not exactly one
 * primary, a disabled primary, a primary that cannot seal, a key object whose own `keyId` differs
 * from the entry id), `INVALID_KEY` (a bad passphrase or key).
 * @example
 * ```ts
 * import { createKeyring, isKeysealError } from '@org/keyseal'
 * const ring = createKeyring([{ id: 'constructor', key: 'a passphrase for this ring' }])
 * console.log(ring.has('constructor'), ring.has('toString')) // true false
 * try {
 *   createKeyring([{ id: 'a', key: 'pass one' }, { id: 'b', key: 'pass two' }])
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // INVALID_OPTIONS
 * }
 * ```
 */
export function createKeyring(entries: readonly KeyringEntry[]): Keyring {
  // Read once, through guarded(): a revoked Proxy or a throwing trap is INVALID_OPTIONS (issue 11).
  const list = guarded(() => (Array.isArray(entries) ? Array.from(entries as readonly unknown[]) : fail('INVALID_OPTIONS')), 'INVALID_OPTIONS')
  if (list.length === 0 || list.length > 1000) fail('INVALID_OPTIONS')
  const map = new Map<string, ResolvedEntry>()
  let primary: ResolvedEntry | undefined
  for (const e of list) {
    // A plain object (issue 11: an entry whose prototype carries `primary` would be read wrongly),
    // read own-only: a polluted Object.prototype.primary or .disabled changes nothing.
    plainObject(e, 'INVALID_OPTIONS')
    // Not array destructuring: that closes the array iterator through a `return` method, which a
    // polluted Object.prototype.return would supply.
    const id = ownValue(e as object, 'id')
    const key = ownValue(e as object, 'key')
    const isPrimary = ownValue(e as object, 'primary')
    const disabled = ownValue(e as object, 'disabled')
    if (!isValidKeyId(id) || map.has(id)) fail('INVALID_OPTIONS')
    if ((isPrimary !== undefined && typeof isPrimary !== 'boolean') || (disabled !== undefined && typeof disabled !== 'boolean')) {
      fail('INVALID_OPTIONS')
    }
    // A key object keeps its own key id, if any: it must be the entry's. Anything else is a
    // passphrase (INVALID_KEY for anything but a string or bytes).
    const k = key as KeysealKey
    const resolved = keyState(key) !== undefined ? ((k.keyId ?? id) === id ? k : fail('INVALID_OPTIONS')) : passphraseBytes(key)
    const entry: ResolvedEntry = { id, key: resolved, disabled: disabled === true }
    map.set(id, entry)
    if (isPrimary === true || (list.length === 1 && isPrimary === undefined)) {
      // One primary, not disabled, and able to seal (not an open-only key object).
      if (primary !== undefined || entry.disabled || !canSealOf(resolved)) fail('INVALID_OPTIONS')
      primary = entry
    }
  }
  if (primary === undefined) return fail('INVALID_OPTIONS')
  return new Keyring(TOKEN, { entries: map, primary, open: openWithRing } satisfies RingState)
}
