// Tests written for the mutants StrykerJS left alive in src/stream.ts (the whole file, first
// measured at e547700 by the integrator's baseline run; issue 11 item 10). Each test states the
// behaviour it pins; the comment above it names the mutant (file:line, original -> mutated) or the
// bug it was written for. docs/mutation.md (changes/mut8-doc.md) lists the figures and equivalents.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { generateKey, importKey, rotateStream, sealKey } from '../src/index.js'
import { captureEncodings, expectCode, TEST_POLICY } from './helpers.js'

afterEach(() => {
  vi.restoreAllMocks()
})

const policy = TEST_POLICY

describe('src/stream.ts: a signal whose `aborted` getter throws after the call was set up (pump, step)', () => {
  // stream.ts:250-251 the pump's catch emptied (`{}`), `failure ??= { error }` -> `failure &&= …`,
  // `{ error }` -> `{}`: survived because step's own `aborted()` read (line 295) threw the same
  // INVALID_OPTIONS out of step. That read threw in the original too, before `closed = true` and
  // finish(): the stream rejected without wiping the passphrase copies or closing the source, and
  // every later next() rejected again (never done). A bug, fixed in the same commit as this test.
  it('rejects once with INVALID_OPTIONS, wipes the passphrase copies, closes the source, then is done', async () => {
    const from = 'throwing getter from pass phrase'
    const to = 'throwing getter to pass phrase'
    const rows = await Promise.all([1, 2, 3].map((i) => sealKey(`sk-${i}`, from, { policy })))
    let reads = 0
    const flaky = {
      get aborted(): boolean {
        // Read by the option check and by the abort listener's setup; later reads throw.
        if (++reads > 2) throw new Error('getter')
        return false
      },
      addEventListener() {},
      removeEventListener() {},
    }
    let returnCalls = 0
    let nextCalls = 0
    const source = {
      [Symbol.iterator]: () => ({
        next: () => (nextCalls < rows.length ? { done: false as const, value: rows[nextCalls++]! } : { done: true as const, value: undefined }),
        return: () => {
          returnCalls++
          return { done: true as const, value: undefined }
        },
      }),
    }
    const copies = captureEncodings(from, to)
    const s = rotateStream(source, { from, to, policy, signal: flaky as never })
    await expectCode(s.next(), 'INVALID_OPTIONS')
    vi.restoreAllMocks()
    expect(copies.length).toBeGreaterThanOrEqual(2)
    for (const c of copies) expect(c.every((x) => x === 0)).toBe(true)
    expect(returnCalls).toBe(1)
    expect(nextCalls).toBe(0)
    expect(await s.next()).toEqual({ done: true, value: undefined })
  })

  // stream.ts:262 (251 in the baseline) the pump's catch emptied and `failure ??= { error }` ->
  // `failure &&= { error }`: after the fix above, a getter that throws on every read is caught
  // again by step's read (the same INVALID_OPTIONS), but one that throws once is not: the pump's
  // catch is then the only record of the failure. Without it the stream waits for nothing and
  // never settles (the test then times out: a hang, as Stryker counts it).
  it('a getter that throws once is the failure: the stream rejects with INVALID_OPTIONS and then is done', async () => {
    const rows = await Promise.all([1, 2].map((i) => sealKey(`sk-${i}`, 'once pass phrase', { policy })))
    let reads = 0
    const once = {
      get aborted(): boolean {
        if (++reads === 3) throw new Error('getter')
        return false
      },
      addEventListener() {},
      removeEventListener() {},
    }
    let nextCalls = 0
    const source = {
      [Symbol.iterator]: () => ({
        next: () => (nextCalls < rows.length ? { done: false as const, value: rows[nextCalls++]! } : { done: true as const, value: undefined }),
      }),
    }
    const s = rotateStream(source, { from: 'once pass phrase', to: 'once new pass phrase', policy, signal: once as never })
    await expectCode(s.next(), 'INVALID_OPTIONS')
    expect(nextCalls).toBe(0)
    expect(await s.next()).toEqual({ done: true, value: undefined })
  })

  // Found while checking the line above: step's `failure ??= { error: guarded(() => signal!.reason,
  // …) }` threw out of step when the `reason` getter throws, before `closed = true` and finish():
  // the same leak as above (copies not wiped, source not closed, every next() rejecting). Fixed
  // in the same commit as this test.
  it('an aborted signal whose `reason` getter throws: rejects once with INVALID_OPTIONS, wipes, closes, then is done', async () => {
    const from = 'throwing reason from pass phrase'
    const to = 'throwing reason to pass phrase'
    const rows = await Promise.all([1, 2, 3].map((i) => sealKey(`sk-${i}`, from, { policy })))
    const noReason = {
      aborted: false,
      addEventListener() {},
      removeEventListener() {},
      get reason(): unknown {
        throw new Error('getter')
      },
    }
    let returnCalls = 0
    let nextCalls = 0
    const source = {
      [Symbol.iterator]: () => ({
        next: () => (nextCalls < rows.length ? { done: false as const, value: rows[nextCalls++]! } : { done: true as const, value: undefined }),
        return: () => {
          returnCalls++
          return { done: true as const, value: undefined }
        },
      }),
    }
    const copies = captureEncodings(from, to)
    const s = rotateStream(source, { from, to, policy, concurrency: 1, signal: noReason as never })
    expect((await s.next()).done).toBe(false)
    noReason.aborted = true
    await expectCode(s.next(), 'INVALID_OPTIONS')
    vi.restoreAllMocks()
    expect(copies.length).toBeGreaterThanOrEqual(2)
    for (const c of copies) expect(c.every((x) => x === 0)).toBe(true)
    expect(returnCalls).toBe(1)
    expect(await s.next()).toEqual({ done: true, value: undefined })
  })
})

