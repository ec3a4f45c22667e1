// Issue 11 item 4, the rotation part: the `signal` of rotateKey, rotateMany, rotateStream and v2's
// rotateKey / rotateMany / rotateRecipient reaches the process-wide KDF limiter (src/kdf/limit.ts),
// so a rotation waiting for a KDF slot stops waiting when it aborts and leaves the queue. On the
// code before this file, rotateKey refused `signal` (INVALID_OPTIONS) and the batches waited for
// the slot whatever the signal did (the tests see 'hung').
import { afterEach, describe, expect, it } from 'vitest'
import * as ks from '../src/index.js'
import * as v2 from '../src/v2/index.js'
import { queuedKdfs } from '../src/kdf/limit.js'
import { expectCode, track } from './helpers.js'

const PW = 'old passphrase'
const PW2 = 'new passphrase'
const RAW = new Uint8Array(32).fill(7)
const DEFAULTS = { concurrency: 2, maxQueued: 32, argon2idMemoryKiB: 131_072 }
const HUNG = 'hung'


/**
 * Wait until `ready()` holds: how many event-loop turns a call needs to reach the KDF queue depends
 * on the WebCrypto work before it (a v2 rotation parses and hashes first) and on the machine's load,
 * so a fixed number of turns is not enough. Bounded: a condition that never holds fails the test.
 */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !ready(); i++) await new Promise<void>((r) => setTimeout(r, 10))
  expect(ready(), what).toBe(true)
}

function within<T>(p: Promise<T>, ms = 5000): Promise<T | typeof HUNG> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<typeof HUNG>((resolve) => (timer = setTimeout(() => resolve(HUNG), ms)))
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}


/** An Argon2id implementation that blocks until released: an open through it holds its KDF slot. */
const waiting: (() => void)[] = []
const gated: ks.Argon2idImplementation = {
  name: 'argon2id',
  derive: () => new Promise<Uint8Array>((resolve) => waiting.push(() => resolve(new Uint8Array(32).fill(2)))),
}
/** What the rotations run under: PBKDF2 only (the limiter is process-wide, so any KDF waits). */
const policy = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
/** What the holder opens with (and seals with nothing else). */
const holdPolicy = ks.createPolicy({ argon2id: { implementation: gated, memoryKiB: 64, passes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8 } })
const fast = ks.createPolicy({ argon2id: { implementation: { name: 'argon2id', derive: async () => new Uint8Array(32).fill(1) }, memoryKiB: 64, passes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8 } })

afterEach(() => {
  while (waiting.length > 0) waiting.shift()!()
  ks.setKdfLimits(DEFAULTS)
})

/**
 * Holds the only KDF slot (one open blocked in the gated Argon2id) with room for one waiting call,
 * runs `start` (a rotation whose first KDF must wait), checks that it waits in the queue (a third
 * KDF call is KDF_BUSY), aborts, and checks that the queue is empty again (a KDF call queues).
 */
async function whileQueued(start: (signal: AbortSignal) => Promise<unknown>): Promise<{ outcome: unknown; signal: AbortSignal }> {
  const holder = await ks.sealKey('sk-holder', PW, { policy: fast })
  const pbkdf2Env = await ks.sealKey('sk-p', PW, { policy })
  ks.setKdfLimits({ concurrency: 1, maxQueued: 1 })
  const held = track(ks.openKey(holder, PW, { policy: holdPolicy }))
  await until(() => waiting.length === 1, 'the holder runs its KDF')
  const ac = new AbortController()
  const rotation = start(ac.signal).then((v) => ({ value: v }), (e: unknown) => ({ rejected: e }))
  await until(() => queuedKdfs() === 1, 'the rotation waits in the KDF queue')
  // The rotation waits in the queue: the queue (one place) is full.
  await expectCode(ks.openKey(pbkdf2Env, PW, { policy }), 'KDF_BUSY')
  ac.abort(new Error('stop'))
  const outcome = await within(rotation, 2000)
  expect(outcome).not.toBe(HUNG)
  // Its place in the queue is free: another KDF call waits instead of KDF_BUSY.
  expect(queuedKdfs()).toBe(0)
  const next = track(ks.openKey(pbkdf2Env, PW, { policy }))
  await until(() => queuedKdfs() === 1 || next.state !== 'pending', 'the next call reaches the limiter')
  expect(next.state).toBe('pending')
  expect(queuedKdfs()).toBe(1)
  expect(held.state).toBe('pending') // the running KDF is not stopped
  waiting.shift()!()
  await Promise.all([held.settled, next.settled])
  expect(held.state).toBe('rejected') // the gate's key is not the sealer's: AUTH_FAILED
  expect(next.state).toBe('resolved')
  return { outcome, signal: ac.signal }
}

const codeOf = (x: unknown): unknown => (x as { rejected?: unknown }).rejected !== undefined && ks.isKeysealError((x as { rejected: unknown }).rejected) ? ((x as { rejected: ks.KeysealError }).rejected.code) : x

