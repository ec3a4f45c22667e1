// Rotation: which envelopes need it (needsRotation), moving one (rotateKey), and moving many at one
// KDF per distinct salt (rotateMany). The library never writes anything: it returns new envelopes.
import { equalConstantTime, toBase64url, wipe } from './bytes.js'
import { parseString, toEnvelopeString, type Parsed } from './envelope.js'
import { fail, guarded, isKeysealError, type KeysealErrorCode } from './errors.js'
import { checkOptions, checkSignal, contextBytes, ownValue, plainObject } from './inputs.js'
import { keyringState, type Keyring, type RingDerive } from './keyring.js'
import { canSealOf, deriveKey, keyState, type DeriveKeyOptions, type KeysealKey } from './keys.js'
import { belowSealFloor, checkOpenParams, resolvePolicy, type KeysealPolicy } from './policy.js'
import { compatible, openWithKey } from './open.js'
import { openResolved, resolveKeyInput, sealWithKey, type KeyInput, type SingleKey } from './seal.js'
import { COMMITMENT_LEN, NONCE_LEN } from './constants.js'
import { dict } from './webcrypto.js'

/**
 * Why an envelope should be re-sealed.
 *
 * - `FORMAT_VERSION`: sealed with an older format version (reserved: v1 is the only version so far).
 * - `KDF_BELOW_POLICY`: KDF parameters below the policy's sealing minimum (for example fewer PBKDF2
 *   iterations than `minIterations`, or less Argon2id memory or passes than the minimums).
 * - `KDF_CHANGED`: a passphrase envelope whose KDF is not the one the policy seals with (for
 *   example PBKDF2 when the policy has moved to Argon2id).
 * - `KEY_NOT_PRIMARY`: the keyring's primary key did not seal it (another id, or no key id).
 * - `KEY_DISABLED`: the key that sealed it is disabled in the keyring.
 * - `UNKNOWN_KEY_ID`: the keyring has no key with the envelope's id.
 * - `TOO_OLD`: older than `maxAgeMs`, by the `sealedAt` time you pass (the format does not record
 *   when an envelope was sealed; your row's timestamp does).
 */
export type RotationReason = 'FORMAT_VERSION' | 'KDF_BELOW_POLICY' | 'KDF_CHANGED' | 'KEY_NOT_PRIMARY' | 'KEY_DISABLED' | 'UNKNOWN_KEY_ID' | 'TOO_OLD'

/** What {@link needsRotation} checks against. */
export interface RotationCheck {
  /** The current policy. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy | undefined
  /** The current keyring: envelopes not sealed by its primary key need rotation. */
  keyring?: Keyring | undefined
  /** When the envelope was sealed (your row's timestamp), for `maxAgeMs`. */
  sealedAt?: Date | number | undefined
  /** Rotate envelopes older than this many milliseconds (needs `sealedAt`). */
  maxAgeMs?: number | undefined
  /** "Now", for `maxAgeMs` (default `Date.now()`). */
  now?: Date | number | undefined
}

function time(v: unknown): number {
  const t = v instanceof Date ? v.getTime() : v
  if (typeof t !== 'number' || !Number.isFinite(t)) return fail('INVALID_OPTIONS')
  return t
}

const CHECK_OPTIONS = ['policy', 'keyring', 'sealedAt', 'maxAgeMs', 'now'] as const

export function checkArg(against: unknown): RotationCheck {
  // Every field is set on a null-prototype record (checkOptions makes one): a keyring or a policy
  // alone leaves the others undefined, never a polluted Object.prototype.maxAgeMs (issue 11).
  if (keyringState(against) !== undefined) return Object.assign(checkOptions<RotationCheck>(undefined, CHECK_OPTIONS), { keyring: against as Keyring })
  if (typeof against === 'object' && against !== null && guarded(() => Object.hasOwn(against, 'pbkdf2'), 'INVALID_OPTIONS')) {
    return Object.assign(checkOptions<RotationCheck>(undefined, CHECK_OPTIONS), { policy: against as KeysealPolicy })
  }
  // Each option is read once (a getter cannot answer the check and the use differently).
  return checkOptions<RotationCheck>(against, CHECK_OPTIONS)
}

