// Keyrings, needsRotation, rotateKey and rotateMany (issue 4).
import { fc, test as fcTest } from '@fast-check/vitest'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createKeyring,
  createPolicy,
  deriveKey,
  envelopeToJSON,
  generateKey,
  importKey,
  inspect,
  needsRotation,
  openKey,
  rotateKey,
  rotateMany,
  sealKey,
  type RotateItem,
} from '../src/index.js'
import { captureEncodings, expectCode, runs, TEST_POLICY } from './helpers.js'

const policy = TEST_POLICY
const rawKey = async (keyId?: string) => importKey(await generateKey(), keyId === undefined ? {} : { keyId })

/** Counts PBKDF2 runs (WebCrypto deriveBits with PBKDF2) while `fn` runs. */
async function countPbkdf2<T>(fn: () => Promise<T>): Promise<{ value: T; pbkdf2: number }> {
  const spy = vi.spyOn(globalThis.crypto.subtle, 'deriveBits')
  try {
    const value = await fn()
    const pbkdf2 = spy.mock.calls.filter(([alg]) => (alg as { name: string }).name === 'PBKDF2').length
    return { value, pbkdf2 }
  } finally {
    spy.mockRestore()
  }
}

afterEach(() => vi.restoreAllMocks())

describe('keyrings', () => {
  it('seals with the primary, records its id, and opens by id', async () => {
    const ring = createKeyring([
      { id: 'old', key: await rawKey() },
      { id: 'new', key: await rawKey(), primary: true },
    ])
    const e = await sealKey('sk-1', ring, { context: 'c' })
    expect(inspect(e).keyId).toBe('new')
    expect(await openKey(e, ring, { context: 'c' })).toBe('sk-1')
    expect(ring.primaryId).toBe('new')
    expect(ring.ids).toEqual(['old', 'new'])
  })

  it('methods called unbound or on a fake keyring fail with INVALID_OPTIONS, not a TypeError', async () => {
    const ring = createKeyring([{ id: 'a', key: await rawKey() }])
    const { has, isDisabled, toJSON, toString } = ring
    for (const call of [() => has('a'), () => isDisabled('a'), () => toJSON(), () => toString(), () => String(Object.create(Object.getPrototypeOf(ring)))]) {
      expect(call).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }))
    }
    expect(has.call(ring, 'a')).toBe(true)
  })

  it('an envelope whose key id names a key of the wrong kind is KEY_MISMATCH, not AUTH_FAILED', async () => {
    const e = await sealKey('sk-k', await rawKey(), { keyId: 'a' })
    const ring = createKeyring([{ id: 'a', key: 'a passphrase, not a raw key' }])
    await expectCode(openKey(e, ring, { policy }), 'KEY_MISMATCH')
  })

  it('a mixed ring opens an envelope without a key id with its one compatible key', async () => {
    const raw = await rawKey()
    const e = await sealKey('sk-mixed', raw)
    const ring = createKeyring([
      { id: 'pw', key: 'the primary is a passphrase', primary: true },
      { id: 'raw', key: raw },
    ])
    expect(await openKey(e, ring, { policy })).toBe('sk-mixed')
  })

  it('uses only the key named by the envelope id, never the others', async () => {
    const x = await rawKey()
    const e = await sealKey('sk-x', x, { keyId: 'x' })
    // 'x' maps to a wrong key; the right key sits under another id and must not be tried.
    const ring = createKeyring([
      { id: 'x', key: await rawKey(), primary: true },
      { id: 'z', key: x },
    ])
    await expectCode(openKey(e, ring), 'AUTH_FAILED')
    const ring2 = createKeyring([{ id: 'x', key: x }])
    expect(await openKey(e, ring2)).toBe('sk-x')
  })

  it('an unknown id has its own code', async () => {
    const e = await sealKey('sk-x', await rawKey(), { keyId: 'gone' })
    await expectCode(openKey(e, createKeyring([{ id: 'here', key: await rawKey() }])), 'UNKNOWN_KEY_ID')
  })

  it('prototype names are ordinary ids', async () => {
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const k = await rawKey()
      const e = await sealKey('sk-p', k, { keyId: id })
      const other = createKeyring([{ id: 'a', key: await rawKey() }])
      await expectCode(openKey(e, other), 'UNKNOWN_KEY_ID')
      expect(other.has(id)).toBe(false)
      expect(other.isDisabled(id)).toBe(false)
      const ring = createKeyring([{ id: 'a', key: await rawKey(), primary: true }, { id, key: k }])
      expect(ring.has(id)).toBe(true)
      expect(await openKey(e, ring)).toBe('sk-p')
      expect(needsRotation(e, ring)).toEqual(['KEY_NOT_PRIMARY'])
    }
  })

  it('disabled keys open but never seal', async () => {
    const k = await rawKey()
    const e = await sealKey('sk-d', k, { keyId: 'd' })
    const ring = createKeyring([
      { id: 'd', key: k, disabled: true },
      { id: 'p', key: await rawKey(), primary: true },
    ])
    expect(await openKey(e, ring)).toBe('sk-d')
    expect(inspect(await sealKey('sk-n', ring)).keyId).toBe('p')
    expect(needsRotation(e, ring)).toEqual(['KEY_NOT_PRIMARY', 'KEY_DISABLED'])
    await expectCode(() => createKeyring([{ id: 'd', key: k, disabled: true, primary: true }]), 'INVALID_OPTIONS')
  })

  it('refuses malformed keyrings', async () => {
    const k = await rawKey()
    await expectCode(() => createKeyring([]), 'INVALID_OPTIONS')
    await expectCode(() => createKeyring([{ id: 'a', key: k }, { id: 'a', key: k, primary: true }]), 'INVALID_OPTIONS')
    await expectCode(() => createKeyring([{ id: 'a', key: k }, { id: 'b', key: k }]), 'INVALID_OPTIONS') // no primary
    await expectCode(() => createKeyring([{ id: 'a', key: k, primary: true }, { id: 'b', key: k, primary: true }]), 'INVALID_OPTIONS')
    await expectCode(() => createKeyring([{ id: 'has space', key: k }]), 'INVALID_OPTIONS')
    const b = await rawKey('b')
    await expectCode(() => createKeyring([{ id: 'a', key: b }]), 'INVALID_OPTIONS')
    await expectCode(() => createKeyring([{ id: 'a', key: 42 as never }]), 'INVALID_KEY')
    const openOnly = await deriveKey('pw for ring', { policy, envelope: await sealKey('s', 'pw for ring', { policy }) })
    await expectCode(() => createKeyring([{ id: 'a', key: openOnly }]), 'INVALID_OPTIONS')
    await expectCode(sealKey('s', createKeyring([{ id: 'a', key: k }]), { keyId: 'b' }), 'INVALID_OPTIONS')
  })

  it('prints and serializes without key material', async () => {
    const ring = createKeyring([{ id: 'a', key: 'a ring passphrase' }, { id: 'b', key: await rawKey(), primary: true }])
    const shown = JSON.stringify(ring) + String(ring)
    expect(shown).not.toContain('a ring passphrase')
    expect(JSON.parse(JSON.stringify(ring))).toEqual({ type: 'Keyring', primaryId: 'b', keys: [{ id: 'a', disabled: false }, { id: 'b', disabled: false }] })
  })

  it('envelopes without a key id are tried against compatible keys, primary first', async () => {
    const k1 = await rawKey()
    const k2 = await rawKey()
    const e = await sealKey('sk-n', k2)
    expect(await openKey(e, createKeyring([{ id: 'one', key: k1, primary: true }, { id: 'two', key: k2 }]))).toBe('sk-n')
    await expectCode(openKey(e, createKeyring([{ id: 'one', key: k1 }])), 'AUTH_FAILED')
    await expectCode(openKey(e, createKeyring([{ id: 'pw', key: 'only a passphrase' }])), 'KEY_MISMATCH')
  })

  fcTest.prop(
    [
      fc.uniqueArray(fc.constantFrom('constructor', '__proto__', 'toString', 'k1', 'k2', 'prod-2026', 'a:b/c', '~'), { minLength: 1, maxLength: 5 }),
      fc.nat(),
      fc.string({ minLength: 1, maxLength: 40 }).filter((s) => (s as string & { isWellFormed(): boolean }).isWellFormed()),
    ],
    { numRuns: runs(15) },
  )('random key sets and primaries round-trip, and opening follows the id', async (ids, pick, secret) => {
    const keys = await Promise.all(ids.map(() => rawKey()))
    const primary = ids[pick % ids.length]!
    const ring = createKeyring(ids.map((id, i) => ({ id, key: keys[i]!, primary: id === primary })))
    const e = await sealKey(secret, ring, { context: 'prop' })
    expect(inspect(e).keyId).toBe(primary)
    expect(await openKey(e, ring, { context: 'prop' })).toBe(secret)
    // The sealing key alone opens it; every other key of the ring does not.
    for (let i = 0; i < ids.length; i++) {
      const single = createKeyring([{ id: primary, key: keys[i]! }])
      if (ids[i] === primary) expect(await openKey(e, single, { context: 'prop' })).toBe(secret)
      else await expectCode(openKey(e, single, { context: 'prop' }), 'AUTH_FAILED')
    }
    expect(needsRotation(e, ring)).toEqual([])
  })
})

