// Rotation for both formats (docs/format-v2.md §14, §17.5): rotateKey, rotateMany, needsRotation and
// rotateRecipient of `@org/keyseal/v2`. A v1 envelope rotated to one symmetric key goes through
// v1's own rotation (src/rotate.ts, unchanged); everything else is a v2 replace (§14.1: the opened
// stanza is re-wrapped, FK kept) or a re-seal (§14.2: fresh FK and salt, every stanza new), and
// every result is opened again from its string before it is returned (§14.3).
import { equalConstantTime, wipe } from '../bytes.js'
import { parseString } from '../envelope.js'
import { fail, isKeysealError } from '../errors.js'
import { inspect as inspectV1 } from '../forms.js'
import { checkOptions, checkSignal, contextBytes } from '../inputs.js'
import { keyringState, type Keyring, type RingDerive, type RingState } from '../keyring.js'
import { deriveKey, keyState, type KeysealKey } from '../keys.js'
import { checkOpenParams, resolvePolicy, type KeysealPolicy } from '../policy.js'
import {
  checkArg, needsRotation as needsRotationV1, reasonsFor, rotateOne, rotation, runMany, wipeRotation, type RotateItem, type RotateItemResult,
  type RotateManyOptions, type RotateResult, type Rotation, type RotationCheck, type RotationReason,
} from '../rotate.js'
import { runStream, type RotateStreamOptions, type RotateStreamResult } from '../stream.js'
import { dict, randomBytes } from '../webcrypto.js'
import { openKeyBytes, type OpenKeyInput, type Recipient } from './api.js'
import { FILE_KEY_LEN, KIND_SYMMETRIC, V2_PREFIX, V2_SALT_LEN } from './constants.js'
import {
  openV2, openWithFileKey, replaceStanza, resolveOpenKey, resolveRecipients, sealV2, wipeRecipients, type OpenedV2, type ResolvedRecipient, type V2OpenKey,
} from './envelope.js'
import { parseV2, type HpkeStanza, type ParsedV2, type SymmetricStanza } from './format.js'
import { isPrivateKey, pointState } from './keys.js'

/**
 * What {@link needsRotation} of `@org/keyseal/v2` returns: v1's frozen array of reasons (for a v2
 * envelope, the union over its recipients, in first-seen order), with `recipients`: the reasons of
 * each stanza, in envelope order (`inspect(envelope).recipients` order; a v1 envelope has one).
 */
export type RotationReasons = readonly RotationReason[] & { readonly recipients: readonly (readonly RotationReason[])[] }

/** Options for {@link rotateKey} of `@org/keyseal/v2`. */
export interface RotateOptionsV2 {
  /** The key that opens the envelope today: a passphrase, a key object, a private key or a keyring. */
  from: OpenKeyInput
  /**
   * One recipient: the stanza `from` opened is re-wrapped for it, every other stanza kept byte for
   * byte (a replace, docs/format-v2.md §14.1). A keyring means its primary. An array: the whole new
   * recipient list, sealed afresh with a new file key (a re-seal, §14.2) — the only way to remove
   * a recipient.
   */
  to: Recipient | Keyring | readonly Recipient[]
  /** Recipients to add after the kept stanzas (a replace only). */
  add?: readonly Recipient[] | undefined
  /** The envelope's context; kept unchanged. */
  context?: string | Uint8Array | undefined
  /** The policy for sealing (new passphrase stanzas) and opening. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy | undefined
  /** Gives up waiting for a KDF slot when it aborts (`ABORTED`), as v1's {@link RotateOptions.signal}. */
  signal?: AbortSignal | undefined
}

/** Options for {@link rotateMany} of `@org/keyseal/v2`: v1's, with `from`, `to` and `add` as {@link RotateOptionsV2}. */
export interface RotateManyOptionsV2<T extends RotateItem = RotateItem> extends Omit<RotateManyOptions<T>, 'from' | 'to'> {
  from: OpenKeyInput
  to: Recipient | Keyring | readonly Recipient[]
  add?: readonly Recipient[] | undefined
}

