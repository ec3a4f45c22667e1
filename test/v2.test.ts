// Format v2 through the public API of `@org/keyseal/v2` (src/v2/index.ts): the workflow, every
// recipient kind, the order of checks and codes of docs/format-v2.md §9/§13/§15, tampering,
// the recipient-vs-recipient claims of §11, rotation (§14), and agreement with the independent
// node:crypto reference (test/reference/v2.mjs) in both directions.
import { createECDH } from 'node:crypto'
import { fc, it as fcit } from '@fast-check/vitest'
import { describe, expect, it, vi } from 'vitest'
import * as main from '../src/index'
import {
  createKeyring, createPolicy, deriveKey, generateKey, generateKeyPair, importKey, importPublicKey, inspect, isKeysealError,
  KeysealPrivateKey, KeysealPublicKey, openKey, openKeyBytes, rotateRecipient, sealKey,
} from '../src/v2/index'
import { openV2, resolveOpenKey } from '../src/v2/envelope'
import { parseV2 } from '../src/v2/format'
import * as constants from '../src/constants'
import * as v2c from '../src/v2/constants'
import * as ref from './reference/v2.mjs'
import { b64u, expectCode, runs, spySubtle, TEST_POLICY, unb64u } from './helpers'

const policy = TEST_POLICY
const CTX = 'user:42/openai'
const PW = 'correct horse battery staple'
const o = { context: CTX, policy }

async function serverPair(keyId?: string) {
  const pair = await generateKeyPair()
  const opts = keyId === undefined ? {} : { keyId }
  return { pair, pub: await importPublicKey(pair.publicKey, opts), priv: await importKey(pair.privateKey, opts) }
}
/** The reference's view of a kssk1. string. */
const refPrivate = (s: string, keyId?: string) => {
  const b = Buffer.from(s.slice(6), 'base64url')
  return { privateKey: b.subarray(0, 32), publicKey: b.subarray(32), ...(keyId === undefined ? {} : { keyId }) }
}
const fields = (env: string) => env.split('.') as [string, string, string]

describe('constants shared with v1 by value', () => {
  it('repeats v1 values exactly', () => {
    expect(v2c.GCM_NONCE_LEN).toBe(constants.NONCE_LEN)
    expect(v2c.GCM_TAG_LEN).toBe(constants.TAG_LEN)
    expect(v2c.PAYLOAD_MAX).toBe(constants.BODY_MAX)
    expect(v2c.V2_STRING_MAX).toBe(4 + Math.ceil((4096 * 4) / 3) + 1 + Math.ceil((constants.BODY_MAX * 4) / 3))
  })
})

