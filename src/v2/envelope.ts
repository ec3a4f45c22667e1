// Format v2: seal to several recipients, open with any one, rotate one recipient
// (docs/format-v2.md §6, §7, §9, §14). The symmetric stanzas are v1 envelopes of the file key, sealed
// and opened by v1's own functions (seal.ts, open.ts), so passphrases derive through v1's KDF code,
// parameters, policy and limits.
import { concat, equalConstantTime, wipe } from '../bytes.js'
import { importAesGcmKey, aesGcmOpen, aesGcmSeal } from '../aead.js'
import { parseString } from '../envelope.js'
import { fail, isKeysealError } from '../errors.js'
import { passphraseBytes } from '../inputs.js'
import { hkdfSha256, importHkdfKey } from '../kdf/hkdf.js'
import { keyringState, type RingDerive, type RingState } from '../keyring.js'
import { keyState, type KeysealKey } from '../keys.js'
import { compatible, openWithKey, type SingleKey } from '../open.js'
import { checkOpenParams, type KeysealPolicy } from '../policy.js'
import { sealWithKey } from '../seal.js'
import { dict, guard, importRaw, platform, randomBytes, subtle } from '../webcrypto.js'
import {
  FILE_KEY_LEN, GCM_NONCE_LEN, KIND_HPKE_P256, KIND_SYMMETRIC, PRIVATE_KEY_PREFIX, PUBLIC_KEY_PREFIX, STANZAS_MAX, V2_SALT_LEN,
} from './constants.js'
import {
  encodeCore, encodeHeaderWithoutMac, encodeStanza, parseV2, toV2String, type HpkeStanza, type ParsedV2, type Stanza, type SymmetricStanza,
} from './format.js'
import { ascii, decap, encap, exportSecret, generateEphemeral, keySchedule, MODE_BASE, openAt, sealAt, type KeyPair } from './hpke.js'
import { importedPoint, isPrivateKey, pointState, type KeysealPrivateKey } from './keys.js'
import { privateEntries } from './keyring.js'

/** §6: HKDF info of the payload key and the header MAC key. */
const PAYLOAD_INFO = ascii('keyseal v2 payload key and header mac key')
/** §5.1, §5.2: every stanza's AAD (v1 context for symmetric stanzas) starts with this. */
const STANZA_DOMAIN = ascii('keyseal v2 stanza')
/** §5.2: HPKE info and the exporter context of the stanza commitment. */
export const HPKE_INFO = ascii('keyseal v2 hpke-p256 file key')
export const COMMIT_CONTEXT = ascii('keyseal v2 stanza commitment')

/** @internal One recipient, resolved: a v1 key or passphrase bytes (symmetric), or a public point (HPKE). */
export type ResolvedRecipient =
  | { readonly sym: SingleKey; readonly keyId?: string | undefined }
  | { readonly point: Uint8Array<ArrayBuffer>; readonly keyId: string | undefined }

/** @internal Passphrase bytes, refusing the key strings of §10 (they were meant for importPublicKey/importKey). */
export function v2PassphraseBytes(p: unknown): Uint8Array<ArrayBuffer> {
  if (typeof p === 'string' && (p.startsWith(PUBLIC_KEY_PREFIX) || p.startsWith(PRIVATE_KEY_PREFIX))) fail('INVALID_KEY')
  return passphraseBytes(p)
}

/**
 * @internal Resolve one recipient of sealKey (sync). A keyring is a recipient only where `ring` is
 * set (sealKey with the keyring alone, a rotation's `to`): its primary, with the primary's id
 * (§17.7); never inside a list.
 */