const freeze = Object.freeze

/** @internal A rotation, checked once (rotateKey: one item; rotateMany: every item). */
interface V2Rotation {
  readonly policy: KeysealPolicy
  readonly context: Uint8Array<ArrayBuffer>
  readonly fromInput: unknown
  readonly from: V2OpenKey
  /** Re-seal (`to` is an array) or replace. */
  readonly list: boolean
  readonly add: boolean
  /** [to, ...add], or the array. */
  readonly recipients: ResolvedRecipient[]
  /** What each recipient came from (a private key can verify). */
  readonly sources: readonly unknown[]
  /** `to`, when it is a keyring: the keyring reasons (§14.4). */
  readonly keyring: Keyring | undefined
  /** v1's rotation, when a v1 envelope is rotated by v1's rules (§17.5). */
  readonly v1: Rotation | undefined
  /** Reaches every KDF of the rotation (the process-wide limiter): a wait for a slot ends ABORTED. */
  readonly signal: AbortSignal | undefined
  /** The recipients with each passphrase derived once, and the key that verifies (§14.3). */
  sealers?: Promise<{ recipients: ResolvedRecipient[]; verifier: unknown }> | undefined
  /** The independent check of the first passphrase recipient, once per call (issue 11 item 8). */
  verified?: Promise<void> | undefined
}

/** @internal A v1-only `to`: one passphrase, key object or keyring with a symmetric primary. */
function v1Kind(k: unknown): boolean {
  return pointState(k) === undefined && !pointState(keyringState(k)?.primary.key)
}

/** @internal Options to a V2Rotation, in §17.5's order. */
function prepare(o: Partial<RotateOptionsV2>): V2Rotation {
  // `signal` was checked by the caller (checkSignal, or v1's batchOptions for a batch).
  const signal = o.signal
  if (o.from === undefined || o.to === undefined) fail('INVALID_OPTIONS')
  const list = Array.isArray(o.to)
  if (o.add !== undefined && (list || !Array.isArray(o.add))) fail('INVALID_OPTIONS')
  const policy = resolvePolicy(o.policy)
  const context = contextBytes(o.context)
  const from = resolveOpenKey(o.from)
  let recipients: ResolvedRecipient[] = []
  try {
    const sources: unknown[] = list ? [...(o.to as unknown[])] : [o.to, ...(o.add ?? [])]
    recipients = resolveRecipients(sources, !list)
    const delegate = !list && o.add === undefined && v1Kind(o.to) && v1Kind(o.from)
    // A null-prototype record with `sealers` and `verified` set, as v1's rotation (issue 11): a
    // planted Object.prototype.sealers was awaited as the sealing keys (a TypeError), and a planted
    // `verified` skipped the independent check of a passphrase `to`.
    return dict<V2Rotation>({
      policy, context, fromInput: o.from, from, list, add: o.add !== undefined, recipients, sources, signal,
      keyring: !list && keyringState(o.to) ? (o.to as Keyring) : undefined,
      v1: delegate ? rotation({ from: o.from as KeysealKey, to: o.to as KeysealKey, context, policy, signal }) : undefined,
      sealers: undefined,
      verified: undefined,
    })
  } catch (error) {
    wipeRecipients(recipients)
    if ('sym' in from) wipeRecipients([from])
    throw error
  }
}

/** @internal Wipe every passphrase copy a V2Rotation made. */
function release(r: V2Rotation): void {
  wipeRecipients(r.recipients)
  if ('sym' in r.from) wipeRecipients([r.from])
  if (r.v1) wipeRotation(r.v1)
}

/**
 * @internal §14.3: each passphrase recipient derived once (a fresh salt, the policy's KDF), so that
 * sealing its stanza and the verifying open cost one KDF; the verifier is the first new recipient
 * that can open.
 */
