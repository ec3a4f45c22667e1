// Rotation and storage at scale (issue 16): streaming rotation with backpressure (rotateStream),
// built on rotate.ts's per-item work, and the save-time check a server runs before storing an
// envelope (checkEnvelope). Neither writes anything: the caller stores, with a compare-and-swap on
// the previous envelope (docs/storage.md).
import { isValidKeyId, parseString } from './envelope.js'
import { fail, guarded, type KeysealErrorCode } from './errors.js'
import { checkOptions } from './inputs.js'
import { keyState, type KeysealKey } from './keys.js'
import { checkOpenParams, checkSealParams, createPolicy, resolvePolicy, type KeysealPolicy } from './policy.js'
import {
  ABORTED, abortPromise, batchOptions, closeSource, derivedKeys, iteratorOf, nextOf, rotateItem, rotation, wipeRotation, type KdfScope, type OneRotation, type RotateItem, type Rotation, type RotationReason,
} from './rotate.js'
import type { KeyInput } from './seal.js'

/**
 * Which passphrase KDF a re-sealed envelope uses.
 *
 * - `policy` (the default): the policy's sealing KDF; a passphrase envelope of another KDF has
 *   the reason `KDF_CHANGED` (migration, for example PBKDF2 to Argon2id).
 * - `keep`: each envelope keeps its own KDF (PBKDF2 stays PBKDF2, Argon2id stays Argon2id, each
 *   with the policy's parameters for it), and `KDF_CHANGED` is never a reason: for a server that
 *   accepts both. Needs a passphrase `to` (or a keyring whose primary is one): a key object seals
 *   with its own KDF. Raw-key envelopes get the policy's KDF, as with `policy`.
 */
export type RotationKdf = 'policy' | 'keep'

/** Options for {@link rotateStream}. */
export interface RotateStreamOptions {
  /** The key (passphrase, key object or keyring) that opens the envelopes today. */
  from: KeyInput
  /** The key to seal with, as for {@link RotateOptions.to} (a passphrase is derived once per KDF per stream). */
  to: KeyInput
  /** The context of items that do not give their own (default: none). */
  context?: string | Uint8Array
  /** Policy for sealing and opening. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy
  /**
   * Items read from the source and not yet handed back by you, 1–256. Default 4. An item counts
   * from the moment it is read until you ask for the next result after receiving it, so at most
   * this many rows are ever read ahead of your write-backs.
   */
  concurrency?: number
  /** The KDF of re-sealed envelopes: see {@link RotationKdf}. Default `policy`. */
  kdf?: RotationKdf
  /**
   * Stops the stream: nothing more is read (a read the source stalls in is not waited for), the
   * items in flight finish and are yielded (an item waiting for a KDF slot stops waiting:
   * `ABORTED`), the source is closed (called, not awaited), and the next call rejects with the
   * signal's reason.
   */
  signal?: AbortSignal
}

export interface StreamResultBase {
  /** Position in the input (results come in completion order, not input order). */
  readonly index: number
  /** Your `id`, when the item had one. */
  readonly id?: unknown
  /** The {@link needsRotation} reasons, when the item could be parsed. */
  readonly reasons?: readonly RotationReason[]
}

/**
 * The outcome for one item of {@link rotateStream}. `previous` is the envelope as it was read: store
 * `envelope` only where the row still holds `previous` (a compare-and-swap), so a row edited during
 * rotation is never overwritten.
 */
export type RotateStreamResult =
  | (StreamResultBase & {
      /** `ok`: re-sealed; `skipped`: nothing needed doing (`envelope` is `previous`). */
      readonly status: 'ok' | 'skipped'
      readonly previous: string
      /** The envelope to store. */
      readonly envelope: string
    })
  | (StreamResultBase & {
      readonly status: 'failed'
      /** The input envelope, when it was a string. */
      readonly previous?: string
      /** Why it failed (`INVALID_OPTIONS` for an item that could not be read). */
      readonly code: KeysealErrorCode
    })

const STREAM_OPTIONS = ['from', 'to', 'context', 'policy', 'concurrency', 'kdf', 'signal'] as const

/** Derived keys kept by one stream: bounded, so memory stays flat over any number of rows. */
const CACHE_MAX = 64

