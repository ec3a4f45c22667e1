// Rotation of v2 envelopes (docs/format-v2.md §14, §17.5): replace keeps every other stanza and the
// file key; re-seal draws a new file key (so a removed recipient's old file key opens nothing);
// verification; needsRotation per recipient; rotateMany; v1 envelopes through v1's rules or to v2.
// The independent node:crypto reference (test/reference/v2.mjs) opens every result and reports
// the file key, so the file-key claims are checked outside the library.
import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as main from '../src/index'
import {
  createKeyring, createPolicy, generateKey, generateKeyPair, importKey, importPublicKey, inspect, needsRotation, openKey, rotateKey, rotateMany, sealKey,
} from '../src/v2/index'
import * as ref from './reference/v2.mjs'
import { expectCode, TEST_POLICY } from './helpers'

const policy = TEST_POLICY
const CTX = 'user:42/openai'
const o = { context: CTX, policy }
const PW = 'correct horse battery staple'
const PW2 = 'a brand new passphrase'

async function pair(keyId?: string) {
  const p = await generateKeyPair()
  const opts = keyId === undefined ? {} : { keyId }
  const b = (s: string) => Buffer.from(s.slice(6), 'base64url')
  return {
    strings: p,
    pub: await importPublicKey(p.publicKey, opts),
    priv: await importKey(p.privateKey, opts),
    ref: { privateKey: b(p.privateKey).subarray(0, 32), publicKey: b(p.publicKey), ...(keyId === undefined ? {} : { keyId }) },
  }
}

/** Decrypt a v2 payload with a given file key, outside the library (§6); undefined if it fails. */
function payloadWith(envelope: string, fk: Buffer, context: string): string | undefined {
  const e = ref.parse(envelope)
  const okm = Buffer.from(hkdfSync('sha256', fk, e.salt, 'keyseal v2 payload key and header mac key', 64))
  const mac = createHmac('sha256', okm.subarray(32)).update(Buffer.concat([e.headerWithoutMac, Buffer.from(context)])).digest()
  if (!mac.equals(e.mac)) return undefined
  try {
    const d = createDecipheriv('aes-256-gcm', okm.subarray(0, 32), Buffer.alloc(12))
    d.setAAD(Buffer.concat([e.core, Buffer.from(context)]))
    d.setAuthTag(e.payload.subarray(-16))
    return Buffer.concat([d.update(e.payload.subarray(0, -16)), d.final()]).toString()
  } catch {
    return undefined
  }
}

afterEach(() => vi.restoreAllMocks())

