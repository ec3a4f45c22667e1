// One policy object, used by sealing (minimums) and opening (bounds). Bounds are checked as
// integers before any KDF work, so an envelope asking for 2^31 iterations is refused in
// microseconds (jose CVE-2022-36083 was exactly this bug for PBES2).
import { fail } from './errors.js'
import type { KdfParams } from './envelope.js'

/** PBKDF2-HMAC-SHA256 settings. All values are iteration counts (positive integers). */
export interface Pbkdf2Policy {
  /** Iterations used when sealing with a passphrase. Default 600,000 (OWASP Password Storage Cheat Sheet). */
  readonly iterations: number
  /** Sealing refuses fewer iterations than this; rotation flags envelopes below it. Default 600,000. */
  readonly minIterations: number
  /** Opening refuses fewer iterations than this, before any KDF work. Default 100,000. */
  readonly openMinIterations: number
  /** Opening and sealing refuse more iterations than this, before any KDF work. Default 10,000,000. */
  readonly maxIterations: number
}

/**
 * Which KDF parameters keyseal seals with, and which it agrees to open.
 *
 * Create one with {@link createPolicy}; the default is {@link defaultPolicy}. Rules:
 * `1 <= openMinIterations <= minIterations <= iterations <= maxIterations <= 4294967295`.
 */
export interface KeysealPolicy {
  readonly pbkdf2: Pbkdf2Policy
}

/** Partial settings accepted by {@link createPolicy}. */
export interface KeysealPolicyOptions {
  readonly pbkdf2?: Partial<Pbkdf2Policy>
}

const U32_MAX = 0xffffffff

const DEFAULT_PBKDF2: Pbkdf2Policy = Object.freeze({
  iterations: 600_000,
  minIterations: 600_000,
  openMinIterations: 100_000,
  maxIterations: 10_000_000,
})

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= U32_MAX
}

function checkPbkdf2(p: unknown): Pbkdf2Policy {
  if (typeof p !== 'object' || p === null) return fail('INVALID_OPTIONS')
  const { iterations, minIterations, openMinIterations, maxIterations } = p as Record<string, unknown>
  if (!isCount(iterations) || !isCount(minIterations) || !isCount(openMinIterations) || !isCount(maxIterations)) {
    return fail('INVALID_OPTIONS')
  }
  if (!(openMinIterations <= minIterations && minIterations <= iterations && iterations <= maxIterations)) {
    return fail('INVALID_OPTIONS')
  }
  return { iterations, minIterations, openMinIterations, maxIterations }
}

/**
 * The default policy: seal with PBKDF2-SHA256 at 600,000 iterations; open 100,000 to 10,000,000.
 *
 * @example
 * ```ts
 * import { defaultPolicy } from '@org/keyseal'
 * console.log(defaultPolicy.pbkdf2.iterations) // 600000
 * ```
 */
export const defaultPolicy: KeysealPolicy = Object.freeze({ pbkdf2: DEFAULT_PBKDF2 })

/**
 * Build a validated, frozen policy from the defaults and your overrides.
 *
 * Lowering the floors is your decision and is never the default; raising `iterations` is how you
 * strengthen new envelopes.
 *
 * @throws {KeysealError} `INVALID_OPTIONS` for an unknown key, a value that is not an integer in 1..2^32-1, or the order
 * `openMinIterations <= minIterations <= iterations <= maxIterations` does not hold.
 * @example
 * ```ts
 * import { createPolicy } from '@org/keyseal'
 * const stronger = createPolicy({ pbkdf2: { iterations: 1_000_000 } })
 * console.log(stronger.pbkdf2.iterations) // 1000000
 * ```
 */
export function createPolicy(options: KeysealPolicyOptions = {}): KeysealPolicy {
  // Unknown keys are refused, not ignored: a typo such as `minIteration` would otherwise silently
  // keep the default.
  onlyKeys(options, ['pbkdf2'])
  const o = options.pbkdf2
  if (o !== undefined) onlyKeys(o, PBKDF2_KEYS)
  const pbkdf2 = checkPbkdf2({ ...DEFAULT_PBKDF2, ...pickDefined(o ?? {}) })
  return Object.freeze({ pbkdf2: Object.freeze(pbkdf2) })
}

const PBKDF2_KEYS = ['iterations', 'minIterations', 'openMinIterations', 'maxIterations'] as const

function onlyKeys(o: unknown, allowed: readonly string[]): void {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('INVALID_OPTIONS')
  for (const k of Reflect.ownKeys(o)) if (typeof k !== 'string' || !allowed.includes(k)) fail('INVALID_OPTIONS')
}

function pickDefined(o: Partial<Pbkdf2Policy>): Partial<Pbkdf2Policy> {
  const out: Record<string, unknown> = {}
  for (const k of PBKDF2_KEYS) {
    if (Object.hasOwn(o, k) && o[k] !== undefined) out[k] = o[k]
  }
  return out as Partial<Pbkdf2Policy>
}

/** @internal The policy to use: the default, or a caller's policy re-validated (it may be a plain object). */
export function resolvePolicy(p: unknown): KeysealPolicy {
  if (p === undefined) return defaultPolicy
  if (p === defaultPolicy) return defaultPolicy
  if (typeof p !== 'object' || p === null) return fail('INVALID_OPTIONS')
  return { pbkdf2: checkPbkdf2((p as { pbkdf2?: unknown }).pbkdf2) }
}

/** @internal Opening: parameters from an untrusted envelope must lie inside the policy's bounds. */
export function checkOpenParams(params: KdfParams, policy: KeysealPolicy): void {
  if (params.kdf === 'pbkdf2-sha256') {
    const it = params.iterations
    if (it < policy.pbkdf2.openMinIterations || it > policy.pbkdf2.maxIterations) fail('PARAMS_OUT_OF_POLICY')
  } else if (params.kdf === 'argon2id') {
    fail('UNSUPPORTED_KDF')
  }
}

/** @internal Sealing: parameters must meet the policy's minimum and stay under its maximum. */
export function checkSealParams(params: KdfParams, policy: KeysealPolicy): void {
  if (params.kdf === 'pbkdf2-sha256') {
    const it = params.iterations
    if (it < policy.pbkdf2.minIterations || it > policy.pbkdf2.maxIterations) fail('PARAMS_OUT_OF_POLICY')
  } else if (params.kdf === 'argon2id') {
    fail('UNSUPPORTED_KDF')
  }
}