describe('needsRotation', () => {
  it('reports KDF parameters below the policy and nothing otherwise', async () => {
    const e = await sealKey('s', 'pw pw pw', { policy })
    expect(needsRotation(e, policy)).toEqual([])
    expect(needsRotation(e, createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000 } }))).toEqual(['KDF_BELOW_POLICY'])
    // 1000 iterations are below the default policy's opening floor (100,000): openKey refuses the
    // envelope under that policy, so needsRotation does too (issue 16), rather than answer as if
    // it could be rotated there.
    await expectCode(() => needsRotation(e), 'PARAMS_OUT_OF_POLICY', [e])
    expect(needsRotation(e, createPolicy({ pbkdf2: { openMinIterations: 1000 } }))).toEqual(['KDF_BELOW_POLICY']) // the default sealing floor is 600,000
    expect(needsRotation(e, { policy, keyring: createKeyring([{ id: 'k', key: 'pw pw pw' }]) })).toEqual(['KEY_NOT_PRIMARY'])
    const raw = await sealKey('s', await rawKey())
    expect(needsRotation(raw)).toEqual([])
  })

  it('reports unknown ids and age by the caller-supplied sealing time', async () => {
    const e = await sealKey('s', await rawKey(), { keyId: 'gone' })
    const ring = createKeyring([{ id: 'k', key: await rawKey() }])
    expect(needsRotation(e, ring)).toEqual(['KEY_NOT_PRIMARY', 'UNKNOWN_KEY_ID'])
    const day = 86_400_000
    expect(needsRotation(e, { sealedAt: new Date(0), maxAgeMs: 90 * day, now: 91 * day })).toEqual(['TOO_OLD'])
    expect(needsRotation(e, { sealedAt: 0, maxAgeMs: 90 * day, now: 89 * day })).toEqual([])
    // The boundary: exactly maxAgeMs old is not too old; one millisecond more is.
    expect(needsRotation(e, { sealedAt: 1000, maxAgeMs: 90 * day, now: 1000 + 90 * day })).toEqual([])
    expect(needsRotation(e, { sealedAt: 1000, maxAgeMs: 90 * day, now: 1001 + 90 * day })).toEqual(['TOO_OLD'])
    await expectCode(() => needsRotation(e, { maxAgeMs: 1 }), 'INVALID_OPTIONS')
    await expectCode(() => needsRotation(e, { sealedAt: Number.NaN, maxAgeMs: 1 }), 'INVALID_OPTIONS')
    await expectCode(() => needsRotation(e, { polcy: policy } as never), 'INVALID_OPTIONS')
    await expectCode(() => needsRotation('sk-proj-plain', ring), 'MALFORMED_ENVELOPE', ['sk-proj-plain'])
  })
})

