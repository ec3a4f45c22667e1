// @org/keyseal/testing (issue 16): a conformance kit that other teams run against their storage
// adapters, and the envelope-length formula for sizing a column. Its own entry: nothing here is in
// the main entry's bundle, and it needs nothing but the library and WebCrypto (no test framework:
// each check is a plain async function; call them from yours).
import { toBase64url } from './bytes.js'
import { COMMITMENT_LEN, KEY_ID_MAX, NONCE_LEN, SALT_MAX, SALT_MIN, SECRET_MAX, TAG_LEN } from './constants.js'
import { encodeHeader, toEnvelopeString, type KdfParams } from './envelope.js'
import { fail } from './errors.js'
import { envelopeFromBytes, envelopeFromJSON, envelopeToBytes, envelopeToJSON, inspect } from './forms.js'
import { generateKey, importKey, type KeysealKey } from './keys.js'
import { createPolicy } from './policy.js'
import { openKey, sealKey } from './seal.js'
import { rotateStream, type RotateStreamResult } from './stream.js'
import { randomBytes } from './webcrypto.js'
import { generateKeyPair, importPublicKey } from './v2/keys.js'
import { importKey as importKeyV2, openKey as openKeyV2, sealKey as sealKeyV2 } from './v2/api.js'
import { V2_HEADER_MAX } from './v2/constants.js'
import { rotateStream as rotateStreamV2 } from './v2/rotate.js'
import { encodeCore, encodeHeaderWithoutMac, encodeStanza, toV2String } from './v2/format.js'

/** Options for {@link envelopeLength}. Defaults are the worst case any v1 envelope may have. */
export interface EnvelopeLengthOptions {
  /**
   * `2`: the longest v2 envelope (`ks2.`, docs/format-v2.md) for the secret length, whatever its
   * recipients and label (a 4,096-byte header); the other options do not apply and are refused.
   * Default 1.
   */
  version?: 1 | 2
  /** The KDF (its parameters take 0, 4 or 12 header bytes). Default `argon2id` (the longest). */
  kdf?: KdfParams['kdf']
  /** Salt bytes, 16–64. Default 64 (keyseal itself seals with 16; other writers may use up to 64). */
  saltLength?: number
  /** Key id characters, 0–64. Default 64. */
  keyIdLength?: number
}

/** Unpadded base64url length of `n` bytes: ceil(4n / 3) (RFC 4648 §5 without padding). */
const b64 = (n: number): number => Math.floor((4 * n + 2) / 3)

/**
 * The exact length, in characters (ASCII, so also bytes), of a v1 string envelope holding a secret
 * of `secretLength` bytes (UTF-8 bytes for a string secret): `4 + ceil(4H/3) + 1 + ceil(4(S+16)/3)`
 * where the header `H = 48 + params + salt + keyId` bytes (docs/format.md §3) and `S` is the secret
 * length. Size an envelope column with it: with the defaults it is the longest any v1 envelope
 * can be for that secret length.
 *
 * @throws {KeysealError} `INVALID_OPTIONS` for a secret length outside 1..1 MiB or options out of range.
 * @example
 * ```ts
 * import { envelopeLength } from '@org/keyseal/testing'
 * import { sealKey, generateKey, importKey } from '@org/keyseal'
 * console.log(envelopeLength(200)) // 544
 * const key = await importKey(await generateKey())
 * const e = await sealKey('x'.repeat(200), key)
 * console.log(e.length === envelopeLength(200, { kdf: 'raw', saltLength: 16, keyIdLength: 0 })) // true
 * ```
 */
