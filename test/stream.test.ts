// Streaming rotation, the save-time check and needsRotation's refusals (issue 16).
import { describe, expect, it } from 'vitest'
import { argon2id } from '../src/argon2id.js'
import {
  checkEnvelope,
  createKeyring,
  createPolicy,
  deriveKey,
  generateKey,
  importKey,
  inspect,
  needsRotation,
  openKey,
  rotateStream,
  sealKey,
  type RotateItem,
  type RotateStreamResult,
} from '../src/index.js'
import { drainSlowly, expectCode, recorded, TEST_POLICY, withIterations } from './helpers.js'

const policy = TEST_POLICY
const rawKey = async (keyId?: string) => importKey(await generateKey(), keyId === undefined ? {} : { keyId })
const tick = () => new Promise((r) => setTimeout(r, 0))

async function rows(n: number, key: Awaited<ReturnType<typeof rawKey>>) {
  const out: { id: number; envelope: string; context: string }[] = []
  for (let i = 0; i < n; i++) out.push({ id: i, envelope: await sealKey(`sk-${i}`, key, { context: `row:${i}` }), context: `row:${i}` })
  return out
}


describe('rotateStream', () => {
  it('yields results as they complete, each with the previous envelope for a compare-and-swap', async () => {
    const [a, b] = [await rawKey('a'), await rawKey('b')]
    const table = new Map((await rows(5, a)).map((r) => [r.id, r]))
    const seen: RotateStreamResult[] = []
    for await (const r of rotateStream([...table.values()], { from: a, to: b, policy })) {
      seen.push(r)
      if (r.status !== 'ok') continue
      const row = table.get(r.id as number)!
      expect(r.previous).toBe(row.envelope)
      row.envelope = r.envelope
    }
    expect(seen.map((r) => r.index).sort()).toEqual([0, 1, 2, 3, 4])
    expect(seen.every((r) => r.status === 'ok' && r.reasons !== undefined)).toBe(true)
    for (const [id, row] of table) {
      expect(inspect(row.envelope).keyId).toBe('b')
      expect(await openKey(row.envelope, b, { context: `row:${id}` })).toBe(`sk-${id}`)
    }
  })

  it('backpressure: with concurrency 1 the next row is read only after the caller is done with the last result', async () => {
    const [a, b] = [await rawKey(), await rawKey()]
    const { log, source } = recorded(await rows(4, a))
    for await (const r of rotateStream(source, { from: a, to: b, concurrency: 1, policy })) {
      log.push(`got ${r.index}`)
      await tick()
      await tick()
      log.push(`wrote ${r.index}`)
    }
    expect(log).toEqual(['read 0', 'got 0', 'wrote 0', 'read 1', 'got 1', 'wrote 1', 'read 2', 'got 2', 'wrote 2', 'read 3', 'got 3', 'wrote 3'])
  })

  it('backpressure: never more than `concurrency` rows read and not yet written back', async () => {
    const [a, b] = [await rawKey(), await rawKey()]
    for (const concurrency of [2, 3, 5]) {
      const { log, source } = recorded(await rows(12, a))
      const { written, maxAhead } = await drainSlowly(rotateStream(source, { from: a, to: b, concurrency, policy }), log)
      expect(written).toBe(12)
      // The bound is reached (the stream does fill its slots) and never exceeded.
      expect(maxAhead).toBe(concurrency)
    }
  })

  it('onProgress, the trap of rotateMany, is refused with INVALID_OPTIONS; so are bad options', async () => {
    const a = await rawKey()
    await expectCode(() => rotateStream([], { from: a, to: a, onProgress: () => {} } as never), 'INVALID_OPTIONS')
    await expectCode(() => rotateStream([], { from: a, to: a, concurrency: 0 }), 'INVALID_OPTIONS')
    await expectCode(() => rotateStream([], { from: a, to: a, concurrency: 257 }), 'INVALID_OPTIONS')
    await expectCode(() => rotateStream([], { from: a, to: a, kdf: 'argon2id' as never }), 'INVALID_OPTIONS')
    await expectCode(() => rotateStream(42 as never, { from: a, to: a }), 'INVALID_OPTIONS')
    // kdf 'keep' with a key object `to`: it seals with its own KDF, so nothing could be kept.
    await expectCode(() => rotateStream([], { from: 'pw pw pw', to: a, kdf: 'keep', policy }), 'INVALID_OPTIONS')
  })

  it('a bad item fails alone, with its code and previous envelope; a skipped item carries its envelope', async () => {
    const [a, b] = [await rawKey('a'), await rawKey('b')]
    const good = await sealKey('sk-1', a, { context: 'c' })
    const already = await sealKey('sk-2', b, { context: 'c' })
    const bad = { get envelope(): string { throw new Error('boom') } }
    const out: RotateStreamResult[] = []
    for await (const r of rotateStream([good, 'not an envelope', already, bad as RotateItem], { from: a, to: b, context: 'c', policy })) out.push(r)
    out.sort((x, y) => x.index - y.index)
    expect(out.map((r) => r.status)).toEqual(['ok', 'failed', 'skipped', 'failed'])
    expect(out[1]).toMatchObject({ code: 'MALFORMED_ENVELOPE', previous: 'not an envelope' })
    expect(out[2]).toMatchObject({ envelope: already, previous: already })
    expect(out[3]).toMatchObject({ code: 'INVALID_OPTIONS' })
    expect(Object.isFrozen(out[0])).toBe(true)
  })

  it('breaking out of the loop closes the source after the items in flight finish, and reads nothing more', async () => {
    const [a, b] = [await rawKey(), await rawKey()]
    const { log, source, isClosed } = recorded(await rows(20, a))
    let n = 0
    for await (const r of rotateStream(source, { from: a, to: b, concurrency: 4, policy })) {
      void r
      if (++n === 3) break
    }
    expect(isClosed()).toBe(true)
    const reads = log.length
    expect(reads).toBeLessThanOrEqual(3 + 4)
    await tick()
    expect(log.length).toBe(reads)
  })

  it('a source that throws: the items in flight are yielded, then the iteration rejects with its error', async () => {
    const [a, b] = [await rawKey(), await rawKey()]
    const data = await rows(3, a)
    const boom = new Error('cursor lost')
    async function* source() {
      yield data[0]!
      yield data[1]!
      throw boom
    }
    const got: number[] = []
    let caught: unknown
    try {
      for await (const r of rotateStream(source(), { from: a, to: b, concurrency: 4, policy })) got.push(r.index)
    } catch (error) {
      caught = error
    }
    expect(caught).toBe(boom)
    expect(got.sort()).toEqual([0, 1])
  })

  it('abort: nothing more is read, the source is closed, and the iteration rejects with the reason', async () => {
    const [a, b] = [await rawKey(), await rawKey()]
    const { log, source, isClosed } = recorded(await rows(10, a))
    const ctl = new AbortController()
    const reason = new Error('stop')
    const got: number[] = []
    let caught: unknown
    try {
      for await (const r of rotateStream(source, { from: a, to: b, concurrency: 2, policy, signal: ctl.signal })) {
        got.push(r.index)
        if (got.length === 2) ctl.abort(reason)
      }
    } catch (error) {
      caught = error
    }
    expect(caught).toBe(reason)
    expect(isClosed()).toBe(true)
    expect(log.length).toBeLessThanOrEqual(4)
    expect(got.length).toBeLessThanOrEqual(log.length)
  })

  it('shares one KDF per salt for passphrase `from`, and derives the `to` passphrase once', async () => {
    const old = await deriveKey('old passphrase', { policy })
    const items = await Promise.all([1, 2, 3].map(async (i) => ({ envelope: await sealKey(`s${i}`, old, { context: `c${i}`, policy }), context: `c${i}` })))
    const out: RotateStreamResult[] = []
    for await (const r of rotateStream(items, { from: 'old passphrase', to: 'new passphrase', policy })) out.push(r)
    const envs = out.map((r) => (r.status === 'ok' ? r.envelope : ''))
    // One `to` derivation: every new envelope carries the same salt.
    expect(new Set(envs.map((e) => inspect(e).salt)).size).toBe(1)
    for (const r of out) expect(await openKey(envs[out.indexOf(r)]!, 'new passphrase', { context: `c${r.index + 1}`, policy })).toBe(`s${r.index + 1}`)
  })

  it('calls that do not await each other still get one result each, and then done', async () => {
    const [a, b] = [await rawKey(), await rawKey()]
    const s = rotateStream(await rows(3, a), { from: a, to: b, policy })
    const all = await Promise.all([s.next(), s.next(), s.next(), s.next()])
    expect(all.map((r) => r.done)).toEqual([false, false, false, true])
    expect(all.slice(0, 3).map((r) => (r.value as RotateStreamResult).index).sort()).toEqual([0, 1, 2])
  })
})

