// Keyrings that also hold P-256 private keys (docs/format-v2.md §17.7). The keyring is v1's class
// (one Keyring for both entries), built here with a state whose v1 half never sees a private key:
// v1 code reaches keys only through `state.open` (v1 envelopes, symmetric stanzas), which is given
// the symmetric entries alone, so the v1 bundles carry none of this.
import type { Parsed } from '../envelope.js'
import { isValidKeyId } from '../envelope.js'
import { fail, guarded } from '../errors.js'
import { ownValue, passphraseBytes, plainObject } from '../inputs.js'
import { Keyring, TOKEN as KEYRING_TOKEN, openWithRing, type KeyringEntry, type ResolvedEntry, type RingDerive, type RingState } from '../keyring.js'
import { canSealOf, keyState, type KeysealKey } from '../keys.js'
import type { KeysealPolicy } from '../policy.js'
import { isPrivateKey, type KeysealPrivateKey } from './keys.js'

/** One key of a {@link Keyring} built by `createKeyring` of `@org/keyseal/v2`: v1's entries, or a private key. */
export interface KeyringEntryV2 extends Omit<KeyringEntry, 'key'> {
  /** A passphrase, a key object, or a {@link KeysealPrivateKey} (opens the P-256 stanzas sealed to it). */
  readonly key: KeyringEntry['key'] | KeysealPrivateKey
}

/** @internal The private-key entries of a keyring, primary first then in the order given (§17.7). */
export function privateEntries(ring: RingState): ResolvedEntry[] {
  return [...new Set([ring.primary, ...ring.entries.values()])].filter((e) => isPrivateKey(e.key))
}

/**
 * Build a keyring, as `createKeyring` of `@org/keyseal` does, whose entries may also be P-256
 * private keys from `importKey`. A P-256 stanza's key id picks its private key; a stanza without
 * one is tried with each private key, the primary first. Passphrase and raw-key entries work exactly
 * as in v1, and private keys are never tried for them. A keyring whose primary is a private key
 * seals (with `sealKey` of `@org/keyseal/v2`) to its public half.
 *
 * @throws {KeysealError} as v1's `createKeyring`: `INVALID_OPTIONS` (no entries, a bad or
 * duplicate id, not exactly one primary, a disabled primary, a primary that cannot seal, a key
 * object or private key whose own `keyId` differs from the entry id), `INVALID_KEY`.
 * @example
 * ```ts
 * import { createKeyring, generateKeyPair, importKey, importPublicKey, sealKey, openKey } from '@org/keyseal/v2'
 * const [old, current] = [await generateKeyPair(), await generateKeyPair()]
 * const ring = createKeyring([
 *   { id: 'server-2025', key: await importKey(old.privateKey), disabled: true },
 *   { id: 'server-2026', key: await importKey(current.privateKey), primary: true },
 * ])
 * const envelope = await sealKey('sk-proj-example', [await importPublicKey(old.publicKey, { keyId: 'server-2025' })])
 * console.log(await openKey(envelope, ring)) // sk-proj-example
 * ```
 */
export function createKeyring(entries: readonly KeyringEntryV2[]): Keyring {
  // v1's reading rules (src/keyring.ts createKeyring), with a third kind of key.
  const list = guarded(() => (Array.isArray(entries) ? Array.from(entries as readonly unknown[]) : fail('INVALID_OPTIONS')), 'INVALID_OPTIONS')
  if (list.length === 0 || list.length > 1000) fail('INVALID_OPTIONS')
  const map = new Map<string, ResolvedEntry>()
  const sym = new Map<string, ResolvedEntry>()
  let primary: ResolvedEntry | undefined
  for (const e of list) {
    plainObject(e, 'INVALID_OPTIONS')
    const id = ownValue(e as object, 'id')
    const key = ownValue(e as object, 'key')
    const isPrimary = ownValue(e as object, 'primary')
    const disabled = ownValue(e as object, 'disabled')
    if (!isValidKeyId(id) || map.has(id)) fail('INVALID_OPTIONS')
    if ((isPrimary !== undefined && typeof isPrimary !== 'boolean') || (disabled !== undefined && typeof disabled !== 'boolean')) fail('INVALID_OPTIONS')
    const k = key as KeysealKey
    const own = keyState(key) !== undefined || isPrivateKey(key)
    const resolved = own ? ((k.keyId ?? id) === id ? k : fail('INVALID_OPTIONS')) : passphraseBytes(key)
    const entry: ResolvedEntry = { id, key: resolved, disabled: disabled === true }
    map.set(id, entry)
    if (!isPrivateKey(key)) sym.set(id, entry)
    if (isPrimary === true || (list.length === 1 && isPrimary === undefined)) {
      if (primary !== undefined || entry.disabled || !canSealOf(resolved)) fail('INVALID_OPTIONS')
      primary = entry
    }
  }
  if (primary === undefined) return fail('INVALID_OPTIONS')
  // The v1 half: symmetric entries only, its primary the keyring's when symmetric (v1's "primary
  // first" order), else the first symmetric entry (only the order of trials depends on it).
  const v1: RingState | undefined = sym.size > 0 ? { entries: sym, primary: sym.get(primary.id) ?? sym.values().next().value!, open: openWithRing } : undefined
  const open = async (
    _ring: RingState, p: Parsed, context: Uint8Array<ArrayBuffer>, policy: KeysealPolicy, signal?: AbortSignal, derive?: RingDerive,
  ): Promise<Uint8Array<ArrayBuffer>> => {
    const id = p.header.keyId
    // A v1 envelope (or symmetric stanza) whose id names a private key: a kind mismatch.
    if ((id !== undefined && isPrivateKey(map.get(id)?.key)) || v1 === undefined) fail(id !== undefined && !map.has(id) ? 'UNKNOWN_KEY_ID' : 'KEY_MISMATCH')
    return openWithRing(v1!, p, context, policy, signal, derive)
  }
  return new Keyring(KEYRING_TOKEN, { entries: map, primary, open } satisfies RingState)
}