export function envelopeLength(secretLength: number, options: EnvelopeLengthOptions = {}): number {
  const { version = 1, kdf = 'argon2id', saltLength = SALT_MAX, keyIdLength = KEY_ID_MAX } = options
  if (version === 2) {
    if (options.kdf !== undefined || options.saltLength !== undefined || options.keyIdLength !== undefined) fail('INVALID_OPTIONS')
    // Same string shape as v1 (format-v2 §12): 'ks2.' header '.' payload, the header at its cap (§13).
    return 4 + b64(V2_HEADER_MAX) + 1 + b64((Number.isSafeInteger(secretLength) && secretLength >= 1 && secretLength <= SECRET_MAX ? secretLength : fail('INVALID_OPTIONS')) + TAG_LEN)
  }
  if (version !== 1) fail('INVALID_OPTIONS')
  const params = kdf === 'raw' ? 0 : kdf === 'pbkdf2-sha256' ? 4 : kdf === 'argon2id' ? 12 : fail('INVALID_OPTIONS')
  const int = (v: number, lo: number, hi: number) => (Number.isSafeInteger(v) && v >= lo && v <= hi ? v : fail('INVALID_OPTIONS'))
  const header = 2 + params + 1 + int(saltLength, SALT_MIN, SALT_MAX) + 1 + int(keyIdLength, 0, KEY_ID_MAX) + NONCE_LEN + COMMITMENT_LEN
  return 4 + b64(header) + 1 + b64(int(secretLength, 1, SECRET_MAX) + TAG_LEN)
}

/** One stored row, as the adapter returns it. */
export interface StoredRow {
  readonly id: string
  readonly envelope: string
}

/**
 * What the kit needs from a storage adapter: rows of `(id, envelope)` with a compare-and-swap.
 * Ids are the kit's own (`ks-conf-000001`, ...), compared as plain strings.
 */
export interface StorageAdapter {
  /** Store a new row. */
  insert(id: string, envelope: string): Promise<void>
  /** The row's envelope, or undefined when there is no such row. */
  get(id: string): Promise<string | undefined>
  /**
   * Set the row's envelope to `next` only if it still is `previous` (one atomic statement, such as
   * `UPDATE ... SET envelope = $next WHERE id = $id AND envelope = $previous`). True when the row
   * was changed.
   */
  compareAndSwap(id: string, previous: string, next: string): Promise<boolean>
  /** Up to `limit` rows with id greater than `after` (all when undefined), in id order: a resumable cursor. */
  scan(after: string | undefined, limit: number): Promise<readonly StoredRow[]>
  /** Remove every row the kit stored (it calls this before and after each check). */
  clear(): Promise<void>
  /** The bytes form, when the store keeps envelopes as binary too (a BLOB or bytea column). */
  readonly bytes?: {
    insert(id: string, envelope: Uint8Array): Promise<void>
    get(id: string): Promise<Uint8Array | undefined>
  }
}

/** Options for the checks. */
export interface ConformanceOptions {
  /** Rows for the rotation checks. Default 200. */
  rows?: number
  /** The longest secret, in bytes, the store must hold: the longest envelope for it is round-tripped. Default 4096. */
  secretMaxBytes?: number
  /** Concurrency of the rotation streams. Default 8. */
  concurrency?: number
  /**
   * Round-trip v2 envelopes (`ks2.`) too: a real one with three recipients and a label, and the
   * longest v2 envelope for `secretMaxBytes` (`envelopeLength(n, { version: 2 })`, a little longer
   * than v1's), and rotate a table of `ks1.` and `ks2.` rows with the `rotateStream` of
   * `@org/keyseal/v2`. Default true; false for a store that only ever holds v1.
   */
  v2?: boolean
}

/** One conformance check: a name and a function that throws on failure. */
export interface ConformanceCheck {
  readonly name: string
  run(adapter: StorageAdapter, options?: ConformanceOptions): Promise<void>
}

/** What {@link runConformance} returns. */
export interface ConformanceReport {
  readonly passed: number
  readonly failed: number
  readonly results: readonly { readonly name: string; readonly ok: boolean; readonly message?: string }[]
}

class ConformanceFailure extends Error {
  override name = 'ConformanceFailure'
}

function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new ConformanceFailure(message)
}

const id = (i: number): string => 'ks-conf-' + String(i).padStart(6, '0')
const context = (rowId: string): string => 'keyseal-conformance:' + rowId
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
// The cheap passphrase policy of the kit: its envelopes are test data, never real secrets.
const KIT_POLICY = /* @__PURE__ */ createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })

function opts(o: ConformanceOptions | undefined): Required<ConformanceOptions> {
  return { rows: o?.rows ?? 200, secretMaxBytes: o?.secretMaxBytes ?? 4096, concurrency: o?.concurrency ?? 8, v2: o?.v2 ?? true }
}

/** Random bytes of any length (getRandomValues gives at most 65,536 at a time). */
function randomLong(n: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n)
  for (let o = 0; o < n; o += 65536) out.set(randomBytes(Math.min(65536, n - o)), o)
  return out
}

