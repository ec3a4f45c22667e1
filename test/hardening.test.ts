// Issue 11 (adversarial review of 0.1.0), items 3, 6 and 7: inherited options are refused, only
// KeysealError escapes, and an abort settles rotateMany whatever its source does. Each test fails
// on the code at e7a644f.
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import {
  createKeyring,
  createPolicy,
  deriveKey,
  envelopeFromBytes,
  envelopeFromJSON,
  envelopeToBytes,
  envelopeToJSON,
  importKey,
  inspect,
  isKeysealError,
  KeysealError,
  needsRotation,
  openKey,
  openKeyBytes,
  rotateKey,
  rotateMany,
  rotateStream,
  sealKey,
} from '../src/index.js'
import { TEST_POLICY } from './helpers.js'

const policy = TEST_POLICY
const RAW = new Uint8Array(32).fill(7)

async function code(p: () => unknown): Promise<string> {
  try {
    await p()
  } catch (error) {
    return isKeysealError(error) ? error.code : `not a KeysealError: ${String((error as Error)?.name)}`
  }
  return 'resolved'
}

/** Every result of a rotateStream (the stream throws on its first next() or while iterated). */
async function drain(items: unknown, options: unknown): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const r of rotateStream(items as never, options as never)) out.push([r.status, (r as { code?: string }).code])
  return out
}