export function resolveRecipient(r: unknown, ring?: boolean): ResolvedRecipient {
  const ps = pointState(r)
  // Null-prototype records with every member own (issue 11 item 2): `'point' in r` and `r.keyId`
  // must never reach a polluted Object.prototype (a planted `point` turned a passphrase recipient
  // into a public-key stanza for the planted point; a planted `keyId` named every symmetric stanza).
  if (ps) return dict({ point: ps.point, keyId: (r as KeysealPrivateKey).keyId })
  if (keyState(r)) return dict({ sym: r as KeysealKey, keyId: undefined })
  const rs = keyringState(r)
  if (rs) {
    if (!ring) fail('INVALID_KEY')
    const { id, key } = rs.primary
    const pk = pointState(key)
    // A passphrase primary is copied: wipeRecipients must never wipe the keyring's own bytes.
    return dict(pk ? { point: pk.point, keyId: id } : { sym: keyState(key) ? key : (key as Uint8Array<ArrayBuffer>).slice(), keyId: id })
  }
  return dict({ sym: v2PassphraseBytes(r), keyId: undefined })
}

/** @internal Resolve the recipient list: 1 to 16, no recipient twice (§13). Wipes its copies on failure. */
export function resolveRecipients(list: unknown, ringFirst?: boolean): ResolvedRecipient[] {
  if (!Array.isArray(list) || list.length < 1 || list.length > STANZAS_MAX) return fail('INVALID_OPTIONS')
  const out: ResolvedRecipient[] = []
  try {
    for (let i = 0; i < list.length; i++) {
      const r = resolveRecipient(list[i], ringFirst && i === 0)
      for (const q of out) {
        const same =
          'point' in r
            ? 'point' in q && equalConstantTime(q.point, r.point)
            : 'sym' in q && (q.sym === r.sym || (keyState(r.sym) === undefined && keyState(q.sym) === undefined && equalConstantTime(q.sym as Uint8Array, r.sym as Uint8Array)))
        if (same) fail('INVALID_OPTIONS')
      }
      out.push(r)
    }
    return out
  } catch (error) {
    wipeRecipients(out)
    throw error
  }
}

/** @internal Wipe the passphrase copies of resolved recipients. */
export function wipeRecipients(list: readonly ResolvedRecipient[]): void {
  for (const r of list) if ('sym' in r && keyState(r.sym) === undefined) wipe(r.sym as Uint8Array)
}

/** @internal §6: K_payload (AES-256-GCM) and K_mac (HMAC-SHA256) from the file key and envelope salt. */
async function fileKeySchedule(fk: Uint8Array<ArrayBuffer>, salt: Uint8Array<ArrayBuffer>): Promise<{ aes: CryptoKey; mac: CryptoKey }> {
  const okm = await hkdfSha256(await importHkdfKey(fk), salt, PAYLOAD_INFO, 64)
  try {
    return {
      aes: await importAesGcmKey(okm.subarray(0, 32)),
      mac: await importRaw(okm.slice(32), { name: 'HMAC', hash: 'SHA-256' } as AlgorithmIdentifier, ['sign']),
    }
  } finally {
    wipe(okm)
  }
}

/** @internal §7: HMAC-SHA256(K_mac, header_without_mac || context). */
async function headerMac(mac: CryptoKey, headerWithoutMac: Uint8Array<ArrayBuffer>, context: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const data = concat(headerWithoutMac, context)
  return new Uint8Array(await guard(() => subtle().sign('HMAC', mac, data)))
}

/** @internal §6: the stanza AAD, "keyseal v2 stanza" || SHA-256(core || payload). */
async function stanzaAad(core: Uint8Array<ArrayBuffer>, payload: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const t = new Uint8Array(await guard(() => subtle().digest('SHA-256', concat(core, payload))))
  return concat(STANZA_DOMAIN, t)
}

/** @internal The all-zero payload nonce: K_payload encrypts exactly one message (§6). */
const zeroNonce = (): Uint8Array<ArrayBuffer> => new Uint8Array(GCM_NONCE_LEN)