/**
 * A canonical v2 envelope of exactly envelopeLength(secretLength, { version: 2 }) characters: a
 * 128-byte label and stanzas of an unassigned kind (parsed by length, kept: format-v2 §5) filling
 * the header to its 4,096-byte cap. It parses and inspects; nobody can open it (test data).
 */
function longestV2(secretLength: number): string {
  const label = new TextEncoder().encode(BASE64URL + BASE64URL)
  const core = encodeCore(randomBytes(16), label)
  // 4096 = core + count (1) + stanzas + mac (32); an unassigned kind's body is at most 1,024 bytes.
  let left = V2_HEADER_MAX - core.length - 1 - 32
  const stanzas: Uint8Array[] = []
  while (left > 0) {
    const body = Math.min(1024, left - 3)
    stanzas.push(encodeStanza(0x7e, randomBytes(body)))
    left -= 3 + body
  }
  const header = new Uint8Array(V2_HEADER_MAX)
  const head = encodeHeaderWithoutMac(core, stanzas)
  header.set(head)
  header.set(randomBytes(32), head.length)
  return toV2String(header, randomLong(secretLength + TAG_LEN))
}

/** A canonical envelope of exactly envelopeLength(secretLength) characters: every field at its longest. */
function longest(secretLength: number): string {
  const params: KdfParams = { kdf: 'argon2id', memoryKiB: 0xffffffff, passes: 0xffffffff, lanes: 0xffffff }
  const keyId = Array.from({ length: KEY_ID_MAX }, (_, i) => String.fromCharCode(0x21 + (i % 94))).join('')
  const header = encodeHeader({ params, salt: randomBytes(SALT_MAX), keyId, nonce: randomBytes(NONCE_LEN), commitment: randomBytes(COMMITMENT_LEN) })
  return toEnvelopeString(header, randomLong(secretLength + TAG_LEN))
}

/** Keys of one check: rows are sealed under `a`, rotated to `b` (each with its key id). */
async function keys(): Promise<{ a: KeysealKey; b: KeysealKey }> {
  return { a: await importKey(await generateKey(), { keyId: 'conformance-a' }), b: await importKey(await generateKey(), { keyId: 'conformance-b' }) }
}

async function seed(adapter: StorageAdapter, n: number, a: KeysealKey): Promise<Map<string, string>> {
  const secrets = new Map<string, string>()
  for (let i = 0; i < n; i++) {
    const rowId = id(i)
    const secret = 'sk-conf-' + toBase64url(randomBytes(24))
    secrets.set(rowId, secret)
    await adapter.insert(rowId, await sealKey(secret, a, { context: context(rowId) }))
  }
  return secrets
}

/** Every row through the adapter's cursor, a page at a time (keyset pagination: resumable). */
async function* rowsOf(adapter: StorageAdapter, page = 50): AsyncGenerator<{ id: string; envelope: string; context: string }> {
  let after: string | undefined
  for (;;) {
    const rows = await adapter.scan(after, page)
    for (const r of rows) yield { id: r.id, envelope: r.envelope, context: context(r.id) }
    if (rows.length < page) return
    after = rows[rows.length - 1]!.id
  }
}

/** Rotate every row from `a` to `b` with compare-and-swap write-back; `stopAfter` results to simulate a crash. */
async function rotateAll(adapter: StorageAdapter, a: KeysealKey, b: KeysealKey, swaps: Map<string, number>, concurrency: number, stopAfter = Infinity): Promise<void> {
  let n = 0
  for await (const r of rotateStream(rowsOf(adapter), { from: a, to: b, concurrency })) {
    if (n++ >= stopAfter) break
    check(r.status !== 'failed', `rotation of row ${String(r.id)} failed: ${(r as { code?: string }).code}`)
    if (r.status === 'ok' && (await adapter.compareAndSwap(r.id as string, r.previous, r.envelope))) swaps.set(r.id as string, (swaps.get(r.id as string) ?? 0) + 1)
  }
}