export function reasonsFor(p: Parsed, c: RotationCheck, policy: KeysealPolicy): RotationReason[] {
  const reasons: RotationReason[] = []
  const params = p.header.params
  if (belowSealFloor(params, policy)) reasons.push('KDF_BELOW_POLICY')
  // The policy now seals with another passphrase KDF (for example PBKDF2 -> Argon2id).
  if (params.kdf !== 'raw' && params.kdf !== (policy.kdf ?? 'pbkdf2-sha256')) reasons.push('KDF_CHANGED')
  if (c.keyring !== undefined) {
    const ring = keyringState(c.keyring) ?? fail('INVALID_OPTIONS')
    const id = p.header.keyId
    const entry = ring.entries.get(id!) // no entry has the key undefined
    if (id !== ring.primary.id) reasons.push('KEY_NOT_PRIMARY')
    if (id !== undefined && entry === undefined) reasons.push('UNKNOWN_KEY_ID')
    if (entry?.disabled) reasons.push('KEY_DISABLED')
  }
  if (c.maxAgeMs !== undefined || c.sealedAt !== undefined) {
    if (c.maxAgeMs === undefined || c.sealedAt === undefined) fail('INVALID_OPTIONS')
    const maxAge = time(c.maxAgeMs)
    if (maxAge < 0) fail('INVALID_OPTIONS')
    const now = c.now === undefined ? Date.now() : time(c.now)
    if (now - time(c.sealedAt) > maxAge) reasons.push('TOO_OLD')
  }
  return reasons
}

/**
 * Tell whether an envelope should be re-sealed, and why. Needs no key: it reads the header.
 * Returns the reasons; an empty array means nothing needs doing.
 *
 * @param against A policy, a keyring, or {@link RotationCheck} options.
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF` (also an
 * Argon2id envelope under a policy without Argon2id), `PARAMS_OUT_OF_POLICY` (parameters that
 * {@link openKey} refuses under this policy, checked as it does), `INVALID_OPTIONS`.
 * @example
 * ```ts
 * import { sealKey, needsRotation, createPolicy } from '@org/keyseal'
 * const old = createPolicy({ pbkdf2: { iterations: 100_000, minIterations: 100_000 } })
 * const envelope = await sealKey('sk-test-123', 'correct horse battery staple', { policy: old })
 * console.log(needsRotation(envelope, createPolicy())) // [ 'KDF_BELOW_POLICY' ]
 * console.log(needsRotation(envelope, old)) // []
 * ```
 */
export function needsRotation(envelope: string, against: KeysealPolicy | Keyring | RotationCheck = {}): readonly RotationReason[] {
  const c = checkArg(against)
  const policy = resolvePolicy(c.policy)
  const p = parseString(envelope)
  // An envelope openKey would refuse under this policy (2^31 iterations, Argon2id without an
  // implementation) cannot be rotated under it either: a typed error, never an empty answer.
  checkOpenParams(p.header.params, policy)
  return Object.freeze(reasonsFor(p, c, policy))
}

/** Options for {@link rotateKey}. */
export interface RotateOptions {
  /** The key (passphrase, key object or keyring) that opens the envelope today. */
  from: KeyInput
  /**
   * The key to seal with. A passphrase is derived once (fresh salt) under the policy; a keyring
   * seals with its primary. A derived key seals with its own KDF and parameters: to move envelopes
   * to the policy's KDF (`KDF_CHANGED`), pass a passphrase or a key derived under that policy.
   */
  to: KeyInput
  /** The envelope's context; kept unchanged. */
  context?: string | Uint8Array | undefined
  /** The policy for sealing (its minimums) and for opening (its bounds). Default {@link defaultPolicy}. */
  policy?: KeysealPolicy | undefined
  /**
   * Gives up waiting for a KDF slot when it aborts (`ABORTED`), as {@link SealOptions.signal}; an
   * already-aborted signal is `ABORTED` before any work. A KDF already running is not stopped.
   */
  signal?: AbortSignal | undefined
}

/**
 * What {@link rotateKey} returns: {@link RotateResultRotated} or {@link RotateResultUnchanged},
 * told apart by `rotated` (TypeScript narrows on it). Both carry the envelope to store.
 */
export type RotateResult = RotateResultRotated | RotateResultUnchanged

/** {@link rotateKey}'s result when it re-sealed the envelope. */
export interface RotateResultRotated {
  /** The new envelope. */
  readonly envelope: string
  /** True: re-sealed. */
  readonly rotated: true
  /** The {@link needsRotation} reasons measured against `to` and the policy. */
  readonly reasons: readonly RotationReason[]
}

/**
 * {@link rotateKey}'s result when nothing needed doing: no reasons under the current policy, and
 * `to` sealed it already, as far as the header tells: a keyring's primary by its key id, a derived
 * key by its salt and parameters, a raw key by its key id (a raw key without an id, or a
 * passphrase, is never recognised, so such envelopes are always re-sealed). A key object `to` must
 * also open the envelope with this context; a keyring whose primary is a passphrase is taken at the
 * key id's word (no KDF is run).
 */
export interface RotateResultUnchanged {
  /** The input, unchanged. */
  readonly envelope: string
  /** False: nothing needed doing. */
  readonly rotated: false
  /** The {@link needsRotation} reasons measured against `to` and the policy (empty). */
  readonly reasons: readonly RotationReason[]
}

export type Resolved = ReturnType<typeof resolveKeyInput>

