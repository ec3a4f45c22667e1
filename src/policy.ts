// One policy object, used by sealing (minimums) and opening (bounds). Bounds are checked as
// integers before any KDF work or allocation, so an envelope asking for 2^31 PBKDF2 iterations or
// 4 GiB of Argon2id memory is refused in microseconds (jose CVE-2022-36083 was exactly this bug for
// PBES2; SECURITY-NOTES: memory-hard KDF DoS).
import { fail, guarded } from './errors.js'
import { checkOptions, plainObject } from './inputs.js'
import type { KdfParams } from './envelope.js'

/** PBKDF2-HMAC-SHA256 settings. All values are iteration counts (positive integers). */
export interface Pbkdf2Policy {
  /** Iterations used when sealing with a passphrase. Default 600,000 (OWASP Password Storage Cheat Sheet). */
  readonly iterations: number
  /** Sealing refuses fewer iterations than this; rotation flags envelopes below it. Default 600,000. */
  readonly minIterations: number
  /** Opening refuses fewer iterations than this, before any KDF work. Default 100,000. */
  readonly openMinIterations: number
  /**
   * Opening and sealing refuse more iterations than this, before any KDF work. Default 1,200,000:
   * twice the default sealing work, so that an envelope anyone can forge costs an opener at most
   * twice a legitimate one (issue 11). Raise it explicitly to open envelopes sealed with more.
   */
  readonly maxIterations: number
}

/**
 * An Argon2id implementation, as exported by `@org/keyseal/argon2id`. Kept out of the main entry
 * so that apps that only use PBKDF2 or raw keys never bundle it.
 */
export interface Argon2idImplementation {
  readonly name: 'argon2id'
  /**
   * Argon2id v0x13 (RFC 9106), 32-byte tag, no secret, no associated data. `subtle` is keyseal's
   * SubtleCrypto (typed `unknown` so no DOM type reaches the declarations).
   */
  derive(password: Uint8Array, salt: Uint8Array, params: { memoryKiB: number; passes: number; lanes: number }, subtle: unknown): Promise<Uint8Array>
}

/** Argon2id settings. Memory in KiB; passes and lanes are counts. */
export interface Argon2idPolicy {
  /** The implementation: `argon2id` from `@org/keyseal/argon2id`. */
  readonly implementation: Argon2idImplementation
  /** Sealing: memory in KiB. Default 19,456 (19 MiB, OWASP). */
  readonly memoryKiB: number
  /** Sealing: passes. Default 2 (OWASP). */
  readonly passes: number
  /** Sealing: lanes. Default 1 (OWASP). */
  readonly lanes: number
  /** Sealing refuses less memory; rotation flags envelopes below it. Default 19,456. */
  readonly minMemoryKiB: number
  /** Sealing refuses fewer passes; rotation flags envelopes below it. Default 2. */
  readonly minPasses: number
  /** Opening refuses less memory. Default 4,096. */
  readonly openMinMemoryKiB: number
  /** Opening refuses fewer passes. Default 1. */
  readonly openMinPasses: number
  /**
   * Opening and sealing refuse more memory. Default 65,536 (64 MiB: what a phone browser can open);
   * at most 8,388,607 (just under 8 GiB, the limit of the TypeScript implementation).
   */
  readonly maxMemoryKiB: number
  /** Opening and sealing refuse more passes. Default 10. */
  readonly maxPasses: number
  /** Opening and sealing refuse more lanes. Default 4. */
  readonly maxLanes: number
  /**
   * Opening and sealing refuse more work than this: memory (KiB) × passes, the number of 1 KiB
   * blocks the KDF computes whatever the lanes. Default 77,824: twice the default sealing work
   * (19,456 × 2), so a forged envelope costs at most twice a legitimate open (issue 11); m = 64 MiB
   * with t = 1, or m = 46 MiB with t = 1 (OWASP's equivalent choice), still open.
   */
  readonly maxWork: number
}

/**
 * Which KDF and parameters keyseal seals with, and which it agrees to open.
 *
 * Create one with {@link createPolicy}; the default is {@link defaultPolicy}. Rules:
 * `1 <= openMinIterations <= minIterations <= iterations <= maxIterations <= 2147483647`, and the
 * same order for Argon2id memory and passes; `1 <= lanes <= maxLanes`.
 */