describe('replace (§14.1): one recipient gets a new key, every other stanza kept', () => {
  it('the server rotates its key pair with only its old private key and new public key', async () => {
    const [a, b] = [await pair('srv-1'), await pair('srv-2')]
    const env = await sealKey('sk-rot', [PW, a.pub], { ...o, label: 'openai · sk-…-rot' })
    const r = await rotateKey(env, { from: a.priv, to: b.pub, ...o })
    expect(r.rotated).toBe(true)
    expect(r.reasons).toEqual([])
    const [before, after] = [ref.parse(env), ref.parse(r.envelope)]
    expect(after.core.equals(before.core)).toBe(true) // salt and label
    expect(after.payload.equals(before.payload)).toBe(true)
    expect(after.stanzas[0]!.bytes.equals(before.stanzas[0]!.bytes)).toBe(true) // the user's stanza
    expect(after.stanzas[1]!.bytes.equals(before.stanzas[1]!.bytes)).toBe(false)
    // The file key is kept (the reference recovers it from each side).
    expect(ref.open(r.envelope, b.ref, CTX).fk.equals(ref.open(env, a.ref, CTX).fk)).toBe(true)
    expect(ref.open(r.envelope, { passphrase: PW }, CTX).secret.toString()).toBe('sk-rot')
    expect(await openKey(r.envelope, b.priv, o)).toBe('sk-rot')
    await expectCode(openKey(r.envelope, a.priv, o), 'KEY_MISMATCH')
    expect(inspect(r.envelope).label).toBe('openai · sk-…-rot')
  })

  it('a passphrase change in the browser leaves the server stanza alone', async () => {
    const s = await pair('srv')
    const env = await sealKey('sk-pw', [PW, s.pub], o)
    const r = await rotateKey(env, { from: PW, to: PW2, ...o })
    expect(ref.parse(r.envelope).stanzas[1]!.bytes.equals(ref.parse(env).stanzas[1]!.bytes)).toBe(true)
    expect(ref.open(r.envelope, { passphrase: PW2 }, CTX).secret.toString()).toBe('sk-pw')
    await expectCode(openKey(r.envelope, PW, o), 'AUTH_FAILED')
    expect(await openKey(r.envelope, s.priv, o)).toBe('sk-pw')
  })

  it('add appends stanzas and keeps the others; a keyring `to` means its primary with its id', async () => {
    const [s, t] = [await pair('srv'), await pair()]
    const raw = await main.importKey(await generateKey())
    const env = await sealKey('sk-add', [PW, s.pub], o)
    const r = await rotateKey(env, { from: s.priv, to: s.pub, add: [t.pub, raw], ...o })
    const [before, after] = [ref.parse(env), ref.parse(r.envelope)]
    expect(after.stanzas.length).toBe(4)
    expect(after.stanzas[0]!.bytes.equals(before.stanzas[0]!.bytes)).toBe(true)
    expect(await openKey(r.envelope, t.priv, o)).toBe('sk-add')
    expect(await openKey(r.envelope, raw, o)).toBe('sk-add')
    const ring = createKeyring([{ id: 'user-7', key: PW2 }])
    const viaRing = await rotateKey(env, { from: PW, to: ring, ...o })
    expect(inspect(viaRing.envelope).recipients[0]).toMatchObject({ kind: 'passphrase', keyId: 'user-7' })
    expect(await openKey(viaRing.envelope, ring, o)).toBe('sk-add')
    // Over 16 stanzas: INVALID_OPTIONS.
    const many = await Promise.all(Array.from({ length: 15 }, () => pair()))
    await expectCode(rotateKey(env, { from: PW, to: PW2, add: many.map((x) => x.pub), ...o }), 'INVALID_OPTIONS')
  })

  it('moves parameters: a weak passphrase stanza is re-derived under the policy; needsRotation says which stanza', async () => {
    const weak = createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
    const strong = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000 } })
    const s = await pair('srv')
    const env = await sealKey('sk-kdf', [PW, s.pub], { context: CTX, policy: weak })
    const reasons = needsRotation(env, strong)
    expect([...reasons]).toEqual(['KDF_BELOW_POLICY'])
    expect(reasons.recipients).toEqual([['KDF_BELOW_POLICY'], []])
    const r = await rotateKey(env, { from: PW, to: PW, context: CTX, policy: strong })
    expect(r.reasons).toEqual(['KDF_BELOW_POLICY'])
    expect(inspect(r.envelope).recipients[0]).toMatchObject({ kind: 'passphrase', kdf: { kdf: 'pbkdf2-sha256', iterations: 2000 } })
    expect(needsRotation(r.envelope, strong).recipients).toEqual([[], []])
    expect(ref.parse(r.envelope).stanzas[1]!.bytes.equals(ref.parse(env).stanzas[1]!.bytes)).toBe(true)
  })

  it('rotated: false only when `to` provably is the opened stanza\'s recipient and nothing needs doing', async () => {
    const s = await pair('srv-2')
    const env = await sealKey('sk-same', [PW, s.pub], o)
    const same = await rotateKey(env, { from: s.priv, to: s.pub, ...o })
    expect(same).toEqual({ envelope: env, rotated: false, reasons: [] })
    // Another public key under the same id is not the same recipient.
    const other = await pair('srv-2')
    expect((await rotateKey(env, { from: s.priv, to: other.pub, ...o })).rotated).toBe(true)
    // A passphrase is never recognised; `add` always rotates.
    expect((await rotateKey(env, { from: PW, to: PW, ...o })).rotated).toBe(true)
    expect((await rotateKey(env, { from: s.priv, to: s.pub, add: [other.pub], ...o })).rotated).toBe(true)
    const raw = await main.importKey(await generateKey(), { keyId: 'dev' })
    const envRaw = await sealKey('sk-raw', [raw, s.pub], o)
    expect((await rotateKey(envRaw, { from: raw, to: raw, ...o })).rotated).toBe(false)
  })
})

