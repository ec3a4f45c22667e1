// Keyrings holding P-256 private keys (docs/format-v2.md §17.7): the stanza's key id picks the
// private key; stanzas without an id are tried with each private key, primary first, within the
// 16-decapsulation bound; symmetric stanzas and v1 envelopes never use a private key.
import { describe, expect, it } from 'vitest'
import * as main from '../src/index'
import { createKeyring, generateKey, generateKeyPair, importKey, importPublicKey, inspect, openKey, sealKey } from '../src/v2/index'
import * as ref from './reference/v2.mjs'
import { expectCode, spySubtle, TEST_POLICY } from './helpers'

const policy = TEST_POLICY
const CTX = 'user:42/openai'
const o = { context: CTX, policy }
const PW = 'correct horse battery staple'

async function pair(keyId?: string) {
  const p = await generateKeyPair()
  const opts = keyId === undefined ? {} : { keyId }
  return { strings: p, pub: await importPublicKey(p.publicKey, opts), priv: await importKey(p.privateKey, opts), bare: await importKey(p.privateKey) }
}

describe('createKeyring of @org/keyseal/v2 with private keys', () => {
  it('the stanza key id picks the private key; a disabled one still opens; an unknown id is UNKNOWN_KEY_ID', async () => {
    const [a, b, c] = [await pair('srv-2025'), await pair('srv-2026'), await pair('srv-other')]
    const ring = createKeyring([
      { id: 'srv-2025', key: a.bare, disabled: true },
      { id: 'srv-2026', key: b.bare, primary: true },
    ])
    expect(ring.ids).toEqual(['srv-2025', 'srv-2026'])
    expect(ring.isDisabled('srv-2025')).toBe(true)
    expect(await openKey(await sealKey('sk-a', [PW, a.pub], o), ring, o)).toBe('sk-a')
    expect(await openKey(await sealKey('sk-b', [b.pub, PW], o), ring, o)).toBe('sk-b')
    await expectCode(openKey(await sealKey('sk-c', [PW, c.pub], o), ring, o), 'UNKNOWN_KEY_ID')
    // The id picks exactly one key: a stanza claiming srv-2026 but sealed to srv-2025's key fails.
    const lying = await sealKey('sk-l', [await importPublicKey(a.strings.publicKey, { keyId: 'srv-2026' })], o)
    await expectCode(openKey(lying, ring, o), 'AUTH_FAILED')
  })

  it('stanzas without a key id: every private key, primary first', async () => {
    const [a, b] = [await pair(), await pair()]
    const ring = createKeyring([
      { id: 'one', key: a.bare, primary: true },
      { id: 'two', key: b.bare },
    ])
    expect(await openKey(await sealKey('sk-1', [a.pub], o), ring, o)).toBe('sk-1')
    expect(await openKey(await sealKey('sk-2', [b.pub], o), ring, o)).toBe('sk-2')
  })

  it('at most 16 decapsulations per open: the primary gets full coverage, later keys only what is left', async () => {
    const others = await Promise.all(Array.from({ length: 15 }, () => pair()))
    const [k, other] = [await pair(), await pair()]
    // 16 stanzas without ids; the one for k is last.
    const env = await sealKey('sk-16', [...others.map((x) => x.pub), k.pub], o)
    expect(await openKey(env, k.bare, o)).toBe('sk-16')
    expect(await openKey(env, createKeyring([{ id: 'k', key: k.bare, primary: true }, { id: 'o', key: other.bare }]), o)).toBe('sk-16')
    // k second: the primary uses up the 16 decapsulations, k is never tried.
    const spy = spySubtle()
    try {
      await expectCode(openKey(env, createKeyring([{ id: 'o', key: other.bare, primary: true }, { id: 'k', key: k.bare }]), o), 'AUTH_FAILED')
      // One ECDH per decapsulation (deriveBits with ECDH), never more than 16.
      const ecdh = spy.calls('deriveBits').filter((c) => (c[0] as { name?: string }).name === 'ECDH')
      expect(ecdh.length).toBe(16)
    } finally {
      spy.restore()
    }
  })

  it('mixed keyrings: symmetric stanzas and v1 envelopes use the symmetric entries only', async () => {
    const s = await pair()
    const raw = await main.importKey(await generateKey())
    const ring = createKeyring([
      { id: 'server', key: s.bare, primary: true },
      { id: 'backup', key: raw },
      { id: 'user', key: PW },
    ])
    // v1 envelopes through the main entry's openKey, with the v2 keyring.
    expect(await main.openKey(await main.sealKey('v1-user', PW, { ...o, keyId: 'user' }), ring, o)).toBe('v1-user')
    expect(await main.openKey(await main.sealKey('v1-raw', raw, { ...o, keyId: 'backup' }), ring, o)).toBe('v1-raw')
    expect(await main.openKey(await main.sealKey('v1-noid', PW, o), ring, o)).toBe('v1-noid')
    // A v1 envelope whose key id names the private key: a kind mismatch, no key tried.
    await expectCode(main.openKey(await main.sealKey('v1', PW, { ...o, keyId: 'server' }), ring, o), 'KEY_MISMATCH')
    await expectCode(main.openKey(await main.sealKey('v1', PW, { ...o, keyId: 'nobody' }), ring, o), 'UNKNOWN_KEY_ID')
    // v2 envelope with all three: each opens through its own entry.
    const env = await sealKey('sk-mixed', [PW, raw, s.pub], o)
    expect(await openKey(env, ring, o)).toBe('sk-mixed')
    expect(await openKey(await sealKey('sk-raw', [raw], o), ring, o)).toBe('sk-raw')
  })

  it('kind rules for unknown ids: a keyring without private keys sees a keyed P-256 stanza as KEY_MISMATCH', async () => {
    const s = await pair('srv-1')
    const env = await sealKey('sk', [s.pub], o)
    await expectCode(openKey(env, createKeyring([{ id: 'a', key: PW }]), o), 'KEY_MISMATCH')
    await expectCode(openKey(env, main.createKeyring([{ id: 'a', key: PW }]), o), 'KEY_MISMATCH')
    const t = await pair()
    await expectCode(openKey(env, createKeyring([{ id: 'x', key: t.bare }]), o), 'UNKNOWN_KEY_ID')
    // And a private-keys-only keyring sees a keyed symmetric stanza as KEY_MISMATCH.
    const raw = await importKey(await generateKey(), { keyId: 'dev-1' })
    await expectCode(openKey(await sealKey('sk', [raw], o), createKeyring([{ id: 'x', key: t.bare }]), o), 'KEY_MISMATCH')
  })

  it('a keyring whose primary is a private key seals ks2. to its public half, with its id', async () => {
    const s = await pair()
    const ring = createKeyring([{ id: 'srv-9', key: s.bare }])
    const env = await sealKey('sk-ring', ring, o)
    expect(env.startsWith('ks2.')).toBe(true)
    expect(inspect(env).recipients).toEqual([{ kind: 'p256', keyId: 'srv-9' }])
    expect(await openKey(env, s.bare, o)).toBe('sk-ring')
    expect(ref.open(env, { privateKey: Buffer.from(s.strings.privateKey.slice(6), 'base64url').subarray(0, 32), publicKey: Buffer.from(s.strings.publicKey.slice(6), 'base64url') }, CTX).secret.toString()).toBe('sk-ring')
    // A passphrase primary with a label: v2, the stanza carries the entry id.
    const pwRing = createKeyring([{ id: 'user-7', key: PW }])
    const labelled = await sealKey('sk-pw', pwRing, { ...o, label: 'l' })
    expect(inspect(labelled).recipients[0]).toMatchObject({ kind: 'passphrase', keyId: 'user-7' })
    expect(await openKey(labelled, PW, o)).toBe('sk-pw')
    expect(await openKey(labelled, pwRing, o)).toBe('sk-pw') // the keyring's passphrase was not wiped
    // The main entry's sealKey does not know private keys: a typed error, never an envelope.
    await expectCode(main.sealKey('sk', ring, o), 'CRYPTO_FAILURE')
    // Inside a recipient list a keyring is still refused.
    await expectCode(sealKey('sk', [pwRing as never, s.pub], o), 'INVALID_KEY')
  })

  it('entry rules: a private key keeps its own id; a public key is no entry', async () => {
    const s = await pair('srv-1')
    expect(createKeyring([{ id: 'srv-1', key: s.priv }]).primaryId).toBe('srv-1')
    await expectCode(() => createKeyring([{ id: 'other', key: s.priv }]), 'INVALID_OPTIONS')
    await expectCode(() => createKeyring([{ id: 'p', key: s.pub as never }]), 'INVALID_KEY')
    await expectCode(() => createKeyring([{ id: 'a', key: s.bare }, { id: 'b', key: PW }]), 'INVALID_OPTIONS') // no primary
    expect(String(createKeyring([{ id: 'a', key: s.bare }]))).toBe('Keyring(1 keys, primary a)')
    expect(JSON.stringify(createKeyring([{ id: 'a', key: s.bare }]))).not.toContain(s.strings.privateKey.slice(6, 20))
  })
})