describe('rotateKey', () => {
  it('moves an envelope to a new passphrase: same secret and context, old passphrase no longer opens', async () => {
    const context = 'user:42/openai'
    const e = await sealKey('sk-proj-rot', 'old pass phrase', { context, policy })
    const r = await rotateKey(e, { from: 'old pass phrase', to: 'new pass phrase', context, policy })
    expect(r.rotated).toBe(true)
    expect(await openKey(r.envelope, 'new pass phrase', { context, policy })).toBe('sk-proj-rot')
    await expectCode(openKey(r.envelope, 'old pass phrase', { context, policy }), 'AUTH_FAILED')
    await expectCode(openKey(r.envelope, 'new pass phrase', { context: 'user:43/openai', policy }), 'AUTH_FAILED')
    const a = envelopeToJSON(e)
    const b = envelopeToJSON(r.envelope)
    expect(b.nonce).not.toBe(a.nonce)
    expect(b.salt).not.toBe(a.salt)
  })

  it('upgrades weak parameters and reports the reason; reports when nothing needed doing', async () => {
    const strong = createPolicy({ pbkdf2: { iterations: 3000, minIterations: 3000, openMinIterations: 1000 } })
    const k = await rawKey()
    const ring = createKeyring([{ id: 'k', key: k }])
    const e = await sealKey('s', ring)
    const same = await rotateKey(e, { from: ring, to: ring })
    expect(same).toEqual({ envelope: e, rotated: false, reasons: [] })
    const weak = await sealKey('s', 'pw pw pw', { policy })
    const up = await rotateKey(weak, { from: 'pw pw pw', to: 'pw pw pw', policy: strong })
    expect(up.rotated).toBe(true)
    expect(up.reasons).toEqual(['KDF_BELOW_POLICY'])
    expect(inspect(up.envelope).kdf).toEqual({ kdf: 'pbkdf2-sha256', iterations: 3000 })
    const toRing = await rotateKey(weak, { from: 'pw pw pw', to: ring, policy })
    expect(toRing.reasons).toEqual(['KEY_NOT_PRIMARY'])
    expect(inspect(toRing.envelope).keyId).toBe('k')
    expect(await openKey(toRing.envelope, k)).toBe('s')
  })

  it('verifies the new envelope before returning it: a verification that reads other bytes is CRYPTO_FAILURE', async () => {
    const from = await rawKey()
    const e = await sealKey('sk-verify', from)
    const subtle = globalThis.crypto.subtle
    const real = subtle.decrypt.bind(subtle)
    let calls = 0
    vi.spyOn(subtle, 'decrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['decrypt']>) => {
      const out = new Uint8Array(await real(...args))
      // The second decryption is the check of the new envelope: make it disagree.
      if (++calls === 2) out[0]! ^= 1
      return out.buffer
    })
    await expectCode(rotateKey(e, { from, to: await rawKey() }), 'CRYPTO_FAILURE', ['sk-verify'])
    expect(calls).toBe(2)
  })

  it('fails with a typed error and returns nothing when `from` cannot open it', async () => {
    const e = await sealKey('sk-secret-zq', 'zebra-right-pass', { policy, context: 'ctx-q' })
    await expectCode(rotateKey(e, { from: 'zebra-other-pass', to: 'zebra-new-pass', policy, context: 'ctx-q' }), 'AUTH_FAILED', ['sk-secret-zq', 'zebra-right-pass', 'zebra-other-pass', e])
    await expectCode(rotateKey(e, { from: 'zebra-right-pass', to: 'zebra-new-pass', policy, context: 'other' }), 'AUTH_FAILED')
    await expectCode(rotateKey(e, { from: 'zebra-right-pass' } as never), 'INVALID_OPTIONS')
  })
})