/**
 * Re-seal envelopes as a stream: `for await (const r of rotateStream(rows, options))` gets each
 * result as soon as it is ready, and the next row is read only when you ask for the next result,
 * so you can write each row back before more are read (at most `concurrency` rows between the
 * source and your write-backs). One bad item never stops the stream: it is a `failed` result.
 * There is no progress callback: the loop is the progress. Breaking out of the loop closes the
 * source (a generator's `finally` runs) after the items in flight finish.
 *
 * Envelopes that share a KDF salt and parameters run the `from` KDF once (a small bounded cache).
 * Iterate the stream or call its `return()`: the passphrase copies are wiped when it ends. v1
 * envelopes only (a `ks2.` row is a `failed` result, `UNSUPPORTED_VERSION`): the `rotateStream` of
 * `@org/keyseal/v2` takes both formats.
 *
 * @throws {KeysealError} synchronously: `INVALID_OPTIONS` (including an unknown option such as
 * `onProgress`), `INVALID_KEY`, `INVALID_CONTEXT`, `KEY_USAGE` (a `to` that cannot seal). The
 * iteration rejects with the source's error or `signal.reason`, after the items in flight are
 * yielded.
 * @example
 * ```ts
 * import { deriveKey, sealKey, rotateStream, openKey } from '@org/keyseal'
 * const old = await deriveKey('old passphrase')
 * const table = new Map<number, string>()
 * for (const [i, s] of ['sk-a', 'sk-b', 'sk-c'].entries()) table.set(i, await sealKey(s, old, { context: `row:${i}` }))
 * async function* rows() {
 *   for (const [id, envelope] of table) yield { id, envelope, context: `row:${id}` }
 * }
 * for await (const r of rotateStream(rows(), { from: 'old passphrase', to: 'new passphrase', concurrency: 2 })) {
 *   // Compare-and-swap: write only if the row still holds the envelope that was rotated.
 *   if (r.status === 'ok' && table.get(r.id as number) === r.previous) table.set(r.id as number, r.envelope)
 * }
 * console.log(await openKey(table.get(1)!, 'new passphrase', { context: 'row:1' })) // sk-b
 * ```
 */
export function rotateStream(
  items: Iterable<RotateItem> | AsyncIterable<RotateItem>,
  options: RotateStreamOptions,
): AsyncIterableIterator<RotateStreamResult> {
  return runStream(items, checkOptions<RotateStreamOptions>(options, STREAM_OPTIONS), rotation, wipeRotation)
}

/**
 * @internal The streaming machinery of rotateStream, v1's and `@org/keyseal/v2`'s (as runMany is
 * rotateMany's): `prepare` makes the rotation from the checked options, `release` wipes what it
 * copied, `one` rotates an item (default: v1's rotateOne). `kdf: 'keep'` is v1's alone (v2's
 * options do not take `kdf`), so that branch reads v1 rotations and v1 headers.
 */