describe("rotation KDF choice (kdf: 'keep' | 'policy')", () => {
  const small = { memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8, openMinPasses: 1 }
  // A server that accepts both KDFs and seals new envelopes with PBKDF2.
  const both = createPolicy({ kdf: 'pbkdf2-sha256', pbkdf2: TEST_POLICY.pbkdf2, argon2id: { implementation: argon2id, ...small } })
  const argonFirst = createPolicy({ pbkdf2: TEST_POLICY.pbkdf2, argon2id: { implementation: argon2id, ...small } })

  async function mixed() {
    return [
      { id: 'p', envelope: await sealKey('sk-p', 'old pass phrase', { policy: both, context: 'p' }), context: 'p' },
      { id: 'a', envelope: await sealKey('sk-a', 'old pass phrase', { policy: argonFirst, context: 'a' }), context: 'a' },
    ]
  }

  async function run(kdf: 'keep' | 'policy' | undefined) {
    const out = new Map<unknown, RotateStreamResult>()
    const options = { from: 'old pass phrase', to: 'new pass phrase', policy: both, ...(kdf && { kdf }) }
    for await (const r of rotateStream(await mixed(), options)) out.set(r.id, r)
    return out
  }

  it("'keep': each envelope keeps its KDF, and KDF_CHANGED is never a reason", async () => {
    const out = await run('keep')
    for (const [id, kdf] of [['p', 'pbkdf2-sha256'], ['a', 'argon2id']] as const) {
      const r = out.get(id)!
      expect(r.status).toBe('ok')
      expect(r.reasons).toEqual([])
      const e = (r as { envelope: string }).envelope
      expect(inspect(e).kdf.kdf).toBe(kdf)
      expect(await openKey(e, 'new pass phrase', { policy: both, context: id })).toBe(`sk-${id}`)
    }
  })

  it("'policy' (the default): Argon2id rows are migrated to the policy's KDF with KDF_CHANGED", async () => {
    for (const out of [await run('policy'), await run(undefined)]) {
      expect(out.get('a')!.reasons).toEqual(['KDF_CHANGED'])
      expect(inspect((out.get('a') as { envelope: string }).envelope).kdf.kdf).toBe('pbkdf2-sha256')
      expect(out.get('p')!.reasons).toEqual([])
    }
  })

  it("'keep' with a keyring whose primary is a passphrase keeps the KDF and records the id", async () => {
    const ring = createKeyring([{ id: 'k2', key: 'new pass phrase' }])
    const out: RotateStreamResult[] = []
    for await (const r of rotateStream(await mixed(), { from: 'old pass phrase', to: ring, policy: both, kdf: 'keep' })) out.push(r)
    for (const r of out) {
      const e = (r as { envelope: string }).envelope
      expect(inspect(e).keyId).toBe('k2')
      expect(inspect(e).kdf.kdf).toBe(r.id === 'a' ? 'argon2id' : 'pbkdf2-sha256')
    }
  })
})

