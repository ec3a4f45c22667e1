// @org/keyseal/testing (issue 16): the envelope-length formula, and the conformance kit passing a
// correct adapter and failing broken ones (a kit that passes everything proves nothing).
import { describe, expect, it } from 'vitest'
import { argon2id } from '../src/argon2id.js'
import { createPolicy, generateKey, importKey, sealKey, SECRET_MAX } from '../src/index.js'
import { ENVELOPE_STRING_MAX } from '../src/forms.js'
import { conformanceChecks, envelopeLength, runConformance, type StorageAdapter } from '../src/testing.js'
import { expectCode, TEST_POLICY } from './helpers.js'
import * as v2 from '../src/v2/index.js'
import { V2_STRING_MAX } from '../src/v2/constants.js'

/** A correct in-memory adapter; `patch` breaks one part of it. */
function memory(patch: (rows: Map<string, string>) => Partial<StorageAdapter> = () => ({})): StorageAdapter {
  const rows = new Map<string, string>()
  const bytes = new Map<string, Uint8Array>()
  const base: StorageAdapter = {
    insert: async (id, e) => void rows.set(id, e),
    get: async (id) => rows.get(id),
    compareAndSwap: async (id, prev, next) => {
      if (rows.get(id) !== prev) return false
      rows.set(id, next)
      return true
    },
    scan: async (after, limit) =>
      [...rows.keys()]
        .filter((id) => after === undefined || id > after)
        .sort()
        .slice(0, limit)
        .map((id) => ({ id, envelope: rows.get(id)! })),
    clear: async () => {
      rows.clear()
      bytes.clear()
    },
    bytes: { insert: async (id, b) => void bytes.set(id, b.slice()), get: async (id) => bytes.get(id) },
  }
  return { ...base, ...patch(rows) }
}

describe('envelopeLength', () => {
  it('is the exact length of sealed envelopes, for every secret length tried, each KDF and key id', async () => {
    const raw = await importKey(await generateKey())
    const small = { memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8, openMinPasses: 1 }
    const argon = createPolicy({ pbkdf2: TEST_POLICY.pbkdf2, argon2id: { implementation: argon2id, ...small } })
    for (let n = 1; n <= 70; n++) {
      const s = 'x'.repeat(n)
      expect((await sealKey(s, raw)).length).toBe(envelopeLength(n, { kdf: 'raw', saltLength: 16, keyIdLength: 0 }))
      const kid = 'k'.repeat(1 + (n % 64))
      expect((await sealKey(s, raw, { keyId: kid })).length).toBe(envelopeLength(n, { kdf: 'raw', saltLength: 16, keyIdLength: kid.length }))
    }
    for (const n of [1, 2, 3, 100, 4096]) {
      expect((await sealKey('y'.repeat(n), 'pw pw pw', { policy: TEST_POLICY })).length).toBe(envelopeLength(n, { kdf: 'pbkdf2-sha256', saltLength: 16, keyIdLength: 0 }))
      expect((await sealKey('y'.repeat(n), 'pw pw pw', { policy: argon, keyId: 'a' })).length).toBe(envelopeLength(n, { kdf: 'argon2id', saltLength: 16, keyIdLength: 1 }))
    }
    // A multi-byte secret counts UTF-8 bytes.
    expect((await sealKey('é🔑', raw)).length).toBe(envelopeLength(6, { kdf: 'raw', saltLength: 16, keyIdLength: 0 }))
  })

  it('with the defaults at 1 MiB it is the format cap (STRING_MAX), and it grows with every field', () => {
    expect(envelopeLength(SECRET_MAX)).toBe(ENVELOPE_STRING_MAX)
    expect(envelopeLength(100)).toBeGreaterThan(envelopeLength(100, { saltLength: 63 }))
    expect(envelopeLength(100)).toBeGreaterThan(envelopeLength(100, { keyIdLength: 60 }))
    expect(envelopeLength(100)).toBeGreaterThan(envelopeLength(100, { kdf: 'pbkdf2-sha256' }))
  })

  it('version 2: the longest ks2. envelope for the secret length; real v2 envelopes are never longer', async () => {
    expect(envelopeLength(SECRET_MAX, { version: 2 })).toBe(V2_STRING_MAX)
    expect(envelopeLength(200, { version: 2 })).toBe(4 + 5462 + 1 + 288)
    expect(envelopeLength(200, { version: 2 })).toBeGreaterThan(envelopeLength(200))
    const raw = await importKey(await generateKey(), { keyId: 'k'.repeat(64) })
    const server = await v2.importPublicKey((await v2.generateKeyPair()).publicKey, { keyId: 's'.repeat(64) })
    for (const n of [1, 2, 3, 100, 4096]) {
      const e = await v2.sealKey('z'.repeat(n), [raw, server, 'pw pw pw'], { policy: TEST_POLICY, label: 'l'.repeat(128) })
      expect(e.length).toBeLessThanOrEqual(envelopeLength(n, { version: 2 }))
      expect(e.length).toBeGreaterThan(envelopeLength(n, { kdf: 'raw', saltLength: 16, keyIdLength: 0 }))
    }
    await expectCode(() => envelopeLength(1, { version: 2, kdf: 'raw' }), 'INVALID_OPTIONS')
    await expectCode(() => envelopeLength(1, { version: 2, saltLength: 16 }), 'INVALID_OPTIONS')
    await expectCode(() => envelopeLength(0, { version: 2 }), 'INVALID_OPTIONS')
    await expectCode(() => envelopeLength(1, { version: 3 as never }), 'INVALID_OPTIONS')
  })

  it('refuses lengths and options out of range', async () => {
    for (const bad of [0, SECRET_MAX + 1, 1.5, Number.NaN]) await expectCode(() => envelopeLength(bad), 'INVALID_OPTIONS')
    await expectCode(() => envelopeLength(1, { saltLength: 15 }), 'INVALID_OPTIONS')
    await expectCode(() => envelopeLength(1, { keyIdLength: 65 }), 'INVALID_OPTIONS')
    await expectCode(() => envelopeLength(1, { kdf: 'scrypt' as never }), 'INVALID_OPTIONS')
  })
})

