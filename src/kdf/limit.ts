// The process-wide limit on concurrent KDF work (issue 11). An envelope needs no key to write, so
// whoever can hand a server envelopes chooses how much KDF work it does: every passphrase KDF
// (PBKDF2, both Argon2id paths, a custom Argon2id implementation; v1 and v2 stanzas alike, all
// through derive.ts) runs inside `limited`, a counting semaphore that admits a bounded number at
// once, queues a bounded number more in FIFO order, and refuses the rest at once with KDF_BUSY
// instead of queueing without bound. Argon2id derivations also share a memory budget.
//
// Why 2 at once by default: Node runs WebCrypto's PBKDF2 and native Argon2id on libuv's threadpool,
// which has 4 threads unless UV_THREADPOOL_SIZE says otherwise, and the same pool serves fs, dns.lookup
// and zlib; 2 KDFs leave half of it (and the event loop) to the rest of the app. The WebAssembly and
// TypeScript Argon2id paths run on the calling thread in ~8 ms slices, so 2 interleaved derivations
// keep the event loop's delays at one slice. bench/kdf-server.mjs measures it.
//
// Written for size (every bundle that opens a passphrase envelope carries it): one queue of
// closures, each of which starts its own call when it can (returning true) and is then dropped.
import { fail, guarded } from '../errors.js'
import { checkSignal } from '../inputs.js'
import { settings } from '../policy.js'

let concurrency = 2
let maxQueued = 32
let memoryKiB = 131_072
let running = 0
let inUse = 0
const queue: (() => unknown)[] = []

/** Start waiting calls from the head, strictly first come first served (nobody passes the head, so a large derivation is never starved). */
const pump = (): void => {
  while (queue[0]?.()) queue.shift()
}

/**
 * @internal Run `kdf` (one KDF run needing `kib` KiB of memory, 0 for PBKDF2) within the limits:
 * now if a slot and the memory are free and nobody waits, else after the calls before it. A
 * derivation larger than the whole memory budget runs alone (the policy's maxMemoryKiB bounds it).
 * `signal` aborts the wait (ABORTED), not a KDF already running (WebCrypto cannot stop one).
 */
export async function limited<T>(kib: number, signal: AbortSignal | undefined, kdf: () => Promise<T>): Promise<T> {
  checkSignal(signal)
  // maxQueued is at least 1, so a full queue has a head that cannot start: neither can this call.
  if (queue.length >= maxQueued) fail('KDF_BUSY')
  const aborted = await new Promise((settle) => {
    const abort = (): void => {
      const i = queue.indexOf(w)
      if (i >= 0) {
        queue.splice(i, 1)
        settle(1)
        pump() // the head may have been what blocked the others
      }
    }
    const w = (): unknown => {
      if (running && (running >= concurrency || inUse + kib > memoryKiB)) return
      running++
      inUse += kib
      // Nothing to undo if a signal's method throws: the slot is taken, and the call goes on.
      try {
        signal?.removeEventListener('abort', abort)
      } catch {}
      return settle(0), 1
    }
    // No options dictionary: one built here could take `once` or `signal` from a polluted
    // Object.prototype (issue 11); left out, every runtime uses its own defaults. A method that
    // throws is INVALID_OPTIONS (only KeysealError escapes), before this call is queued.
    guarded(() => signal?.addEventListener('abort', abort), 'INVALID_OPTIONS')
    queue.push(w)
    pump()
  })
  if (aborted) fail('ABORTED')
  try {
    return await kdf()
  } finally {
    running--
    inUse -= kib
    pump()
  }
}

/**
 * @internal For tests only (not exported by any entry, so no bundle carries it): how many KDF calls
 * wait for a slot now. A test waits on it instead of guessing how many event-loop turns a call takes
 * to reach the queue, which varies with the machine's load.
 */
export const queuedKdfs = (): number => queue.length

/** The limits on concurrent KDF work, as set by {@link setKdfLimits}. */
export interface KdfLimits {
  /** KDF runs (PBKDF2 or Argon2id) in progress at once. Default 2. */
  readonly concurrency: number
  /** Calls that may wait for a slot; one more fails at once with `KDF_BUSY`. Default 32. */
  readonly maxQueued: number
  /**
   * Sum of the memory (KiB) of the Argon2id derivations in progress at once: a derivation that
   * does not fit waits (one larger than the whole budget runs alone). Default 131,072 (128 MiB:
   * two derivations at the default policy's 64 MiB maximum).
   */
  readonly argon2idMemoryKiB: number
}

/**
 * Set the process-wide limits on concurrent KDF work (PBKDF2 and Argon2id, for every call that
 * runs one: opening or sealing with a passphrase, `deriveKey`, keyrings, rotation, v2 stanzas).
 * Settings left out keep their current value. The limits hold for this copy of keyseal in this
 * process (or page, or worker).
 *
 * Defaults: 2 KDF runs at once (Node's libuv threadpool, which runs WebCrypto's PBKDF2 and native
 * Argon2id, has 4 threads shared with fs and dns; 2 leave it usable), 32 waiting (one more fails at
 * once with `KDF_BUSY`), 128 MiB of Argon2id memory in use at once. A waiting call gives up with
 * `ABORTED` when its `signal` aborts. Raising a limit lets waiting calls in at once.
 *
 * @returns The limits now in force.
 * @throws {KeysealError} `INVALID_OPTIONS` for an unknown setting or a value that is not an integer
 * in 1..2^32-1.
 * @example
 * ```ts
 * import { setKdfLimits } from '@org/keyseal'
 * const limits = setKdfLimits({ concurrency: 1, maxQueued: 8 }) // a small server: one KDF at a time
 * console.log(limits) // { concurrency: 1, maxQueued: 8, argon2idMemoryKiB: 131072 }
 * setKdfLimits({ concurrency: 2, maxQueued: 32 }) // the defaults again
 * ```
 */
export function setKdfLimits(options?: Partial<KdfLimits>): KdfLimits {
  // The policy's settings check: a plain object, own known keys only, integers in 1..2^32-1.
  const l = settings(options, { concurrency, maxQueued, argon2idMemoryKiB: memoryKiB })
  ;({ concurrency, maxQueued, argon2idMemoryKiB: memoryKiB } = l)
  pump()
  return l
}
