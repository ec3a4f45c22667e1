// Issue 11 item 4, "KDF work a stranger can force": the default opening bounds (at most twice the
// default sealing work), at most one KDF per keyring open without a key id, and the process-wide
// KDF limiter (src/kdf/limit.ts). KDF runs are counted, never timed: PBKDF2 through a spy on
// crypto.subtle.deriveBits, Argon2id through a counting implementation passed in a policy.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { argon2id } from '../src/argon2id.js'
import * as ks from '../src/index.js'
import * as v2 from '../src/v2/index.js'
import { countPbkdf2, expectCode, track } from './helpers.js'

const PW = 'correct horse battery staple'
const RAW = new Uint8Array(32).fill(7)

afterEach(() => vi.restoreAllMocks())

/** An Argon2id "implementation" that counts its calls and returns a fixed non-zero key (so opens fail AUTH_FAILED). */
function countingArgon2id(): ks.Argon2idImplementation & { calls: { memoryKiB: number; passes: number; lanes: number }[] } {
  const calls: { memoryKiB: number; passes: number; lanes: number }[] = []
  return {
    name: 'argon2id',
    calls,
    derive: async (_pw, _salt, p) => {
      calls.push({ ...p })
      return new Uint8Array(32).fill(1)
    },
  }
}

/** A PBKDF2 envelope with `iterations` (its header rewritten through the JSON form: no key needed, as an attacker would). */
async function pbkdf2Envelope(iterations: number): Promise<string> {
  const small = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
  const env = await ks.sealKey('sk-forged', PW, { policy: small })
  return ks.envelopeFromJSON({ ...ks.envelopeToJSON(env), iterations })
}

describe('default opening bounds: at most twice the default sealing work', () => {
  it('PBKDF2: the default policy opens up to 1,200,000 iterations and refuses more before any KDF work', async () => {
    expect(ks.defaultPolicy.pbkdf2.maxIterations).toBe(2 * ks.defaultPolicy.pbkdf2.iterations)
    const raw = await ks.importKey(RAW)
    const at = await pbkdf2Envelope(1_200_000)
    const over = await Promise.all([1_200_001, 2_000_000, 10_000_000].map(pbkdf2Envelope))
    const count = countPbkdf2()
    // Within the bounds, a raw key is the wrong kind: KEY_MISMATCH comes after the policy check,
    // so no KDF runs and the bound itself is what is observed.
    await expectCode(ks.openKey(at, raw), 'KEY_MISMATCH')
    for (const e of over) {
      await expectCode(ks.openKey(e, raw), 'PARAMS_OUT_OF_POLICY')
      await expectCode(ks.openKey(e, PW), 'PARAMS_OUT_OF_POLICY')
      await expectCode(ks.deriveKey(PW, { envelope: e }), 'PARAMS_OUT_OF_POLICY')
    }
    expect(count.n).toBe(0)
  })

  it('PBKDF2: a policy can still raise the bound explicitly', async () => {
    const raised = ks.createPolicy({ pbkdf2: { maxIterations: 10_000_000 } })
    await expectCode(ks.openKey(await pbkdf2Envelope(10_000_000), await ks.importKey(RAW), { policy: raised }), 'KEY_MISMATCH')
    // Sealing above the default bound needs the bound raised too (sealing and opening share the maximum).
    await expectCode(() => ks.createPolicy({ pbkdf2: { iterations: 2_000_000 } }), 'INVALID_OPTIONS')
    expect(ks.createPolicy({ pbkdf2: { iterations: 2_000_000, maxIterations: 4_000_000 } }).pbkdf2.maxIterations).toBe(4_000_000)
  })

  it('Argon2id: the default bounds admit memoryKiB × passes up to 77,824 (twice 19,456 × 2), checked before the KDF', async () => {
    const impl = countingArgon2id()
    const policy = ks.createPolicy({ argon2id: { implementation: impl } })
    expect(policy.argon2id?.maxWork).toBe(2 * 19_456 * 2)
    // Forged headers: the binary form of an Argon2id envelope with the parameters rewritten.
    const small = ks.createPolicy({ argon2id: { implementation: impl, memoryKiB: 64, passes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8 } })
    const base = ks.envelopeToJSON(await ks.sealKey('sk-forged', PW, { policy: small }))
    impl.calls.length = 0
    const forged = (memoryKiB: number, passes: number, lanes = 1) => ks.envelopeFromJSON({ ...base, memoryKiB, passes, lanes })
    const admitted: [number, number, number][] = [[19_456, 4, 1], [65_536, 1, 1], [47_104, 1, 1], [7_782, 10, 4], [38_912, 2, 4]]
    for (const [m, t, p] of admitted) await expectCode(ks.openKey(forged(m, t, p), PW, { policy }), 'AUTH_FAILED')
    expect(impl.calls).toEqual(admitted.map(([memoryKiB, passes, lanes]) => ({ memoryKiB, passes, lanes })))
    // Each of these was admitted by keyseal 0.1.0's defaults (up to 64 MiB × 10 passes: 16.8x the default work).
    for (const [m, t] of [[19_457, 4], [65_536, 2], [65_536, 10], [38_913, 2], [7_783, 10]]) {
      await expectCode(ks.openKey(forged(m!, t!), PW, { policy }), 'PARAMS_OUT_OF_POLICY')
    }
    expect(impl.calls.length).toBe(admitted.length)
  })

  it('Argon2id: maxWork is a validated setting; sealing work above it is INVALID_OPTIONS unless raised', async () => {
    const impl = countingArgon2id()
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: impl, memoryKiB: 65_536 } }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: impl, passes: 5 } }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: impl, maxWork: 0 } }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: impl, maxWork: 38_911 } }), 'INVALID_OPTIONS')
    expect(ks.createPolicy({ argon2id: { implementation: impl, maxWork: 38_912 } }).argon2id?.maxWork).toBe(38_912)
    const strong = ks.createPolicy({ argon2id: { implementation: impl, memoryKiB: 65_536, passes: 3, maxWork: 196_608 } })
    expect(strong.argon2id?.maxWork).toBe(196_608)
  })
})