async function expectAllRotated(adapter: StorageAdapter, secrets: Map<string, string>, b: KeysealKey, swaps: Map<string, number>): Promise<void> {
  const seen = new Set<string>()
  for await (const r of rowsOf(adapter)) {
    check(!seen.has(r.id), `scan returned row ${r.id} twice`)
    seen.add(r.id)
    check(secrets.has(r.id), `scan returned a row the kit did not store: ${r.id}`)
    check(inspect(r.envelope).keyId === 'conformance-b', `row ${r.id} was not rotated`)
    check((await openKey(r.envelope, b, { context: r.context })) === secrets.get(r.id), `row ${r.id} does not open to its secret`)
    check(swaps.get(r.id) === 1, `row ${r.id} was swapped ${swaps.get(r.id) ?? 0} times, not exactly once`)
  }
  check(seen.size === secrets.size, `${secrets.size - seen.size} rows lost`)
}

const CHECKS: readonly ConformanceCheck[] = [
  {
    name: 'string form: edge envelopes round-trip unchanged (longest for secretMaxBytes, every base64url character, each KDF)',
    async run(adapter, o) {
      const { secretMaxBytes } = opts(o)
      const { a } = await keys()
      const samples: { envelope: string; secret?: string; key?: KeysealKey | string; policy?: typeof KIT_POLICY }[] = []
      const max = longest(secretMaxBytes)
      check(max.length === envelopeLength(secretMaxBytes), 'the longest envelope does not have the formula length')
      samples.push({ envelope: max })
      // A random envelope containing each of the 64 base64url characters.
      let every = ''
      while (![...BASE64URL].every((c) => every.includes(c))) every = longest(600)
      samples.push({ envelope: every })
      samples.push({ envelope: await sealKey('x', a, { context: context(id(2)) }), secret: 'x', key: a })
      samples.push({ envelope: await sealKey('sk-é-🔑', 'conformance pass', { context: context(id(3)), policy: KIT_POLICY }), secret: 'sk-é-🔑', key: 'conformance pass', policy: KIT_POLICY })
      for (const [i, s] of samples.entries()) {
        await adapter.insert(id(i), s.envelope)
        const back = await adapter.get(id(i))
        check(back === s.envelope, `envelope ${i} (${s.envelope.length} characters) did not round-trip unchanged`)
        if (s.key !== undefined) check((await openKey(back, s.key, { context: context(id(i)), ...(s.policy && { policy: s.policy }) })) === s.secret, `envelope ${i} does not open after the round trip`)
      }
      check((await adapter.get(id(99))) === undefined, 'get of a missing row is not undefined')
    },
  },
  {
    name: 'JSON form: envelopeToJSON text round-trips and converts back to the same envelope',
    async run(adapter) {
      const { a } = await keys()
      const e = await sealKey('sk-json', a, { context: 'json' })
      const text = JSON.stringify(envelopeToJSON(e))
      await adapter.insert(id(0), text)
      const back = await adapter.get(id(0))
      check(back === text, 'the JSON text did not round-trip unchanged')
      check(envelopeFromJSON(JSON.parse(back)) === e, 'the JSON form does not convert back to the envelope')
    },
  },
  {
    name: 'v2 string form: ks2. envelopes round-trip unchanged (three recipients and a label; the longest for secretMaxBytes) (unless v2: false)',
    async run(adapter, o) {
      const { secretMaxBytes, v2 } = opts(o)
      if (!v2) return
      const { a } = await keys()
      const pair = await generateKeyPair()
      const server = await importPublicKey(pair.publicKey, { keyId: 'conformance-server' })
      const ctx = context(id(0))
      const real = await sealKeyV2('sk-conf-v2-é', [a, server, 'conformance pass'], { context: ctx, policy: KIT_POLICY, label: 'conformance · sk-…v2' })
      const max = longestV2(secretMaxBytes)
      check(max.length === envelopeLength(secretMaxBytes, { version: 2 }), 'the longest v2 envelope does not have the formula length')
      for (const [i, e] of [real, max].entries()) {
        await adapter.insert(id(i), e)
        check((await adapter.get(id(i))) === e, `v2 envelope ${i} (${e.length} characters) did not round-trip unchanged`)
      }
      const back = (await adapter.get(id(0)))!
      check((await openKeyV2(back, a, { context: ctx })) === 'sk-conf-v2-é', 'the v2 envelope does not open with its raw-key recipient after the round trip')
      const priv = await importKeyV2(pair.privateKey, { keyId: 'conformance-server' })
      check((await openKeyV2(back, priv, { context: ctx })) === 'sk-conf-v2-é', 'the v2 envelope does not open with its public-key recipient after the round trip')
    },
  },
  {
    name: 'bytes form: envelopeToBytes round-trips byte for byte (when the adapter has `bytes`)',
    async run(adapter, o) {
      if (adapter.bytes === undefined) return
      const bin = envelopeToBytes(longest(opts(o).secretMaxBytes))
      await adapter.bytes.insert(id(0), bin)
      const back = await adapter.bytes.get(id(0))
      check(back instanceof Uint8Array && back.length === bin.length && back.every((v, i) => v === bin[i]), 'the bytes form did not round-trip byte for byte')
      check(envelopeFromBytes(back) === envelopeFromBytes(bin), 'the bytes form does not convert back')
    },
  },
  {
    name: 'scan: keyset pagination returns every row once, in id order',
    async run(adapter) {
      const { a } = await keys()
      const secrets = await seed(adapter, 23, a)
      const got: string[] = []
      for await (const r of rowsOf(adapter, 5)) got.push(r.id)
      check(got.join() === [...secrets.keys()].join(), 'scan did not return every row once, in id order')
    },
  },
  {
    name: 'compare-and-swap: a row edited during rotation is not overwritten; the edit survives',
    async run(adapter, o) {
      const { rows, concurrency } = opts(o)
      const { a, b } = await keys()
      const secrets = await seed(adapter, rows, a)
      const edited = new Map<string, string>()
      for await (const r of rotateStream(rowsOf(adapter), { from: a, to: b, concurrency })) {
        check(r.status === 'ok', `row ${String(r.id)} did not rotate`)
        const rowId = r.id as string
        // Every 7th row is edited by its user after it was read and before its write-back.
        if (Number(rowId.slice(-6)) % 7 === 3) {
          const mine = await sealKey('edited:' + secrets.get(rowId), a, { context: context(rowId) })
          check(await adapter.compareAndSwap(rowId, r.previous, mine), `the user's edit of row ${rowId} failed`)
          edited.set(rowId, mine)
        }
        const swapped = await adapter.compareAndSwap(rowId, r.previous, r.envelope)
        check(swapped === !edited.has(rowId), swapped ? `row ${rowId} was overwritten after an edit` : `row ${rowId} was not written back`)
      }
      for (const [rowId, mine] of edited) check((await adapter.get(rowId)) === mine, `the edit of row ${rowId} was lost`)
      check(!(await adapter.compareAndSwap(id(rows + 5), 'x', 'y')), 'compare-and-swap of a missing row reported a change')
    },
  },
  {
    name: 'concurrent rotation: two rotations at once swap every row exactly once',
    async run(adapter, o) {
      const { rows, concurrency } = opts(o)
      const { a, b } = await keys()
      const secrets = await seed(adapter, rows, a)
      const swaps = new Map<string, number>()
      // The second rotation may meet rows the first already moved: those are skipped (sealed by b).
      await Promise.all([rotateAll(adapter, a, b, swaps, concurrency), rotateAll(adapter, a, b, swaps, concurrency)])
      await expectAllRotated(adapter, secrets, b, swaps)
    },
  },
  {
    name: 'resume: a rotation stopped midway and run again rotates every row exactly once, none lost',
    async run(adapter, o) {
      const { rows, concurrency } = opts(o)
      const { a, b } = await keys()
      const secrets = await seed(adapter, rows, a)
      const swaps = new Map<string, number>()
      await rotateAll(adapter, a, b, swaps, concurrency, Math.floor(rows / 3))
      check(swaps.size > 0 && swaps.size < rows, 'the first run did not stop midway')
      await rotateAll(adapter, a, b, swaps, concurrency)
      await expectAllRotated(adapter, secrets, b, swaps)
    },
  },
  {
    name: 'v2 rotation: ks1. and ks2. rows rotate in one stream (rotateStream of @org/keyseal/v2), each swapped exactly once (unless v2: false)',
    async run(adapter, o) {
      const { rows, concurrency, v2 } = opts(o)
      if (!v2) return
      const { a, b } = await keys()
      const pair = await generateKeyPair()
      const server = await importPublicKey(pair.publicKey, { keyId: 'conformance-server' })
      const secrets = new Map<string, string>()
      // Every other row is ks2. for `a` and the server's public key; the rest ks1. for `a`.
      for (let i = 0; i < rows; i++) {
        const rowId = id(i)
        const secret = 'sk-conf-v2-' + toBase64url(randomBytes(12))
        secrets.set(rowId, secret)
        await adapter.insert(rowId, await sealKeyV2(secret, i % 2 ? [a, server] : a, { context: context(rowId) }))
      }
      const swaps = new Map<string, number>()
      for await (const r of rotateStreamV2(rowsOf(adapter), { from: a, to: b, concurrency })) {
        check(r.status === 'ok', `v2 rotation of row ${String(r.id)} did not rotate: ${(r as { code?: string }).code ?? r.status}`)
        if (r.status === 'ok' && (await adapter.compareAndSwap(r.id as string, r.previous, r.envelope))) swaps.set(r.id as string, (swaps.get(r.id as string) ?? 0) + 1)
      }
      const priv = await importKeyV2(pair.privateKey, { keyId: 'conformance-server' })
      for await (const r of rowsOf(adapter)) {
        const secret = secrets.get(r.id)
        check(swaps.get(r.id) === 1, `row ${r.id} was swapped ${swaps.get(r.id) ?? 0} times, not exactly once`)
        check(r.envelope.startsWith(Number(r.id.slice(-6)) % 2 ? 'ks2.' : 'ks1.'), `row ${r.id} changed its format version`)
        check((await openKeyV2(r.envelope, b, { context: r.context })) === secret, `row ${r.id} does not open with the new key to its secret`)
        if (r.envelope.startsWith('ks2.')) check((await openKeyV2(r.envelope, priv, { context: r.context })) === secret, `row ${r.id} lost its public-key recipient`)
      }
      check(swaps.size === rows, `${rows - swaps.size} rows not rotated`)
    },
  },
]