export function runStream<O extends Partial<Omit<RotateStreamOptions, 'from' | 'to'>>, R extends KdfScope & { readonly context: Uint8Array<ArrayBuffer> }>(
  items: Iterable<RotateItem> | AsyncIterable<RotateItem>,
  o: O,
  prepare: (o: O) => R,
  release: (r: R) => void,
  one?: OneRotation<R>,
): AsyncIterableIterator<RotateStreamResult> {
  // Everything that can fail the call is checked before prepare() copies any passphrase.
  const { concurrency, signal, aborted } = batchOptions(o)
  const kdf = o.kdf ?? 'policy'
  if (kdf !== 'policy' && kdf !== 'keep') fail('INVALID_OPTIONS')
  const iterator = iteratorOf(items)
  // Settles when the signal aborts. Before
  // prepare(): a signal whose addEventListener throws fails the call before any passphrase copy.
  const abort = abortPromise(signal)
  const main = prepare(o)
  const rotations: R[] = [main]
  const wipeAll = (): void => rotations.forEach(release)
  // kdf 'keep': one rotation per passphrase KDF, each under a copy of the policy that seals with
  // that KDF (same bounds and floors), so its sealer and its reasons follow the envelope's KDF.
  const byKdf = new Map<string, R>()
  if (kdf === 'keep') {
    try {
      // A passphrase `to` (or a keyring whose primary is one): a key object seals with its own KDF.
      if (keyState((main as unknown as Rotation).key) !== undefined) fail('INVALID_OPTIONS')
      const policy = main.policy
      byKdf.set(policy.kdf ?? 'pbkdf2-sha256', main)
      const other = policy.kdf === 'argon2id' ? 'pbkdf2-sha256' : 'argon2id'
      if (other === 'pbkdf2-sha256' || policy.argon2id !== undefined) {
        const r = prepare({ ...o, policy: createPolicy({ kdf: other, pbkdf2: policy.pbkdf2, ...(policy.argon2id && { argon2id: policy.argon2id }) }) })
        rotations.push(r)
        byKdf.set(other, r)
      }
    } catch (error) {
      wipeAll()
      throw error
    }
  }
  /** The rotation for an item: by its KDF under `keep`; an unreadable envelope fails in `one`. */
  const pick = (envelope: unknown): R => {
    if (byKdf.size === 0) return main
    try {
      return byKdf.get(parseString(envelope).header.params.kdf) ?? main
    } catch {
      return main
    }
  }

  // The `from` derived-key cache, as rotateMany's but least-recently-used and bounded.
  const cache = new Map<string, Promise<KeysealKey>>()
  const derive = derivedKeys(main, CACHE_MAX, cache)
  const runOne = (index: number, item: RotateItem): Promise<RotateStreamResult> => rotateItem(pick, index, item, derive, true, one) as Promise<RotateStreamResult>

  // The state. `slots` counts items read and not yet released: an item holds its slot while it is
  // rotated, while it waits in `ready`, and while the caller holds it (until its next call).
  let slots = 0
  let index = 0
  let pulling = false
  let running = 0
  let sourceDone = false
  let closed = false
  let held = false
  let failure: { error: unknown } | undefined
  let thrown = false
  const ready: RotateStreamResult[] = []
  let wake: (() => void) | undefined
  const notify = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }
  const sleep = (): Promise<void> => new Promise<void>((resolve) => (wake = resolve))

  /** Read items while a slot is free; one reader at a time (the i-th read is the i-th item). */
  const pump = async (): Promise<void> => {
    if (pulling) return
    pulling = true
    try {
      while (!sourceDone && !closed && failure === undefined && slots < concurrency) {
        if (aborted()) break // the reason is recorded when the stream closes (step)
        slots++
        const i = index++
        let n: IteratorResult<RotateItem> | typeof ABORTED
        try {
          // A result that is not an object: INVALID_OPTIONS, as in rotateMany. Raced against the
          // signal as rotateMany does (issue 11 item 7): a source stalled in next() (a database
          // cursor that never answers) cannot hold an aborted stream.
          n = await (abort ? Promise.race([nextOf(iterator), abort.promise]) : nextOf(iterator))
        } catch (error) {
          slots--
          sourceDone = true // a source that threw is finished: it is not closed again
          failure ??= { error }
          break
        }
        if (n === ABORTED) {
          slots--
          continue // the loop's aborted() check records the reason
        }
        if (n.done === true || closed) {
          slots--
          if (n.done === true) sourceDone = true
          break
        }
        running++
        runOne(i, n.value).then(
          (result) => void ready.push(Object.freeze(result)),
          (error: unknown) => {
            slots--
            failure ??= { error }
          },
        ).finally(() => {
          running--
          notify()
        })
      }
    } catch (error) {
      failure ??= { error } // a signal whose `aborted` or `reason` throws: INVALID_OPTIONS (guarded)
    } finally {
      pulling = false
      notify()
    }
  }

  let finished: Promise<void> | undefined
  /** No more reads; wait for the items in flight (they use the passphrase copies), then wipe and close the source. */
  const finish = (): Promise<void> =>
    (finished ??= (async () => {
      closed = true
      while (running > 0 || pulling) await sleep()
      abort?.dispose()
      cache.clear()
      wipeAll()
      // Its failure is ignored: the caller needs the first failure (or nothing, after a break). After
      // an abort, `return` is called but not awaited: a source stalled in next() may never let it
      // settle either, and an abort settles the stream promptly whatever the source does.
      if (!sourceDone) await closeSource(iterator, aborted())
    })())

  const step = async (): Promise<IteratorResult<RotateStreamResult>> => {
    if (held) {
      held = false
      slots--
    }
    for (;;) {
      if (closed && ready.length === 0) {
        await finish()
        if (failure !== undefined && !thrown) {
          thrown = true
          throw failure.error
        }
        return { done: true, value: undefined }
      }
      if (!closed) void pump()
      const result = ready.shift()
      if (result !== undefined) {
        held = true
        return { done: false, value: result }
      }
      if (running === 0 && !pulling && (sourceDone || failure !== undefined || aborted())) {
        // Aborted (also once the source was read to its end): rejects as rotateMany does.
        if (aborted()) failure ??= { error: guarded(() => signal!.reason, 'INVALID_OPTIONS') }
        closed = true
        continue
      }
      await sleep()
    }
  }
  // Calls are serialized: a caller that does not await each next() still gets one result per call.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f)
    queue = p.catch(() => undefined)
    return p
  }
  const stream: AsyncIterableIterator<RotateStreamResult> = {
    next: () => serial(step),
    return: () =>
      serial(async () => {
        held = false
        closed = true
        await finish()
        // Results not handed out were not written: a re-run rotates them. Cleared after finish():
        // the items in flight at return() land in `ready` while it waits for them.
        ready.length = 0
        return { done: true, value: undefined }
      }),
    [Symbol.asyncIterator]: () => stream,
  }
  return stream
}