async function sealers(r: V2Rotation): Promise<{ recipients: ResolvedRecipient[]; verifier: unknown }> {
  const recipients: ResolvedRecipient[] = []
  let verifier: unknown
  for (let i = 0; i < r.recipients.length; i++) {
    const x = r.recipients[i]!
    let y = x
    // A null-prototype record (dict), as every resolved recipient (issue 11 item 2): sealStanza asks
    // `'point' in y`, so a plain object would let a planted Object.prototype.point seal this
    // passphrase recipient to the planter's public key.
    if ('sym' in x && keyState(x.sym) === undefined) y = dict({ sym: await deriveKey(x.sym as Uint8Array, { policy: r.policy, keyId: x.keyId, signal: r.signal } as never), keyId: x.keyId })
    recipients.push(y)
    if (verifier === undefined) {
      const src = r.sources[i]
      const primary = keyringState(src)?.primary.key
      verifier = 'sym' in y ? y.sym : isPrivateKey(src) ? src : isPrivateKey(primary) ? primary : undefined
    }
  }
  return { recipients, verifier }
}

/** @internal The kinds of recipient a keyring holds (§14.4). */
function kindsOf(ring: RingState): Set<string> {
  const kinds = new Set<string>()
  for (const e of ring.entries.values()) kinds.add(isPrivateKey(e.key) ? 'p256' : keyState(e.key) && (e.key as KeysealKey).kind === 'raw' ? 'raw' : 'passphrase')
  return kinds
}

/** @internal §14.4: each stanza's reasons. `strict`: a passphrase stanza out of the opening bounds throws (needsRotation). */
function stanzaReasons(p: ParsedV2, keyring: Keyring | undefined, policy: KeysealPolicy, strict: boolean): RotationReason[][] {
  const ring = keyring === undefined ? undefined : (keyringState(keyring) ?? fail('INVALID_OPTIONS'))
  const kinds = ring ? kindsOf(ring) : new Set<string>()
  return p.stanzas.map((s) => {
    if ('unsupported' in s) return []
    let kind = 'p256'
    let keyId = (s as HpkeStanza).keyId
    const out: RotationReason[] = []
    if (s.kind === KIND_SYMMETRIC) {
      const v1 = (s as SymmetricStanza).v1
      const params = v1.header.params
      keyId = v1.header.keyId
      kind = params.kdf === 'raw' ? 'raw' : 'passphrase'
      if (strict) checkOpenParams(params, policy)
      // A null-prototype check (issue 11): a plain `{}` read a planted Object.prototype.keyring or
      // maxAgeMs as this envelope's (INVALID_OPTIONS for every v2 rotation while it lasted).
      out.push(...reasonsFor(v1, dict({}) as RotationCheck, policy))
    }
    if (ring && kinds.has(kind)) {
      // v1's keyring rules (src/rotate.ts reasonsFor), on this stanza's key id.
      const entry = ring.entries.get(keyId!)
      if (keyId !== ring.primary.id) out.push('KEY_NOT_PRIMARY')
      if (keyId !== undefined && entry === undefined) out.push('UNKNOWN_KEY_ID')
      if (entry?.disabled) out.push('KEY_DISABLED')
    }
    return out
  })
}

const union = (lists: readonly (readonly RotationReason[])[]): RotationReason[] => [...new Set(lists.flat())]

function time(v: unknown): number {
  const t = v instanceof Date ? v.getTime() : v
  if (typeof t !== 'number' || !Number.isFinite(t)) return fail('INVALID_OPTIONS')
  return t
}