describe('keyrings: at most one KDF per open', () => {
  const policy = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
  const o = { policy, context: 'user:1/openai' }

  it('an envelope without a key id runs one KDF, whatever the number of passphrase entries (was one per entry)', async () => {
    const stranger = await ks.sealKey('sk-forged', 'a passphrase nobody in the ring has', o)
    const ring = ks.createKeyring([
      { id: 'a', key: 'passphrase a of the ring', primary: true },
      { id: 'b', key: 'passphrase b of the ring' },
      { id: 'c', key: 'passphrase c of the ring', disabled: true },
    ])
    const count = countPbkdf2()
    await expectCode(ks.openKey(stranger, ring, o), 'AUTH_FAILED')
    expect(count.n).toBe(1)
    // The primary is the one passphrase tried: its envelopes open, the second entry's do not.
    const byA = await ks.sealKey('sk-a', 'passphrase a of the ring', o)
    const byB = await ks.sealKey('sk-b', 'passphrase b of the ring', o)
    const before = count.n
    expect(await ks.openKey(byA, ring, o)).toBe('sk-a')
    await expectCode(ks.openKey(byB, ring, o), 'AUTH_FAILED')
    expect(count.n - before).toBe(2)
  })

  it('primary not a passphrase: the first passphrase entry in the order given (disabled included) is the one tried', async () => {
    const raw = await ks.importKey(RAW)
    const ring = ks.createKeyring([
      { id: 'r', key: raw, primary: true },
      { id: 'a', key: 'passphrase a of the ring', disabled: true },
      { id: 'b', key: 'passphrase b of the ring' },
    ])
    const byA = await ks.sealKey('sk-a', 'passphrase a of the ring', o)
    const byB = await ks.sealKey('sk-b', 'passphrase b of the ring', o)
    const count = countPbkdf2()
    expect(await ks.openKey(byA, ring, o)).toBe('sk-a')
    await expectCode(ks.openKey(byB, ring, o), 'AUTH_FAILED')
    expect(count.n).toBe(2)
  })

  it('key objects need no KDF: every fitting one is tried, plus the one passphrase', async () => {
    const keys = await Promise.all([1, 2, 3].map((i) => ks.importKey(new Uint8Array(32).fill(i))))
    const derived = await ks.deriveKey('passphrase d of the ring', { policy })
    const ring = ks.createKeyring([
      { id: 'k1', key: keys[0]!, primary: true },
      { id: 'k2', key: keys[1]!, disabled: true },
      { id: 'k3', key: keys[2]! },
      { id: 'p', key: 'passphrase p of the ring' },
      { id: 'd', key: derived },
    ])
    const byK3 = await ks.sealKey('sk-k3', keys[2]!, o)
    const byK2 = await ks.sealKey('sk-k2', keys[1]!, o)
    const byD = await ks.sealKey('sk-d', derived, o)
    const byP = await ks.sealKey('sk-p', 'passphrase p of the ring', o)
    const count = countPbkdf2()
    expect(await ks.openKey(byK3, ring, o)).toBe('sk-k3')
    expect(await ks.openKey(byK2, ring, o)).toBe('sk-k2')
    expect(count.n).toBe(0)
    expect(await ks.openKey(byD, ring, o)).toBe('sk-d') // the derived key fits (same salt): no KDF
    expect(count.n).toBe(0)
    expect(await ks.openKey(byP, ring, o)).toBe('sk-p')
    expect(count.n).toBe(1)
  })

  it('no fitting entry is KEY_MISMATCH; a key id picks only its entry (unknown: UNKNOWN_KEY_ID), one KDF at most', async () => {
    const rawRing = ks.createKeyring([{ id: 'r', key: await ks.importKey(RAW) }])
    const pw = await ks.sealKey('sk-pw', 'passphrase b of the ring', o)
    const withId = await ks.sealKey('sk-b', 'passphrase b of the ring', { ...o, keyId: 'b' })
    const unknown = await ks.sealKey('sk-x', 'passphrase b of the ring', { ...o, keyId: 'x' })
    const ring = ks.createKeyring([
      { id: 'a', key: 'passphrase a of the ring', primary: true },
      { id: 'b', key: 'passphrase b of the ring' },
    ])
    const count = countPbkdf2()
    await expectCode(ks.openKey(pw, rawRing, o), 'KEY_MISMATCH')
    await expectCode(ks.openKey(unknown, ring, o), 'UNKNOWN_KEY_ID')
    expect(count.n).toBe(0)
    expect(await ks.openKey(withId, ring, o)).toBe('sk-b')
    expect(count.n).toBe(1)
  })
})

