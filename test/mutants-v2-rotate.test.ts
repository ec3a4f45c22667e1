// Tests written to kill the mutants StrykerJS left alive in src/v2/rotate.ts lines 1–261 (`prepare`,
// `release`, `stanzaReasons`, `time`, `needsRotation`), baseline run of e547700 (/work/mutbase). Each
// comment names the mutant (file:line, original -> mutated) that passed every other test of the set.
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as main from '../src/index'
import { createKeyring, createPolicy, deriveKey, generateKey, generateKeyPair, importKey, importPublicKey, inspect, needsRotation, openKey, rotateKey, sealKey } from '../src/v2/index'
import * as ref from './reference/v2.mjs'
import { b64u, captureEncodings, expectCode, TEST_POLICY, unb64u } from './helpers'

afterEach(() => {
  vi.restoreAllMocks()
})

const policy = TEST_POLICY
const o = { policy, context: 'row:1' }

async function v2Envelope(): Promise<string> {
  const p = await generateKeyPair()
  return sealKey('sk-v2', ['a user pass phrase', await importPublicKey(p.publicKey, { keyId: 'srv' })], o)
}

describe('src/v2/rotate.ts: needsRotation options for a v2 envelope (time, TOO_OLD)', () => {
  // rotate.ts:239 `… || …` -> `&&`, each side -> `false`; rotate.ts:240's code -> `""` (no coverage):
  // `maxAgeMs` without `sealedAt`, or `sealedAt` without `maxAgeMs`, is INVALID_OPTIONS, not ignored.
  it('maxAgeMs and sealedAt come together', async () => {
    const env = await v2Envelope()
    await expectCode(() => needsRotation(env, { policy, maxAgeMs: 1000 }), 'INVALID_OPTIONS')
    await expectCode(() => needsRotation(env, { policy, sealedAt: 0 }), 'INVALID_OPTIONS')
    expect([...needsRotation(env, { policy, maxAgeMs: 1000, sealedAt: 0, now: 10 })]).toEqual([])
  })

  // rotate.ts:200 the condition -> `false`, `||` -> `&&`; its code -> `""` (no coverage): NaN,
  // Infinity, a string and an invalid Date are INVALID_OPTIONS in each of the three fields.
  it('non-finite or non-number times are refused', async () => {
    const env = await v2Envelope()
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '5', new Date(Number.NaN)]) {
      await expectCode(() => needsRotation(env, { policy, maxAgeMs: bad as never, sealedAt: 0, now: 10 }), 'INVALID_OPTIONS')
      await expectCode(() => needsRotation(env, { policy, maxAgeMs: 1, sealedAt: bad as never, now: 10 }), 'INVALID_OPTIONS')
      await expectCode(() => needsRotation(env, { policy, maxAgeMs: 1, sealedAt: 0, now: bad as never }), 'INVALID_OPTIONS')
    }
  })

  // rotate.ts:242 `maxAge < 0` -> `false` and -> `maxAge <= 0`; its code -> `""` (no coverage):
  // a negative bound is refused, 0 is a bound (anything sealed before now is too old).
  it('a negative maxAgeMs is refused; 0 is accepted', async () => {
    const env = await v2Envelope()
    await expectCode(() => needsRotation(env, { policy, maxAgeMs: -1, sealedAt: 0, now: 10 }), 'INVALID_OPTIONS')
    expect([...needsRotation(env, { policy, maxAgeMs: 0, sealedAt: 10, now: 10 })]).toEqual([])
    expect([...needsRotation(env, { policy, maxAgeMs: 0, sealedAt: 9, now: 10 })]).toEqual(['TOO_OLD'])
  })

  // rotate.ts:243 `c.now === undefined` -> `true`, `false`, `!==`; rotate.ts:244 `> maxAge` -> `true`,
  // `>=`, and `now - sealedAt` -> `now + sealedAt`: a given `now` (number or Date) is used, the
  // clock without it; the age is `now - sealedAt`, and exactly `maxAgeMs` old is not too old.
  it('TOO_OLD is now - sealedAt > maxAgeMs, with `now` when given and the clock otherwise', async () => {
    const env = await v2Envelope()
    const day = 86_400_000
    expect([...needsRotation(env, { policy, maxAgeMs: 1000, sealedAt: 1000, now: 1500 })]).toEqual([])
    expect([...needsRotation(env, { policy, maxAgeMs: 1000, sealedAt: 1000, now: 2000 })]).toEqual([])
    expect([...needsRotation(env, { policy, maxAgeMs: 1000, sealedAt: 1000, now: 2001 })]).toEqual(['TOO_OLD'])
    expect([...needsRotation(env, { policy, maxAgeMs: day, sealedAt: new Date(0), now: new Date(day + 1) })]).toEqual(['TOO_OLD'])
    // Without `now`: the clock. Sealed ten days ago, one day allowed: too old; sealed a year ahead: not.
    expect([...needsRotation(env, { policy, maxAgeMs: day, sealedAt: Date.now() - 10 * day })]).toEqual(['TOO_OLD'])
    expect([...needsRotation(env, { policy, maxAgeMs: day, sealedAt: Date.now() + 365 * day })]).toEqual([])
  })

  // rotate.ts:231 `typeof envelope !== 'string'` -> `false`: a non-string envelope is v1's
  // MALFORMED_ENVELOPE, not a TypeError from `startsWith`.
  it('a non-string envelope is MALFORMED_ENVELOPE', async () => {
    for (const bad of [42, null, {}]) await expectCode(() => needsRotation(bad as never, policy), 'MALFORMED_ENVELOPE')
  })

  // rotate.ts:168 the code of `keyringState(keyring) ?? fail('INVALID_OPTIONS')` -> `""` (no coverage).
  it('a keyring option that is not a keyring is INVALID_OPTIONS', async () => {
    const env = await v2Envelope()
    await expectCode(() => needsRotation(env, { policy, keyring: {} as never }), 'INVALID_OPTIONS')
  })
})

