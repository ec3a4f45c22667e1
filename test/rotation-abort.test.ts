// Issue 11 items 6 and 7 for rotateStream (and the shared source reading of rotateMany): an abort
// settles the stream promptly whatever the source does (a source stalled in next(), a `return`
// that never settles), and a source that misbehaves is a KeysealError, never a TypeError.
// On the code before this file, the stalled-source tests hang until their own timeout ('hung')
// and the revoked-iterator tests get a TypeError.
import { describe, expect, it } from 'vitest'
import { importKey, isKeysealError, rotateMany, rotateStream, sealKey, type RotateItem } from '../src/index.js'
import * as v2 from '../src/v2/index.js'

const RAW = new Uint8Array(32).fill(7)
const HUNG = 'hung'

/** Settles with what `p` gives, or HUNG after `ms` (so a hang fails the assertion, not the runner). */
function within<T>(p: Promise<T>, ms = 5000): Promise<T | typeof HUNG> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<typeof HUNG>((resolve) => (timer = setTimeout(() => resolve(HUNG), ms)))
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/** Drains a stream: what it yielded, and what it rejected with (or 'done'). */
async function drain(stream: AsyncIterable<unknown>): Promise<{ got: unknown[]; end: unknown }> {
  const got: unknown[] = []
  try {
    for await (const r of stream) got.push(r)
  } catch (error) {
    return { got, end: error }
  }
  return { got, end: 'done' }
}

/**
 * A source that gives `first` and then stalls forever in next(), like a database cursor whose
 * server stopped answering; its `return` stalls too. `sync`: a sync iterator whose next() returns
 * a promise that never settles (a cursor wrapped by hand).
 */
function stalled(first: RotateItem[], sync: boolean) {
  const state = { nexts: 0, returns: 0 }
  const iterator = {
    next: () => {
      const i = state.nexts++
      const r = i < first.length ? { done: false, value: first[i]! } : undefined
      if (sync) return r ?? new Promise<never>(() => {})
      return r ? Promise.resolve(r) : new Promise<never>(() => {})
    },
    return: () => {
      state.returns++
      return new Promise<never>(() => {})
    },
  }
  const source = (sync ? { [Symbol.iterator]: () => iterator } : { [Symbol.asyncIterator]: () => iterator }) as Iterable<RotateItem> | AsyncIterable<RotateItem>
  return { source, state }
}

describe('rotateStream: an abort settles the stream while the source stalls (issue 11 item 7)', async () => {
  const key = await importKey(RAW)
  const env = await sealKey('sk-1', key)

  for (const sync of [false, true]) {
    const kind = sync ? 'sync' : 'async'
    it(`${kind} source stalled in next(), AbortSignal.timeout: rejects with the signal's reason, return() called once, not awaited`, async () => {
      const { source, state } = stalled([env], sync)
      const signal = AbortSignal.timeout(200)
      const out = await within(drain(rotateStream(source, { from: key, to: key, signal })))
      expect(out).not.toBe(HUNG)
      const { got, end } = out as { got: { status: string }[]; end: unknown }
      // The item read before the stall is rotated and yielded; then the abort's reason, as rotateMany.
      expect(got.map((r) => r.status)).toEqual(['ok'])
      expect(end).toBe(signal.reason)
      expect((end as Error).name).toBe('TimeoutError')
      expect(state.returns).toBe(1)
    }, 20_000)

    it(`${kind} source stalled in next(), a controller aborted while the consumer waits: rejects promptly with the reason`, async () => {
      const { source, state } = stalled([], sync)
      const ac = new AbortController()
      const reason = new Error('stop')
      const stream = rotateStream(source, { from: key, to: key, signal: ac.signal, concurrency: 3 })
      const first = stream.next()
      setTimeout(() => ac.abort(reason), 50)
      const out = await within(first.then((r) => r, (e: unknown) => ({ rejected: e })))
      expect(out).toEqual({ rejected: reason })
      expect(state.returns).toBe(1)
      // Finished: the next call is done, and the source is not read again.
      const nexts = state.nexts
      expect(await within(stream.next())).toEqual({ done: true, value: undefined })
      expect(state.nexts).toBe(nexts)
    }, 20_000)
  }

  it('rotateMany as well, with a sync source stalled in next() and an aborted controller', async () => {
    const { source, state } = stalled([env], true)
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 50)
    const out = await within(rotateMany(source, { from: key, to: key, signal: ac.signal }).then(() => 'resolved', (e: unknown) => e))
    expect(out).toBe(ac.signal.reason)
    expect((out as Error).name).toBe('AbortError')
    expect(state.returns).toBe(1)
  }, 20_000)

  it('a source that stalls but is not aborted is simply waited for (the race changes nothing without an abort)', async () => {
    let release: (() => void) | undefined
    const gate = new Promise<void>((r) => (release = r))
    async function* slow() {
      await gate
      yield env
    }
    const stream = rotateStream(slow(), { from: key, to: key, signal: new AbortController().signal })
    const pending = stream.next()
    expect(await within(pending, 100)).toBe(HUNG)
    release!()
    const r = await pending
    expect(r.done).toBe(false)
    expect(await stream.next()).toEqual({ done: true, value: undefined })
  })
})