/**
 * Tell whether an envelope of either version should be rotated, and why, per recipient
 * (docs/format-v2.md §14.4). Needs no key. For a v1 envelope this is v1's `needsRotation`; for v2,
 * each stanza gets v1's reasons for the recipient it is for — KDF reasons for passphrase stanzas,
 * keyring reasons only for stanzas of a kind the keyring holds (a keyring of the server's private
 * keys says nothing about the user's passphrase stanza) — and `TOO_OLD` applies to the envelope.
 *
 * @param against A policy, a keyring, or `RotationCheck` options.
 * @returns The union of the reasons (empty: nothing to do), with `recipients`: each stanza's reasons.
 * @throws {KeysealError} as v1's `needsRotation`.
 * @example
 * ```ts
 * import { createKeyring, generateKeyPair, importKey, importPublicKey, sealKey, needsRotation } from '@org/keyseal/v2'
 * const [old, current] = [await generateKeyPair(), await generateKeyPair()]
 * const servers = createKeyring([
 *   { id: 'server-2025', key: await importKey(old.privateKey), disabled: true },
 *   { id: 'server-2026', key: await importKey(current.privateKey), primary: true },
 * ])
 * const envelope = await sealKey('sk-proj-example', ['correct horse battery staple', await importPublicKey(old.publicKey, { keyId: 'server-2025' })])
 * const reasons = needsRotation(envelope, servers)
 * console.log(reasons.join(' ')) // KEY_NOT_PRIMARY KEY_DISABLED
 * console.log(reasons.recipients[0].length, reasons.recipients[1].join(' ')) // 0 KEY_NOT_PRIMARY KEY_DISABLED
 * ```
 */
export function needsRotation(envelope: string, against: KeysealPolicy | Keyring | RotationCheck = {}): RotationReasons {
  let all: RotationReason[]
  let per: RotationReason[][]
  if (typeof envelope !== 'string' || !envelope.startsWith(V2_PREFIX)) {
    all = [...needsRotationV1(envelope, against)]
    per = [[...all]]
  } else {
    const c = checkArg(against)
    const policy = resolvePolicy(c.policy)
    per = stanzaReasons(parseV2(envelope), c.keyring, policy, true)
    all = union(per)
    if (c.maxAgeMs !== undefined || c.sealedAt !== undefined) {
      if (c.maxAgeMs === undefined || c.sealedAt === undefined) fail('INVALID_OPTIONS')
      const maxAge = time(c.maxAgeMs)
      if (maxAge < 0) fail('INVALID_OPTIONS')
      const now = c.now === undefined ? Date.now() : time(c.now)
      if (now - time(c.sealedAt) > maxAge) all.push('TOO_OLD')
    }
  }
  return freeze(Object.defineProperty(all, 'recipients', { value: freeze(per.map((x) => freeze(x))), enumerable: false })) as RotationReasons
}

/** @internal §17.5: `to` already is the recipient of the stanza `from` opened (so a replace would change nothing). */
function alreadyFor(p: ParsedV2, opened: OpenedV2, to: ResolvedRecipient): boolean {
  const s = p.stanzas[opened.index]!
  if ('point' in to) {
    const k = opened.key
    return isPrivateKey(k) && equalConstantTime(pointState(k)!.point, to.point) && (s as HpkeStanza).keyId === to.keyId
  }
  const k = to.sym as KeysealKey
  return keyState(k) !== undefined && opened.key === k && (s as SymmetricStanza).v1.header.keyId === (to.keyId ?? k.keyId)
}

