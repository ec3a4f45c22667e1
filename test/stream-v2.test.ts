// `rotateStream` of `@org/keyseal/v2`: ks1. and ks2. rows in one stream, each by v2 rotateKey's
// rules (as v2 rotateMany), on v1's streaming machinery (src/stream.ts runStream): ordering,
// backpressure, abort with a stalled source, return(), the independent check of a passphrase `to`
// (issue 11 item 8), the `from` derived-key cache, typed failures, a polluted Object.prototype.
// Before, `@org/keyseal/v2` exported v1's rotateStream, which failed every ks2. row
// (UNSUPPORTED_VERSION): every test below that rotates a ks2. row fails on that code.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createKeyring, createPolicy, deriveKey, generateKey, generateKeyPair, importKey, importPublicKey, inspect, openKey, rotateMany, rotateStream, sealKey,
  type RotateItem, type RotateStreamResult,
} from '../src/v2/index.js'
import { countPbkdf2, drainSlowly, expectCode, leakedWindows, recorded, TEST_POLICY } from './helpers.js'

const policy = TEST_POLICY
const PW = 'old stream passphrase'
const PW2 = 'new stream passphrase'
const tick = () => new Promise((r) => setTimeout(r, 0))

afterEach(() => vi.restoreAllMocks())

async function pair(keyId?: string) {
  const p = await generateKeyPair()
  const opts = keyId === undefined ? {} : { keyId }
  return { pub: await importPublicKey(p.publicKey, opts), priv: await importKey(p.privateKey, opts) }
}

async function collect(stream: AsyncIterable<RotateStreamResult>): Promise<RotateStreamResult[]> {
  const out: RotateStreamResult[] = []
  for await (const r of stream) out.push(r)
  return out
}

/** [status, code] of each result, by index. */
const outcomes = (rs: readonly RotateStreamResult[]) => [...rs].sort((a, b) => a.index - b.index).map((r) => [r.status, r.status === 'failed' ? r.code : undefined])