describe('src/v2/rotate.ts: passphrase copies (prepare, release)', () => {
  // rotate.ts:129 `wipeRecipients(r.recipients)` removed, rotate.ts:130 `'sym' in r.from` -> `false`
  // / `""` / `[r.from]` -> `[]`, rotate.ts:128 release's body emptied: after a v2 replace, every
  // copy of the `from` and `to` passphrases is all zero.
  it('a v2 passphrase change leaves no copy of either passphrase', async () => {
    const from = 'the old pass phrase here'
    const to = 'the new pass phrase here'
    const p = await generateKeyPair()
    const env = await sealKey('sk-w', [from, await importPublicKey(p.publicKey)], o)
    const copies = captureEncodings(from, to)
    const r = await rotateKey(env, { from, to, ...o })
    vi.restoreAllMocks()
    expect(copies.length).toBeGreaterThanOrEqual(2)
    for (const c of copies) expect(c.every((x) => x === 0)).toBe(true)
    expect(await openKey(r.envelope, to, o)).toBe('sk-w')
  })

  // rotate.ts:131 `if (r.v1)` -> `if (false)`, `wipeRotation(r.v1)` removed: a v1 envelope rotated by
  // v1's rules (a second set of copies, made by v1's rotation) leaves no copy either.
  it('a v1 passphrase change through v1 rotation leaves no copy', async () => {
    const from = 'the old v1 pass phrase'
    const to = 'the new v1 pass phrase'
    const env = await main.sealKey('sk-v1', from, o)
    const copies = captureEncodings(from, to)
    const r = await rotateKey(env, { from, to, ...o })
    vi.restoreAllMocks()
    expect(r.envelope.startsWith('ks1.')).toBe(true)
    expect(copies.length).toBeGreaterThanOrEqual(4)
    for (const c of copies) expect(c.every((x) => x === 0)).toBe(true)
    expect(await main.openKey(r.envelope, to, o)).toBe('sk-v1')
  })

  // rotate.ts:122 `'sym' in from` -> `false` / `""`, `[from]` -> `[]`: when a recipient is refused
  // after `from` was resolved, the copy of the `from` passphrase is wiped.
  it('a refused recipient list leaves no copy of the `from` passphrase', async () => {
    const from = 'a from pass phrase to drop'
    const env = await v2Envelope()
    const copies = captureEncodings(from)
    await expectCode(rotateKey(env, { from, to: ['same pass phrase', 'same pass phrase'], ...o }), 'INVALID_OPTIONS')
    vi.restoreAllMocks()
    expect(copies.length).toBe(1)
    expect(copies[0]!.every((x) => x === 0)).toBe(true)
  })

  // rotate.ts:99 `o.from === undefined` -> `false`: no `from` is INVALID_OPTIONS, not INVALID_KEY.
  it('rotateKey without `from` is INVALID_OPTIONS', async () => {
    const env = await v2Envelope()
    await expectCode(rotateKey(env, { to: 'x pass phrase', ...o } as never), 'INVALID_OPTIONS')
  })
})