/** @internal The single sealing key for `to` and the key id to record. */
type Sealer = { key: SingleKey; keyId: string | undefined }

/**
 * @internal The options rotateKey and rotateMany share, validated before any work. It is also the
 * {@link RotationCheck} for the reasons: `keyring` is `to` when that is a keyring.
 */
export interface Rotation {
  readonly policy: KeysealPolicy
  readonly context: Uint8Array<ArrayBuffer>
  readonly from: Resolved
  readonly to: Resolved
  readonly keyring: Keyring | undefined
  /** The key `to` seals with (a keyring's primary) and its id: the Sealer before any derivation. */
  readonly key: SingleKey
  readonly keyId: string | undefined
  /** Reaches every KDF of the rotation (the process-wide limiter, src/kdf/limit.ts): a wait for a slot ends ABORTED. */
  readonly signal: AbortSignal | undefined
  /** The sealing key, made once, on first use. */
  sealer?: Promise<Sealer> | undefined
  /**
   * The independent check of a passphrase `to`, once per call (issue 11, item 8): the first new
   * envelope opened with the passphrase itself (a fresh KDF), not with the key that sealed it.
   */
  verified?: Promise<unknown> | undefined // unset: `r` has a null prototype (dict)
}

export function rotation(o: Partial<RotateOptions>): Rotation {
  // `signal` was checked by the caller: checkSignal (rotateKey) or batchOptions (a batch, which
  // rejects with the reason of an already-aborted signal instead of ABORTED).
  if (o.from === undefined || o.to === undefined) fail('INVALID_OPTIONS')
  const policy = resolvePolicy(o.policy)
  const context = contextBytes(o.context)
  const from = resolveKeyInput(o.from)
  let to: Resolved
  try {
    to = resolveKeyInput(o.to)
    // A key object that cannot seal (from deriveKey({ envelope })) fails the call, before any item
    // is opened, not every item after its KDF.
    if ('single' in to && !canSealOf(to.single)) fail('KEY_USAGE')
  } catch (error) {
    wipePassphrases([from]) // the passphrase copy of `from` never outlives a failed call
    throw error
  }
  const primary = 'ring' in to ? to.ring.primary : undefined
  // A null-prototype record with `sealer` set: `r.sealer ??=` must never find Object.prototype.sealer.
  return dict<Rotation>({
    policy,
    context,
    from,
    to,
    keyring: primary && (o.to as Keyring),
    key: primary ? primary.key : (to as { single: SingleKey }).single,
    keyId: primary?.id,
    signal: o.signal,
    sealer: undefined,
  })
}

/**
 * @internal True when the header says `to` sealed the envelope (so rotating would change nothing):
 * see {@link confirmed} for how much of that is checked.
 */
function alreadySealedBy(p: Parsed, r: Rotation): boolean {
  const id = p.header.keyId
  const k = r.key as KeysealKey
  // A keyring: by its primary's id. A passphrase: not provable from the header. A raw key: only by
  // its key id. A derived key: same salt and parameters.
  return (r.keyring ? id === r.keyId : keyState(k) !== undefined && (k.kind !== 'raw' || (k.keyId !== undefined && k.keyId === id))) && compatible(k, p)
}

/**
 * @internal Before an item is skipped: when `to` is a key object, the envelope must open under it
 * with this context (its keys are cached: no KDF, one AES-GCM decryption). A tampered envelope, a
 * wrong context or another key under the same id is then rotated like any other item, which
 * fails for it when `from` does not open it either. A passphrase primary of a keyring is taken at
 * its header's word (the key id): confirming would cost one KDF per envelope.
 */
async function confirmed(p: Parsed, r: Rotation, context: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (keyState(r.key) === undefined) return true
  try {
    wipe(await openWithKey(p, r.key, context, r.policy))
    return true
  } catch (error) {
    if (isKeysealError(error, 'AUTH_FAILED')) return false
    throw error
  }
}

/** @internal The single sealing key for `to`: the primary of a keyring; a passphrase derived once. */
async function sealingKey(r: Rotation): Promise<Sealer> {
  const { key, keyId, policy, signal } = r
  // A passphrase: derive once with a fresh salt, so sealing and the verifying open cost one KDF.
  // (An undefined keyId is no key id: deriveKey reads it as absent.)
  return { key: keyState(key) !== undefined ? key : await deriveKey(key as Uint8Array, { policy, keyId, signal } as DeriveKeyOptions), keyId }
}

/**
 * @internal Rotate one envelope: open it with `from`, seal the secret with `to` (fresh nonce), and
 * open the result once to verify it. Returns the new envelope, or undefined when `to` provably
 * sealed it already under the policy. `out.reasons` is set as soon as they are known: rotateMany
 * reports them for an item that fails later.
 */