describe('rotateStream of @org/keyseal/v2: ks1. and ks2. rows', async () => {
  const server = await pair('srv-1')

  /** Rows 0, 2, 4: ks1. under PW; rows 1, 3, 5: ks2. for PW and the server's public key. */
  async function mixed(n = 6) {
    const rows: { id: number; envelope: string; context: string }[] = []
    for (let i = 0; i < n; i++) {
      const context = `row:${i}`
      rows.push({ id: i, context, envelope: await sealKey(`sk-${i}`, i % 2 ? [PW, server.pub] : PW, { context, policy }) })
    }
    return rows
  }

  it('passphrase to passphrase: ks1. rows stay ks1. (v1 rules), ks2. rows get a new passphrase stanza and keep the server stanza', async () => {
    const rows = await mixed()
    const out = await collect(rotateStream(rows, { from: PW, to: PW2, policy, concurrency: 3 }))
    expect(outcomes(out)).toEqual(rows.map(() => ['ok', undefined]))
    for (const r of out) {
      if (r.status !== 'ok') throw new Error('not ok')
      const row = rows[r.id as number]!
      expect(r.previous).toBe(row.envelope)
      expect(r.reasons).toEqual([])
      expect(inspect(r.envelope).version).toBe(inspect(row.envelope).version)
      expect(await openKey(r.envelope, PW2, { context: row.context, policy })).toBe(`sk-${r.id}`)
      await expectCode(openKey(r.envelope, PW, { context: row.context, policy }), 'AUTH_FAILED')
      if (row.id % 2) {
        expect(await openKey(r.envelope, server.priv, { context: row.context, policy })).toBe(`sk-${r.id}`)
        const [before, after] = [inspect(row.envelope), inspect(r.envelope)]
        expect(after.recipients.map((x) => x.kind)).toEqual(['passphrase', 'p256'])
        expect(after.recipients[1]).toEqual(before.recipients[1])
      }
    }
  })

  it('the same results as v2 rotateMany (statuses, codes, reasons, versions)', async () => {
    const rows: RotateItem[] = [...(await mixed(4)), 'not an envelope', { envelope: (await mixed(2))[1]!.envelope, context: 'another context' }]
    const many = await rotateMany(rows, { from: PW, to: PW2, policy })
    const streamed = [...(await collect(rotateStream(rows, { from: PW, to: PW2, policy })))].sort((a, b) => a.index - b.index)
    expect(streamed.map((r) => [r.index, r.status, r.status === 'failed' ? r.code : inspect(r.envelope).version, r.reasons])).toEqual(
      many.map((r) => [r.index, r.status, r.status === 'failed' ? r.code : inspect(r.envelope).version, r.reasons]),
    )
    expect(outcomes(streamed).slice(4)).toEqual([['failed', 'MALFORMED_ENVELOPE'], ['failed', 'AUTH_FAILED']])
  })

  it('a recipients list with a public key: every row is re-sealed as ks2. and opens with the new private key', async () => {
    const next = await pair('srv-2')
    const rows = await mixed(4)
    const out = await collect(rotateStream(rows, { from: PW, to: [PW2, next.pub], policy }))
    expect(outcomes(out)).toEqual(rows.map(() => ['ok', undefined]))
    for (const r of out) {
      if (r.status !== 'ok') throw new Error('not ok')
      const { context } = rows[r.id as number]!
      expect(inspect(r.envelope).version).toBe(2)
      expect(inspect(r.envelope).recipients.map((x) => ('keyId' in x && x.keyId) || x.kind)).toEqual(['passphrase', 'srv-2'])
      expect(await openKey(r.envelope, next.priv, { context, policy })).toBe(`sk-${r.id}`)
      expect(await openKey(r.envelope, PW2, { context, policy })).toBe(`sk-${r.id}`)
      // Re-sealed: the old server key opens nothing any more.
      await expectCode(openKey(r.envelope, server.priv, { context, policy }), 'KEY_MISMATCH')
    }
  })

  it('a server moves its key pair with a keyring of private keys; a second pass skips every row', async () => {
    const next = await pair('srv-2')
    const servers = createKeyring([
      { id: 'srv-1', key: server.priv },
      { id: 'srv-2', key: next.priv, primary: true },
    ])
    const rows = (await mixed(6)).filter((r) => r.id % 2)
    const first = await collect(rotateStream(rows, { from: servers, to: servers, policy }))
    expect(outcomes(first)).toEqual(rows.map(() => ['ok', undefined]))
    const moved = first.map((r) => ({ ...rows.find((x) => x.id === r.id)!, envelope: (r as { envelope: string }).envelope }))
    for (const row of moved) expect(await openKey(row.envelope, next.priv, { context: row.context, policy })).toBe(`sk-${row.id}`)
    const second = await collect(rotateStream(moved, { from: servers, to: servers, policy }))
    expect(outcomes(second)).toEqual(rows.map(() => ['skipped', undefined]))
    for (const r of second) expect((r as { envelope: string }).envelope).toBe(moved.find((x) => x.id === r.id)!.envelope)
  })

  it('`add`: the new recipient is appended to ks2. rows (v1 rows become ks2.)', async () => {
    const extra = await pair('backup')
    const rows = await mixed(2)
    const out = await collect(rotateStream(rows, { from: PW, to: PW2, add: [extra.pub], policy }))
    expect(outcomes(out)).toEqual([['ok', undefined], ['ok', undefined]])
    for (const r of out) {
      if (r.status !== 'ok') throw new Error('not ok')
      expect(await openKey(r.envelope, extra.priv, { context: rows[r.id as number]!.context, policy })).toBe(`sk-${r.id}`)
    }
  })

  it('the `from` KDF runs once per salt and parameters (the derived-key cache), the `to` passphrase twice per stream', async () => {
    const key = await deriveKey(PW, { policy })
    const rows = []
    for (let i = 0; i < 5; i++) rows.push({ envelope: await sealKey(`sk-${i}`, [key, server.pub], { context: `c${i}`, policy }), context: `c${i}` })
    const kdfs = countPbkdf2()
    const out = await collect(rotateStream(rows, { from: PW, to: PW2, policy, concurrency: 2 }))
    expect(outcomes(out)).toEqual(rows.map(() => ['ok', undefined]))
    // One `from` derivation (one salt), one for `to`, one for its independent check (issue 11 item 8).
    expect(kdfs.n).toBe(3)
  })
})