describe('src/stream.ts: finish() waits for the items in flight', () => {
  // stream.ts:274 (263 in the baseline) `while (running > 0 || pulling)` -> `while (false)`,
  // `running > 0 && pulling`, and `running > 0` -> `false`: return() wiped the copies and closed
  // the source while an item was still being rotated. The item of context 'slow' is held in
  // subtle.decrypt until the test lets it go; the source's return() must come after it.
  it('return() closes the source only after the item in flight has finished', async () => {
    const [a, b] = [await importKey(await generateKey()), await importKey(await generateKey())]
    const rows = [{ envelope: await sealKey('sk-0', a, { context: 'fast' }), context: 'fast' }, { envelope: await sealKey('sk-1', a, { context: 'slow' }), context: 'slow' }]
    const log: string[] = []
    let release: () => void = () => {}
    const gate = new Promise<void>((r) => (release = r))
    const real = globalThis.crypto.subtle.decrypt.bind(globalThis.crypto.subtle)
    vi.spyOn(globalThis.crypto.subtle, 'decrypt').mockImplementation(async (alg, key, data) => {
      const aad = new TextDecoder().decode((alg as { additionalData: Uint8Array }).additionalData)
      if (aad.endsWith('slow')) {
        log.push('slow held')
        await gate
        log.push('slow done')
      }
      return real(alg, key, data)
    })
    let i = 0
    const source = {
      [Symbol.iterator]: () => ({
        next: () => (i < rows.length ? { done: false as const, value: rows[i++]! } : { done: true as const, value: undefined }),
        return: () => {
          log.push('return')
          return { done: true as const, value: undefined }
        },
      }),
    }
    const s = rotateStream(source, { from: a, to: b, concurrency: 2 })
    const first = await s.next()
    expect(first.value).toMatchObject({ index: 0, status: 'ok' })
    expect(log).toEqual(['slow held'])
    const closing = s.return!()
    await new Promise((r) => setTimeout(r, 0))
    release()
    expect(await closing).toEqual({ done: true, value: undefined })
    expect(log[0]).toBe('slow held')
    expect(log.at(-1)).toBe('return')
    expect(log.filter((l) => l === 'return')).toHaveLength(1)
  })
})

describe('src/stream.ts: step while a read is in flight', () => {
  // stream.ts:304 (293 in the baseline) `running === 0 && !pulling && …` -> `… && true && …`: when
  // one item fails the stream (an error that is not a KeysealError) while the next read is in
  // flight, the original waits for that read and rotates and yields its item before rejecting; the
  // mutant closed the stream at once and dropped the item.
  it('an item read while another fails the stream is still rotated and yielded before the rejection', async () => {
    const [a, b] = [await importKey(await generateKey()), await importKey(await generateKey())]
    const rows = [await sealKey('sk-0', a), await sealKey('sk-1', a)]
    const boom = new Error('no randomness once')
    const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto)
    let thrown = false
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(x: T): T => {
      if (!thrown) {
        thrown = true
        throw boom
      }
      return real(x as never) as T
    })
    let i = 0
    let release: () => void = () => {}
    const second = new Promise<void>((r) => (release = r))
    const source = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          if (i === 1) await second
          return i < rows.length ? { done: false as const, value: rows[i++]! } : { done: true as const, value: undefined }
        },
      }),
    }
    const s = rotateStream(source, { from: a, to: b, concurrency: 2 })
    const got = s.next()
    // Item 0 fails the stream while the read of item 1 waits; then the read answers.
    await new Promise((r) => setTimeout(r, 20))
    expect(thrown).toBe(true)
    release()
    expect((await got).value).toMatchObject({ index: 1, status: 'ok' })
    await expect(s.next()).rejects.toBe(boom)
    expect(await s.next()).toEqual({ done: true, value: undefined })
  })
})