export async function rotateOne(
  r: Rotation,
  envelope: unknown,
  context: Uint8Array<ArrayBuffer>,
  out: { reasons?: readonly RotationReason[] },
  derive?: RingDerive,
): Promise<string | undefined> {
  const p = parseString(envelope)
  // The reasons first: an item refused by the policy's bounds below still reports why it needs
  // rotating (for example KDF_BELOW_POLICY with PARAMS_OUT_OF_POLICY).
  const reasons = (out.reasons = Object.freeze(reasonsFor(p, r as RotationCheck, r.policy)))
  checkOpenParams(p.header.params, r.policy)
  if (reasons.length === 0 && alreadySealedBy(p, r) && (await confirmed(p, r, context))) return undefined
  const sealer = await (r.sealer ??= sealingKey(r))
  const secret = await openResolved(p, r.from, context, r.policy, r.signal, derive)
  try {
    const next = await sealWithKey(secret, sealer.key, context, r.policy, undefined, sealer.keyId)
    // Verify before returning: the new envelope must open under `to` to the same secret.
    const check = await openWithKey(parseString(next), sealer.key, context, r.policy)
    const same = equalConstantTime(check, secret)
    wipe(check)
    if (!same) fail('CRYPTO_FAILURE')
    // The check above used the in-memory key that sealed: a faulty or non-deterministic Argon2id
    // implementation passes it, and the app would overwrite its old envelopes with unopenable ones.
    // So once per call, a passphrase `to` opens its first new envelope through a fresh derivation
    // (openWithKey with the passphrase runs the KDF again), and every item waits for that check.
    if (sealer.key !== r.key) {
      // AUTH_FAILED there means the two derivations disagree; other codes (limits) pass as they are.
      r.verified ??= openWithKey(parseString(next), r.key, context, r.policy, r.signal).then(wipe, (e) => fail(isKeysealError(e, 'AUTH_FAILED') ? 'CRYPTO_FAILURE' : e.code))
      await r.verified
    }
    return next
  } finally {
    wipe(secret)
  }
}

/** @internal Wipe the passphrase copies made by resolveKeyInput (keyring bytes are not copies: kept). */
export function wipePassphrases(keys: readonly Resolved[]): void {
  for (const k of keys) if ('single' in k && keyState(k.single) === undefined) wipe(k.single as Uint8Array)
}

/** @internal Wipe the passphrase copies of a rotation (rotateKey, rotateMany, rotateStream). */
export const wipeRotation = (r: Rotation): void => wipePassphrases([r.from, r.to])

const ROTATE_OPTIONS = ['from', 'to', 'context', 'policy', 'signal'] as const

/**
 * Re-seal one envelope: open it with `from`, seal the same secret with `to` (fresh nonce, and fresh
 * salt where a KDF runs), keep the context, and open the result once to verify it before returning.
 * When `to` sealed it already and the policy has no reason to rotate it, nothing is done
 * (`rotated: false`; see {@link RotateResultUnchanged} for how that is checked).
 *
 * @throws {KeysealError} any code of {@link openKey} (opening with `from`) or {@link sealKey}
 * (`ABORTED` when `signal` aborts while a KDF slot is awaited, `KDF_BUSY`).
 * @example
 * ```ts
 * import { sealKey, openKey, rotateKey, isKeysealError } from '@org/keyseal'
 * const context = 'user:42/openai'
 * const envelope = await sealKey('sk-proj-example', 'old passphrase', { context })
 * const { envelope: moved, rotated } = await rotateKey(envelope, { from: 'old passphrase', to: 'new passphrase', context })
 * console.log(rotated, await openKey(moved, 'new passphrase', { context })) // true sk-proj-example
 * try {
 *   await openKey(moved, 'old passphrase', { context })
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // AUTH_FAILED
 * }
 * ```
 */
export async function rotateKey(envelope: string, options: RotateOptions): Promise<RotateResult> {
  const o = checkOptions<RotateOptions>(options, ROTATE_OPTIONS)
  checkSignal(o.signal)
  const r = rotation(o)
  const out: { reasons?: readonly RotationReason[] } = {}
  try {
    const next = await rotateOne(r, envelope, r.context, out)
    return Object.freeze({ envelope: next ?? envelope, rotated: next !== undefined, reasons: out.reasons! })
  } finally {
    wipeRotation(r)
  }
}

/** One input of {@link rotateMany}: an envelope, or an envelope with its context and your own id. */
export type RotateItem = string | { readonly envelope: string; readonly context?: string | Uint8Array | undefined; readonly id?: unknown }

/**
 * The type of `id` in the results for items of type `T`: the items' own `id` type (`never` for
 * plain strings, which have none). Type-level only.
 */
export type RotateItemId<T extends RotateItem> = T extends string ? never : T extends { readonly id?: unknown } ? ('id' extends keyof T ? T['id'] : never) : never