/**
 * The conformance checks, in order. Each clears the adapter before and after it runs, and throws
 * on failure: run each from your test framework, for example
 * `for (const c of conformanceChecks) test(c.name, () => c.run(adapter))`.
 */
export const conformanceChecks: readonly ConformanceCheck[] = /* @__PURE__ */ Object.freeze(
  CHECKS.map((c) => ({
    name: c.name,
    async run(adapter: StorageAdapter, options?: ConformanceOptions) {
      await adapter.clear()
      try {
        await c.run(adapter, options)
      } finally {
        await adapter.clear()
      }
    },
  })),
)

/**
 * Run every check against `adapter` (clearing it before and after each) and report, without
 * throwing for a failed check.
 *
 * @throws Never for a failed check (it is a result); a throwing `adapter.clear()` is reported as that check's failure.
 * @example
 * ```ts
 * import { runConformance, type StorageAdapter } from '@org/keyseal/testing'
 * import { SECRET_MAX } from '@org/keyseal'
 * const rows = new Map<string, string>()
 * const adapter: StorageAdapter = {
 *   insert: async (id, e) => void rows.set(id, e),
 *   get: async (id) => rows.get(id),
 *   compareAndSwap: async (id, prev, next) => rows.get(id) === prev && (rows.set(id, next), true),
 *   scan: async (after, limit) => [...rows].filter(([id]) => after === undefined || id > after).sort(([x], [y]) => (x < y ? -1 : 1)).slice(0, limit).map(([id, envelope]) => ({ id, envelope })),
 *   clear: async () => rows.clear(),
 * }
 * // An in-memory Map holds anything: the longest envelope for a 1 MiB secret too.
 * const report = await runConformance(adapter, { rows: 20, secretMaxBytes: SECRET_MAX })
 * console.log(report.failed, report.passed) // 0 9
 * ```
 */
export async function runConformance(adapter: StorageAdapter, options?: ConformanceOptions): Promise<ConformanceReport> {
  const results: { name: string; ok: boolean; message?: string }[] = []
  for (const c of conformanceChecks) {
    try {
      await c.run(adapter, options)
      results.push({ name: c.name, ok: true })
    } catch (error) {
      results.push({ name: c.name, ok: false, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) })
    }
  }
  const passed = results.filter((r) => r.ok).length
  return { passed, failed: results.length - passed, results }
}

export type { RotateStreamResult }