/** @internal §5.2: an HPKE stanza (kind, length and body) wrapping `fk` for `point`. `ephemeral` only from tests. */
export async function sealHpkeStanza(
  point: Uint8Array<ArrayBuffer>, keyId: string | undefined, fk: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, ephemeral?: KeyPair,
): Promise<Uint8Array<ArrayBuffer>> {
  const { sharedSecret, enc } = await encap(point, ephemeral ?? (await generateEphemeral()), undefined, importedPoint(point))
  try {
    const ctx = await keySchedule(MODE_BASE, sharedSecret, HPKE_INFO)
    const commitment = await exportSecret(ctx, COMMIT_CONTEXT, 32)
    const ct = await sealAt(ctx, aad, fk)
    // key_id_len || key_id || enc || commitment || ct (§5.2). A key id is printable ASCII (checked
    // when the key was imported), so its UTF-8 bytes are its character codes.
    const kid = ascii(keyId ?? '')
    return encodeStanza(KIND_HPKE_P256, [kid, enc, commitment, ct].reduce(concat, Uint8Array.of(kid.length)))
  } finally {
    wipe(sharedSecret)
  }
}

/** @internal §5.1: a symmetric stanza: the v1 binary envelope of `fk` under the v1 context `aad`, sealed by v1's sealWithKey. */
async function sealSymmetricStanza(
  key: SingleKey, fk: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, policy: KeysealPolicy, keyId?: string, signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  const p = parseString(await sealWithKey(fk, key, aad, policy, signal, keyId))
  return encodeStanza(KIND_SYMMETRIC, concat(p.headerBytes, p.body))
}

/** @internal A stanza for one resolved recipient. */
export function sealStanza(
  r: ResolvedRecipient, fk: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, policy: KeysealPolicy, signal?: AbortSignal,
): Promise<Uint8Array<ArrayBuffer>> {
  return 'point' in r ? sealHpkeStanza(r.point, r.keyId, fk, aad) : sealSymmetricStanza(r.sym, fk, aad, policy, r.keyId, signal)
}

/** @internal A given file key and salt: rotation draws them itself (§14.3 needs the file key); tests fix them and the HPKE ephemeral keys (frozen vectors). */
export interface SealFixtures {
  readonly fk: Uint8Array<ArrayBuffer>
  readonly salt: Uint8Array<ArrayBuffer>
  readonly stanza?: (index: number, r: ResolvedRecipient, fk: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>) => Promise<Uint8Array<ArrayBuffer>>
}

/** @internal Seal validated plaintext to validated recipients (§6, §7). */
export async function sealV2(
  plaintext: Uint8Array<ArrayBuffer>, recipients: readonly ResolvedRecipient[], label: Uint8Array<ArrayBuffer>,
  context: Uint8Array<ArrayBuffer>, policy: KeysealPolicy, fixtures?: SealFixtures, signal?: AbortSignal,
): Promise<string> {
  platform()
  const fk = fixtures ? fixtures.fk.slice() : randomBytes(FILE_KEY_LEN)
  try {
    const core = encodeCore(fixtures?.salt ?? randomBytes(V2_SALT_LEN), label)
    const keys = await fileKeySchedule(fk, core.slice(1, 1 + V2_SALT_LEN))
    const payload = await aesGcmSeal(keys.aes, zeroNonce(), plaintext, concat(core, context))
    const aad = await stanzaAad(core, payload)
    const stanzas: Uint8Array<ArrayBuffer>[] = []
    // In order: the stanza order is part of the header (and of the vectors).
    // Not `for (const [i, r] of recipients.entries())`: destructuring each entry reads its
    // iterator's `return` (a TypeError under a polluted Object.prototype.return: issue 11). The
    // index is stanzas.length: each stanza is pushed before the next is sealed.
    for (const r of recipients) stanzas.push(await (fixtures?.stanza ? fixtures.stanza(stanzas.length, r, fk, aad) : sealStanza(r, fk, aad, policy, signal)))
    return await finish(core, stanzas, payload, keys.mac, context)
  } finally {
    wipe(fk)
  }
}

/**
 * @internal header = header_without_mac || mac; the string form, run through parseV2 (the parser of
 * openKey, inspect and checkEnvelope) before it is returned: the last line of defence of issue 11
 * item 2 (docs/format-v2.md §15). An envelope its own parser refuses (a platform that cut a GCM tag
 * or exported a bad ephemeral point, a field planted past the input checks) would be stored and the
 * secret lost; the inputs were valid, so it is CRYPTO_FAILURE, and nothing is returned.
 */