describe('rotateStream of @org/keyseal/v2: the independent check of a passphrase `to` (issue 11 item 8)', async () => {
  const params = { memoryKiB: 19_456, passes: 2, lanes: 1 }
  const server = await pair()
  let calls = 0
  const random = { name: 'argon2id' as const, derive: async () => crypto.getRandomValues(new Uint8Array(32)) }
  const steady = {
    name: 'argon2id' as const,
    derive: async (pw: Uint8Array, salt: Uint8Array) => {
      calls++
      return new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...pw, ...salt])))
    },
  }
  const from = await importKey(await generateKey())
  const items = async () => {
    const out: RotateItem[] = []
    for (let i = 0; i < 4; i++) out.push({ envelope: await sealKey(`sk-${i}`, i % 2 ? [from, server.pub] : from, { context: 'c' }), context: 'c' })
    return out
  }

  it('a non-deterministic Argon2id: every row, ks1. and ks2., fails with CRYPTO_FAILURE and no envelope', async () => {
    const rows = await items()
    const out = await collect(rotateStream(rows, { from, to: 'new passphrase', policy: createPolicy({ argon2id: { implementation: random, ...params } }) }))
    expect(outcomes(out)).toEqual(rows.map(() => ['failed', 'CRYPTO_FAILURE']))
    for (const r of out) expect('envelope' in r).toBe(false)
  })

  it('a deterministic one rotates; the check runs once per stream and version, not once per row', async () => {
    const rows = [...(await items()), ...(await items())]
    const p = createPolicy({ argon2id: { implementation: steady, ...params } })
    calls = 0
    const out = await collect(rotateStream(rows, { from, to: 'new passphrase', policy: p, concurrency: 3 }))
    expect(outcomes(out)).toEqual(rows.map(() => ['ok', undefined]))
    // ks1. rows (v1's rotation) and ks2. rows (v2's): each derives `to` once and checks it once.
    expect(calls).toBe(4)
    for (const r of out) expect(await openKey((r as { envelope: string }).envelope, 'new passphrase', { context: 'c', policy: p })).toBe(`sk-${r.index % 4}`)
  })
})

describe('rotateStream of @org/keyseal/v2: streaming guarantees', async () => {
  const server = await pair()
  const key = await importKey(await generateKey())
  const key2 = await importKey(await generateKey(), { keyId: 'k2' })
  const rows = async (n: number) => {
    const out: { id: number; envelope: string; context: string }[] = []
    for (let i = 0; i < n; i++) out.push({ id: i, envelope: await sealKey(`sk-${i}`, [key, server.pub], { context: `row:${i}` }), context: `row:${i}` })
    return out
  }

  it('backpressure: with concurrency 1 the next row is read only after the caller wrote the last one back', async () => {
    const { log, source, isClosed } = recorded(await rows(4))
    for await (const r of rotateStream(source, { from: key, to: key2, concurrency: 1 })) {
      expect(r.status).toBe('ok')
      log.push(`got ${r.index}`)
      await tick()
      await tick()
      log.push(`wrote ${r.index}`)
    }
    expect(log).toEqual(['read 0', 'got 0', 'wrote 0', 'read 1', 'got 1', 'wrote 1', 'read 2', 'got 2', 'wrote 2', 'read 3', 'got 3', 'wrote 3'])
    expect(isClosed()).toBe(true)
  })

  it('never more than `concurrency` rows read and not yet written back', async () => {
    const { log, source } = recorded(await rows(9))
    const { written, maxAhead } = await drainSlowly(rotateStream(source, { from: key, to: key2, concurrency: 3 }), log)
    expect(written).toBe(9)
    expect(maxAhead).toBe(3)
  })

  it('an abort settles the stream while the source stalls in next(); return() is called, not awaited', async () => {
    const [first] = await rows(1)
    const state = { nexts: 0, returns: 0 }
    const iterator = {
      next: () => (state.nexts++ === 0 ? Promise.resolve({ done: false, value: first! }) : new Promise<never>(() => {})),
      return: () => {
        state.returns++
        return new Promise<never>(() => {})
      },
    }
    const signal = AbortSignal.timeout(200)
    const got: string[] = []
    let end: unknown = 'hung'
    const drained = (async () => {
      try {
        for await (const r of rotateStream({ [Symbol.asyncIterator]: () => iterator }, { from: key, to: key2, signal })) got.push(r.status)
        end = 'done'
      } catch (error) {
        end = error
      }
    })()
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([drained, new Promise((r) => (timer = setTimeout(r, 5000)))])
    clearTimeout(timer)
    expect(got).toEqual(['ok'])
    expect(end).toBe(signal.reason)
    expect(state.returns).toBe(1)
  }, 20_000)

  it('return() ends the stream: the source is closed and no result is handed out after it', async () => {
    const { log, source, isClosed } = recorded(await rows(6))
    const s = rotateStream(source, { from: key, to: key2, concurrency: 3 })
    const first = await s.next()
    expect(first.done).toBe(false)
    expect((first.value as RotateStreamResult).status).toBe('ok')
    expect(await s.return!()).toEqual({ done: true, value: undefined })
    expect(isClosed()).toBe(true)
    const reads = log.length
    expect(await s.next()).toEqual({ done: true, value: undefined })
    expect(log.length).toBe(reads)
  })
})

