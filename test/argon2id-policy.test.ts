// Argon2id through the policy (issue 5): validation, sealing and opening, bounds before any work,
// refusal of an all-zero or malformed KDF output, derived keys, rotation from PBKDF2.
import { describe, expect, it } from 'vitest'
import { argon2id } from '../src/argon2id.js'
import * as ks from '../src/index.js'
import { expectCode, TEST_POLICY } from './helpers.js'

const small = { memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8, openMinPasses: 1 }
const policy = ks.createPolicy({ pbkdf2: TEST_POLICY.pbkdf2, argon2id: { implementation: argon2id, ...small } })
const fake = (out: () => Uint8Array | Promise<Uint8Array>): ks.Argon2idImplementation => ({ name: 'argon2id', derive: async () => out() })

describe('Argon2id policy', () => {
  it('createPolicy: OWASP defaults, Argon2id becomes the sealing KDF, PBKDF2 stays available', () => {
    const p = ks.createPolicy({ argon2id: { implementation: argon2id } })
    expect(p.kdf).toBe('argon2id')
    expect({ ...p.argon2id, implementation: undefined }).toEqual({
      implementation: undefined, memoryKiB: 19456, passes: 2, lanes: 1, minMemoryKiB: 19456, minPasses: 2,
      openMinMemoryKiB: 4096, openMinPasses: 1, maxMemoryKiB: 65536, maxPasses: 10, maxLanes: 4, maxWork: 77824,
    })
    expect(p.pbkdf2.iterations).toBe(600000)
    expect(ks.createPolicy({ kdf: 'pbkdf2-sha256', argon2id: { implementation: argon2id } }).kdf).toBe('pbkdf2-sha256')
    expect(ks.defaultPolicy.argon2id).toBeUndefined()
  })

  it('createPolicy refuses bad Argon2id settings', async () => {
    await expectCode(() => ks.createPolicy({ kdf: 'argon2id' }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ argon2id: {} as never }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: { name: 'scrypt', derive: () => 0 } as never } }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: argon2id, memoryKiB: 8192 } }), 'INVALID_OPTIONS') // below minMemoryKiB
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: argon2id, maxMemoryKiB: 1000 } }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: argon2id, lanes: 5 } }), 'INVALID_OPTIONS') // > maxLanes
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: argon2id, passes: 1.5 } }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: argon2id, memory: 1 } as never }), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ kdf: 'scrypt' } as never), 'INVALID_OPTIONS')
    await expectCode(() => ks.createPolicy({ kdf: null } as never), 'INVALID_OPTIONS') // not "the default"
    // No policy may allow more memory than the TypeScript implementation supports (just under 8 GiB).
    await expectCode(() => ks.createPolicy({ argon2id: { implementation: argon2id, maxMemoryKiB: 2 ** 23 } }), 'INVALID_OPTIONS')
    expect(ks.createPolicy({ argon2id: { implementation: argon2id, maxMemoryKiB: 2 ** 23 - 1 } }).argon2id?.maxMemoryKiB).toBe(2 ** 23 - 1)
  })

  it('argon2id.derive checks its inputs before either path: no silent conversion, no platform call', async () => {
    let calls = 0
    const subtle = new Proxy({}, { get: () => () => (calls++, Promise.resolve({})) })
    const salt = new Uint8Array(16).fill(3)
    const p = { memoryKiB: 64, passes: 1, lanes: 1 }
    const bad: Array<[string, () => Promise<Uint8Array>]> = [
      ['a string password', () => argon2id.derive('hunter2' as never, salt, p, subtle)],
      ['a DataView password', () => argon2id.derive(new DataView(new ArrayBuffer(4)) as never, salt, p, subtle)],
      ['a Proxy password', () => argon2id.derive(new Proxy(new Uint8Array(4), {}), salt, p, subtle)],
      ['a string salt', () => argon2id.derive(new Uint8Array(4), '16' as never, p, subtle)],
      ['memoryKiB 64.5', () => argon2id.derive(new Uint8Array(4), salt, { ...p, memoryKiB: 64.5 }, subtle)],
      ['memoryKiB "64"', () => argon2id.derive(new Uint8Array(4), salt, { ...p, memoryKiB: '64' as never }, subtle)],
      ['passes 1.9', () => argon2id.derive(new Uint8Array(4), salt, { ...p, passes: 1.9 }, subtle)],
    ]
    for (const [name, call] of bad) await expect(call(), name).rejects.toThrow(RangeError)
    expect(calls).toBe(0)
  })

  it('seals with Argon2id and opens, with a passphrase, a derived key, and a key re-derived from the envelope', async () => {
    const e = await ks.sealKey('sk-argon', 'argon pass phrase', { policy, context: 'c' })
    expect(ks.inspect(e).kdf).toEqual({ kdf: 'argon2id', memoryKiB: 64, passes: 1, lanes: 1 })
    expect(await ks.openKey(e, 'argon pass phrase', { policy, context: 'c' })).toBe('sk-argon')
    await expectCode(ks.openKey(e, 'argon pass phrasE', { policy, context: 'c' }), 'AUTH_FAILED')
    const k = await ks.deriveKey('argon pass phrase', { policy })
    expect(k.kind).toBe('argon2id')
    const e2 = await ks.sealKey('sk-two', k, { policy })
    expect(await ks.openKey(e2, 'argon pass phrase', { policy })).toBe('sk-two')
    const again = await ks.deriveKey('argon pass phrase', { policy, envelope: e2 })
    expect(again.kind).toBe('argon2id')
    expect(await ks.openKey(e2, again, { policy })).toBe('sk-two')
    // A raw key cannot open it; the default policy (no Argon2id) refuses it before any work.
    await expectCode(ks.openKey(e, await ks.importKey(await ks.generateKey()), { policy, context: 'c' }), 'KEY_MISMATCH')
    await expectCode(ks.openKey(e, 'argon pass phrase', { context: 'c' }), 'UNSUPPORTED_KDF')
  })

  it('an all-zero, short or failing KDF output is CRYPTO_FAILURE and nothing is sealed', async () => {
    for (const impl of [fake(() => new Uint8Array(32)), fake(() => new Uint8Array(31).fill(1)), fake(() => Promise.reject(new RangeError('secret-bearing message')))]) {
      const p = ks.createPolicy({ argon2id: { implementation: impl, ...small } })
      const err = await expectCode(ks.sealKey('sk-zero', 'argon pass phrase', { policy: p }), 'CRYPTO_FAILURE', ['sk-zero', 'argon pass phrase'])
      expect(err.message).not.toContain('secret-bearing')
    }
  })

  it('the implementation gets the passphrase bytes after NFC normalization and the header salt and parameters', async () => {
    const seen: unknown[] = []
    const spy: ks.Argon2idImplementation = {
      name: 'argon2id',
      derive: (pw, salt, params, subtle) => {
        seen.push([Buffer.from(pw).toString('utf8'), salt.length, params, subtle === globalThis.crypto.subtle])
        return argon2id.derive(pw, salt, params, subtle)
      },
    }
    const p = ks.createPolicy({ argon2id: { implementation: spy, ...small } })
    await ks.sealKey('s', 'cafe\u0301', { policy: p })
    expect(seen).toEqual([['caf\u00e9', 16, { memoryKiB: 64, passes: 1, lanes: 1 }, true]])
  })

  it('rotation: PBKDF2 envelopes need rotation once the policy seals with Argon2id, and move', async () => {
    const old = await ks.sealKey('sk-old', 'argon pass phrase', { policy: TEST_POLICY, context: 'u' })
    expect(ks.needsRotation(old, policy)).toEqual(['KDF_CHANGED'])
    const r = await ks.rotateKey(old, { from: 'argon pass phrase', to: 'argon pass phrase', policy, context: 'u' })
    expect(r.reasons).toEqual(['KDF_CHANGED'])
    expect(ks.inspect(r.envelope).kdf.kdf).toBe('argon2id')
    expect(ks.needsRotation(r.envelope, policy)).toEqual([])
    const stronger = ks.createPolicy({ pbkdf2: TEST_POLICY.pbkdf2, argon2id: { implementation: argon2id, ...small, memoryKiB: 128, minMemoryKiB: 128 } })
    expect(ks.needsRotation(r.envelope, stronger)).toEqual(['KDF_BELOW_POLICY'])
    const batch = await ks.rotateMany([{ envelope: old, context: 'u' }], { from: 'argon pass phrase', to: 'new argon phrase', policy })
    expect(batch[0]!.status).toBe('ok')
    expect(await ks.openKey(batch[0]!.envelope!, 'new argon phrase', { policy, context: 'u' })).toBe('sk-old')
  })
})
