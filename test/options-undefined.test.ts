// Issue 12: under exactOptionalPropertyTypes the option types take an explicit `undefined`
// (test/types/rotation-and-options.ts checks the types against the packed package). This is the
// runtime side: every option given as `undefined` behaves exactly as the option left out.
import { describe, expect, it } from 'vitest'
import * as ks from '../src/index.js'

const fast = ks.createPolicy({ pbkdf2: { iterations: 1_000, minIterations: 1_000, openMinIterations: 1_000 } })

describe('options given as undefined are "not given"', () => {
  it('sealKey / openKey / openKeyBytes', async () => {
    const key = await ks.importKey(await ks.generateKey(), { keyId: undefined })
    expect(key.keyId).toBeUndefined()
    const e = await ks.sealKey('sk-1', key, { context: undefined, policy: undefined, keyId: undefined })
    expect(ks.inspect(e).keyId).toBeUndefined()
    expect(await ks.openKey(e, key, { context: undefined, policy: undefined })).toBe('sk-1')
    expect(await ks.openKey(e, key)).toBe('sk-1')
    expect(new TextDecoder().decode(await ks.openKeyBytes(e, key, { context: undefined, policy: undefined }))).toBe('sk-1')
  })

  it('createPolicy: undefined members take the defaults', () => {
    const p = ks.createPolicy({ kdf: undefined, pbkdf2: { iterations: undefined, minIterations: undefined, openMinIterations: undefined, maxIterations: undefined }, argon2id: undefined })
    expect(p.kdf).toBe('pbkdf2-sha256')
    expect(p.pbkdf2).toEqual(ks.defaultPolicy.pbkdf2)
    expect(p.argon2id).toBeUndefined()
  })

  it('deriveKey, createKeyring entries, needsRotation', async () => {
    const k = await ks.deriveKey('pw', { policy: fast, keyId: undefined, envelope: undefined })
    expect(k.keyId).toBeUndefined()
    const ring = ks.createKeyring([{ id: 'a', key: k, primary: undefined, disabled: undefined }])
    expect(ring.primaryId).toBe('a')
    expect(ring.isDisabled('a')).toBe(false)
    const e = await ks.sealKey('sk-2', ring, { policy: fast })
    expect(ks.needsRotation(e, { policy: fast, keyring: undefined, sealedAt: undefined, maxAgeMs: undefined, now: undefined })).toEqual([])
  })

  it('rotateKey and rotateMany', async () => {
    const from = await ks.importKey(await ks.generateKey())
    const to = await ks.importKey(await ks.generateKey(), { keyId: 'new' })
    const e = await ks.sealKey('sk-3', from, { context: 'c' })
    const one = await ks.rotateKey(e, { from, to, context: 'c', policy: undefined })
    expect(one.rotated).toBe(true)
    const many = await ks.rotateMany([{ envelope: e, context: undefined, id: 1 }], {
      from,
      to,
      context: 'c',
      policy: undefined,
      concurrency: undefined,
      onProgress: undefined,
      signal: undefined,
    })
    expect(many.map((r) => [r.id, r.status])).toEqual([[1, 'ok']])
    expect(await ks.openKey(many[0]!.status === 'ok' ? many[0]!.envelope : '', to, { context: 'c' })).toBe('sk-3')
  })
})