describe('src/v2/rotate.ts: alreadyFor and stanzaReasons in a replace', () => {
  // rotate.ts:258 `keyState(k) !== undefined && opened.key === k` -> `||`, and `opened.key === k` ->
  // `true`: another raw key under the same key id is another recipient, so the stanza is replaced.
  it('a different raw key with the same key id is rotated to', async () => {
    const [a, b] = [await importKey(await generateKey(), { keyId: 'dev' }), await importKey(await generateKey(), { keyId: 'dev' })]
    const env = await sealKey('sk-raw', [a], o)
    const r = await rotateKey(env, { from: a, to: b, ...o })
    expect(r.rotated).toBe(true)
    expect(await openKey(r.envelope, b, o)).toBe('sk-raw')
  })

  // rotate.ts:255 `(s as HpkeStanza).keyId === to.keyId` -> `true`: the same public key under another
  // key id is a rotation (the stanza gets the new id), not "already this recipient".
  it('the same public key under a new key id is rotated to, recording the new id', async () => {
    const p = await generateKeyPair()
    const env = await sealKey('sk-id', [await importPublicKey(p.publicKey, { keyId: 'a' })], o)
    const r = await rotateKey(env, { from: await importKey(p.privateKey, { keyId: 'a' }), to: await importPublicKey(p.publicKey, { keyId: 'b' }), ...o })
    expect(r.rotated).toBe(true)
    expect(inspect(r.envelope).recipients[0]).toMatchObject({ kind: 'p256', keyId: 'b' })
  })

  // rotate.ts:180 `if (strict)` -> `if (true)`: a rotation only checks the opening bounds of the
  // stanza it opens; another passphrase stanza below them is kept, byte for byte, not an error.
  it('a passphrase stanza out of the opening bounds does not stop the rotation of the server stanza', async () => {
    const [p, q] = [await generateKeyPair(), await generateKeyPair()]
    const env = await sealKey('sk-b', ['a user pass phrase', await importPublicKey(p.publicKey)], o)
    const strict = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 2000 } })
    await expectCode(() => needsRotation(env, strict), 'PARAMS_OUT_OF_POLICY')
    const r = await rotateKey(env, { from: await importKey(p.privateKey), to: await importPublicKey(q.publicKey), context: o.context, policy: strict })
    expect(r.rotated).toBe(true)
    expect(await openKey(r.envelope, await importKey(q.privateKey), o)).toBe('sk-b')
  })
})

describe('src/v2/rotate.ts: keyring kinds (kindsOf, stanzaReasons) and the key id of a kept raw key', () => {
  // rotate.ts:258 `header.keyId === (to.keyId ?? k.keyId)` -> `true`: a stanza of the same raw key
  // material that records no id is rotated to the key with id `r1`, so that it records `r1`.
  it('a raw stanza without key id is re-wrapped to record the id of the same key', async () => {
    const bytes = await generateKey()
    const env = await sealKey('sk-kid', [await importKey(bytes)], o)
    const k = await importKey(bytes, { keyId: 'r1' })
    const r = await rotateKey(env, { from: k, to: k, ...o })
    expect(r.rotated).toBe(true)
    expect(inspect(r.envelope).recipients[0]).toMatchObject({ kind: 'raw', keyId: 'r1' })
  })

  // rotate.ts:162 `keyState(e.key) && kind === 'raw'` -> `false`, `||`, `kind === 'raw'` -> `true`,
  // `!==`, both `'raw'` -> `""` (4 of them no coverage); rotate.ts:179 `params.kdf === 'raw'` ->
  // `false`, both `'raw'` -> `""`: a keyring of raw keys judges the raw stanza only, one of derived
  // (passphrase) key objects the passphrase stanza only.
  it('a raw-key keyring judges raw stanzas, a derived-key keyring passphrase stanzas', async () => {
    const p = await generateKeyPair()
    const raw = await importKey(await generateKey(), { keyId: 'old' })
    const env = await sealKey('sk-kinds', ['a user pass phrase', raw, await importPublicKey(p.publicKey)], o)
    const raws = createKeyring([{ id: 'new', key: await importKey(await generateKey()), primary: true }])
    expect(needsRotation(env, { keyring: raws, policy }).recipients).toEqual([[], ['KEY_NOT_PRIMARY', 'UNKNOWN_KEY_ID'], []])
    const derived = createKeyring([{ id: 'u', key: await deriveKey('another pass phrase', { policy }), primary: true }])
    expect(needsRotation(env, { keyring: derived, policy }).recipients).toEqual([['KEY_NOT_PRIMARY'], [], []])
  })
})