describe('item 3: option objects whose prototype is not Object.prototype or null are refused', () => {
  class Options {
    get context(): string {
      return 'user:1/openai'
    }
  }
  const inherited = (): object => Object.create({ context: 'user:1/openai' }) as object
  const ctxless = (): object => Object.create(Object.create(null, { context: { value: 'user:1/openai', enumerable: true } })) as object

  it('sealKey, openKey, deriveKey, importKey, rotation and createPolicy say INVALID_OPTIONS', async () => {
    const key = await importKey(RAW)
    const env = await sealKey('sk-1', key, { context: 'user:1/openai' })
    for (const make of [() => new Options(), inherited, ctxless]) {
      expect(await code(() => sealKey('sk-1', key, make() as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => openKey(env, key, make() as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => openKeyBytes(env, key, make() as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => deriveKey('pass', make() as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => importKey(RAW, make() as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => createPolicy(make() as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => createPolicy({ pbkdf2: Object.create({ iterations: 2_000_000 }) }))).toBe('INVALID_OPTIONS')
      expect(await code(() => needsRotation(env, make() as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => rotateKey(env, Object.assign(make(), { from: key, to: key }) as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => rotateMany([env], Object.assign(make(), { from: key, to: key }) as never))).toBe('INVALID_OPTIONS')
      expect(await code(() => drain([env], Object.assign(make(), { from: key, to: key })))).toBe('INVALID_OPTIONS')
      expect(await code(() => createKeyring([Object.assign(make(), { id: 'a', key })] as never))).toBe('INVALID_OPTIONS')
    }
  })

  it('a rotateMany or rotateStream item that inherits its context fails alone (INVALID_OPTIONS); plain items still rotate', async () => {
    const key = await importKey(RAW)
    const env = await sealKey('sk-1', key, { context: 'user:1/openai' })
    const item = Object.assign(Object.create({ context: 'user:1/openai' }) as object, { envelope: env })
    const options = { from: key, to: await importKey(new Uint8Array(32).fill(8)) }
    const results = await rotateMany([item as never, { envelope: env, context: 'user:1/openai' }], options)
    expect(results.map((r) => [r.status, r.code])).toEqual([
      ['failed', 'INVALID_OPTIONS'],
      ['ok', undefined],
    ])
    // rotateStream reads its items the same way (one code path since harden3; before, it read the
    // inherited context and rotated the item under it). Concurrency 1: results in input order.
    expect(await drain([item, { envelope: env, context: 'user:1/openai' }], { ...options, concurrency: 1 })).toEqual([
      ['failed', 'INVALID_OPTIONS'],
      ['ok', undefined],
    ])
  })

  it('plain objects from another realm and null-prototype objects are still accepted', async () => {
    const key = await importKey(RAW)
    const foreign = runInNewContext('({ context: "user:1/openai" })') as { context: string }
    expect(Object.getPrototypeOf(foreign)).not.toBe(Object.prototype)
    const env = await sealKey('sk-1', key, foreign)
    expect(await openKey(env, key, Object.assign(Object.create(null) as object, { context: 'user:1/openai' }))).toBe('sk-1')
    expect(createPolicy(runInNewContext('({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })')).pbkdf2.iterations).toBe(1000)
    expect(createKeyring([runInNewContext('(k) => ({ id: "a", key: k })')(key)]).primaryId).toBe('a')
  })
})

describe('item 6: only KeysealError escapes', () => {
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    return proxy
  }
  const trap = (): object =>
    new Proxy(
      {},
      Object.fromEntries(
        ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'set', 'deleteProperty', 'isExtensible', 'preventExtensions', 'apply', 'construct'].map((t) => [
          t,
          () => {
            throw new Error('trap')
          },
        ]),
      ),
    )

  it('isKeysealError(revoked Proxy) and isKeysealError(throwing Proxy) are false, never a throw', () => {
    expect(isKeysealError(revoked())).toBe(false)
    expect(isKeysealError(trap(), 'AUTH_FAILED')).toBe(false)
    expect(isKeysealError(new KeysealError('AUTH_FAILED'), 'AUTH_FAILED')).toBe(true)
  })

  it('every public function, given a revoked or throwing Proxy in each argument position, rejects with a KeysealError', async () => {
    const key = await importKey(RAW)
    const env = await sealKey('sk-1', key)
    const bad: string[] = []
    for (const make of [revoked, trap]) {
      const p = make
      const calls: [string, () => unknown][] = [
        ['sealKey secret', () => sealKey(p() as never, key)],
        ['sealKey key', () => sealKey('s', p() as never)],
        ['sealKey options', () => sealKey('s', key, p() as never)],
        ['sealKey context', () => sealKey('s', key, { context: p() as never })],
        ['openKey envelope', () => openKey(p() as never, key)],
        ['openKey key', () => openKey(env, p() as never)],
        ['openKey options', () => openKey(env, key, p() as never)],
        ['openKeyBytes options', () => openKeyBytes(env, key, p() as never)],
        ['deriveKey passphrase', () => deriveKey(p() as never, { policy })],
        ['deriveKey options', () => deriveKey('pass', p() as never)],
        ['importKey material', () => importKey(p() as never)],
        ['importKey options', () => importKey(RAW, p() as never)],
        ['inspect', () => inspect(p() as never)],
        ['envelopeToJSON', () => envelopeToJSON(p() as never)],
        ['envelopeFromJSON', () => envelopeFromJSON(p())],
        ['envelopeToBytes', () => envelopeToBytes(p() as never)],
        ['envelopeFromBytes', () => envelopeFromBytes(p() as never)],
        ['createPolicy', () => createPolicy(p() as never)],
        ['createPolicy pbkdf2', () => createPolicy({ pbkdf2: p() as never })],
        ['createPolicy argon2id', () => createPolicy({ argon2id: p() as never })],
        ['createKeyring', () => createKeyring(p() as never)],
        ['createKeyring entry', () => createKeyring([p() as never])],
        ['needsRotation envelope', () => needsRotation(p() as never)],
        ['needsRotation against', () => needsRotation(env, p() as never)],
        ['rotateKey envelope', () => rotateKey(p() as never, { from: key, to: key })],
        ['rotateKey options', () => rotateKey(env, p() as never)],
        ['rotateKey from', () => rotateKey(env, { from: p() as never, to: key })],
        ['rotateMany items', () => rotateMany(p() as never, { from: key, to: key })],
        ['rotateMany options', () => rotateMany([env], p() as never)],
        ['rotateMany signal', () => rotateMany([env], { from: key, to: key, signal: p() as never })],
        ['rotateMany next() null', () => rotateMany({ [Symbol.iterator]: () => ({ next: () => null }) } as never, { from: key, to: key })],
        ['rotateMany next() revoked', () => rotateMany({ [Symbol.iterator]: () => ({ next: () => p() }) } as never, { from: key, to: key })],
        ['rotateMany iterator revoked', () => rotateMany({ [Symbol.iterator]: () => p() } as never, { from: key, to: key })],
        ['rotateStream items', () => drain(p(), { from: key, to: key })],
        ['rotateStream options', () => drain([env], p())],
        ['rotateStream signal', () => drain([env], { from: key, to: key, signal: p() })],
        ['rotateStream iterator revoked', () => drain({ [Symbol.iterator]: () => p() }, { from: key, to: key })],
        ['rotateStream next() null', () => drain({ [Symbol.iterator]: () => ({ next: () => null }) }, { from: key, to: key })],
        ['rotateStream next() revoked', () => drain({ [Symbol.iterator]: () => ({ next: () => p() }) }, { from: key, to: key })],
      ]
      for (const [name, call] of calls) {
        const c = await code(call)
        if (c.startsWith('not a') || c === 'resolved') bad.push(`${make.name} ${name}: ${c}`)
      }
      // An item that is a Proxy fails alone.
      const results = await rotateMany([p() as never, env], { from: key, to: key })
      expect(results.map((r) => [r.status, r.code])).toEqual([['failed', 'INVALID_OPTIONS'], ['ok', undefined]])
      expect(await drain([p(), env], { from: key, to: key, concurrency: 1 })).toEqual([['failed', 'INVALID_OPTIONS'], ['ok', undefined]])
    }
    expect(bad).toEqual([])
  })
})

describe('item 7: an abort settles rotateMany while the source stalls', () => {
  it('a source whose next() never settles: AbortSignal.timeout rejects the call promptly, even if return() stalls too', async () => {
    const key = await importKey(RAW)
    const env = await sealKey('sk-1', key)
    let returned = 0
    const stalled: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => {
        let n = 0
        return {
          next: () => (n++ === 0 ? Promise.resolve({ done: false, value: env }) : new Promise<IteratorResult<string>>(() => {})),
          return: () => {
            returned++
            return new Promise<IteratorResult<string>>(() => {})
          },
        }
      },
    }
    const signal = AbortSignal.timeout(200)
    const outcome = await rotateMany(stalled, { from: key, to: key, signal }).then(
      () => 'resolved',
      (e: unknown) => e,
    )
    expect(outcome).toBe(signal.reason)
    expect((outcome as Error).name).toBe('TimeoutError')
    expect(returned).toBe(1) // the source was closed, not awaited forever
  }, 20_000)
})