describe('rotateStream of @org/keyseal/v2: bad input fails closed with typed codes', async () => {
  const server = await pair()
  const env = await sealKey('sk-secret-value', [PW, server.pub], { context: 'c', policy })

  it('the call: unknown or v1-only options, a bad `to` or `from`, a bad concurrency (nothing of the input in the message)', async () => {
    const sensitive = [PW, PW2, 'sk-secret-value']
    await expectCode(() => rotateStream([env], { from: PW, to: PW2, kdf: 'keep' } as never), 'INVALID_OPTIONS', sensitive)
    await expectCode(() => rotateStream([env], { from: PW, to: PW2, onProgress: () => {} } as never), 'INVALID_OPTIONS', sensitive)
    await expectCode(() => rotateStream([env], { from: PW, to: PW2, concurrency: 0 }), 'INVALID_OPTIONS', sensitive)
    await expectCode(() => rotateStream([env], { from: PW } as never), 'INVALID_OPTIONS', sensitive)
    await expectCode(() => rotateStream([env], { from: PW, to: [PW2], add: [server.pub] }), 'INVALID_OPTIONS', sensitive)
    await expectCode(() => rotateStream([env], { from: server.pub as never, to: PW2 }), 'KEY_USAGE', sensitive)
    await expectCode(() => rotateStream(42 as never, { from: PW, to: PW2 }), 'INVALID_OPTIONS', sensitive)
  })

  it('bad items are their own failed results, with `previous` for strings; the stream goes on', async () => {
    const tampered = env.slice(0, -4) + (env.endsWith('AAAA') ? 'BBBB' : 'AAAA')
    const items = [env, 'ks2.not-base64!', tampered, 'ks9.future', { envelope: env, context: 'other' }, { envelope: 7 }, { envelope: env, context: 'c' }] as RotateItem[]
    const out = await collect(rotateStream(items, { from: PW, to: PW2, policy, context: 'c' }))
    expect(outcomes(out)).toEqual([
      ['ok', undefined],
      ['failed', 'MALFORMED_ENVELOPE'],
      ['failed', 'AUTH_FAILED'],
      ['failed', 'UNSUPPORTED_VERSION'],
      ['failed', 'AUTH_FAILED'],
      ['failed', 'MALFORMED_ENVELOPE'],
      ['ok', undefined],
    ])
    for (const r of out) {
      if (typeof items[r.index] === 'string') expect(r.previous).toBe(items[r.index])
      if (r.status === 'failed') {
        expect('envelope' in r).toBe(false)
        expect(leakedWindows(JSON.stringify({ ...r, previous: undefined }), [PW, PW2, 'sk-secret-value'])).toEqual([])
      }
    }
  })
})