/** @internal §14.3: open the new envelope from its string and compare; any failure is CRYPTO_FAILURE. */
async function verify(next: string, secret: Uint8Array<ArrayBuffer>, verifier: unknown, fk: Uint8Array<ArrayBuffer>, r: V2Rotation, context: Uint8Array<ArrayBuffer>): Promise<void> {
  let same = false
  try {
    const q = parseV2(next)
    if (verifier === undefined) {
      const got = await openWithFileKey(q, fk, context)
      same = equalConstantTime(got, secret)
      wipe(got)
    } else {
      const got = await openV2(q, resolveOpenKey(verifier), context, r.policy, r.signal)
      same = equalConstantTime(got.plaintext, secret)
      wipe(got.plaintext)
      wipe(got.fk)
    }
  } catch {
    // reported below
  }
  if (!same) fail('CRYPTO_FAILURE')
  // Issue 11 item 8, as v1 (src/rotate.ts): the check above used the key that sealed (a passphrase
  // recipient's derived key), which a faulty or non-deterministic Argon2id implementation passes.
  // So once per call the first new envelope is opened again with the first passphrase recipient's
  // passphrase itself (a fresh KDF from the stanza's salt); every item waits for that check.
  // AUTH_FAILED there means the two derivations disagree: CRYPTO_FAILURE; other codes (limits,
  // ABORTED) pass as they are.
  const x = r.recipients.find((y) => 'sym' in y && keyState(y.sym) === undefined) as { readonly sym: Uint8Array } | undefined
  if (x) {
    r.verified ??= (async () => {
      const pw = x.sym.slice()
      try {
        const got = await openV2(parseV2(next), dict({ sym: pw }), context, r.policy, r.signal)
        const ok = equalConstantTime(got.plaintext, secret)
        wipe(got.plaintext)
        wipe(got.fk)
        if (!ok) fail('CRYPTO_FAILURE')
      } catch (e) {
        fail(isKeysealError(e) && e.code !== 'AUTH_FAILED' ? e.code : 'CRYPTO_FAILURE')
      } finally {
        wipe(pw)
      }
    })()
    await r.verified
  }
}

/** @internal Re-seal (§14.2) a secret to the rotation's recipients, with a fresh file key and salt, and verify. */
async function reseal(r: V2Rotation, secret: Uint8Array<ArrayBuffer>, label: Uint8Array<ArrayBuffer>, context: Uint8Array<ArrayBuffer>): Promise<string> {
  const { recipients, verifier } = await (r.sealers ??= sealers(r))
  const fk = randomBytes(FILE_KEY_LEN)
  try {
    // Null-prototype fixtures: sealV2 also asks for `stanza` (a test hook), never Object.prototype's.
    const next = await sealV2(secret, recipients, label, context, r.policy, dict({ fk, salt: randomBytes(V2_SALT_LEN) }), r.signal)
    await verify(next, secret, verifier, fk, r, context)
    return next
  } finally {
    wipe(fk)
  }
}

/** @internal Rotate one envelope; undefined when nothing needed doing. `out.reasons` is set as soon as known. */
async function rotateOneV2(
  r: V2Rotation, envelope: unknown, context: Uint8Array<ArrayBuffer>, out: { reasons?: readonly RotationReason[] }, derive?: RingDerive,
): Promise<string | undefined> {
  if (typeof envelope !== 'string' || !envelope.startsWith(V2_PREFIX)) {
    if (r.v1) return rotateOne(r.v1, envelope, context, out, derive)
    // A v1 envelope to v2 (§17.5): open it, re-seal it as ks2.
    const p = parseString(envelope)
    out.reasons = freeze(reasonsFor(p, dict<RotationCheck>({ keyring: r.keyring }), r.policy))
    const secret = (await openKeyBytes(envelope as string, r.fromInput as OpenKeyInput, { context, policy: r.policy, signal: r.signal })) as Uint8Array<ArrayBuffer>
    try {
      return await reseal(r, secret, new Uint8Array(0), context)
    } finally {
      wipe(secret)
    }
  }
  const p = parseV2(envelope)
  const per = stanzaReasons(p, r.keyring, r.policy, false)
  if (r.list) out.reasons = freeze(union(per))
  // A passphrase `from` runs its KDF once per salt and parameters over the call, as for v1
  // envelopes (rotateMany's derived-key cache, shared by both versions).
  const opened = await openV2(p, r.from, context, r.policy, r.signal, derive)
  try {
    if (r.list) return await reseal(r, opened.plaintext, p.core.slice(18), context)
    const reasons = (out.reasons = freeze(per[opened.index]!))
    if (!r.add && reasons.length === 0 && alreadyFor(p, opened, r.recipients[0]!)) return undefined
    const { recipients, verifier } = await (r.sealers ??= sealers(r))
    const next = await replaceStanza(p, opened, recipients[0], context, r.policy, recipients.slice(1))
    await verify(next, opened.plaintext, verifier, opened.fk, r, context)
    return next
  } finally {
    wipe(opened.fk)
    wipe(opened.plaintext)
  }
}