describe('the workflow: the browser seals for the user and the server; the job opens', () => {
  it('each recipient opens alone; both agree; the reference opens it too', async () => {
    const s = await serverPair('server-2026')
    const env = await sealKey('sk-proj-abcd', [PW, s.pub], { ...o, label: 'openai · sk-…abcd' })
    expect(env.startsWith('ks2.')).toBe(true)
    expect(await openKey(env, s.priv, o)).toBe('sk-proj-abcd')
    expect(await openKey(env, PW, o)).toBe('sk-proj-abcd')
    expect(ref.open(env, { passphrase: PW }, CTX).secret.toString()).toBe('sk-proj-abcd')
    expect(ref.open(env, refPrivate(s.pair.privateKey, 'server-2026'), CTX).secret.toString()).toBe('sk-proj-abcd')
    const info = inspect(env)
    expect(info.version).toBe(2)
    expect(info.label).toBe('openai · sk-…abcd')
    expect(info.recipients).toEqual([
      { kind: 'passphrase', kdf: { kdf: 'pbkdf2-sha256', iterations: 1000 }, keyId: undefined, salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) },
      { kind: 'p256', keyId: 'server-2026' },
    ])
    expect(info.secretLength).toBe(12)
    expect(info.byteLength).toBe(unb64u(fields(env)[1]).length + unb64u(fields(env)[2]).length)
  })

  it('the context is bound for every recipient', async () => {
    const s = await serverPair()
    const env = await sealKey('sk-x', [PW, s.pub], o)
    await expectCode(openKey(env, s.priv, { ...o, context: 'user:43/openai' }), 'AUTH_FAILED')
    await expectCode(openKey(env, PW, { ...o, context: 'user:43/openai' }), 'AUTH_FAILED')
    await expectCode(openKey(env, s.priv, { policy }), 'AUTH_FAILED')
  })

  it('the reference seals, keyseal opens (every recipient kind)', async () => {
    const s = await serverPair('srv')
    const raw = new Uint8Array(32).fill(9)
    const r = ref.seal({
      secret: 'sk-ref', context: CTX, label: 'ref', fk: new Uint8Array(32).fill(1), salt: new Uint8Array(16).fill(2),
      recipients: [
        { passphrase: PW, params: { kdf: 'pbkdf2-sha256', iterations: 1000 }, salt: new Uint8Array(16).fill(3), nonce: new Uint8Array(12).fill(4) },
        { raw, salt: new Uint8Array(16).fill(5), nonce: new Uint8Array(12).fill(6), keyId: 'backup' },
        { publicKey: refPrivate(s.pair.privateKey).publicKey, ephemeral: new Uint8Array(32).fill(7), keyId: 'srv' },
      ],
    })
    expect(await openKey(r.envelope, PW, o)).toBe('sk-ref')
    expect(await openKey(r.envelope, await importKey(raw, { keyId: 'backup' }), o)).toBe('sk-ref')
    expect(await openKey(r.envelope, s.priv, o)).toBe('sk-ref')
    expect(inspect(r.envelope).label).toBe('ref')
  })
})

describe('recipient kinds', () => {
  it('raw keys, derived keys and a private key (its public half) are recipients too', async () => {
    const raw = await importKey(await generateKey(), { keyId: 'raw-1' })
    const derived = await deriveKey('another passphrase', { policy, keyId: 'dk' })
    const s = await serverPair()
    const env = await sealKey(new Uint8Array([0, 1, 2]), [raw, derived, s.priv], o)
    expect([...(await openKeyBytes(env, raw, o))]).toEqual([0, 1, 2])
    expect([...(await openKeyBytes(env, derived, o))]).toEqual([0, 1, 2])
    expect([...(await openKeyBytes(env, 'another passphrase', o))]).toEqual([0, 1, 2])
    expect([...(await openKeyBytes(env, s.priv, o))]).toEqual([0, 1, 2])
    expect(inspect(env).recipients.map((r) => [r.kind, 'keyId' in r ? r.keyId : undefined])).toEqual([['raw', 'raw-1'], ['passphrase', 'dk'], ['p256', undefined]])
  })

  it('one symmetric key without a label still seals v1, byte-compatible with the main entry', async () => {
    const key = await main.importKey(await main.generateKey())
    const env = await sealKey('sk-v1', key, { context: CTX })
    expect(env.startsWith('ks1.')).toBe(true)
    expect(await main.openKey(env, key, { context: CTX })).toBe('sk-v1')
    expect(inspect(env)).toMatchObject({ version: 1, label: undefined, recipients: [{ kind: 'raw', keyId: undefined }] })
    const pwEnv = await sealKey('sk-v1', PW, o)
    expect(pwEnv.startsWith('ks1.')).toBe(true)
    expect(await main.openKey(pwEnv, PW, o)).toBe('sk-v1')
  })

  it('a single public key, or a label, seals v2', async () => {
    const s = await serverPair()
    expect((await sealKey('x', s.pub, o)).startsWith('ks2.')).toBe(true)
    expect((await sealKey('x', PW, { ...o, label: 'l' })).startsWith('ks2.')).toBe(true)
  })

  it('key objects are the same classes from both entries (one shared copy of the v1 code)', async () => {
    const key = await main.importKey(await main.generateKey())
    const env = await sealKey('sk', [key], o)
    expect(await openKey(env, key, o)).toBe('sk')
    const e = await importPublicKey('kspk1.xx').catch((x: unknown) => x)
    expect(main.isKeysealError(e, 'INVALID_KEY')).toBe(true)
  })

  it('the main entry (v1 only) still refuses ks2. with UNSUPPORTED_VERSION', async () => {
    const env = await sealKey('sk', [PW], o)
    await expectCode(main.openKey(env, PW, o), 'UNSUPPORTED_VERSION')
  })
})

