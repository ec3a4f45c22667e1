// Issue 11, item 8: rotation verifies a passphrase `to` with an independent derivation (a fresh KDF
// from the passphrase), not only with the in-memory key that sealed.
import { describe, expect, it } from 'vitest'
import { createPolicy, generateKey, importKey, openKey, rotateKey, rotateMany, rotateStream, sealKey } from '../src/index.js'
import { expectCode } from './helpers.js'

const params = { memoryKiB: 19_456, passes: 2, lanes: 1 }
// A faulty implementation: a different "tag" on every call (random bytes).
const random = { name: 'argon2id' as const, derive: async () => crypto.getRandomValues(new Uint8Array(32)) }
// A deterministic stand-in (SHA-256 of password || salt), to show the check passes when derivations agree.
const steady = {
  name: 'argon2id' as const,
  derive: async (pw: Uint8Array, salt: Uint8Array) => new Uint8Array(await crypto.subtle.digest('SHA-256', new Uint8Array([...pw, ...salt]))),
}

describe('rotation with a non-deterministic Argon2id implementation', () => {
  it('rotateKey refuses with CRYPTO_FAILURE and returns no envelope', async () => {
    const from = await importKey(await generateKey())
    const policy = createPolicy({ argon2id: { implementation: random, ...params } })
    const envelope = await sealKey('sk-a', from, { context: 'c' })
    await expectCode(rotateKey(envelope, { from, to: 'new passphrase', context: 'c', policy }), 'CRYPTO_FAILURE')
  })

  it('rotateMany and rotateStream fail every item, with no envelope', async () => {
    const from = await importKey(await generateKey())
    const policy = createPolicy({ argon2id: { implementation: random, ...params } })
    const items = await Promise.all(['a', 'b', 'c'].map(async (s) => ({ envelope: await sealKey(s, from, { context: 'c' }), context: 'c' })))
    const results = await rotateMany(items, { from, to: 'new passphrase', policy, concurrency: 2 })
    expect(results.map((r) => [r.status, r.status === 'failed' ? r.code : r.envelope])).toEqual(items.map(() => ['failed', 'CRYPTO_FAILURE']))
    const streamed: unknown[] = []
    for await (const r of rotateStream(items, { from, to: 'new passphrase', policy })) streamed.push([r.status, (r as { code?: string }).code])
    expect(streamed).toEqual(items.map(() => ['failed', 'CRYPTO_FAILURE']))
  })

  it('a deterministic implementation still rotates, and the result opens with the passphrase', async () => {
    const from = await importKey(await generateKey())
    const policy = createPolicy({ argon2id: { implementation: steady, ...params } })
    const envelope = await sealKey('sk-a', from, { context: 'c' })
    const r = await rotateKey(envelope, { from, to: 'new passphrase', context: 'c', policy })
    expect(r.rotated).toBe(true)
    expect(await openKey(r.envelope, 'new passphrase', { context: 'c', policy })).toBe('sk-a')
  })
})

// The same for format v2 (src/v2/rotate.ts verify): before, the check opened with the derived key
// that sealed the passphrase stanza, so these rotations returned envelopes that never open.
describe('v2 rotation with a non-deterministic Argon2id implementation', async () => {
  const v2 = await import('../src/v2/index.js')
  const pair = await v2.generateKeyPair()
  const server = await v2.importPublicKey(pair.publicKey)
  const serverPriv = await v2.importKey(pair.privateKey)

  it('rotateKey (re-seal and replace) refuses with CRYPTO_FAILURE and returns no envelope', async () => {
    const from = await v2.importKey(await v2.generateKey())
    const policy = createPolicy({ argon2id: { implementation: random, ...params } })
    const envelope = await v2.sealKey('sk-a', [from, server], { context: 'c' })
    await expectCode(v2.rotateKey(envelope, { from, to: ['new passphrase', server], context: 'c', policy }), 'CRYPTO_FAILURE')
    await expectCode(v2.rotateKey(envelope, { from, to: 'new passphrase', context: 'c', policy }), 'CRYPTO_FAILURE')
    await expectCode(v2.rotateKey(envelope, { from: serverPriv, to: server, add: ['new passphrase'], context: 'c', policy }), 'CRYPTO_FAILURE')
  })

  it('rotateMany fails every item, with no envelope', async () => {
    const from = await v2.importKey(await v2.generateKey())
    const policy = createPolicy({ argon2id: { implementation: random, ...params } })
    const items = await Promise.all(['a', 'b', 'c'].map(async (s) => ({ envelope: await v2.sealKey(s, [from, server], { context: 'c' }), context: 'c' })))
    const results = await v2.rotateMany(items, { from, to: ['new passphrase', server], policy, concurrency: 2 })
    expect(results.map((r) => [r.status, r.status === 'failed' ? r.code : r.envelope])).toEqual(items.map(() => ['failed', 'CRYPTO_FAILURE']))
  })

  it('a deterministic implementation still rotates, and the result opens with the passphrase and the private key', async () => {
    const from = await v2.importKey(await v2.generateKey())
    const policy = createPolicy({ argon2id: { implementation: steady, ...params } })
    const envelope = await v2.sealKey('sk-a', [from, server], { context: 'c' })
    const r = await v2.rotateKey(envelope, { from, to: ['new passphrase', server], context: 'c', policy })
    expect(r.rotated).toBe(true)
    expect(await v2.openKey(r.envelope, 'new passphrase', { context: 'c', policy })).toBe('sk-a')
    expect(await v2.openKey(r.envelope, serverPriv, { context: 'c', policy })).toBe('sk-a')
    const many = await v2.rotateMany([{ envelope, context: 'c' }, { envelope, context: 'c' }], { from, to: 'new passphrase', policy })
    expect(many.map((x) => x.status)).toEqual(['ok', 'ok'])
  })
})
