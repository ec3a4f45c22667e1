// Issue 11 item 4: the `signal` option of every public function that takes it (v1 and v2 entries):
// anything but an AbortSignal is INVALID_OPTIONS; an already-aborted one is ABORTED before any KDF
// work; a live one changes nothing. On the code before the option existed, `signal` was an unknown
// option (INVALID_OPTIONS), so the live-signal and aborted-signal checks fail there.
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as ks from '../src/index.js'
import * as v2 from '../src/v2/index.js'
import { countPbkdf2, expectCode } from './helpers.js'

const PW = 'correct horse battery staple'
const RAW = new Uint8Array(32).fill(7)
const policy = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })

afterEach(() => vi.restoreAllMocks())

/** Not AbortSignals: primitives, plain objects with some of the shape, throwing and revoked Proxies. */
const NOT_SIGNALS: unknown[] = [
  'abort', 1, true, null, {}, [], () => {}, { aborted: false }, { aborted: 'no', addEventListener() {} },
  { aborted: false, addEventListener: 1 }, { addEventListener() {} }, { aborted: 0, addEventListener() {} },
  new Proxy({}, { get: () => { throw new Error('trap') } }), Proxy.revocable({}, {}).proxy,
  { get aborted(): boolean { throw new Error('getter') }, addEventListener() {} },
]

describe('the signal option of every function that takes it', async () => {
  const v1Env = await ks.sealKey('sk-v1', PW, { policy })
  const rawKey = await ks.importKey(RAW)
  const v2Env = await v2.sealKey('sk-v2', [PW, rawKey], { policy })
  // Each call as `signal` would reach it, with a passphrase, so that it would run a KDF.
  const calls: [string, (signal: unknown) => Promise<unknown>, unknown][] = [
    ['sealKey', (signal) => ks.sealKey('sk', PW, { policy, signal } as never), undefined],
    ['openKey', (signal) => ks.openKey(v1Env, PW, { policy, signal } as never), 'sk-v1'],
    ['openKeyBytes', (signal) => ks.openKeyBytes(v1Env, PW, { policy, signal } as never).then((b) => new TextDecoder().decode(b)), 'sk-v1'],
    ['deriveKey', (signal) => ks.deriveKey(PW, { policy, signal } as never), undefined],
    ['deriveKey({ envelope })', (signal) => ks.deriveKey(PW, { policy, envelope: v1Env, signal } as never), undefined],
    ['v2 sealKey, one passphrase (v1 envelope)', (signal) => v2.sealKey('sk', PW, { policy, signal } as never), undefined],
    ['v2 sealKey, recipients', (signal) => v2.sealKey('sk', [PW, rawKey], { policy, signal } as never), undefined],
    ['v2 openKey, v2 envelope', (signal) => v2.openKey(v2Env, PW, { policy, signal } as never), 'sk-v2'],
    ['v2 openKeyBytes, v2 envelope', (signal) => v2.openKeyBytes(v2Env, PW, { policy, signal } as never).then((b) => new TextDecoder().decode(b)), 'sk-v2'],
    ['v2 openKey, v1 envelope', (signal) => v2.openKey(v1Env, PW, { policy, signal } as never), 'sk-v1'],
  ]

  it.each(calls)('%s: a live AbortSignal (or none) changes nothing', async (_name, call, expected) => {
    for (const signal of [undefined, new AbortController().signal, AbortSignal.timeout(60_000)]) {
      const out = await call(signal)
      if (expected !== undefined) expect(out).toBe(expected)
      else expect(out).toBeDefined()
    }
  })

  it.each(calls)('%s: anything but an AbortSignal is INVALID_OPTIONS, before any KDF work', async (_name, call) => {
    // The option itself is known (a live signal is accepted): what is refused below is the value.
    await call(new AbortController().signal)
    const count = countPbkdf2()
    for (const bad of NOT_SIGNALS) await expectCode(call(bad), 'INVALID_OPTIONS')
    expect(count.n).toBe(0)
  })

  it.each(calls)('%s: an already-aborted signal is ABORTED, before any KDF work', async (_name, call) => {
    const count = countPbkdf2()
    const ac = new AbortController()
    ac.abort(new Error('gone'))
    for (const signal of [AbortSignal.abort(), ac.signal]) await expectCode(call(signal), 'ABORTED')
    expect(count.n).toBe(0)
  })

  it('a signal whose addEventListener throws when called: INVALID_OPTIONS, never the thrown error, and the limiter stays usable', async () => {
    const hostile = { aborted: false, addEventListener: () => { throw new Error('hostile') }, removeEventListener: () => { throw new Error('hostile') } }
    for (const [, call] of calls.filter(([, , expected]) => expected !== undefined)) await expectCode(call(hostile), 'INVALID_OPTIONS')
    expect(await ks.openKey(v1Env, PW, { policy })).toBe('sk-v1')
  })

  it('with a key object (no KDF) too: INVALID_OPTIONS for a non-signal, ABORTED for an aborted one', async () => {
    const env = await ks.sealKey('sk-raw', rawKey)
    await expectCode(ks.openKey(env, rawKey, { signal: {} as never }), 'INVALID_OPTIONS')
    await expectCode(ks.openKey(env, rawKey, { signal: AbortSignal.abort() }), 'ABORTED')
    await expectCode(ks.sealKey('sk', rawKey, { signal: AbortSignal.abort() }), 'ABORTED')
    await expectCode(v2.openKey(v2Env, rawKey, { signal: AbortSignal.abort() }), 'ABORTED')
    expect(await ks.openKey(env, rawKey, { signal: new AbortController().signal })).toBe('sk-raw')
  })
})