describe('re-seal (§14.2): a new recipient list and a fresh file key', () => {
  it('removing a recipient: the removed party cannot open the result, not even with the old file key', async () => {
    const [s, backup] = [await pair('srv'), await pair('backup')]
    const env = await sealKey('sk-rm', [PW, s.pub, backup.pub], { ...o, label: 'kept label' })
    const oldFk = ref.open(env, backup.ref, CTX).fk
    // What a replace would do: the file key stays, and the old file key opens the copy.
    const replaced = await rotateKey(env, { from: PW, to: PW2, ...o })
    expect(payloadWith(replaced.envelope, oldFk, CTX)).toBe('sk-rm')
    // The re-seal without the backup: new file key, salt and payload.
    const r = await rotateKey(env, { from: s.priv, to: [PW, s.pub], ...o })
    expect(r.rotated).toBe(true)
    const [before, after] = [ref.parse(env), ref.parse(r.envelope)]
    expect(after.salt.equals(before.salt)).toBe(false)
    expect(after.payload.equals(before.payload)).toBe(false)
    expect(after.stanzas.length).toBe(2)
    expect(ref.open(r.envelope, s.ref, CTX).fk.equals(oldFk)).toBe(false)
    expect(payloadWith(r.envelope, oldFk, CTX)).toBeUndefined()
    await expectCode(openKey(r.envelope, backup.priv, o), 'KEY_MISMATCH')
    expect(ref.open(r.envelope, { passphrase: PW }, CTX).secret.toString()).toBe('sk-rm')
    expect(inspect(r.envelope).label).toBe('kept label')
    // `add` with an array is INVALID_OPTIONS: the array is the whole list.
    await expectCode(rotateKey(env, { from: PW, to: [PW], add: [s.pub], ...o }), 'INVALID_OPTIONS')
  })

  it('a v1 envelope: one symmetric `to` is v1 rotation (ks1.); a list moves it to v2', async () => {
    const s = await pair('srv')
    const v1 = await main.sealKey('sk-v1', PW, o)
    const kept = await rotateKey(v1, { from: PW, to: PW2, ...o })
    expect(kept.envelope.startsWith('ks1.')).toBe(true)
    expect(await main.openKey(kept.envelope, PW2, o)).toBe('sk-v1')
    const up = await rotateKey(v1, { from: PW, to: [PW, s.pub], ...o })
    expect(up.envelope.startsWith('ks2.')).toBe(true)
    expect(await openKey(up.envelope, s.priv, o)).toBe('sk-v1')
    expect(ref.open(up.envelope, { passphrase: PW }, CTX).secret.toString()).toBe('sk-v1')
    const up2 = await rotateKey(v1, { from: PW, to: s.pub, ...o })
    expect(inspect(up2.envelope).recipients.map((x) => x.kind)).toEqual(['p256'])
    await expectCode(rotateKey(v1, { from: s.priv, to: [s.pub], ...o }), 'KEY_MISMATCH')
  })
})