describe('src/v2/rotate.ts: an unsupported stanza has no reasons (stanzaReasons)', () => {
  // rotate.ts:171 `'unsupported' in s` -> `false`, `'unsupported'` -> `""`, `return []` ->
  // `["Stryker was here"]` (no coverage): a stanza of a kind this build does not know gets no
  // keyring reasons, even from a keyring of private keys (the default kind is p256).
  it('a stanza of an unknown kind gets no reasons from a keyring of private keys', async () => {
    const p = await generateKeyPair()
    const env = await sealKey('sk-unk', [await importPublicKey(p.publicKey, { keyId: 'srv' })], o)
    const e = ref.parse(env)
    const head = unb64u(env.split('.')[1]!)
    const stanzas = [...e.stanzas.map((x: { bytes: Buffer }) => Buffer.from(x.bytes)), Buffer.from([0x09, 0, 3, 1, 2, 3])]
    const header = Buffer.concat([Buffer.from(e.core), Buffer.from([stanzas.length]), ...stanzas, Buffer.from(head.subarray(head.length - 32))])
    const withUnknown = `ks2.${b64u(header)}.${b64u(Buffer.from(e.payload))}`
    expect(inspect(withUnknown).recipients.map((r) => r.kind)).toEqual(['p256', 'unsupported'])
    const servers = createKeyring([{ id: 'srv', key: await importKey(p.privateKey), primary: true }])
    expect(needsRotation(withUnknown, { keyring: servers, policy }).recipients).toEqual([[], []])
  })
})

describe('src/v2/rotate.ts: the verifier is the first new recipient that can open (sealers)', () => {
  /** Flip a bit in the output of the first AES-GCM encryption of a 32-byte plaintext (a file-key wrap). */
  function corruptFirstWrap(): { count: () => number } {
    const subtle = globalThis.crypto.subtle
    const real = subtle.encrypt.bind(subtle)
    let n = 0
    vi.spyOn(subtle, 'encrypt').mockImplementation(async (alg: Parameters<SubtleCrypto['encrypt']>[0], key: CryptoKey, data: BufferSource) => {
      const out = new Uint8Array(await real(alg, key, data))
      if ((data as ArrayBufferView).byteLength === 32 && ++n === 1) out[0]! ^= 1
      return out.buffer
    })
    return { count: () => n }
  }

  // rotate.ts:150 `verifier === undefined` -> `true`, `false`, `!==`, its block emptied; rotate.ts:153
  // `'sym' in y` -> `"" in y`: a broken first stanza is caught by opening the new envelope with the
  // first recipient (a private key, a raw key); the file-key check alone (only a public key) cannot see it.
  it('a broken wrap for the first recipient is CRYPTO_FAILURE when that recipient can open', async () => {
    const [a, b, c] = [await generateKeyPair(), await generateKeyPair(), await generateKeyPair()]
    const from = await importKey(a.privateKey)
    const env = await sealKey('sk-verifier-x', [await importPublicKey(a.publicKey)], o)
    const lists = [[await importKey(b.privateKey)], [await importKey(b.privateKey), await importPublicKey(c.publicKey)], [await importKey(await generateKey())]]
    for (const to of lists) {
      const spy = corruptFirstWrap()
      await expectCode(rotateKey(env, { from, to, ...o }), 'CRYPTO_FAILURE')
      expect(spy.count()).toBeGreaterThanOrEqual(1)
      vi.restoreAllMocks()
    }
    // What the file-key check sees: a public-key list passes with the same corruption.
    corruptFirstWrap()
    const r = await rotateKey(env, { from, to: [await importPublicKey(b.publicKey)], ...o })
    vi.restoreAllMocks()
    await expectCode(openKey(r.envelope, await importKey(b.privateKey), o), 'AUTH_FAILED')
  })
})