const ROTATE_OPTIONS = ['from', 'to', 'add', 'context', 'policy', 'signal'] as const

/**
 * Rotate an envelope of either version (docs/format-v2.md §14, §17.5). With one recipient `to`,
 * the stanza `from` opened is re-wrapped for `to` and every other stanza is kept byte for byte:
 * the server moves to a new key pair with only its old private key and new public key, and a user
 * changes the passphrase with only the old and new one. With an array `to`, the envelope is sealed
 * afresh to exactly that list (new file key): the way to remove a recipient. A v1 envelope with one
 * symmetric `to` is v1's `rotateKey`; otherwise it becomes v2. The new envelope is opened again
 * before it is returned (with `to` when it can open; pass a new private key rather than its public
 * key to have the new stanza checked too).
 *
 * @throws {KeysealError} as {@link openKey} (opening with `from`) and {@link sealKey};
 * `INVALID_OPTIONS` (no `from` or `to`, `add` with an array `to`, more than 16 stanzas);
 * `CRYPTO_FAILURE` when the check of the new envelope fails.
 * @example
 * ```ts
 * import { generateKeyPair, importPublicKey, importKey, sealKey, openKey, rotateKey, inspect } from '@org/keyseal/v2'
 * const context = 'user:42/openai'
 * const [old, next] = [await generateKeyPair(), await generateKeyPair()]
 * const envelope = await sealKey('sk-proj-example', ['user passphrase', await importPublicKey(old.publicKey, { keyId: 'srv-1' })], { context })
 * // The server moves to its new key pair: the user's stanza is kept byte for byte.
 * const moved = await rotateKey(envelope, { from: await importKey(old.privateKey, { keyId: 'srv-1' }), to: await importKey(next.privateKey, { keyId: 'srv-2' }), context })
 * console.log(moved.rotated, inspect(moved.envelope).recipients.map((r) => ('keyId' in r && r.keyId) || r.kind).join(' ')) // true passphrase srv-2
 * console.log(await openKey(moved.envelope, 'user passphrase', { context })) // sk-proj-example
 * ```
 */
export async function rotateKey(envelope: string, options: RotateOptionsV2): Promise<RotateResult> {
  const o = checkOptions<RotateOptionsV2>(options, ROTATE_OPTIONS)
  checkSignal(o.signal)
  const r = prepare(o)
  const out: { reasons?: readonly RotationReason[] } = {}
  try {
    const next = await rotateOneV2(r, envelope, r.context, out)
    return freeze({ envelope: next ?? envelope, rotated: next !== undefined, reasons: out.reasons! }) as RotateResult
  } finally {
    release(r)
  }
}

/** Options for {@link rotateRecipient}. */
export interface RotateRecipientOptions {
  /** The key that opens the envelope today: its stanza is the one replaced. */
  from: OpenKeyInput
  /** The new recipient for that stanza (a keyring: its primary). */
  to: Recipient | Keyring
  /** Recipients to add as well (stanzas at the end). */
  add?: readonly Recipient[] | undefined
  /** The envelope's context; kept unchanged. */
  context?: string | Uint8Array | undefined
  /** Policy for opening and for a new passphrase stanza (its parameters). */
  policy?: KeysealPolicy | undefined
  /** Gives up waiting for a KDF slot when it aborts (`ABORTED`), as v1's {@link RotateOptions.signal}. */
  signal?: AbortSignal | undefined
}