describe('needsRotation never answers [] for an envelope openKey refuses (issue 16)', () => {
  it('2^31 PBKDF2 iterations: PARAMS_OUT_OF_POLICY from both, before any KDF', async () => {
    const e = withIterations(await sealKey('s', 'pw pw pw', { policy }), 2 ** 31)
    await expectCode(openKey(e, 'pw pw pw', { policy }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(() => needsRotation(e, policy), 'PARAMS_OUT_OF_POLICY', [e])
    await expectCode(() => needsRotation(e), 'PARAMS_OUT_OF_POLICY', [e])
    // Inside the bounds the same header answers normally.
    expect(needsRotation(withIterations(e, 1000), policy)).toEqual([])
  })

  it('an Argon2id envelope under a policy without Argon2id: UNSUPPORTED_KDF from both', async () => {
    const small = { memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8, openMinPasses: 1 }
    const p = createPolicy({ argon2id: { implementation: argon2id, ...small } })
    const e = await sealKey('s', 'pw pw pw', { policy: p })
    await expectCode(openKey(e, 'pw pw pw', { policy }), 'UNSUPPORTED_KDF')
    await expectCode(() => needsRotation(e, policy), 'UNSUPPORTED_KDF')
    expect(needsRotation(e, p)).toEqual([])
  })
})

describe('checkEnvelope (save-time, no key)', () => {
  it('accepts a canonical envelope within the bounds and floors, with an expected key id', async () => {
    const e = await sealKey('sk', 'pw pw pw', { policy, keyId: 'k1' })
    expect(checkEnvelope(e, { policy })).toBeUndefined()
    expect(checkEnvelope(e, { policy, keyIds: ['k0', 'k1'] })).toBeUndefined()
    expect(checkEnvelope(await sealKey('sk', await rawKey()))).toBeUndefined()
  })

  it('refuses, with the code openKey would give or the floor it misses', async () => {
    const e = await sealKey('sk', 'pw pw pw', { policy, keyId: 'k1' })
    await expectCode(() => checkEnvelope('sk-plain-api-key', { policy }), 'MALFORMED_ENVELOPE', ['sk-plain-api-key'])
    await expectCode(() => checkEnvelope(e.slice(0, -2), { policy }), 'MALFORMED_ENVELOPE')
    await expectCode(() => checkEnvelope('ks2.' + e.slice(4), { policy }), 'UNSUPPORTED_VERSION')
    await expectCode(() => checkEnvelope(withIterations(e, 2 ** 31), { policy }), 'PARAMS_OUT_OF_POLICY')
    // Opens under the default policy's bounds (1000 < 100,000: no), and the sealing floor of a
    // policy that opens it but seals with more.
    await expectCode(() => checkEnvelope(e), 'PARAMS_OUT_OF_POLICY')
    const stricter = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000 } })
    await expect(openKey(e, 'pw pw pw', { policy: stricter })).resolves.toBe('sk')
    await expectCode(() => checkEnvelope(e, { policy: stricter }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(() => checkEnvelope(e, { policy, keyIds: ['k2'] }), 'UNKNOWN_KEY_ID')
    const noId = await sealKey('sk', 'pw pw pw', { policy })
    await expectCode(() => checkEnvelope(noId, { policy, keyIds: ['k1'] }), 'UNKNOWN_KEY_ID')
  })

  it('bad options are INVALID_OPTIONS', async () => {
    const e = await sealKey('sk', 'pw pw pw', { policy, keyId: 'k1' })
    await expectCode(() => checkEnvelope(e, { policy, keyIds: 'k1' as never }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope(e, { policy, keyIds: ['bad id'] }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope(e, { policy, keyId: 'k1' } as never), 'INVALID_OPTIONS')
  })
})