describe('a source that misbehaves is a KeysealError, never a TypeError (issue 11 item 6)', async () => {
  const key = await importKey(RAW)
  const env = await sealKey('sk-1', key)

  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    return proxy
  }

  /** An iterator that passes the first check, then is revoked by its own first next(). */
  function revokedAfterFirst(sync: boolean) {
    const { proxy, revoke } = Proxy.revocable(
      {
        next: () => {
          revoke()
          const r = { done: false, value: env }
          return sync ? r : Promise.resolve(r)
        },
      },
      {},
    )
    return sync ? { [Symbol.iterator]: () => proxy } : { [Symbol.asyncIterator]: () => proxy }
  }

  const sources: [string, () => unknown][] = [
    ['next() returns null', () => ({ [Symbol.iterator]: () => ({ next: () => null }) })],
    ['async next() resolves null', () => ({ [Symbol.asyncIterator]: () => ({ next: async () => null }) })],
    ['next() returns a revoked Proxy', () => ({ [Symbol.iterator]: () => ({ next: () => revoked() }) })],
    ['the iterator is revoked after its first next() (sync)', () => revokedAfterFirst(true)],
    ['the iterator is revoked after its first next() (async)', () => revokedAfterFirst(false)],
    ['next stops being a function', () => {
      let n = 0
      return { [Symbol.iterator]: () => ({ get next() { return n++ === 0 ? () => ({ done: false, value: env }) : 42 } }) }
    }],
  ]

  const codeOf = (e: unknown): string => (isKeysealError(e) ? e.code : `not a KeysealError: ${(e as Error)?.name}`)

  it.each(sources)('rotateStream, %s: INVALID_OPTIONS', async (_name, make) => {
    const { end } = await drain(rotateStream(make() as never, { from: key, to: key, concurrency: 1 }))
    expect(codeOf(end)).toBe('INVALID_OPTIONS')
  })

  it.each(sources)('rotateMany, %s: INVALID_OPTIONS', async (_name, make) => {
    const e = await rotateMany(make() as never, { from: key, to: key, concurrency: 1 }).then(() => 'resolved', (x: unknown) => x)
    expect(codeOf(e)).toBe('INVALID_OPTIONS')
  })

  it.each(sources)('v2 rotateMany, %s: INVALID_OPTIONS', async (_name, make) => {
    const e = await v2.rotateMany(make() as never, { from: key, to: key, concurrency: 1 }).then(() => 'resolved', (x: unknown) => x)
    expect(codeOf(e)).toBe('INVALID_OPTIONS')
  })

  it("an error the source's own next() throws is the call's error, as documented", async () => {
    const boom = new Error('cursor failed')
    const throwing = { [Symbol.iterator]: () => ({ next: () => { throw boom } }) }
    expect((await drain(rotateStream(throwing as never, { from: key, to: key }))).end).toBe(boom)
    expect(await rotateMany(throwing as never, { from: key, to: key }).catch((e: unknown) => e)).toBe(boom)
  })
})