describe('a rotation waiting for a KDF slot stops waiting when its signal aborts', async () => {
  const raw = await ks.importKey(RAW)
  const env = await ks.sealKey('sk-1', PW, { policy, context: 'c' })
  const env2 = await v2.sealKey('sk-2', [PW, raw], { policy, context: 'c' })

  it('rotateKey: ABORTED, and the queue is empty afterwards', async () => {
    const { outcome } = await whileQueued((signal) => ks.rotateKey(env, { from: PW, to: PW2, policy, context: 'c', signal }))
    expect(codeOf(outcome)).toBe('ABORTED')
  })

  it('rotateKey, the `to` derivation waits (from is a key object): ABORTED', async () => {
    const rawEnv = await ks.sealKey('sk-r', raw, { context: 'c' })
    const { outcome } = await whileQueued((signal) => ks.rotateKey(rawEnv, { from: raw, to: PW2, policy, context: 'c', signal }))
    expect(codeOf(outcome)).toBe('ABORTED')
  })

  it('rotateMany: the call rejects with the reason (the item stopped waiting), and the queue is empty afterwards', async () => {
    const { outcome, signal } = await whileQueued((s) => ks.rotateMany([{ envelope: env, context: 'c' }], { from: PW, to: PW2, policy, signal: s }))
    expect(outcome).toEqual({ rejected: signal.reason })
  })

  it('rotateStream: the waiting item ends ABORTED, then the stream rejects with the reason', async () => {
    const { outcome, signal } = await whileQueued(async (s) => {
      const got: unknown[] = []
      try {
        for await (const r of ks.rotateStream([{ envelope: env, context: 'c' }], { from: PW, to: PW2, policy, signal: s })) got.push(r.status === 'failed' ? r.code : r.status)
      } catch (error) {
        return { got, error }
      }
      return { got }
    })
    expect(outcome).toEqual({ value: { got: ['ABORTED'], error: signal.reason } })
  })

  it('v2 rotateKey (a v2 envelope, passphrase to passphrase): ABORTED', async () => {
    const { outcome } = await whileQueued((signal) => v2.rotateKey(env2, { from: PW, to: PW2, policy, context: 'c', signal }))
    expect(codeOf(outcome)).toBe('ABORTED')
  })

  it('v2 rotateKey (a v1 envelope by v1 rules): ABORTED', async () => {
    const { outcome } = await whileQueued((signal) => v2.rotateKey(env, { from: PW, to: PW2, policy, context: 'c', signal }))
    expect(codeOf(outcome)).toBe('ABORTED')
  })

  it('v2 rotateRecipient: ABORTED', async () => {
    const { outcome } = await whileQueued((signal) => v2.rotateRecipient(env2, { from: PW, to: PW2, policy, context: 'c', signal }))
    expect(codeOf(outcome)).toBe('ABORTED')
  })

  it('v2 rotateMany: the call rejects with the reason, and the queue is empty afterwards', async () => {
    const { outcome, signal } = await whileQueued((s) => v2.rotateMany([{ envelope: env2, context: 'c' }], { from: PW, to: PW2, policy, signal: s }))
    expect(outcome).toEqual({ rejected: signal.reason })
  })

  it('an already-aborted signal: rotateKey (v1 and v2) is ABORTED before any work; anything but a signal is INVALID_OPTIONS', async () => {
    await expectCode(ks.rotateKey(env, { from: PW, to: PW2, policy, context: 'c', signal: AbortSignal.abort() }), 'ABORTED')
    await expectCode(v2.rotateKey(env2, { from: PW, to: PW2, policy, context: 'c', signal: AbortSignal.abort() }), 'ABORTED')
    for (const bad of [{}, { aborted: false }, 'abort', Proxy.revocable({}, {}).proxy]) {
      await expectCode(ks.rotateKey(env, { from: PW, to: PW2, policy, context: 'c', signal: bad as never }), 'INVALID_OPTIONS')
      await expectCode(v2.rotateKey(env2, { from: PW, to: PW2, policy, context: 'c', signal: bad as never }), 'INVALID_OPTIONS')
      // The batches refuse the same values (a signal reaches their KDFs too).
      await expectCode(ks.rotateMany([env], { from: PW, to: PW2, policy, signal: bad as never }), 'INVALID_OPTIONS')
      await expectCode(v2.rotateMany([env2], { from: PW, to: PW2, policy, signal: bad as never }), 'INVALID_OPTIONS')
    }
    // A live signal changes nothing.
    const moved = await ks.rotateKey(env, { from: PW, to: PW2, policy, context: 'c', signal: new AbortController().signal })
    expect(await ks.openKey(moved.envelope, PW2, { policy, context: 'c' })).toBe('sk-1')
    const moved2 = await v2.rotateKey(env2, { from: PW, to: PW2, policy, context: 'c', signal: new AbortController().signal })
    expect(await v2.openKey(moved2.envelope, PW2, { policy, context: 'c' })).toBe('sk-2')
  })
})