describe('rotateMany', () => {
  async function batch(n: number, pw = 'batch old pw') {
    const k = await deriveKey(pw, { policy })
    return Promise.all(
      Array.from({ length: n }, async (_, i) => ({ id: `row-${i}`, context: `user:${i}/openai`, envelope: await sealKey(`sk-${i}`, k, { context: `user:${i}/openai`, policy }) })),
    )
  }

  it('derives once per salt for `from` and once for `to`, preserves order, ids and contexts', async () => {
    const rows = await batch(40)
    const { value: results, pbkdf2 } = await countPbkdf2(() => rotateMany(rows, { from: 'batch old pw', to: 'batch new pw', policy, concurrency: 8 }))
    expect(pbkdf2).toBe(3) // + one independent derivation from `to` per call (issue 11, item 8)
    expect(results.map((r) => r.index)).toEqual(rows.map((_, i) => i))
    expect(results.every((r) => r.status === 'ok')).toBe(true)
    const newKey = await deriveKey('batch new pw', { policy, envelope: results[0]!.envelope! })
    for (const [i, r] of results.entries()) {
      expect(r.id).toBe(`row-${i}`)
      expect(await openKey(r.envelope!, newKey, { context: `user:${i}/openai`, policy })).toBe(`sk-${i}`)
    }
  })

  it('envelopes that share a salt but record different key ids each rotate (the cache is keyed by the id too)', async () => {
    const k = await deriveKey('batch old pw', { policy })
    const rows = await Promise.all(
      ['id-a', 'id-b', undefined, 'id-a'].map(async (keyId, i) => sealKey(`sk-${i}`, k, { policy, ...(keyId === undefined ? {} : { keyId }) })),
    )
    expect(new Set(rows.map((e) => inspect(e).salt)).size).toBe(1)
    const { value: results, pbkdf2 } = await countPbkdf2(() => rotateMany(rows, { from: 'batch old pw', to: 'batch new pw', policy }))
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok'])
    // One derivation per distinct key id for `from` (three), one for `to`, one to check `to` (item 8).
    expect(pbkdf2).toBe(5)
    for (const [i, r] of results.entries()) expect(await openKey(r.envelope!, 'batch new pw', { policy })).toBe(`sk-${i}`)
  })

  it('the cache never outlives the call', async () => {
    const rows = await batch(5)
    const first = await countPbkdf2(() => rotateMany(rows, { from: 'batch old pw', to: 'batch new pw', policy }))
    const second = await countPbkdf2(() => rotateMany(rows, { from: 'batch old pw', to: 'batch new pw', policy }))
    expect(first.pbkdf2).toBe(3) // + one independent derivation from `to` per call (issue 11, item 8)
    expect(second.pbkdf2).toBe(3)
  })

  it('reports a corrupted item while the rest succeed, and accepts async iterables', async () => {
    const rows: RotateItem[] = await batch(6)
    const bad = rows[2] as { envelope: string; context: string; id: string }
    rows[2] = { ...bad, envelope: bad.envelope.slice(0, -3) + (bad.envelope.endsWith('AAA') ? 'BAA' : 'AAA') }
    rows[4] = { ...(rows[4] as object), context: 'wrong context' } as RotateItem
    rows.push('sk-proj-not-an-envelope')
    async function* gen() {
      for (const r of rows) yield r
    }
    const seen: number[] = []
    const results = await rotateMany(gen(), { from: 'batch old pw', to: 'batch new pw', policy, onProgress: (p) => seen.push(p.done) })
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'failed', 'ok', 'failed', 'ok', 'failed'])
    expect(results[2]!.code === 'AUTH_FAILED' || results[2]!.code === 'MALFORMED_ENVELOPE').toBe(true)
    expect(results[4]!.code).toBe('AUTH_FAILED')
    expect(results[6]!.code).toBe('MALFORMED_ENVELOPE')
    expect(results[6]!.envelope).toBeUndefined()
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('skips what needs nothing, by keyring', async () => {
    const k = await rawKey()
    const ring = createKeyring([{ id: 'cur', key: k }])
    const e1 = await sealKey('a', ring)
    const e2 = await sealKey('b', await rawKey(), { keyId: 'old' })
    const results = await rotateMany([e1, e2], { from: createKeyring([{ id: 'cur', key: k, primary: true }, { id: 'old', key: (await rawKey()) }]), to: ring })
    expect(results[0]).toMatchObject({ status: 'skipped', envelope: e1, reasons: [] })
    expect(results[1]).toMatchObject({ status: 'failed', code: 'AUTH_FAILED', reasons: ['KEY_NOT_PRIMARY', 'UNKNOWN_KEY_ID'] })
  })

  it('cancellation stops promptly and rejects with the signal reason', async () => {
    const rows = await batch(60)
    const controller = new AbortController()
    let started = 0
    async function* gen() {
      for (const r of rows) {
        started++
        yield r
      }
    }
    const p = rotateMany(gen(), {
      from: 'batch old pw',
      to: 'batch new pw',
      policy,
      concurrency: 2,
      signal: controller.signal,
      onProgress: (pr) => {
        if (pr.done === 5) controller.abort(new Error('stop'))
      },
    })
    await expect(p).rejects.toThrow('stop')
    // Only the items already in flight when it was aborted may still have been pulled.
    expect(started).toBeLessThanOrEqual(5 + 2)
  })

  it('an error thrown by the source itself propagates (after in-flight items finish); odd items fail alone', async () => {
    const rows = await batch(3)
    async function* broken() {
      yield rows[0]!
      yield 42 as unknown as RotateItem
      yield { envelope: rows[1]!.envelope, context: 7 as unknown as string }
      throw new Error('cursor lost')
    }
    await expect(rotateMany(broken(), { from: 'batch old pw', to: 'batch new pw', policy, concurrency: 1 })).rejects.toThrow('cursor lost')
    const results = await rotateMany([rows[0]!, 42 as unknown as RotateItem, { envelope: rows[1]!.envelope, context: 7 as unknown as string }], {
      from: 'batch old pw',
      to: 'batch new pw',
      policy,
    })
    expect(results.map((r) => [r.status, r.code])).toEqual([['ok', undefined], ['failed', 'MALFORMED_ENVELOPE'], ['failed', 'INVALID_CONTEXT']])
  })

  it('index is the input position even when an async iterator settles its next() calls out of order', async () => {
    const rows = await batch(4)
    // The first next() settles last, the last first.
    let calls = 0
    const source: AsyncIterable<RotateItem> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          const i = calls++
          return new Promise((resolve) => setTimeout(() => resolve(i < rows.length ? { value: rows[i]!, done: false } : { value: undefined, done: true }), (rows.length - i) * 15))
        },
      }),
    }
    const results = await rotateMany(source, { from: 'batch old pw', to: 'batch new pw', policy, concurrency: 4 })
    expect(results.map((r) => [r.index, r.id])).toEqual(rows.map((row, i) => [i, row.id]))
    for (const [i, r] of results.entries()) expect(await openKey(r.envelope!, 'batch new pw', { context: rows[i]!.context, policy })).toBe(`sk-${i}`)
  })

  it('if onProgress throws, no new item starts, the source is closed and the call rejects with that error', async () => {
    const rows = await batch(40)
    let pulled = 0
    let closed = false
    async function* gen() {
      try {
        for (const r of rows) {
          pulled++
          yield r
        }
      } finally {
        closed = true
      }
    }
    let calls = 0
    const p = rotateMany(gen(), {
      from: 'batch old pw',
      to: 'batch new pw',
      policy,
      concurrency: 4,
      onProgress: () => {
        calls++
        throw new Error('progress sink down')
      },
    })
    await expect(p).rejects.toThrow('progress sink down')
    expect(closed).toBe(true)
    // The four workers each finish at most the item they hold.
    expect(pulled).toBeLessThanOrEqual(4)
    expect(calls).toBeLessThanOrEqual(4)
  })

  it('an item that cannot be read fails alone with INVALID_OPTIONS; a fake typed array as context is INVALID_CONTEXT', async () => {
    const rows = await batch(2)
    const revoked = Proxy.revocable({}, {})
    revoked.revoke()
    const throwing = Object.defineProperty({}, 'envelope', {
      get() {
        throw new Error('getter')
      },
    })
    const fake = { envelope: rows[1]!.envelope, context: Object.create(Uint8Array.prototype) as Uint8Array }
    const results = await rotateMany([rows[0]!, revoked.proxy as RotateItem, throwing as RotateItem, fake, rows[1]!], { from: 'batch old pw', to: 'batch new pw', policy })
    expect(results.map((r) => [r.index, r.status, r.code])).toEqual([
      [0, 'ok', undefined],
      [1, 'failed', 'INVALID_OPTIONS'],
      [2, 'failed', 'INVALID_OPTIONS'],
      [3, 'failed', 'INVALID_CONTEXT'],
      [4, 'ok', undefined],
    ])
  })

  it('skips an item only after it opens under a key-object `to`: tampered, wrong-context or same-id-other-key envelopes fail', async () => {
    const k = await rawKey()
    const ring = createKeyring([{ id: 'p', key: k }])
    const good = await sealKey('sk-good', ring, { context: 'c1' })
    const [head, body] = good.slice(4).split('.') as [string, string]
    const flipped = body.slice(0, 5) + (body[5] === 'A' ? 'B' : 'A') + body.slice(6)
    const tampered = `ks1.${head}.${flipped}`
    const otherKey = await sealKey('sk-other', await rawKey(), { keyId: 'p', context: 'c1' })
    const results = await rotateMany(
      [
        { envelope: good, context: 'c1' },
        { envelope: tampered, context: 'c1' },
        { envelope: good, context: 'c2' },
        { envelope: otherKey, context: 'c1' },
      ],
      { from: ring, to: ring },
    )
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['skipped', undefined],
      ['failed', 'AUTH_FAILED'],
      ['failed', 'AUTH_FAILED'],
      ['failed', 'AUTH_FAILED'],
    ])
    // An envelope under the primary's id that `from` can open (another key with that id) is
    // re-sealed under the real primary, not skipped.
    const imposter = await rawKey()
    const fromRing = createKeyring([{ id: 'p', key: imposter }])
    const e = await sealKey('sk-moved', fromRing)
    const [moved] = await rotateMany([e], { from: fromRing, to: ring })
    expect(moved!.status).toBe('ok')
    expect(await openKey(moved!.envelope!, ring)).toBe('sk-moved')
  })

  it('a `to` key that cannot seal fails the call before any item is opened (no KDF)', async () => {
    const rows = await batch(3)
    const openOnly = await deriveKey('batch old pw', { policy, envelope: rows[0]!.envelope })
    const { value, pbkdf2 } = await countPbkdf2(() => rotateMany(rows, { from: 'batch old pw', to: openOnly, policy }).catch((e: unknown) => e))
    expect(value).toMatchObject({ code: 'KEY_USAGE' })
    expect(pbkdf2).toBe(0)
    await expectCode(rotateKey(rows[0]!.envelope, { from: 'batch old pw', to: openOnly, policy, context: rows[0]!.context }), 'KEY_USAGE')
  })

  it('an item refused by the policy bounds still reports its reasons', async () => {
    const weak = createPolicy({ pbkdf2: { iterations: 500, minIterations: 500, openMinIterations: 500 } })
    const e = await sealKey('sk-weak', 'weak pass', { policy: weak })
    const [r] = await rotateMany([e], { from: 'weak pass', to: 'new pass', policy })
    expect(r).toMatchObject({ status: 'failed', code: 'PARAMS_OUT_OF_POLICY', reasons: ['KDF_BELOW_POLICY'] })
  })

  it('no passphrase copy outlives a call refused by its options', async () => {
    const pw = 'a from passphrase that must not linger'
    const copies = captureEncodings(pw)
    const e = await sealKey('s', 'x pass', { policy })
    await expectCode(rotateKey(e, { from: pw, to: 42 as never, policy }), 'INVALID_KEY', [pw])
    await expectCode(rotateMany([e], { from: pw, to: 'b pw', policy, concurrency: 0 }), 'INVALID_OPTIONS', [pw])
    await expectCode(rotateMany([e], { from: pw, to: 'b pw', policy, onProgress: 1 as never }), 'INVALID_OPTIONS', [pw])
    await expectCode(rotateMany(42 as never, { from: pw, to: 'b pw', policy }), 'INVALID_OPTIONS', [pw])
    vi.restoreAllMocks()
    expect(copies.length).toBeGreaterThanOrEqual(1)
    for (const c of copies) expect(c.every((x) => x === 0)).toBe(true)
  })

  it('refuses bad options before doing anything', async () => {
    await expectCode(rotateMany([], { from: 'a pw', to: 'b pw', concurrency: 257 }), 'INVALID_OPTIONS')
    expect(await rotateMany([], { from: 'a pw', to: 'b pw', concurrency: 256 })).toEqual([])
    await expectCode(rotateMany([], { from: 'a pw', to: 'b pw', concurrency: 0 }), 'INVALID_OPTIONS')
    await expectCode(rotateMany([], { from: 'a pw', to: 'b pw', concurrency: 1.5 }), 'INVALID_OPTIONS')
    await expectCode(rotateMany(42 as never, { from: 'a pw', to: 'b pw' }), 'INVALID_OPTIONS')
    await expectCode(rotateMany([], { from: 'a pw', to: 'b pw', extra: 1 } as never), 'INVALID_OPTIONS')
    expect(await rotateMany([], { from: 'a pw', to: 'b pw' })).toEqual([])
  })
})