describe('conformance kit', () => {
  it('a correct adapter passes every check', async () => {
    const report = await runConformance(memory(), { rows: 60 })
    expect(report.results.filter((r) => !r.ok)).toEqual([])
    expect(report.passed).toBe(conformanceChecks.length)
    expect(conformanceChecks.length).toBe(9)
  })

  it('the v2 check round-trips ks2. (and is skipped with v2: false, for a v1-only store)', async () => {
    const seen: string[] = []
    const spy = memory((rows) => ({ insert: async (id, e) => void (seen.push(e), rows.set(id, e)) }))
    const check = conformanceChecks.find((c) => c.name.startsWith('v2 string form'))!
    await check.run(spy, { secretMaxBytes: 5000 })
    const ks2 = seen.filter((e) => e.startsWith('ks2.'))
    expect(ks2).toHaveLength(2)
    expect(ks2.map((e) => e.length)).toContain(envelopeLength(5000, { version: 2 }))
    expect(v2.inspect(ks2[0]!).recipients.map((r) => r.kind)).toEqual(['raw', 'p256', 'passphrase'])
    expect(v2.inspect(ks2[1]!).recipients.every((r) => r.kind === 'unsupported')).toBe(true)
    // A column sized for the longest v1 envelope only: the v2 check fails, and only it (the v2
    // rotation check's envelopes are short enough for it).
    const v1Only = (rows: Map<string, string>) => ({ insert: async (id: string, e: string) => void rows.set(id, e.slice(0, envelopeLength(4096))) })
    const report = await runConformance(memory(v1Only), { rows: 20 })
    expect(report.results.filter((r) => !r.ok).map((r) => r.name)).toEqual([check.name])
    expect((await runConformance(memory(v1Only), { rows: 20, v2: false })).failed).toBe(0)
  })

  const broken: [string, (rows: Map<string, string>) => Partial<StorageAdapter>, RegExp][] = [
    ['truncates long envelopes (a column too small)', (rows) => ({ insert: async (id, e) => void rows.set(id, e.slice(0, 1000)) }), /string form/],
    ['mangles ks2. envelopes', (rows) => ({ insert: async (id, e) => void rows.set(id, e.startsWith('ks2.') ? e.slice(0, -1) : e) }), /v2 string form/],
    ['loses a character (a lossy encoding)', (rows) => ({ insert: async (id, e) => void rows.set(id, e.replaceAll('-', '+')) }), /string form/],
    ['has a compare-and-swap that does not compare', (rows) => ({ compareAndSwap: async (id, _p, next) => (rows.set(id, next), true) }), /compare-and-swap|concurrent|resume/],
    [
      'has a read-then-write compare-and-swap (not atomic)',
      (rows) => ({
        compareAndSwap: async (id, prev, next) => {
          const now = rows.get(id)
          await new Promise((r) => setTimeout(r, 1))
          if (now !== prev) return false
          rows.set(id, next)
          return true
        },
      }),
      /concurrent/,
    ],
    [
      'has a scan that skips the first row of each page (off by one)',
      (rows) => ({
        scan: async (after, limit) =>
          [...rows.keys()]
            .filter((id) => after === undefined || id > after)
            .sort()
            .slice(1, limit + 1)
            .map((id) => ({ id, envelope: rows.get(id)! })),
      }),
      /scan/,
    ],
  ]
  broken.push([
    'writes rotated ks2. envelopes back damaged',
    (rows) => ({
      compareAndSwap: async (id, prev, next) => {
        if (rows.get(id) !== prev) return false
        rows.set(id, next.startsWith('ks2.') ? next.slice(0, -2) : next)
        return true
      },
    }),
    /^v2 rotation/,
  ])
  it('the v2 rotation check rotates ks1. and ks2. rows (and is skipped with v2: false)', async () => {
    const swapped: string[] = []
    const spy = memory((rows) => ({
      compareAndSwap: async (id, prev, next) => {
        if (rows.get(id) !== prev) return false
        swapped.push(next)
        rows.set(id, next)
        return true
      },
    }))
    const check = conformanceChecks.find((c) => c.name.startsWith('v2 rotation'))!
    await check.run(spy, { rows: 10 })
    expect(swapped.map((e) => e.slice(0, 4)).sort()).toEqual([...Array(5).fill('ks1.'), ...Array(5).fill('ks2.')])
    swapped.length = 0
    await check.run(spy, { rows: 10, v2: false })
    expect(swapped).toEqual([])
  })
  it.each(broken)('an adapter that %s fails', async (_name, patch, which) => {
    const report = await runConformance(memory(patch), { rows: 40 })
    expect(report.failed).toBeGreaterThan(0)
    const failed = report.results.filter((r) => !r.ok).map((r) => r.name)
    expect(failed.some((n) => which.test(n)), failed.join('\n')).toBe(true)
  })
})