async function finish(core: Uint8Array<ArrayBuffer>, stanzas: readonly Uint8Array[], payload: Uint8Array, mac: CryptoKey, context: Uint8Array<ArrayBuffer>): Promise<string> {
  const hwm = encodeHeaderWithoutMac(core, stanzas)
  const envelope = toV2String(concat(hwm, await headerMac(mac, hwm, context)), payload)
  try {
    parseV2(envelope)
  } catch {
    fail('CRYPTO_FAILURE')
  }
  return envelope
}

/** @internal What opening under a v2 key can be: a v1 key or passphrase, a v1 keyring, a private key. */
export type V2OpenKey = { readonly sym: SingleKey } | { readonly ring: RingState } | { readonly sk: KeysealPrivateKey }

/** @internal Resolve the key argument of openKey for a v2 envelope (sync). A public key cannot open: KEY_USAGE. */
export function resolveOpenKey(k: unknown): V2OpenKey {
  // Null-prototype records: `'sk' in key` and `'sym' in key` never see a polluted Object.prototype.
  if (isPrivateKey(k)) return dict({ sk: k })
  if (pointState(k)) return fail('KEY_USAGE')
  if (keyState(k)) return dict({ sym: k as KeysealKey })
  const ring = keyringState(k)
  return dict(ring ? { ring } : { sym: v2PassphraseBytes(k) })
}

/** @internal A candidate stanza and how to open it. */
type Candidate = { readonly index: number; readonly key?: unknown; readonly open: (aad: Uint8Array<ArrayBuffer>) => Promise<Uint8Array<ArrayBuffer> | undefined> }