describe('keys', () => {
  it('generateKeyPair strings; key objects redact; the public key round-trips its point', async () => {
    const { publicKey, privateKey } = await generateKeyPair()
    expect(publicKey).toMatch(/^kspk1\.[A-Za-z0-9_-]{87}$/)
    expect(privateKey).toMatch(/^kssk1\.[A-Za-z0-9_-]{130}$/)
    const b = Buffer.from(privateKey.slice(6), 'base64url')
    const e = createECDH('prime256v1')
    e.setPrivateKey(b.subarray(0, 32))
    expect(e.getPublicKey().toString('base64url')).toBe(publicKey.slice(6))
    expect(b.subarray(32).toString('base64url')).toBe(publicKey.slice(6))
    const priv = await importKey(privateKey, { keyId: 'k' })
    expect(priv).toBeInstanceOf(KeysealPrivateKey)
    expect(JSON.stringify(priv)).toBe('{"type":"KeysealPrivateKey","kind":"p256","keyId":"k"}')
    expect(String(priv)).toBe('KeysealPrivateKey(p256, k)')
    expect(Object.isFrozen(priv)).toBe(true)
    const pub = await importPublicKey(publicKey)
    expect(pub).toBeInstanceOf(KeysealPublicKey)
    expect(String(pub)).toBe('KeysealPublicKey(p256)')
  })

  it('refuses bad private keys with INVALID_KEY: wrong length, d = 0, d >= n, a pair that does not belong together, bad point', async () => {
    const { privateKey } = await generateKeyPair()
    const other = await generateKeyPair()
    const b = Buffer.from(privateKey.slice(6), 'base64url')
    const mk = (x: Uint8Array) => 'kssk1.' + Buffer.from(x).toString('base64url')
    const n = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex')
    const bad = [
      privateKey.slice(0, -1),
      privateKey + 'A',
      mk(Buffer.concat([Buffer.alloc(32), b.subarray(32)])),
      mk(Buffer.concat([n, b.subarray(32)])),
      mk(Buffer.concat([Buffer.from(n.map((x) => 0xff)), b.subarray(32)])),
      mk(Buffer.concat([b.subarray(0, 32), Buffer.from(other.publicKey.slice(6), 'base64url')])),
      mk(Buffer.concat([b.subarray(0, 32), Buffer.alloc(65, 4)])),
    ]
    for (const s of bad) await expectCode(importKey(s), 'INVALID_KEY', [s])
  })

  it('a public key cannot open (KEY_USAGE); a P-256 key never opens v1 (KEY_MISMATCH)', async () => {
    const s = await serverPair()
    const env = await sealKey('x', [s.pub], o)
    await expectCode(openKey(env, s.pub as never, o), 'KEY_USAGE')
    const v1 = await sealKey('x', PW, o)
    await expectCode(openKey(v1, s.priv, o), 'KEY_MISMATCH')
  })

  it('key ids pick stanzas: a private key with another id has no candidate (KEY_MISMATCH); without ids it is tried', async () => {
    const pair = await generateKeyPair()
    const env = await sealKey('x', [await importPublicKey(pair.publicKey, { keyId: 'a' })], o)
    await expectCode(openKey(env, await importKey(pair.privateKey, { keyId: 'b' }), o), 'KEY_MISMATCH')
    expect(await openKey(env, await importKey(pair.privateKey), o)).toBe('x')
    const other = await serverPair()
    await expectCode(openKey(env, other.priv, o), 'AUTH_FAILED')
    await expectCode(openKey(await sealKey('x', [PW], o), other.priv, o), 'KEY_MISMATCH')
  })

  it('the private key pair check does not rely on the platform (§10): (X, p - Y) is refused where a JWK import ignores x and y', async () => {
    const pair = await generateKeyPair()
    const b = Buffer.from(pair.privateKey.slice(6), 'base64url') // d || 04 || X || Y
    const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n
    const y = BigInt('0x' + b.subarray(65).toString('hex'))
    const negated = 'kssk1.' + Buffer.concat([b.subarray(0, 65), Buffer.from((P - y).toString(16).padStart(64, '0'), 'hex')]).toString('base64url')
    const subtle = globalThis.crypto.subtle
    const real = subtle.importKey.bind(subtle)
    // Like Deno, Firefox and WebKit (runtime matrix, 2026-12-07): a private JWK import uses d and
    // does not check x and y, emulated here by handing Node the right ones.
    const right = { x: b.subarray(33, 65).toString('base64url'), y: b.subarray(65).toString('base64url') }
    const spy = vi.spyOn(subtle, 'importKey').mockImplementation(((format: string, k: JsonWebKey, ...rest: never[]) =>
      real(format as never, (format === 'jwk' && k.d ? { ...k, ...right } : k) as never, ...(rest as [never, never, never]))) as never)
    try {
      await expectCode(importKey(negated), 'INVALID_KEY')
      expect(String(await importKey(pair.privateKey))).toBe('KeysealPrivateKey(p256)')
    } finally {
      spy.mockRestore()
    }
    await expectCode(importKey(negated), 'INVALID_KEY')
  })

  it('the key strings are refused as passphrases (they were meant for importPublicKey / importKey)', async () => {
    const { publicKey, privateKey } = await generateKeyPair()
    await expectCode(sealKey('x', [publicKey], o), 'INVALID_KEY', [publicKey])
    await expectCode(sealKey('x', [privateKey], o), 'INVALID_KEY', [privateKey])
  })
})