/**
 * Replace one recipient of a v2 envelope (docs/format-v2.md §14.1): {@link rotateKey} with one `to`,
 * returning the new envelope string. `to: null` is refused (`INVALID_OPTIONS`): dropping a stanza
 * while keeping the file key removes nobody (§14.2); re-seal with `rotateKey` and an array instead.
 *
 * @throws {KeysealError} as {@link rotateKey}; `UNSUPPORTED_VERSION` for a v1 envelope.
 * @example
 * ```ts
 * import { generateKeyPair, importPublicKey, importKey, sealKey, openKey, rotateRecipient } from '@org/keyseal/v2'
 * const oldPair = await generateKeyPair()
 * const newPair = await generateKeyPair()
 * const envelope = await sealKey('sk-proj-example', ['user passphrase here', await importPublicKey(oldPair.publicKey)], { context: 'user:42/openai' })
 * const rotated = await rotateRecipient(envelope, { from: await importKey(oldPair.privateKey), to: await importPublicKey(newPair.publicKey), context: 'user:42/openai' })
 * console.log(await openKey(rotated, await importKey(newPair.privateKey), { context: 'user:42/openai' })) // sk-proj-example
 * console.log(await openKey(rotated, 'user passphrase here', { context: 'user:42/openai' })) // sk-proj-example
 * ```
 */
export async function rotateRecipient(envelope: string, options: RotateRecipientOptions): Promise<string> {
  const o = checkOptions<RotateOptionsV2>(options, ROTATE_OPTIONS)
  if (o.to === null || Array.isArray(o.to)) fail('INVALID_OPTIONS')
  checkSignal(o.signal)
  const r = prepare(o)
  try {
    if (typeof envelope === 'string' && !envelope.startsWith(V2_PREFIX)) {
      inspectV1(envelope)
      fail('UNSUPPORTED_VERSION')
    }
    return (await rotateOneV2({ ...r, v1: undefined }, envelope, r.context, {})) ?? envelope
  } finally {
    release(r)
  }
}

const MANY_OPTIONS = ['from', 'to', 'add', 'context', 'policy', 'concurrency', 'onProgress', 'signal'] as const

/**
 * Rotate many envelopes of either version, each by {@link rotateKey}'s rules: v1's `rotateMany`
 * (items, `concurrency`, `onProgress`, `signal`, one result per item in input order, `ok` /
 * `skipped` / `failed`; one bad item never stops the batch) for v2 recipients. A passphrase `to` is
 * derived once per call. Nothing is written: store the returned envelopes yourself, with a
 * compare-and-swap on the previous one.
 *
 * @throws {KeysealError} for the call itself as v1's `rotateMany`; per-item failures are results.
 * @example
 * ```ts
 * import { createKeyring, generateKeyPair, importKey, importPublicKey, sealKey, rotateMany } from '@org/keyseal/v2'
 * const [old, next] = [await generateKeyPair(), await generateKeyPair()]
 * const oldPub = await importPublicKey(old.publicKey, { keyId: 'srv-1' })
 * const rows = await Promise.all(['sk-a', 'sk-b'].map(async (s, id) => ({ id, context: `row:${id}`, envelope: await sealKey(s, [`passphrase of user ${id}`, oldPub], { context: `row:${id}` }) })))
 * const servers = createKeyring([
 *   { id: 'srv-1', key: await importKey(old.privateKey) },
 *   { id: 'srv-2', key: await importKey(next.privateKey), primary: true },
 * ])
 * // Run it twice (a crash half-way, a re-run): the second pass skips what the first moved.
 * const first = await rotateMany(rows, { from: servers, to: servers })
 * const second = await rotateMany(first.map((x, i) => ({ ...rows[i], envelope: x.envelope! })), { from: servers, to: servers })
 * console.log(first.map((x) => x.status).join(' '), '/', second.map((x) => x.status).join(' ')) // ok ok / skipped skipped
 * ```
 */