/** @internal §9 step 2 (and step 3 for symmetric stanzas): the candidates for this key, or the code when there is none. */
function candidates(p: ParsedV2, key: V2OpenKey, policy: KeysealPolicy, signal: AbortSignal | undefined, derive?: RingDerive): Candidate[] {
  const out: Candidate[] = []
  const sym = p.stanzas.map((s, index) => ({ s, index })).filter((x): x is { s: SymmetricStanza; index: number } => x.s.kind === KIND_SYMMETRIC && !('unsupported' in x.s))
  // `derive` (rotation's derived-key cache, src/rotate.ts derivedKeys) stands for a passphrase's KDF.
  const openSym = (s: SymmetricStanza, k: SingleKey) => (aad: Uint8Array<ArrayBuffer>) => openWithKey(s.v1, k, aad, policy, signal, derive && ((pw, q) => derive(pw, q, undefined)))
  let unknownId = false
  if ('sk' in key) {
    const id = key.sk.keyId
    p.stanzas.forEach((s, index) => {
      if (s.kind !== KIND_HPKE_P256) return
      const h = s as HpkeStanza
      if (id !== undefined && h.keyId !== undefined && h.keyId !== id) return
      out.push({ index, key: key.sk, open: (aad) => openHpkeStanza(h, key.sk, aad) })
    })
  } else if ('sym' in key) {
    const k = key.sym
    const fitting = sym.filter((x) => compatible(k, x.s.v1))
    // A bare passphrase: only the first passphrase stanza, so at most one KDF runs (§9 step 2).
    for (const x of keyState(k) === undefined ? fitting.slice(0, 1) : fitting) out.push({ index: x.index, key: k, open: openSym(x.s, k) })
  } else {
    // A keyring. Symmetric stanzas: below. HPKE stanzas (§17.7): the id picks a private-key entry; without an id, each
    // private-key entry, primary first; at most STANZAS_MAX decapsulations in all (§9's bound).
    const ring = key.ring
    const privates = privateEntries(ring)
    const noId: { h: HpkeStanza; index: number }[] = []
    const all = [...ring.entries.values()]
    let kdfUsed = false
    let decaps = 0
    const hpke = (index: number, h: HpkeStanza, k: unknown): void => {
      if (decaps++ < STANZAS_MAX) out.push({ index, key: k, open: (aad) => openHpkeStanza(h, k as KeysealPrivateKey, aad) })
    }
    p.stanzas.forEach((s, index) => {
      if ('unsupported' in s) return
      if (s.kind === KIND_HPKE_P256) {
        const h = s as HpkeStanza
        if (h.keyId === undefined) return void noId.push({ h, index })
        const e = ring.entries.get(h.keyId)
        // An unknown id counts for UNKNOWN_KEY_ID only if the keyring holds this kind at all.
        if (e === undefined && privates.length > 0) unknownId = true
        if (e && isPrivateKey(e.key)) hpke(index, h, e.key)
        return
      }
      // A keyring of private keys only holds nothing for a symmetric stanza (a kind mismatch).
      if (privates.length === ring.entries.size) return
      const st = s as SymmetricStanza
      const h = st.v1.header
      // Symmetric stanzas (§9 step 2): the key id names its entry, a candidate only if it fits
      // (kind; a derived key's salt and parameters; a private key never fits); an unknown id is
      // skipped. Without an id, v1's keyring rule: every fitting key object, and ONE passphrase
      // entry (the primary if it is one, else the first in order). Passphrase entries run a KDF, so
      // only the first stanza that would use one keeps them: at most one KDF per open (HELPERS
      // decision). A stanza no entry fits is no candidate, so it never stops the others.
      const fits = (k: unknown): k is SingleKey => !isPrivateKey(k) && compatible(k as SingleKey, st.v1)
      const keys: SingleKey[] = []
      if (h.keyId !== undefined) {
        const e = ring.entries.get(h.keyId)
        if (e === undefined) {
          unknownId = true
          return
        }
        if (fits(e.key)) keys.push(e.key)
      } else {
        const pk = ring.primary.key
        let pw = keyState(pk) === undefined && fits(pk) ? pk : undefined
        for (let i = 0; i < all.length; i++) {
          const k = all[i]!.key
          if (!fits(k)) continue
          if (keyState(k) !== undefined) keys.push(k)
          else pw ??= k
        }
        if (pw !== undefined) keys.push(pw)
      }
      const last = keys[keys.length - 1]
      if (last !== undefined && keyState(last) === undefined) {
        // The passphrase entry is last; it stays only on the first stanza that uses one.
        if (kdfUsed) keys.pop()
        kdfUsed = true
      }
      // The entry a key id picks is the key that opens (rotation compares it with `to`).
      if (keys.length > 0) out.push({ index, key: h.keyId === undefined ? undefined : keys[0], open: openRing(st, keys, policy, signal) })
    })
    // Stanzas without a key id: each private key, primary first, over them in envelope order.
    for (const e of privates) for (const x of noId) hpke(x.index, x.h, e.key)
  }
  if (out.length === 0) {
    if (p.stanzas.some((s) => 'unsupported' in s)) fail('UNSUPPORTED_RECIPIENT')
    fail(unknownId ? 'UNKNOWN_KEY_ID' : 'KEY_MISMATCH')
  }
  // §9 step 3: KDF parameters against the policy before any KDF work.
  for (const c of out) {
    const s = p.stanzas[c.index]!
    if (s.kind === KIND_SYMMETRIC) checkOpenParams((s as SymmetricStanza).v1.header.params, policy)
  }
  return out
}