describe('sealing refuses (docs/format-v2.md §13)', () => {
  it('empty, too long and duplicate recipient lists; bad labels; keyId with v2', async () => {
    const s = await serverPair()
    const again = await importPublicKey((await generateKeyPair()).publicKey)
    await expectCode(sealKey('x', [], o), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', Array.from({ length: 17 }, (_, i) => `passphrase ${i}`), o), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', [PW, PW], o), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', [s.pub, s.pub], o), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', [s.pub, s.priv], o), 'INVALID_OPTIONS') // the same point
    const rk = await importKey(await generateKey())
    await expectCode(sealKey('x', [rk, PW, rk], o), 'INVALID_OPTIONS') // one v1 key object twice (§17.2)
    await expectCode(sealKey('x', [again, PW], { ...o, label: 'x'.repeat(129) }), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', [again], { ...o, label: 'é'.repeat(65) }), 'INVALID_OPTIONS') // 130 bytes
    await expectCode(sealKey('x', [again], { ...o, label: 'a\nb' }), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', [again], { ...o, label: 'a\u0085b' }), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', [again], { ...o, label: '\ud800' }), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', [again], { ...o, keyId: 'k' }), 'INVALID_OPTIONS')
    await expectCode(sealKey('x', [createKeyring([{ id: 'a', key: PW }])] as never, o), 'INVALID_KEY')
    expect(inspect(await sealKey('x', [again], { ...o, label: 'é'.repeat(64) })).label).toBe('é'.repeat(64))
    expect((await sealKey('x', Array.from({ length: 16 }, (_, i) => `passphrase ${i}`), o)).startsWith('ks2.')).toBe(true)
  })
})