export interface KeysealPolicy {
  /**
   * Type-level mark of a policy made by {@link createPolicy}: an object literal is not a
   * `KeysealPolicy`, so TypeScript reports at compile time what the runtime would refuse with
   * `INVALID_OPTIONS`. No such property exists at runtime.
   */
  readonly [policyMark]: true
  /** The passphrase KDF used for sealing. Default `pbkdf2-sha256`; `argon2id` when an implementation is given. */
  readonly kdf?: 'pbkdf2-sha256' | 'argon2id'
  readonly pbkdf2: Pbkdf2Policy
  /** Present when Argon2id is enabled (an implementation was given). */
  readonly argon2id?: Argon2idPolicy
}

/** The type-level mark of {@link KeysealPolicy} (declared only; never a runtime value). */
declare const policyMark: unique symbol

/** Partial settings accepted by {@link createPolicy}. */
export interface KeysealPolicyOptions {
  readonly kdf?: 'pbkdf2-sha256' | 'argon2id' | undefined
  readonly pbkdf2?: { readonly [K in keyof Pbkdf2Policy]?: Pbkdf2Policy[K] | undefined } | undefined
  readonly argon2id?:
    | ({ readonly [K in Exclude<keyof Argon2idPolicy, 'implementation'>]?: Argon2idPolicy[K] | undefined } & { readonly implementation: Argon2idImplementation })
    | undefined
}

import { ARGON2_LANES_MAX, ARGON2_MEMORY_MAX, PBKDF2_ITERATIONS_MAX, U32_MAX } from './constants.js'

// `@__PURE__`: an unused frozen table is dropped by bundlers (a bare Object.freeze call counts as a
// side effect and would be kept in every bundle).
const DEFAULT_PBKDF2: Pbkdf2Policy = /* @__PURE__ */ Object.freeze({
  iterations: 600_000,
  minIterations: 600_000,
  openMinIterations: 100_000,
  // Twice `iterations` (issue 11): the most CPU an envelope nobody needs a key to write can cost.
  maxIterations: 1_200_000,
})

const DEFAULT_ARGON2ID = /* @__PURE__ */ Object.freeze({
  memoryKiB: 19_456,
  passes: 2,
  lanes: 1,
  minMemoryKiB: 19_456,
  minPasses: 2,
  openMinMemoryKiB: 4_096,
  openMinPasses: 1,
  maxMemoryKiB: 65_536,
  maxPasses: 10,
  maxLanes: 4,
  // Twice the sealing work m × t = 19,456 × 2 (issue 11).
  maxWork: 77_824,
})

/**
 * @internal What an Argon2id-enabled policy adds to the core, as functions made by createPolicy:
 * bundles that never create such a policy (sealKey and openKey alone) do not carry them.
 */
export interface Argon2idHooks {
  /** The parameters to seal with. */
  seal(): KdfParams
  /** True when the parameters are outside the opening (`opening`) or sealing bounds. */
  outside(params: Argon2idParams, opening: boolean): boolean
  /** True when the parameters are below the sealing minimums (rotation). */
  below(params: Argon2idParams): boolean
  /** Runs the implementation: 32 bytes, unchecked (derive.ts checks them). */
  derive(password: Uint8Array<ArrayBuffer>, params: Argon2idParams, salt: Uint8Array<ArrayBuffer>, subtle: unknown): Promise<unknown>
}

type Argon2idParams = Extract<KdfParams, { kdf: 'argon2id' }>

/**
 * Policies made by createPolicy (and the default), with their Argon2id hooks if any. sealKey,
 * openKey and the rest accept only these: a policy is validated once, when it is created, and
 * frozen, so no call can be handed an unchecked or later-mutated object (or one whose getters
 * answer differently on each read).
 */
const policies = new WeakMap<object, Argon2idHooks | undefined>()

function brand(p: Omit<KeysealPolicy, typeof policyMark>, hooks?: Argon2idHooks): KeysealPolicy {
  policies.set(Object.freeze(p), hooks)
  return p as KeysealPolicy
}

/** @internal The Argon2id hooks of a policy (undefined when it has no Argon2id). */
export function argon2idHooks(policy: KeysealPolicy): Argon2idHooks | undefined {
  return policies.get(policy)
}