/** @internal A keyring candidate: its keys in order; AUTH_FAILED moves to the next key, other codes stop. */
function openRing(s: SymmetricStanza, keys: readonly SingleKey[], policy: KeysealPolicy, signal: AbortSignal | undefined) {
  return async (aad: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | undefined> => {
    for (let i = 0; i < keys.length; i++) {
      try {
        return await openWithKey(s.v1, keys[i]!, aad, policy, signal)
      } catch (error) {
        if (!isKeysealError(error, 'AUTH_FAILED')) throw error
      }
    }
    return undefined
  }
}

/** @internal §5.2 opening: commitment first (constant time), then Open. Undefined when the stanza is not for this key. */
async function openHpkeStanza(s: HpkeStanza, sk: KeysealPrivateKey, aad: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const st = pointState(sk)!
  const ss = await decap(s.enc, st.sk!, st.point)
  try {
    const ctx = await keySchedule(MODE_BASE, ss, HPKE_INFO)
    if (!equalConstantTime(await exportSecret(ctx, COMMIT_CONTEXT, 32), s.commitment)) return undefined
    return await openAt(ctx, aad, s.ct)
  } finally {
    wipe(ss)
  }
}

/** @internal The result of opening: the plaintext, and (for rotation) the file key and which stanza opened. */
export interface OpenedV2 {
  readonly plaintext: Uint8Array<ArrayBuffer>
  readonly fk: Uint8Array<ArrayBuffer>
  readonly index: number
  readonly aad: Uint8Array<ArrayBuffer>
  /** The key object that opened the stanza, when known (a keyring's entry only by a key id). */
  readonly key: unknown
}

/** @internal §9 steps 2-7. The caller wipes `fk` and `plaintext`. */
export async function openV2(
  p: ParsedV2, key: V2OpenKey, context: Uint8Array<ArrayBuffer>, policy: KeysealPolicy, signal?: AbortSignal, derive?: RingDerive,
): Promise<OpenedV2> {
  const list = candidates(p, key, policy, signal, derive)
  platform()
  const aad = await stanzaAad(p.core, p.payload)
  let fk: Uint8Array<ArrayBuffer> | undefined
  let index = -1
  let opener: unknown
  // No `break`: leaving a for-of early reads the array iterator's `return`, and a polluted
  // Object.prototype.return made that a TypeError (issue 11). Once a stanza opened, the rest are passed.
  for (const c of list) {
    if (fk !== undefined) continue
    try {
      fk = await c.open(aad)
    } catch (error) {
      // A stanza that does not open under this key: try the next (§9 step 5). Other codes stop.
      if (!isKeysealError(error, 'AUTH_FAILED')) throw error
    }
    index = c.index
    opener = c.key
  }
  if (fk === undefined || fk.length !== FILE_KEY_LEN) return fail('AUTH_FAILED')
  try {
    return { plaintext: await openWithFileKey(p, fk, context), fk, index, aad, key: opener }
  } catch (error) {
    wipe(fk)
    throw error
  }
}

/** @internal §9 steps 6-7 once the file key is known: the header MAC, then the payload. */
export async function openWithFileKey(p: ParsedV2, fk: Uint8Array<ArrayBuffer>, context: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const keys = await fileKeySchedule(fk, p.salt)
  if (!equalConstantTime(await headerMac(keys.mac, headerWithoutMac(p), context), p.mac)) fail('AUTH_FAILED')
  return aesGcmOpen(keys.aes, zeroNonce(), p.payload, concat(p.core, context))
}

/** @internal header_without_mac of a parsed envelope, from its exact stanza bytes. */
function headerWithoutMac(p: ParsedV2): Uint8Array<ArrayBuffer> {
  return encodeHeaderWithoutMac(p.core, p.stanzas.map((s) => s.bytes))
}

/**
 * @internal §14: replace stanza `index` by one for `to`, keep every other stanza byte for byte,
 * recompute the MAC. `opened` comes from openV2 on the same parsed envelope and context.
 */
export async function replaceStanza(
  p: ParsedV2, opened: OpenedV2, to: ResolvedRecipient | undefined, context: Uint8Array<ArrayBuffer>, policy: KeysealPolicy, extra: readonly ResolvedRecipient[] = [],
): Promise<string> {
  const stanzas: Uint8Array[] = p.stanzas.map((s) => s.bytes)
  if (to === undefined) stanzas.splice(opened.index, 1)
  else stanzas[opened.index] = await sealStanza(to, opened.fk, opened.aad, policy)
  for (const r of extra) stanzas.push(await sealStanza(r, opened.fk, opened.aad, policy))
  if (stanzas.length < 1 || stanzas.length > STANZAS_MAX) fail('INVALID_OPTIONS')
  const keys = await fileKeySchedule(opened.fk, p.salt)
  return finish(p.core, stanzas, p.payload, keys.mac, context)
}

export type { Stanza }