/** Options for {@link checkEnvelope}. */
export interface CheckEnvelopeOptions {
  /** The policy whose opening bounds and sealing floors the envelope must meet. Default {@link defaultPolicy}. */
  policy?: KeysealPolicy
  /**
   * The key ids a stored envelope may carry. When given, an envelope without a key id, or with
   * another one, is `UNKNOWN_KEY_ID`.
   */
  keyIds?: readonly string[]
}

/**
 * Check an envelope before storing it, without any key: it is a canonical envelope, its KDF
 * parameters are within the policy's opening bounds (what {@link openKey} checks) and meet the
 * policy's sealing floors (what {@link sealKey} would use today), and, when `keyIds` is given, it
 * carries one of them. Returns nothing; throws the first failure. It does not prove the envelope
 * opens: only a key can tell that. v1 only (a `ks2.` envelope is `UNSUPPORTED_VERSION`): the
 * `checkEnvelope` of `@org/keyseal/v2` checks both formats and the recipients of v2.
 *
 * @throws {KeysealError} `MALFORMED_ENVELOPE`, `UNSUPPORTED_VERSION`, `UNSUPPORTED_KDF`,
 * `PARAMS_OUT_OF_POLICY` (outside the opening bounds or below the sealing floors),
 * `UNKNOWN_KEY_ID`, `INVALID_OPTIONS`.
 * @example
 * ```ts
 * import { sealKey, checkEnvelope, createPolicy, isKeysealError } from '@org/keyseal'
 * const weak = createPolicy({ pbkdf2: { iterations: 100_000, minIterations: 100_000 } })
 * const envelope = await sealKey('sk-test-123', 'correct horse battery staple', { policy: weak, keyId: 'k1' })
 * checkEnvelope(envelope, { policy: weak, keyIds: ['k1'] }) // passes: nothing returned
 * try {
 *   checkEnvelope(envelope, { keyIds: ['k1'] }) // the default policy seals with 600,000 iterations
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // PARAMS_OUT_OF_POLICY
 * }
 * ```
 */
export function checkEnvelope(envelope: string, options?: CheckEnvelopeOptions): void {
  const o = checkOptions<CheckEnvelopeOptions>(options, ['policy', 'keyIds'])
  const policy = resolvePolicy(o.policy)
  let ids: Set<string> | undefined
  const list = o.keyIds as unknown
  if (list !== undefined) {
    if (!Array.isArray(list)) fail('INVALID_OPTIONS')
    ids = new Set()
    for (let i = 0, n = list.length; i < n; i++) {
      const id: unknown = list[i]
      ids.add(isValidKeyId(id) ? id : fail('INVALID_OPTIONS'))
    }
  }
  const p = parseString(envelope)
  // The opening bounds first (what openKey refuses), then the sealing floors; raw keys have none.
  checkOpenParams(p.header.params, policy)
  checkSealParams(p.header.params, policy)
  if (ids !== undefined && !ids.has(p.header.keyId!)) fail('UNKNOWN_KEY_ID')
}