describe('opening: candidates and the order of checks (§9)', () => {
  it('a bare passphrase runs at most one KDF: only the first passphrase stanza is tried', async () => {
    const env = await sealKey('x', ['first passphrase', 'second passphrase'], o)
    const spy = spySubtle()
    try {
      await expectCode(openKey(env, 'second passphrase', o), 'AUTH_FAILED')
      const pbkdf2 = spy.calls('deriveBits').filter((c) => (c[0] as { name: string }).name === 'PBKDF2')
      expect(pbkdf2.length).toBe(1)
    } finally {
      spy.restore()
    }
    expect(await openKey(env, 'first passphrase', o)).toBe('x')
    // A derived key of the second passphrase stanza opens it (no KDF: it fits by salt and parameters).
    const dk = await deriveKey('second passphrase', { policy, envelope: stanzaAsV1(env, 1) })
    expect(await openKey(env, dk, o)).toBe('x')
  })

  it('KDF parameters against the policy before any KDF work (PARAMS_OUT_OF_POLICY)', async () => {
    const env = await sealKey('x', [PW], o)
    const strict = createPolicy({ pbkdf2: { iterations: 600_000, minIterations: 600_000, openMinIterations: 100_000 } })
    const spy = spySubtle()
    try {
      await expectCode(openKey(env, PW, { context: CTX, policy: strict }), 'PARAMS_OUT_OF_POLICY')
      expect(spy.calls('deriveBits').length).toBe(0)
    } finally {
      spy.restore()
    }
  })

  it('no fitting stanza: KEY_MISMATCH; with an unsupported stanza present: UNSUPPORTED_RECIPIENT', async () => {
    const raw = await importKey(await generateKey())
    const env = await sealKey('x', [PW], o)
    await expectCode(openKey(env, raw, o), 'KEY_MISMATCH')
    const withUnknown = await addStanza(env, PW, 0x09, new Uint8Array([1, 2, 3]))
    expect(inspect(withUnknown).recipients.map((r) => r.kind)).toEqual(['passphrase', 'unsupported'])
    expect(await openKey(withUnknown, PW, o)).toBe('x') // unknown kinds are skipped, and MAC-covered
    await expectCode(openKey(withUnknown, raw, o), 'UNSUPPORTED_RECIPIENT')
  })

  it('a v1 keyring opens v2: the stanza key id picks the entry; unknown ids only: UNKNOWN_KEY_ID', async () => {
    const a = await main.importKey(await generateKey(), { keyId: 'a' })
    const b = await main.importKey(await generateKey(), { keyId: 'b' })
    const env = await sealKey('x', [b], o)
    expect(await openKey(env, createKeyring([{ id: 'a', key: a, primary: true }, { id: 'b', key: b }]), o)).toBe('x')
    await expectCode(openKey(env, createKeyring([{ id: 'a', key: a }]), o), 'UNKNOWN_KEY_ID')
    const pwEnv = await sealKey('y', [PW], o)
    expect(await openKey(pwEnv, createKeyring([{ id: 'a', key: a, primary: true }, { id: 'p', key: PW }]), o)).toBe('y')
  })

  it('a v1 keyring runs at most one KDF per v2 open: a keyed passphrase stanza and a no-id one are not both tried', async () => {
    // Stanza 0: a derived key with id 'd' (PBKDF2 params and salt); stanza 1: the passphrase PW, no id.
    const derived = await deriveKey('another passphrase', { policy, keyId: 'd' })
    const env = await sealKey('z', [derived, PW], o)
    const ring = createKeyring([{ id: 'd', key: 'a wrong passphrase' }, { id: 'p', key: PW, primary: true }])
    const spy = spySubtle()
    try {
      // Only stanza 0 (first passphrase-KDF stanza with a known id) is tried: one KDF, it fails.
      await expectCode(openKey(env, ring, o), 'AUTH_FAILED')
      expect(spy.calls('deriveBits').filter((c) => (c[0] as { name?: string }).name === 'PBKDF2').length).toBe(1)
    } finally {
      spy.restore()
    }
    // An unknown id does not use up the one KDF: the no-id stanza is then tried.
    const ring2 = createKeyring([{ id: 'p', key: PW, primary: true }])
    expect(await openKey(env, ring2, o)).toBe('z')
  })
})

/** The v1 envelope of stanza `i` of a v2 envelope, as a ks1. string (its context is the stanza AAD). */
function stanzaAsV1(env: string, i: number): string {
  const s = ref.parse(env).stanzas[i]!
  return 'ks1.' + b64u(s.body.subarray(0, s.v1!.length)) + '.' + b64u(s.body.subarray(s.v1!.length))
}