/**
 * The `id` member of a result: required when every item type has a required `id`, optional
 * otherwise (the result has `id` exactly when its item had an own `id`). Type-level only.
 */
export type RotateItemIdField<T extends RotateItem> = [T] extends [{ readonly id: unknown }]
  ? { readonly id: RotateItemId<T> }
  : [RotateItemId<T>] extends [never]
    ? { readonly id?: never }
    : { readonly id?: RotateItemId<T> }

/** {@link rotateMany}'s result for an item it re-sealed (`status: 'ok'`). */
export type RotateItemOk<T extends RotateItem = RotateItem> = RotateItemIdField<T> & {
  /** Position in the input. */
  readonly index: number
  /** `ok`: re-sealed. */
  readonly status: 'ok'
  /** The envelope to store: the new one. */
  readonly envelope: string
  /** The {@link needsRotation} reasons. */
  readonly reasons: readonly RotationReason[]
  readonly code?: never
}

/** {@link rotateMany}'s result for an item that needed nothing (as for {@link RotateResultUnchanged}). */
export type RotateItemSkipped<T extends RotateItem = RotateItem> = RotateItemIdField<T> & {
  /** Position in the input. */
  readonly index: number
  /** `skipped`: nothing needed doing. */
  readonly status: 'skipped'
  /** The envelope to store: the unchanged input. */
  readonly envelope: string
  /** The {@link needsRotation} reasons (empty). */
  readonly reasons: readonly RotationReason[]
  readonly code?: never
}

/** {@link rotateMany}'s result for an item that failed (`status: 'failed'`): no envelope, a code. */
export type RotateItemFailed<T extends RotateItem = RotateItem> = RotateItemIdField<T> & {
  /** Position in the input. */
  readonly index: number
  /** `failed`: see `code`. */
  readonly status: 'failed'
  /**
   * Why it failed (`INVALID_OPTIONS` for an item that could not be read, such as a getter that
   * throws).
   */
  readonly code: KeysealErrorCode
  /** The {@link needsRotation} reasons, when the item could be parsed. */
  readonly reasons?: readonly RotationReason[]
  readonly envelope?: never
}

/**
 * The outcome for one item of {@link rotateMany}, at its input position: a union told apart by
 * `status` (TypeScript narrows on it), so `envelope` is a `string` once `status` is `ok` or
 * `skipped`, and `code` once it is `failed`. `T` is the item type; `id` has the items' `id` type.
 */
export type RotateItemResult<T extends RotateItem = RotateItem> = RotateItemOk<T> | RotateItemSkipped<T> | RotateItemFailed<T>

/** Progress reported by {@link rotateMany} after each item. */
export interface RotateProgress<T extends RotateItem = RotateItem> {
  readonly done: number
  readonly ok: number
  readonly skipped: number
  readonly failed: number
  /** The item that just finished. */
  readonly item: RotateItemResult<T>
}

/** Options for {@link rotateMany}; `T` is the item type. */
export interface RotateManyOptions<T extends RotateItem = RotateItem> {
  /** The key (passphrase, key object or keyring) that opens the envelopes today. */
  from: KeyInput
  /** The key to seal with (a passphrase is derived once per call), as for {@link RotateOptions.to}. */
  to: KeyInput
  /** The context of items that do not give their own: plain strings, or objects without `context` (default: none). */
  context?: string | Uint8Array | undefined
  /** Policy for sealing and opening. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy | undefined
  /** Items in flight at once, 1–256. Default 4. */
  concurrency?: number | undefined
  /**
   * Called after each item. If it throws, no new item starts, the items in flight finish, the
   * source iterator is closed and the call rejects with that error.
   */
  onProgress?: ((progress: RotateProgress<T>) => void) | undefined
  /**
   * Stops the batch: no new item starts, the items in flight finish (an item waiting for a KDF slot
   * stops waiting: `ABORTED`), the source iterator is closed (called, not awaited) and the call
   * rejects with the signal's reason, promptly even while the source stalls in `next()`.
   */
  signal?: AbortSignal | undefined
}

const MANY_OPTIONS = ['from', 'to', 'context', 'policy', 'concurrency', 'onProgress', 'signal'] as const