/**
 * The default policy: seal with PBKDF2-SHA256 at 600,000 iterations; open 100,000 to 1,200,000.
 * Argon2id is not enabled (its implementation lives in `@org/keyseal/argon2id`).
 *
 * @example
 * ```ts
 * import { defaultPolicy } from '@org/keyseal'
 * console.log(defaultPolicy.pbkdf2.iterations, defaultPolicy.kdf) // 600000 pbkdf2-sha256
 * ```
 */
export const defaultPolicy: KeysealPolicy = /* @__PURE__ */ brand({ kdf: 'pbkdf2-sha256', pbkdf2: DEFAULT_PBKDF2 })

/**
 * @internal The defaults overridden by the caller's settings, each a count (an integer in 1..2^32-1), read
 * once; unknown keys are refused, not ignored (a typo such as `minIteration` would otherwise
 * silently keep the default). `implementation` is copied as is (checked by the caller).
 */
export function settings<T extends object>(o: unknown, defaults: T, extra?: string): T {
  if (o === undefined) return defaults
  plainObject(o, 'INVALID_OPTIONS')
  const out = { ...defaults } as Record<string, unknown>
  for (const k of guarded(() => Reflect.ownKeys(o as object), 'INVALID_OPTIONS')) {
    const v = guarded(() => (o as Record<string | symbol, unknown>)[k], 'INVALID_OPTIONS')
    if (k === extra) out[k] = v
    else if (typeof k !== 'string' || !Object.hasOwn(defaults, k)) fail('INVALID_OPTIONS')
    else if (v !== undefined) out[k] = Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= U32_MAX ? v : fail('INVALID_OPTIONS')
  }
  return out as T
}

/**
 * Build a validated, frozen policy from the defaults and your overrides. Only policies made here
 * (and {@link defaultPolicy}) are accepted by the other functions' `policy` option: a policy is
 * checked once, here, and cannot change afterwards.
 *
 * Lowering the floors is your decision and is never the default; raising `iterations` (or Argon2id
 * memory and passes) is how you strengthen new envelopes. Passing `argon2id` with the
 * implementation from `@org/keyseal/argon2id` enables Argon2id and makes it the sealing KDF
 * (OWASP: m = 19 MiB, t = 2, p = 1) unless `kdf: 'pbkdf2-sha256'` says otherwise.
 *
 * @throws {KeysealError} `INVALID_OPTIONS` for an unknown key, a value that is not an integer in
 * 1..2^32-1, bounds out of order, or `kdf: 'argon2id'` without an implementation.
 * @example
 * ```ts
 * import { createPolicy } from '@org/keyseal'
 * const stronger = createPolicy({ pbkdf2: { iterations: 1_000_000 } })
 * console.log(stronger.pbkdf2.iterations) // 1000000
 * ```
 */