/** The file key of an envelope, through the library's own opening (tests only). */
async function fileKeyOf(env: string, key: unknown): Promise<Uint8Array> {
  const opened = await openV2(parseV2(env), resolveOpenKey(key), new TextEncoder().encode(CTX), policy)
  return opened.fk
}

/** Append a stanza of any kind and re-MAC (what an insider who knows the file key can do). */
async function addStanza(env: string, key: string, kind: number, body: Uint8Array): Promise<string> {
  const p = ref.parse(env)
  const fk = await fileKeyOf(env, key)
  const st = Buffer.concat([Buffer.from([kind, body.length >> 8, body.length & 255]), body])
  return ref.assemble({ core: p.core, stanzas: [...p.stanzas.map((s) => s.bytes), st], payload: p.payload, fk, context: CTX, salt: p.salt })
}

describe('tampering never opens (AUTH_FAILED or MALFORMED_ENVELOPE)', () => {
  it('every single-bit flip of header and payload, for both recipients', async () => {
    const s = await serverPair('srv')
    const env = await sealKey('sk-tamper', [PW, s.pub], { ...o, label: 'L' })
    const [, h, pl] = fields(env)
    const head = unb64u(h)
    const body = unb64u(pl)
    const codes = new Set<string>()
    const tryAll = async (e: string) => {
      for (const k of [s.priv, PW] as const) {
        try {
          await openKey(e, k, o)
          expect.fail('a tampered envelope opened')
        } catch (x) {
          expect(isKeysealError(x)).toBe(true)
          codes.add((x as { code: string }).code)
        }
      }
    }
    // Every byte of the header (one bit each, cycling through bit positions), every 7th payload byte.
    for (let i = 0; i < head.length; i++) {
      const t = new Uint8Array(head)
      t[i]! ^= 1 << i % 8
      await tryAll(`ks2.${b64u(t)}.${pl}`)
    }
    for (let i = 0; i < body.length; i += 7) {
      const t = new Uint8Array(body)
      t[i]! ^= 1
      await tryAll(`ks2.${h}.${b64u(t)}`)
    }
    expect([...codes].every((c) => ['AUTH_FAILED', 'MALFORMED_ENVELOPE', 'KEY_MISMATCH', 'UNSUPPORTED_RECIPIENT', 'PARAMS_OUT_OF_POLICY'].includes(c))).toBe(true)
    expect(codes.has('AUTH_FAILED')).toBe(true)
  }, 120_000)
})

describe('what one recipient can and cannot do to the others (§11)', () => {
  it('the server (knows the file key) cannot give the user a different secret or label while keeping the user stanza', async () => {
    const s = await serverPair()
    const env = await sealKey('sk-real', [PW, s.pub], { ...o, label: 'real' })
    const p = ref.parse(env)
    const fk = await fileKeyOf(env, s.priv)
    // Forge: same file key, salt and stanzas, a new payload (and, separately, a new label), MAC recomputed.
    const { payloadKey } = ref.fileKeys(fk, p.salt)
    const { createCipheriv } = await import('node:crypto')
    const forgePayload = (core: Buffer) => {
      const c = createCipheriv('aes-256-gcm', payloadKey, Buffer.alloc(12))
      c.setAAD(Buffer.concat([core, Buffer.from(CTX)]))
      return Buffer.concat([c.update(Buffer.from('sk-evil')), c.final(), c.getAuthTag()])
    }
    const newPayload = ref.assemble({ core: p.core, stanzas: p.stanzas.map((x) => x.bytes), payload: forgePayload(p.core), fk, context: CTX, salt: p.salt })
    const core2 = Buffer.concat([p.core.subarray(0, 17), Buffer.from([4]), Buffer.from('evil')])
    const newLabel = ref.assemble({ core: core2, stanzas: p.stanzas.map((x) => x.bytes), payload: forgePayload(core2), fk, context: CTX, salt: p.salt })
    for (const forged of [newPayload, newLabel]) {
      await expectCode(openKey(forged, PW, o), 'AUTH_FAILED')
      // The forger's own stanza is bound to the old transcript as well: it fails for the server too.
      await expectCode(openKey(forged, s.priv, o), 'AUTH_FAILED')
    }
    // Control: the same re-assembly with the original payload opens (the forgery is what fails).
    const same = ref.assemble({ core: p.core, stanzas: p.stanzas.map((x) => x.bytes), payload: p.payload, fk, context: CTX, salt: p.salt })
    expect(await openKey(same, PW, o)).toBe('sk-real')
  })

  it('an insider can remove other stanzas (they then get KEY_MISMATCH, never another secret)', async () => {
    const s = await serverPair()
    const env = await sealKey('sk-real', [PW, s.pub], o)
    const p = ref.parse(env)
    const fk = await fileKeyOf(env, s.priv)
    const stripped = ref.assemble({ core: p.core, stanzas: [p.stanzas[1]!.bytes], payload: p.payload, fk, context: CTX, salt: p.salt })
    await expectCode(openKey(stripped, PW, o), 'KEY_MISMATCH')
    expect(await openKey(stripped, s.priv, o)).toBe('sk-real')
  })
})