/**
 * Re-seal many envelopes. Envelopes that share a KDF salt and parameters (for example everything
 * one derived key sealed) run the KDF once: a derived-key cache that lives only for this call. Each
 * item reports `ok`, `skipped` or its error code; one bad item never stops the batch. Nothing is
 * written: store the returned envelopes yourself.
 *
 * @returns One result per item, in input order.
 * @throws {KeysealError} `INVALID_OPTIONS`, `INVALID_KEY`, `INVALID_CONTEXT`, `KEY_USAGE` (a `to`
 * key that cannot seal) for the call itself (also for items, options or a signal that are revoked
 * Proxies, and a source whose `next()` gives no result object); rejects with `signal.reason` when
 * aborted (promptly, even while the source stalls in `next()`), and with the error of `onProgress`
 * or of the source itself if they throw. Per-item failures are results, not throws.
 * @example
 * ```ts
 * import { deriveKey, sealKey, rotateMany, openKey } from '@org/keyseal'
 * const old = await deriveKey('old passphrase')
 * const rows = await Promise.all(['sk-a', 'sk-b', 'sk-c'].map(async (s, i) => ({ id: i, context: `user:1/p${i}`, envelope: await sealKey(s, old, { context: `user:1/p${i}` }) })))
 * rows.push({ id: 99, context: 'user:1/x', envelope: 'not an envelope' })
 * const results = await rotateMany(rows, { from: 'old passphrase', to: 'new passphrase', concurrency: 4 })
 * console.log(results.map((r) => r.status).join(' ')) // ok ok ok failed
 * console.log(results[3].code) // MALFORMED_ENVELOPE
 * console.log(await openKey(results[1].envelope!, 'new passphrase', { context: 'user:1/p1' })) // sk-b
 * ```
 */
export async function rotateMany<T extends RotateItem = RotateItem>(
  items: Iterable<T> | AsyncIterable<T>,
  options: RotateManyOptions<T>,
): Promise<RotateItemResult<T>[]> {
  const o = checkOptions<RotateManyOptions>(options as RotateManyOptions, MANY_OPTIONS)
  return runMany(items, o, rotation, wipeRotation) as Promise<RotateItemResult<T>[]>
}

/** @internal What a rotation's KDFs run under: the policy, and the signal that reaches the limiter. */
export interface KdfScope {
  readonly policy: KeysealPolicy
  readonly signal: AbortSignal | undefined
}

/**
 * @internal The batch machinery of rotateMany, v1's and `@org/keyseal/v2`'s (which passes its own
 * `prepare`, per-item rotation and `release`): options checked before `prepare` copies any
 * passphrase, `concurrency` workers over one source, the `from` derived-key cache of the call,
 * progress, abort and closing the source.
 */
export async function runMany<O extends Partial<Pick<RotateManyOptions, 'concurrency' | 'onProgress' | 'signal'>>, R extends KdfScope & { readonly context: Uint8Array<ArrayBuffer> }>(
  items: Iterable<RotateItem> | AsyncIterable<RotateItem>,
  o: O,
  prepare: (o: O) => R,
  release: (r: R) => void,
  one?: OneRotation<R>,
): Promise<RotateItemResult[]> {
  // Everything that can fail the call is checked before prepare() copies any passphrase.
  const { concurrency, signal, aborted } = batchOptions(o)
  const onProgress = o.onProgress
  if (onProgress !== undefined && typeof onProgress !== 'function') fail('INVALID_OPTIONS')
  const iterator = iteratorOf(items)
  // Settles when the signal aborts: every wait on the source races it, so a stalled source (a
  // database cursor that never answers) cannot hold an aborted call (issue 11). Before
  // prepare() copies any passphrase.
  const abort = abortPromise(signal)
  const r = prepare(o)
  // The derived-key cache: scoped to this call, dropped when it returns (unbounded: one call).
  const cache = new Map<string, Promise<KeysealKey>>()
  const derive = derivedKeys(r, Infinity, cache)

  const results: RotateItemResult[] = []
  const counts = { done: 0, ok: 0, skipped: 0, failed: 0 }
  let started = 0
  // Set when a worker throws (onProgress threw, or an unexpected error): no new item starts.
  let stopped = false

  const worker = async (): Promise<void> => {
    try {
      while (!stopped && !aborted()) {
        // The index is taken when next() is called, not when it settles: the i-th call gives the
        // i-th item even when an async iterator settles its calls out of order. After `done`,
        // every later call is done too, so the indices it uses up are past the last item.
        const i = started++
        const next = await (abort ? Promise.race([nextOf(iterator), abort.promise]) : nextOf(iterator))
        if (next === ABORTED || next.done === true || stopped || aborted()) return
        const item = Object.freeze((await rotateItem(() => r, i, next.value, derive, false, one)) as RotateItemResult)
        results[i] = item
        counts.done++
        counts[item.status]++
        onProgress?.({ ...counts, item })
      }
    } catch (error) {
      stopped = true
      throw error
    }
  }
  let failure: { error: unknown } | undefined
  try {
    // allSettled, not all: if one worker throws, the others must finish before the passphrase
    // copies are wiped below.
    const settled = await Promise.allSettled(Array.from({ length: concurrency }, worker))
    for (const s of settled) if (s.status === 'rejected') failure ??= { error: s.reason }
  } finally {
    abort?.dispose()
    cache.clear()
    release(r)
  }
  const wasAborted = aborted()
  if (failure !== undefined || wasAborted) {
    // Every early exit closes the source, so a generator's `finally` (a cursor, a file) runs
    // (after an abort: called, not awaited).
    await closeSource(iterator, wasAborted)
    throw failure !== undefined ? failure.error : guarded(() => signal!.reason, 'INVALID_OPTIONS')
  }
  // Each result's `id` is its own item's `id` (an own property, copied as is).
  return results
}