describe('verification (§14.3)', () => {
  /** Flip the n-th decryption whose output is `len` bytes long (the payload), counting them. */
  function flipPayload(len: number, n: number): { count: () => number } {
    const subtle = globalThis.crypto.subtle
    const real = subtle.decrypt.bind(subtle)
    let calls = 0
    vi.spyOn(subtle, 'decrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['decrypt']>) => {
      const out = new Uint8Array(await real(...args))
      if (out.length === len && ++calls === n) out[0]! ^= 1
      return out.buffer
    })
    return { count: () => calls }
  }

  it('a new private-key recipient: the new envelope is opened with it; a disagreement is CRYPTO_FAILURE', async () => {
    const [a, b] = [await pair(), await pair()]
    const env = await sealKey('sk-verify-1', [PW, a.pub], o)
    const spy = flipPayload('sk-verify-1'.length, 2)
    await expectCode(rotateKey(env, { from: a.priv, to: b.priv, ...o }), 'CRYPTO_FAILURE', ['sk-verify-1'])
    expect(spy.count()).toBe(2)
  })

  it('only a public key: the file-key check still decrypts the new payload', async () => {
    const [a, b] = [await pair(), await pair()]
    const env = await sealKey('sk-verify-2', [PW, a.pub], o)
    const spy = flipPayload('sk-verify-2'.length, 2)
    await expectCode(rotateKey(env, { from: a.priv, to: b.pub, ...o }), 'CRYPTO_FAILURE', ['sk-verify-2'])
    expect(spy.count()).toBe(2)
  })

  it('a re-seal to a passphrase derives once for sealing, plus one independent check per call (issue 11 item 8)', async () => {
    const s = await pair()
    const env = await sealKey('sk-verify-3', [s.pub], o)
    const subtle = globalThis.crypto.subtle
    const spy = vi.spyOn(subtle, 'deriveBits')
    const pbkdf2 = (): number => spy.mock.calls.filter((c) => (c[0] as { name: string }).name === 'PBKDF2').length
    const r = await rotateKey(env, { from: s.priv, to: [PW2, s.pub], ...o })
    // One derivation seals the stanza and verifies with the derived key; one more opens the new
    // envelope from the passphrase itself (a fresh KDF), as v1 rotation does.
    expect(pbkdf2()).toBe(2)
    expect(await openKey(r.envelope, PW2, o)).toBe('sk-verify-3')
    spy.mockClear()
    // A batch: still one sealing derivation and one independent check for the whole call.
    const many = await rotateMany([env, env, env], { from: s.priv, to: [PW2, s.pub], ...o })
    expect(many.map((x) => x.status)).toEqual(['ok', 'ok', 'ok'])
    expect(pbkdf2()).toBe(2)
    spy.mockRestore()
  })
})

describe('needsRotation per recipient (§14.4)', () => {
  it('keyring reasons only for stanzas of a kind the keyring holds; TOO_OLD for the envelope', async () => {
    const [old, cur] = [await pair(), await pair()]
    const servers = createKeyring([
      { id: 'srv-1', key: old.priv, disabled: true },
      { id: 'srv-2', key: cur.priv, primary: true },
    ])
    const env = await sealKey('sk', [PW, await importPublicKey(old.strings.publicKey, { keyId: 'srv-1' })], o)
    const r = needsRotation(env, { keyring: servers, policy, sealedAt: 0, maxAgeMs: 1, now: 10 })
    expect([...r]).toEqual(['KEY_NOT_PRIMARY', 'KEY_DISABLED', 'TOO_OLD'])
    expect(r.recipients).toEqual([[], ['KEY_NOT_PRIMARY', 'KEY_DISABLED']])
    expect(Object.isFrozen(r) && Object.isFrozen(r.recipients[1])).toBe(true)
    // A keyring of passphrases does judge the passphrase stanza, not the P-256 one.
    const users = createKeyring([{ id: 'u', key: PW }])
    expect(needsRotation(env, { keyring: users, policy }).recipients).toEqual([['KEY_NOT_PRIMARY'], []])
    const unknown = await sealKey('sk', [await importPublicKey(old.strings.publicKey, { keyId: 'srv-0' })], o)
    expect(needsRotation(unknown, servers).recipients).toEqual([['KEY_NOT_PRIMARY', 'UNKNOWN_KEY_ID']])
    // v1: v1's reasons, one recipient.
    const v1 = await main.sealKey('sk', PW, o)
    const weak = needsRotation(v1, createPolicy({ pbkdf2: { iterations: 5000, minIterations: 5000, openMinIterations: 1000 } }))
    expect([...weak]).toEqual(['KDF_BELOW_POLICY'])
    expect(weak.recipients).toEqual([['KDF_BELOW_POLICY']])
    // Out of the opening bounds: a typed error, as v1.
    await expectCode(() => needsRotation(env, createPolicy({ pbkdf2: { iterations: 600_000, minIterations: 600_000, openMinIterations: 500_000 } })), 'PARAMS_OUT_OF_POLICY')
  })
})