describe('v2 keyrings: at most one KDF per open', () => {
  const policy = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
  const o = { policy, context: 'user:1/openai' }

  it('stanzas whose entries are passphrases, with or without key ids: only the first runs a KDF (was one per stanza)', async () => {
    const a = await ks.deriveKey('passphrase a of the ring', { policy, keyId: 'a' })
    const b = await ks.deriveKey('passphrase b of the ring', { policy, keyId: 'b' })
    const envelope = await v2.sealKey('sk-v2', [a, b, 'passphrase c of the ring', 'passphrase d of the ring'], o)
    // The entry for 'a' holds the wrong passphrase: its stanza fails, and no other passphrase stanza is tried.
    const ring = ks.createKeyring([
      { id: 'a', key: 'not the passphrase of a', primary: true },
      { id: 'b', key: 'passphrase b of the ring' },
      { id: 'c', key: 'passphrase c of the ring' },
    ])
    const count = countPbkdf2()
    await expectCode(v2.openKey(envelope, ring, o), 'AUTH_FAILED')
    expect(count.n).toBe(1)
    // A ring whose first fitting stanza's entry is right opens with one KDF.
    const good = ks.createKeyring([{ id: 'b', key: 'passphrase b of the ring' }])
    expect(await v2.openKey(envelope, good, o)).toBe('sk-v2')
    expect(count.n).toBe(2)
    // A derived-key entry for the one candidate stanza opens it without a KDF run.
    const derived = ks.createKeyring([{ id: 'a', key: a, primary: true }, { id: 'b', key: 'passphrase b of the ring' }])
    expect(await v2.openKey(envelope, derived, o)).toBe('sk-v2')
    expect(count.n).toBe(2)
    // docs/format-v2.md §9 step 2 (spec2, pinned by the frozen v2 keyring vectors): a passphrase
    // entry stays only on the first stanza that has one, but key objects are candidates on every
    // stanza: the wrong passphrase of 'a' costs the one KDF, then b's derived key opens its stanza
    // with none.
    const later = ks.createKeyring([{ id: 'a', key: 'not the passphrase of a', primary: true }, { id: 'b', key: b }])
    expect(await v2.openKey(envelope, later, o)).toBe('sk-v2')
    expect(count.n).toBe(3)
  })
})