/**
 * @internal The options rotateMany and rotateStream share, checked alike: `concurrency` (1–256,
 * default 4) and `signal`, with the signal's `aborted` read through `guarded` (a revoked Proxy or a
 * throwing getter is INVALID_OPTIONS, here and on every later read, never a TypeError: issue 11).
 */
export function batchOptions(o: { concurrency?: number | undefined; signal?: AbortSignal | undefined }): { concurrency: number; signal: AbortSignal | undefined; aborted: () => boolean } {
  const concurrency = o.concurrency ?? 4
  if (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 256) fail('INVALID_OPTIONS')
  const signal = o.signal
  const aborted = (): boolean => signal !== undefined && guarded(() => signal.aborted, 'INVALID_OPTIONS')
  // An AbortSignal as checkSignal (src/inputs.ts) takes one, since it reaches every KDF of the batch
  // (src/kdf/limit.ts): `addEventListener` a function, `aborted` a boolean. An aborted one is not
  // refused here: the batch rejects with its reason.
  if (signal !== undefined && (typeof signal != 'object' || typeof guarded(() => signal.addEventListener, 'INVALID_OPTIONS') != 'function' || typeof aborted() != 'boolean')) fail('INVALID_OPTIONS')
  // An object, not an array: array destructuring reads a polluted Object.prototype.return.
  return { concurrency, signal, aborted }
}

/**
 * @internal The `from` derived-key cache of rotateMany (one call, `max` Infinity) and rotateStream
 * (least-recently-used, at most `max` keys, so memory stays flat over any number of rows). Keyed by
 * the keyring entry, the KDF parameters and the salt, i.e. exactly what the KDF depends on besides
 * the passphrase, and by the envelope's key id, which the derived key takes over (two envelopes
 * with one salt but different ids need two key objects). A Promise is cached so concurrent items
 * with one salt share one derivation.
 */
export function derivedKeys({ policy, signal }: KdfScope, max: number, cache: Map<string, Promise<KeysealKey>>): RingDerive {
  return (pw, p, entry) => {
    // The header's bytes up to its nonce: version, KDF and its parameters, salt and key id, in the
    // canonical encoding (docs/format.md §3), so equal bytes are equal inputs. The keyring entry's
    // id (printable ASCII without spaces) goes before a space; '-' is no entry (an id '-' is 'i-').
    const id = (entry ? 'i' + entry.id : '-') + ' ' + toBase64url(p.headerBytes.subarray(0, -(NONCE_LEN + COMMITMENT_LEN)))
    // deriveKey takes the string form; rebuild it from the parsed (canonical) bytes.
    const k = cache.get(id) ?? deriveKey(pw, { policy, envelope: toEnvelopeString(p.headerBytes, p.body), signal })
    // Re-inserted: the most recently used is last, and the least recently used goes when it is full.
    cache.delete(id)
    if (cache.size >= max) cache.delete(cache.keys().next().value!)
    cache.set(id, k)
    return k
  }
}

/**
 * @internal How one item is rotated (rotateOne, or v2's): the rotation, the envelope, its context,
 * where to set the reasons as soon as they are known, the `from` cache; the new envelope, or
 * undefined when it is skipped.
 */
export type OneRotation<R> = (r: R, envelope: unknown, context: Uint8Array<ArrayBuffer>, out: { reasons?: readonly RotationReason[] }, derive: RingDerive) => Promise<string | undefined>

/**
 * @internal One item of rotateMany (v1 and v2) or rotateStream (`stream`: results carry
 * `previous`, the input envelope when it is a string). `pick` gives the item's rotation from its
 * envelope, `one` rotates it (default rotateOne). A bad item is its own `failed` result, never the
 * batch's.
 */