describe('properties', () => {
  const setup = (async () => {
    const pairs = await Promise.all([0, 1].map(() => serverPair()))
    const raw = await importKey(await generateKey())
    return { pairs, raw }
  })()

  fcit.prop([fc.subarray([0, 1, 2, 3], { minLength: 1 }), fc.string({ minLength: 1, maxLength: 40 })], { numRuns: runs(6) })(
    'any non-empty subset of recipients, in any order given, opens for each of them and only them',
    async (subset, secret) => {
      const { pairs, raw } = await setup
      const all = [PW, raw, pairs[0]!.pub, pairs[1]!.pub] as const
      const openers = [PW, raw, pairs[0]!.priv, pairs[1]!.priv] as const
      const env = await sealKey(secret, subset.map((i) => all[i]!), o)
      for (let i = 0; i < 4; i++) {
        if (subset.includes(i)) expect(await openKey(env, openers[i]!, o)).toBe(secret)
        else await expect(openKey(env, openers[i]!, o)).rejects.toSatisfy((e: unknown) => isKeysealError(e, 'KEY_MISMATCH') || isKeysealError(e, 'AUTH_FAILED'))
      }
    },
  )

  fcit.prop([fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 })], { numRuns: runs(4) })(
    'removing, reordering or swapping stanzas between envelopes (without the file key) never opens',
    async (pick, other) => {
      const { pairs, raw } = await setup
      const a = await sealKey('secret-a', [raw, pairs[0]!.pub, pairs[1]!.pub], o)
      const b = await sealKey('secret-b', [raw, pairs[0]!.pub, pairs[1]!.pub], o)
      const pa = ref.parse(a)
      const pb = ref.parse(b)
      const rebuild = (stanzas: Buffer[]) => {
        const hwm = Buffer.concat([pa.core, Buffer.from([stanzas.length]), ...stanzas])
        return `ks2.${b64u(Buffer.concat([hwm, pa.mac]))}.${b64u(pa.payload)}`
      }
      const st = pa.stanzas.map((s) => s.bytes)
      const removed = rebuild(st.filter((_, i) => i !== pick))
      const reordered = rebuild([st[pick]!, ...st.filter((_, i) => i !== pick)].reverse())
      const swapped = rebuild(st.map((s, i) => (i === pick ? pb.stanzas[pick]!.bytes : s)))
      const keyFor = [raw, pairs[0]!.priv, pairs[1]!.priv]
      for (const e of [removed, reordered, swapped]) {
        if (e === a) continue
        for (const k of [keyFor[pick]!, keyFor[(pick + other) % 3]!]) {
          await expect(openKey(e, k, o)).rejects.toSatisfy((x: unknown) => isKeysealError(x, 'AUTH_FAILED') || isKeysealError(x, 'KEY_MISMATCH'))
        }
      }
    },
  )

  fcit.prop([fc.string({ maxLength: 30 }).filter((l) => !/[\0-\x1f\x7f-\x9f]/.test(l) && !/\p{Cs}/u.test(l) && Buffer.byteLength(l) <= 128)], { numRuns: runs(6) })(
    'a label change never opens',
    async (label) => {
      const { pairs } = await setup
      const env = await sealKey('sk', [pairs[0]!.pub], { ...o, label: 'original' })
      fc.pre(label !== 'original')
      const p = ref.parse(env)
      const lb = Buffer.from(label)
      const core = Buffer.concat([p.core.subarray(0, 17), Buffer.from([lb.length]), lb])
      const hwm = Buffer.concat([core, Buffer.from([p.stanzas.length]), ...p.stanzas.map((s) => s.bytes)])
      const forged = `ks2.${b64u(Buffer.concat([hwm, p.mac]))}.${b64u(p.payload)}`
      expect(inspect(forged).label).toBe(label === '' ? undefined : label)
      await expectCode(openKey(forged, pairs[0]!.priv, o), 'AUTH_FAILED')
    },
  )
})