describe('rotateMany (§17.5)', () => {
  it('the server key rotation over every row, twice: ok, then skipped; a bad row fails alone', async () => {
    const [old, cur] = [await pair('srv-1'), await pair('srv-2')]
    const servers = createKeyring([
      { id: 'srv-1', key: old.priv },
      { id: 'srv-2', key: cur.priv, primary: true },
    ])
    const rows = await Promise.all(['sk-a', 'sk-b', 'sk-c'].map(async (s, id) => ({ id, context: `row:${id}`, envelope: await sealKey(s, [`user ${id} passphrase`, old.pub], { context: `row:${id}`, policy }) })))
    const items = [...rows, { id: 9, envelope: 'ks2.broken' }]
    const progress: number[] = []
    const first = await rotateMany(items, { from: servers, to: servers, policy, concurrency: 2, onProgress: (p) => progress.push(p.done) })
    expect(first.map((x) => x.status)).toEqual(['ok', 'ok', 'ok', 'failed'])
    expect(first[3]!.code).toBe('MALFORMED_ENVELOPE')
    expect(first[0]!.reasons).toEqual(['KEY_NOT_PRIMARY'])
    expect(progress.sort()).toEqual([1, 2, 3, 4])
    for (const [i, x] of first.slice(0, 3).entries()) {
      expect(ref.parse(x.envelope!).stanzas[0]!.bytes.equals(ref.parse(rows[i]!.envelope).stanzas[0]!.bytes)).toBe(true)
      expect(await openKey(x.envelope!, cur.priv, { context: `row:${i}`, policy })).toBe(['sk-a', 'sk-b', 'sk-c'][i])
      expect(await openKey(x.envelope!, `user ${i} passphrase`, { context: `row:${i}`, policy })).toBe(['sk-a', 'sk-b', 'sk-c'][i])
    }
    const second = await rotateMany(first.slice(0, 3).map((x, i) => ({ ...rows[i]!, envelope: x.envelope! })), { from: servers, to: servers, policy })
    expect(second.map((x) => x.status)).toEqual(['skipped', 'skipped', 'skipped'])
    expect(second.map((x) => x.envelope)).toEqual(first.slice(0, 3).map((x) => x.envelope))
  })

  it('aborts like v1: the call rejects with the reason, and the options are checked first', async () => {
    const s = await pair()
    const env = await sealKey('sk', [s.pub], o)
    const ac = new AbortController()
    ac.abort(new Error('stop'))
    await expect(rotateMany([env], { from: s.priv, to: s.pub, ...o, signal: ac.signal })).rejects.toThrow('stop')
    await expectCode(rotateMany([env], { from: s.priv, to: s.pub, ...o, concurrency: 0 }), 'INVALID_OPTIONS')
    await expectCode(rotateMany([env], { from: s.pub as never, to: s.pub, ...o }), 'KEY_USAGE')
  })
})