export async function rotateItem<R extends { readonly context: Uint8Array<ArrayBuffer> }>(
  pick: (envelope: unknown) => R,
  index: number,
  item: RotateItem,
  derive: RingDerive,
  stream?: boolean,
  one: OneRotation<R> = rotateOne as never,
): Promise<object> {
  let base: { index: number; id?: unknown } = { index }
  const out: { reasons?: readonly RotationReason[] } = {}
  let envelope: unknown
  let context: unknown
  try {
    // Reading the item can throw (a getter, a revoked Proxy): that fails this item only.
    // Objects are plain objects read own-only (issue 11): a polluted Object.prototype.context is
    // not this item's context, and a string item has no context of its own.
    if (typeof item === 'object' && item !== null) {
      plainObject(item, 'INVALID_OPTIONS')
      if (Object.hasOwn(item, 'id')) base = { index, id: item.id }
      envelope = ownValue(item, 'envelope')
      context = ownValue(item, 'context')
    } else envelope = item
  } catch {
    return { ...base, status: 'failed', code: 'INVALID_OPTIONS' }
  }
  const previous = stream && typeof envelope === 'string' ? { previous: envelope } : {}
  try {
    const r = pick(envelope)
    // Inside the try: a bad context is this item's failure, never the batch's.
    const next = await one(r, envelope, context === undefined ? r.context : contextBytes(context), out, derive)
    // one set out.reasons before it returned (the union's ok/skipped members require them).
    return { ...base, status: next === undefined ? 'skipped' : 'ok', ...previous, envelope: next ?? envelope, ...out }
  } catch (error) {
    if (!isKeysealError(error)) throw error
    return { ...base, status: 'failed', code: error.code, ...previous, ...out }
  }
}

export const ABORTED: unique symbol = Symbol('aborted')

/** @internal A promise that settles with ABORTED when `signal` aborts, and how to stop listening. */
export function abortPromise(signal: AbortSignal | undefined): { promise: Promise<typeof ABORTED>; dispose(): void } | undefined {
  if (signal === undefined) return undefined
  let onAbort: () => void = () => {}
  const promise = new Promise<typeof ABORTED>((resolve) => (onAbort = () => resolve(ABORTED)))
  // No options dictionary (as src/kdf/limit.ts): one built here could take `once` or `signal` from
  // a polluted Object.prototype (issue 11); left out, every runtime uses its defaults, and dispose
  // removes the listener (resolving twice is harmless).
  guarded(() => signal.addEventListener('abort', onAbort), 'INVALID_OPTIONS')
  if (guarded(() => signal.aborted, 'INVALID_OPTIONS')) onAbort()
  return { promise, dispose: () => guarded(() => signal.removeEventListener('abort', onAbort), 'INVALID_OPTIONS') }
}

/**
 * @internal The source's next result. An error the source itself throws propagates (like one of
 * onProgress: the caller's own code, documented); a result that is not an iterator result object,
 * or one whose getters throw, fails the call with INVALID_OPTIONS (issue 11: `null` was a TypeError).
 */
export async function nextOf<T>(iterator: Iterator<T> | AsyncIterator<T>): Promise<IteratorResult<T>> {
  // The method is read guarded each time (an iterator revoked after it was checked is a revoked
  // Proxy: INVALID_OPTIONS, never a TypeError); an error the method itself throws propagates.
  const raw: unknown = guarded(() => iterator.next.bind(iterator), 'INVALID_OPTIONS')()
  // Awaited only when it is a real promise: awaiting any other object reads its `then`, which a
  // revoked Proxy throws on (a TypeError that is not the source's own error).
  const next: unknown = guarded(() => raw instanceof Promise, 'INVALID_OPTIONS') ? await raw : raw
  if (typeof next !== 'object' || next === null) fail('INVALID_OPTIONS')
  return guarded(() => ({ done: (next as IteratorResult<T>).done, value: (next as IteratorResult<T>).value }) as IteratorResult<T>, 'INVALID_OPTIONS')
}

/**
 * @internal Call the source's `return` if it has one (a function: never a polluted
 * Object.prototype.return); its failure is ignored. Awaitable until it settles, except after an
 * abort: then it is called but not waited for, since a source stalled in next() may never let its
 * `return` settle either, and an abort settles the call promptly whatever the source does.
 */
export function closeSource(iterator: object, aborted: boolean): Promise<void> | undefined {
  const closing = new Promise<void>((resolve) => {
    const close = guarded(() => (iterator as { return?: unknown }).return, 'INVALID_OPTIONS')
    resolve(typeof close === 'function' ? close.call(iterator) : undefined)
  }).then(
    () => undefined,
    () => undefined, // the caller needs the first failure (or the abort reason), not the source's
  )
  if (!aborted) return closing
}

/** The items' iterator. A sync iterator needs no wrapping: the workers `await` whatever `next()` returns. */
export function iteratorOf<T>(items: Iterable<T> | AsyncIterable<T>): Iterator<T> | AsyncIterator<T> {
  if (typeof items !== 'object' || items === null) return fail('INVALID_OPTIONS')
  // A revoked Proxy or a throwing trap or method is INVALID_OPTIONS, not a TypeError.
  return guarded(() => {
    const it = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : Symbol.iterator in items ? items[Symbol.iterator]() : fail('INVALID_OPTIONS')
    return typeof it === 'object' && it !== null && typeof it.next === 'function' ? it : fail('INVALID_OPTIONS')
  }, 'INVALID_OPTIONS')
}