describe('rotation per recipient (§14)', () => {
  it('rotating the server key pair keeps the user stanza byte for byte; the old private key no longer opens', async () => {
    const oldS = await serverPair('srv-1')
    const newS = await serverPair('srv-2')
    const env = await sealKey('sk-rot', [PW, oldS.pub], { ...o, label: 'lbl' })
    const rotated = await rotateRecipient(env, { from: oldS.priv, to: newS.pub, context: CTX, policy })
    const before = ref.parse(env)
    const after = ref.parse(rotated)
    expect(after.stanzas[0]!.bytes.equals(before.stanzas[0]!.bytes)).toBe(true)
    expect(after.stanzas[1]!.bytes.equals(before.stanzas[1]!.bytes)).toBe(false)
    expect(after.payload.equals(before.payload)).toBe(true)
    expect(after.core.equals(before.core)).toBe(true)
    expect(await openKey(rotated, newS.priv, o)).toBe('sk-rot')
    expect(await openKey(rotated, PW, o)).toBe('sk-rot')
    await expectCode(openKey(rotated, oldS.priv, o), 'KEY_MISMATCH') // srv-1 vs srv-2: no candidate
    expect(inspect(rotated).recipients[1]).toEqual({ kind: 'p256', keyId: 'srv-2' })
    expect(ref.open(rotated, refPrivate(newS.pair.privateKey), CTX).secret.toString()).toBe('sk-rot')
  })

  it('a passphrase change leaves the server stanza alone; the old passphrase no longer opens', async () => {
    const s = await serverPair()
    const env = await sealKey('sk-rot', [PW, s.pub], o)
    const rotated = await rotateRecipient(env, { from: PW, to: 'a brand new passphrase', context: CTX, policy })
    expect(ref.parse(rotated).stanzas[1]!.bytes.equals(ref.parse(env).stanzas[1]!.bytes)).toBe(true)
    expect(await openKey(rotated, 'a brand new passphrase', o)).toBe('sk-rot')
    await expectCode(openKey(rotated, PW, o), 'AUTH_FAILED')
    expect(await openKey(rotated, s.priv, o)).toBe('sk-rot')
  })

  it('to: null is refused (it kept the file key: §14.2); add; a wrong context is AUTH_FAILED; v1 is UNSUPPORTED_VERSION', async () => {
    const s = await serverPair()
    const t = await serverPair()
    const env = await sealKey('sk', [PW, s.pub], o)
    await expectCode(rotateRecipient(env, { from: PW, to: null as never, context: CTX, policy }), 'INVALID_OPTIONS')
    const added = await rotateRecipient(env, { from: s.priv, to: s.pub, add: [t.pub], context: CTX, policy })
    expect(inspect(added).recipients.map((r) => r.kind)).toEqual(['passphrase', 'p256', 'p256'])
    expect(await openKey(added, t.priv, o)).toBe('sk')
    expect(await openKey(added, PW, o)).toBe('sk')
    await expectCode(rotateRecipient(env, { from: PW, to: 'another passphrase', context: 'other', policy }), 'AUTH_FAILED')
    await expectCode(rotateRecipient(await sealKey('v1', PW, o), { from: PW, to: 'another passphrase', context: CTX, policy }), 'UNSUPPORTED_VERSION')
  })
})