export function createPolicy(options: KeysealPolicyOptions = {}): KeysealPolicy {
  const o = checkOptions<Record<string, unknown>>(options, ['kdf', 'pbkdf2', 'argon2id'])
  const p = Object.freeze(settings(o['pbkdf2'], DEFAULT_PBKDF2))
  // docs/format.md §17.2: at most 2^31 - 1 iterations. WebCrypto's PBKDF2 (a signed 32-bit count in
  // the platforms' C APIs) and other libraries cannot run more, so a policy admitting them would
  // turn a well-formed envelope into CRYPTO_FAILURE (or an abort) instead of PARAMS_OUT_OF_POLICY.
  const ordered =
    p.openMinIterations <= p.minIterations && p.minIterations <= p.iterations && p.iterations <= p.maxIterations && p.maxIterations <= PBKDF2_ITERATIONS_MAX
  let a: Argon2idPolicy | undefined
  if (o['argon2id'] !== undefined) {
    a = settings(o['argon2id'], DEFAULT_ARGON2ID as Argon2idPolicy, 'implementation')
    const impl = a.implementation as Partial<Argon2idImplementation> | null | undefined
    if (
      typeof impl !== 'object' || impl === null || impl.name !== 'argon2id' || typeof impl.derive !== 'function' ||
      !(a.openMinMemoryKiB <= a.minMemoryKiB && a.minMemoryKiB <= a.memoryKiB && a.memoryKiB <= a.maxMemoryKiB &&
        a.openMinPasses <= a.minPasses && a.minPasses <= a.passes && a.passes <= a.maxPasses && a.memoryKiB * a.passes <= a.maxWork &&
        a.lanes <= a.maxLanes && a.maxLanes <= ARGON2_LANES_MAX && a.maxMemoryKiB <= ARGON2_MEMORY_MAX &&
        // RFC 9106 §3.1: at least 8 KiB per lane, for what we seal and for every opening bound.
        a.memoryKiB >= 8 * a.lanes && a.openMinMemoryKiB >= 8)
    ) {
      fail('INVALID_OPTIONS')
    }
    Object.freeze(a)
  }
  // Only undefined means "not given": `kdf: null` is a wrong value, not a default.
  const kdf = o['kdf'] === undefined ? (a ? 'argon2id' : 'pbkdf2-sha256') : o['kdf']
  if (!ordered || !(kdf === 'pbkdf2-sha256' || (kdf === 'argon2id' && a))) fail('INVALID_OPTIONS')
  if (!a) return brand({ kdf, pbkdf2: p })
  const { memoryKiB, passes, lanes, implementation } = a
  return brand(
    { kdf, pbkdf2: p, argon2id: a },
    {
      seal: () => ({ kdf: 'argon2id', memoryKiB, passes, lanes }),
      outside: (q, opening) =>
        q.memoryKiB < (opening ? a.openMinMemoryKiB : a.minMemoryKiB) ||
        q.memoryKiB > a.maxMemoryKiB ||
        q.passes < (opening ? a.openMinPasses : a.minPasses) ||
        q.passes > a.maxPasses ||
        q.lanes > a.maxLanes ||
        q.memoryKiB * q.passes > a.maxWork,
      below: (q) => q.memoryKiB < a.minMemoryKiB || q.passes < a.minPasses,
      derive: (pw, q, salt, subtle) => implementation.derive(pw, salt, { memoryKiB: q.memoryKiB, passes: q.passes, lanes: q.lanes }, subtle),
    },
  )
}

/** @internal The policy to use: the default, or one made by createPolicy (INVALID_OPTIONS otherwise). */
export function resolvePolicy(p: unknown): KeysealPolicy {
  return p === undefined ? defaultPolicy : policies.has(p as object) ? (p as KeysealPolicy) : fail('INVALID_OPTIONS')
}

/** @internal The parameters a passphrase seal uses under this policy. */
export function sealParams(policy: KeysealPolicy): KdfParams {
  return policy.kdf === 'argon2id' ? policies.get(policy)!.seal() : { kdf: 'pbkdf2-sha256', iterations: policy.pbkdf2.iterations }
}

/**
 * @internal Parameters must lie inside the policy's bounds, checked as integers before any KDF work
 * or allocation. Opening (untrusted envelopes, `sealing` not set) uses the opening floors; sealing
 * the sealing minimums; both the same maximums. Argon2id needs a policy with Argon2id enabled
 * (UNSUPPORTED_KDF otherwise). One function for both (no wrapper in a bundle that only opens).
 */
export function checkOpenParams(params: KdfParams, policy: KeysealPolicy, sealing?: true): void {
  const p = policy.pbkdf2
  if (
    params.kdf === 'pbkdf2-sha256'
      ? params.iterations < (sealing ? p.minIterations : p.openMinIterations) || params.iterations > p.maxIterations
      : params.kdf === 'argon2id' && (policies.get(policy) ?? fail('UNSUPPORTED_KDF')).outside(params, !sealing)
  ) {
    fail('PARAMS_OUT_OF_POLICY')
  }
}

/** @internal Sealing: parameters must meet the policy's minimums and stay under its maximums. */
export function checkSealParams(params: KdfParams, policy: KeysealPolicy): void {
  checkOpenParams(params, policy, true)
}

/** @internal True when the parameters are below the policy's sealing floor (rotation). */
export function belowSealFloor(params: KdfParams, policy: KeysealPolicy): boolean {
  return params.kdf === 'pbkdf2-sha256'
    ? params.iterations < policy.pbkdf2.minIterations
    : params.kdf === 'argon2id' && !!policies.get(policy)?.below(params)
}