describe('the process-wide KDF limit (setKdfLimits)', () => {
  const DEFAULTS = { concurrency: 2, maxQueued: 32, argon2idMemoryKiB: 131_072 }
  const gates: Gate[] = []
  afterEach(() => {
    for (const g of gates.splice(0)) g.releaseAll()
    ks.setKdfLimits(DEFAULTS)
  })

  interface Gate {
    readonly impl: ks.Argon2idImplementation
    readonly policy: ks.KeysealPolicy
    readonly started: { memoryKiB: number }[]
    active: number
    maxActive: number
    release(ok?: boolean): void
    releaseAll(): void
  }

  /** An Argon2id implementation whose derivations run until the test releases them, first in first out. */
  function gate(): Gate {
    const waiting: ((ok: boolean) => void)[] = []
    const g: Gate = {
      started: [],
      active: 0,
      maxActive: 0,
      impl: {
        name: 'argon2id',
        derive: (_pw, _salt, p) =>
          new Promise<Uint8Array>((resolve, reject) => {
            g.started.push({ memoryKiB: p.memoryKiB })
            g.maxActive = Math.max(g.maxActive, ++g.active)
            waiting.push((ok) => {
              g.active--
              if (ok) resolve(new Uint8Array(32).fill(2)) // not the sealing key: opens end in AUTH_FAILED
              else reject(new Error('the implementation failed'))
            })
          }),
      },
      policy: undefined as never,
      release: (ok = true) => waiting.shift()!(ok),
      releaseAll: () => {
        while (waiting.length > 0) waiting.shift()!(true)
      },
    }
    ;(g as { policy: ks.KeysealPolicy }).policy = ks.createPolicy({
      pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 },
      argon2id: { implementation: g.impl, memoryKiB: 64, passes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8 },
    })
    gates.push(g)
    return g
  }

  /** Let pending promise jobs and I/O callbacks run (no time is measured or asserted). */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r))
  }

  /** An Argon2id envelope with `memoryKiB`, sealed through the (fast) counting implementation. */
  async function argonEnvelope(memoryKiB = 64): Promise<string> {
    const impl = countingArgon2id()
    const p = ks.createPolicy({ argon2id: { implementation: impl, memoryKiB: 64, passes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8 } })
    const json = ks.envelopeToJSON(await ks.sealKey('sk-a2', PW, { policy: p }))
    return ks.envelopeFromJSON({ ...json, memoryKiB })
  }


  it('defaults, validation; the limits now in force are returned', async () => {
    expect(ks.setKdfLimits({})).toEqual(DEFAULTS)
    expect(ks.setKdfLimits()).toEqual(DEFAULTS)
    expect(ks.setKdfLimits({ maxQueued: 1 })).toEqual({ ...DEFAULTS, maxQueued: 1 })
    expect(ks.setKdfLimits({ concurrency: 2 ** 32 - 1, argon2idMemoryKiB: 1 })).toEqual({ concurrency: 2 ** 32 - 1, maxQueued: 1, argon2idMemoryKiB: 1 })
    for (const bad of [
      { concurrency: 0 }, { concurrency: 1.5 }, { concurrency: '2' }, { concurrency: null }, { concurrency: Infinity }, { concurrency: -Infinity },
      { concurrency: NaN }, { concurrency: 2 ** 32 }, { maxQueued: 0 }, { maxQueued: -1 }, { argon2idMemoryKiB: 0 }, { argon2idMemoryKiB: 2 ** 53 },
      { queue: 1 }, null, 'x', [], Object.create({ concurrency: 1 }), new Proxy({}, { ownKeys: () => { throw new Error('trap') } }),
    ]) {
      await expectCode(() => ks.setKdfLimits(bad as never), 'INVALID_OPTIONS')
    }
    // A refused call changes nothing.
    expect(ks.setKdfLimits({})).toEqual({ concurrency: 2 ** 32 - 1, maxQueued: 1, argon2idMemoryKiB: 1 })
  })

  it('never more KDF runs at once than the concurrency; the others wait and run in order', async () => {
    ks.setKdfLimits({ concurrency: 2, maxQueued: 10 })
    const g = gate()
    const env = await argonEnvelope()
    const calls = Array.from({ length: 6 }, () => track(ks.openKey(env, PW, { policy: g.policy })))
    await settle()
    expect(g.started.length).toBe(2)
    for (let done = 0; done < 6; done++) {
      expect(g.active).toBeLessThanOrEqual(2)
      g.release()
      await settle()
    }
    expect(g.maxActive).toBe(2)
    expect(g.started.length).toBe(6)
    await Promise.all(calls.map((c) => c.settled))
    expect(calls.map((c) => c.state)).toEqual(Array(6).fill('rejected')) // AUTH_FAILED: the gate's key is not the sealer's
    for (const c of calls) expect((c.error as ks.KeysealError).code).toBe('AUTH_FAILED')
  })

  it('a full queue fails at once with KDF_BUSY, for every call that would run a KDF (v1, v2, both KDFs)', async () => {
    ks.setKdfLimits({ concurrency: 1, maxQueued: 1 })
    const g = gate()
    const env = await argonEnvelope()
    const small = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
    const pbkdf2Env = await ks.sealKey('sk-p', PW, { policy: small })
    const v2Env = await v2.sealKey('sk-v2', [PW, await ks.importKey(RAW)], { policy: small })
    const running = track(ks.openKey(env, PW, { policy: g.policy }))
    const queued = track(ks.openKey(env, PW, { policy: g.policy }))
    await settle()
    expect(g.started.length).toBe(1)
    const count = countPbkdf2()
    // The slot and the queue are full: each of these is refused while the two above still wait.
    await expectCode(ks.openKey(env, PW, { policy: g.policy }), 'KDF_BUSY')
    await expectCode(ks.openKey(pbkdf2Env, PW, { policy: small }), 'KDF_BUSY')
    await expectCode(ks.sealKey('sk-new', PW, { policy: small }), 'KDF_BUSY')
    await expectCode(ks.deriveKey(PW, { policy: small }), 'KDF_BUSY')
    await expectCode(ks.deriveKey(PW, { policy: small, envelope: pbkdf2Env }), 'KDF_BUSY')
    await expectCode(v2.openKey(v2Env, PW, { policy: small }), 'KDF_BUSY')
    await expectCode(v2.sealKey('sk-v2', [PW, await ks.importKey(RAW)], { policy: small }), 'KDF_BUSY')
    // The real Argon2id implementation (WebCrypto, WebAssembly or TypeScript path) is limited the same way.
    const real = ks.createPolicy({ argon2id: { implementation: argon2id, memoryKiB: 64, passes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8 } })
    await expectCode(ks.openKey(env, PW, { policy: real }), 'KDF_BUSY')
    expect(count.n).toBe(0)
    expect([running.state, queued.state]).toEqual(['pending', 'pending'])
    // A key object runs no KDF, so it is never refused.
    expect(await v2.openKey(v2Env, await ks.importKey(RAW), { policy: small })).toBe('sk-v2')
    g.releaseAll()
    await settle()
    g.releaseAll()
    await Promise.all([running.settled, queued.settled])
    expect([running.state, queued.state]).toEqual(['rejected', 'rejected'])
    expect(await ks.openKey(pbkdf2Env, PW, { policy: small })).toBe('sk-p')
  })

  it('an abort while waiting rejects with ABORTED at once and frees the place in the queue', async () => {
    ks.setKdfLimits({ concurrency: 1, maxQueued: 1 })
    const g = gate()
    const env = await argonEnvelope()
    const running = track(ks.openKey(env, PW, { policy: g.policy }))
    const ac = new AbortController()
    const waiting = track(ks.openKey(env, PW, { policy: g.policy, signal: ac.signal }))
    await settle()
    await expectCode(ks.openKey(env, PW, { policy: g.policy }), 'KDF_BUSY')
    ac.abort()
    await waiting.settled
    expect(waiting.state).toBe('rejected')
    expect((waiting.error as ks.KeysealError).code).toBe('ABORTED')
    expect(running.state).toBe('pending') // the running KDF is not stopped
    // The place is free again: another call queues instead of KDF_BUSY, and runs after the first.
    const next = track(ks.openKey(env, PW, { policy: g.policy }))
    await settle()
    expect(next.state).toBe('pending')
    g.release()
    await settle()
    expect(g.started.length).toBe(2)
    g.release()
    await Promise.all([running.settled, next.settled])
    expect([running.state, next.state]).toEqual(['rejected', 'rejected'])
    expect(g.started.length).toBe(2) // the aborted call never ran its KDF
  })

  it('an already aborted signal: ABORTED before any KDF, v1 and v2; a signal that is not one: INVALID_OPTIONS', async () => {
    const small = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
    const env = await ks.sealKey('sk-p', PW, { policy: small })
    const v2Env = await v2.sealKey('sk-v2', [PW, await ks.importKey(RAW)], { policy: small })
    const signal = AbortSignal.abort()
    const count = countPbkdf2()
    await expectCode(ks.openKey(env, PW, { policy: small, signal }), 'ABORTED')
    await expectCode(ks.openKeyBytes(env, PW, { policy: small, signal }), 'ABORTED')
    await expectCode(ks.sealKey('sk', PW, { policy: small, signal }), 'ABORTED')
    await expectCode(ks.deriveKey(PW, { policy: small, signal }), 'ABORTED')
    await expectCode(v2.openKey(v2Env, PW, { policy: small, signal }), 'ABORTED')
    await expectCode(v2.sealKey('sk', [PW, await ks.importKey(RAW)], { policy: small, signal }), 'ABORTED')
    await expectCode(v2.sealKey('sk', PW, { policy: small, signal }), 'ABORTED')
    expect(count.n).toBe(0)
    for (const bad of [
      'abort', 1, null, {}, { aborted: 'no' }, { aborted: false }, { aborted: false, addEventListener: 1 }, { addEventListener() {} },
      new Proxy({}, { get: () => { throw new Error('trap') } }), Proxy.revocable({}, {}).proxy,
    ]) {
      await expectCode(ks.openKey(env, PW, { policy: small, signal: bad as never }), 'INVALID_OPTIONS')
      await expectCode(ks.sealKey('sk', PW, { policy: small, signal: bad as never }), 'INVALID_OPTIONS')
      await expectCode(ks.deriveKey(PW, { policy: small, signal: bad as never }), 'INVALID_OPTIONS')
      await expectCode(v2.openKey(v2Env, PW, { policy: small, signal: bad as never }), 'INVALID_OPTIONS')
    }
    // Like the platform's own APIs, an aborted signal is ABORTED even when no KDF would run.
    const raw = await ks.importKey(RAW)
    await expectCode(ks.openKey(await ks.sealKey('sk-raw', raw), raw, { signal }), 'ABORTED')
    expect(await ks.openKey(await ks.sealKey('sk-raw', raw), raw, { signal: new AbortController().signal })).toBe('sk-raw')
  })

  it('an error inside the KDF frees its slot', async () => {
    ks.setKdfLimits({ concurrency: 1, maxQueued: 4 })
    const g = gate()
    const env = await argonEnvelope()
    const first = track(ks.openKey(env, PW, { policy: g.policy }))
    const second = track(ks.openKey(env, PW, { policy: g.policy }))
    await settle()
    g.release(false)
    await first.settled
    await settle()
    expect(first.state).toBe('rejected')
    expect((first.error as ks.KeysealError).code).toBe('CRYPTO_FAILURE')
    expect(g.started.length).toBe(2) // the second took the freed slot
    g.release()
    await second.settled
    expect(second.state).toBe('rejected')
    // And a PBKDF2 failure in the platform frees it too.
    const small = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
    const pEnv = await ks.sealKey('sk-p', PW, { policy: small })
    const spy = vi.spyOn(globalThis.crypto.subtle, 'deriveBits').mockRejectedValueOnce(new Error('platform failure'))
    await expectCode(ks.openKey(pEnv, PW, { policy: small }), 'CRYPTO_FAILURE')
    spy.mockRestore()
    // Were a slot still taken, the first of these would wait and the second be KDF_BUSY.
    ks.setKdfLimits({ concurrency: 1, maxQueued: 1 })
    expect(await Promise.all([ks.openKey(pEnv, PW, { policy: small }), ks.openKey(pEnv, PW, { policy: small })])).toEqual(['sk-p', 'sk-p'])
  })

  it('Argon2id memory budget: a derivation that does not fit waits; one larger than the budget runs alone', async () => {
    ks.setKdfLimits({ concurrency: 4, maxQueued: 4, argon2idMemoryKiB: 100 })
    const g = gate()
    const env64 = await argonEnvelope(64)
    const env200 = await argonEnvelope(200)
    const env32 = await argonEnvelope(32)
    const a = track(ks.openKey(env64, PW, { policy: g.policy }))
    const b = track(ks.openKey(env64, PW, { policy: g.policy }))
    // First come, first served: the 32 KiB one would fit beside the first, but waits behind the second.
    const c = track(ks.openKey(env32, PW, { policy: g.policy }))
    await settle()
    expect(g.started).toEqual([{ memoryKiB: 64 }])
    // Larger than the whole budget: it waits its turn, then runs with nothing else.
    const big = track(ks.openKey(env200, PW, { policy: g.policy }))
    g.release()
    await settle()
    expect(g.started).toEqual([{ memoryKiB: 64 }, { memoryKiB: 64 }, { memoryKiB: 32 }])
    expect(g.maxActive).toBe(2)
    g.release()
    await settle()
    expect(g.started.length).toBe(3) // the 32 KiB one still runs
    g.release()
    await settle()
    expect(g.started).toEqual([{ memoryKiB: 64 }, { memoryKiB: 64 }, { memoryKiB: 32 }, { memoryKiB: 200 }])
    expect(g.active).toBe(1)
    // Nothing starts beside it, not even a small one.
    const e = track(ks.openKey(env32, PW, { policy: g.policy }))
    await settle()
    expect(g.started.length).toBe(4)
    g.release()
    await settle()
    expect(g.started.length).toBe(5)
    g.releaseAll()
    await Promise.all([a.settled, b.settled, c.settled, big.settled, e.settled])
    expect([a.state, b.state, c.state, big.state, e.state]).toEqual(Array(5).fill('rejected'))
    expect(g.maxActive).toBe(2)
  })

  it('raising the concurrency lets waiting calls in at once', async () => {
    ks.setKdfLimits({ concurrency: 1, maxQueued: 4 })
    const g = gate()
    const env = await argonEnvelope()
    for (let i = 0; i < 3; i++) track(ks.openKey(env, PW, { policy: g.policy }))
    await settle()
    expect(g.started.length).toBe(1)
    ks.setKdfLimits({ concurrency: 3 })
    await settle()
    expect(g.started.length).toBe(3)
  })
})