export async function rotateMany<T extends RotateItem = RotateItem>(items: Iterable<T> | AsyncIterable<T>, options: RotateManyOptionsV2<T>): Promise<RotateItemResult<T>[]> {
  const o = checkOptions<RotateManyOptionsV2>(options as RotateManyOptionsV2, MANY_OPTIONS)
  // v1's batch machinery (src/rotate.ts runMany): options, workers, abort, progress, the source.
  return runMany(items, o, prepare, release, rotateOneV2) as Promise<RotateItemResult<T>[]>
}

/**
 * Options for {@link rotateStream} of `@org/keyseal/v2`: v1's, with `from`, `to` and `add` as
 * {@link RotateOptionsV2}. There is no `kdf` option: `kdf: 'keep'` is v1's `rotateStream` alone
 * (from `@org/keyseal`, for `ks1.` rows), as v2's `rotateMany` has none.
 */
export interface RotateStreamOptionsV2 extends Omit<RotateStreamOptions, 'from' | 'to' | 'kdf'> {
  from: OpenKeyInput
  to: Recipient | Keyring | readonly Recipient[]
  add?: readonly Recipient[] | undefined
}

const STREAM_OPTIONS = ['from', 'to', 'add', 'context', 'policy', 'concurrency', 'signal'] as const

/**
 * Re-seal envelopes of either version as a stream: v1's `rotateStream` (results as soon as they
 * are ready, the next row read only when you ask for the next result, at most `concurrency` rows
 * between the source and your write-backs, `signal`, `return()`) with each item rotated by
 * {@link rotateKey}'s rules, as in v2's {@link rotateMany}: `ks1.` and `ks2.` rows in one stream,
 * `to` one recipient (a replace) or an array (a re-seal), `add`. A passphrase `to` is derived once
 * per stream and checked once from the passphrase itself; a passphrase `from` runs its KDF once per
 * salt and parameters (a small bounded cache). Store `envelope` only where the row still holds
 * `previous` (a compare-and-swap).
 *
 * @throws {KeysealError} synchronously as v1's `rotateStream` (`INVALID_OPTIONS`, also for `kdf`
 * or `onProgress`; `INVALID_KEY`, `INVALID_CONTEXT`, `KEY_USAGE`); per-item failures are `failed`
 * results. The iteration rejects with the source's error or `signal.reason`.
 * @example
 * ```ts
 * import { generateKeyPair, importKey, importPublicKey, sealKey, openKey, rotateStream } from '@org/keyseal/v2'
 * const server = await generateKeyPair()
 * const serverKey = await importPublicKey(server.publicKey)
 * const table = new Map<number, string>([
 *   [0, await sealKey('sk-a', 'old passphrase', { context: 'row:0' })], // a ks1. row
 *   [1, await sealKey('sk-b', ['old passphrase', serverKey], { context: 'row:1' })], // a ks2. row
 * ])
 * async function* rows() {
 *   for (const [id, envelope] of table) yield { id, envelope, context: `row:${id}` }
 * }
 * for await (const r of rotateStream(rows(), { from: 'old passphrase', to: 'new passphrase', concurrency: 2 })) {
 *   // Compare-and-swap: write only if the row still holds the envelope that was rotated.
 *   if (r.status === 'ok' && table.get(r.id as number) === r.previous) table.set(r.id as number, r.envelope)
 * }
 * console.log(await openKey(table.get(0)!, 'new passphrase', { context: 'row:0' })) // sk-a
 * console.log(await openKey(table.get(1)!, await importKey(server.privateKey), { context: 'row:1' })) // sk-b
 * ```
 */
export function rotateStream(items: Iterable<RotateItem> | AsyncIterable<RotateItem>, options: RotateStreamOptionsV2): AsyncIterableIterator<RotateStreamResult> {
  // v1's streaming machinery (src/stream.ts runStream), as rotateMany runs on v1's runMany.
  return runStream(items, checkOptions<RotateStreamOptionsV2>(options, STREAM_OPTIONS), prepare, release, rotateOneV2)
}
