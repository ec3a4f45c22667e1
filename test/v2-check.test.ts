// checkEnvelope of `@org/keyseal/v2` (issue 16, save-time checks without a key): both formats,
// every stanza's KDF parameters against the opening bounds and sealing floors, unsupported
// stanzas, `keyIds` on every recipient, `recipients` each met by its own stanza, the order of
// checks, and that no key or KDF is ever used.
import { describe, expect, it } from 'vitest'
import { argon2id } from '../src/argon2id.js'
import * as main from '../src/index'
import {
  checkEnvelope, createPolicy, generateKey, generateKeyPair, importKey, importPublicKey, inspect, sealKey,
} from '../src/v2/index'
import * as ref from './reference/v2.mjs'
import { b64u, expectCode, spySubtle, TEST_POLICY, unb64u } from './helpers'

const policy = TEST_POLICY
const PW = 'correct horse battery staple'
const o = { context: 'user:42/openai', policy }

async function server(keyId?: string) {
  return importPublicKey((await generateKeyPair()).publicKey, keyId === undefined ? {} : { keyId })
}

/** Re-assemble a v2 string with these stanza bytes (the MAC is kept: checkEnvelope never verifies it, opening does). */
function withStanzas(env: string, stanzas: (s: Buffer[]) => Buffer[]): string {
  const p = ref.parse(env)
  const [, h] = env.split('.')
  const head = unb64u(h!)
  const mac = head.subarray(head.length - 32)
  const list = stanzas(p.stanzas.map((s: { bytes: Buffer }) => Buffer.from(s.bytes)))
  const header = Buffer.concat([Buffer.from(p.core), Buffer.from([list.length]), ...list, Buffer.from(mac)])
  return `ks2.${b64u(header)}.${b64u(Buffer.from(p.payload))}`
}

/** The v1 binary header inside a symmetric stanza (kind 1), with its PBKDF2 iterations replaced. */
function withIterations(stanza: Buffer, iterations: number): Buffer {
  const s = Buffer.from(stanza)
  // kind(1) || len(2) || v1 version(1) || kdf id 0x02 (1) || iterations (u32 BE), docs/format.md §3.
  expect(s[0]).toBe(1)
  expect(s[4]).toBe(2) // pbkdf2-sha256
  s.writeUInt32BE(iterations, 5)
  return s
}

describe('checkEnvelope (v2 entry): both formats, no key', () => {
  it('passes canonical v1 and v2 envelopes under their policy, and uses no WebCrypto at all', async () => {
    const srv = await server('server-1')
    const raw = await importKey(await generateKey(), { keyId: 'backup' })
    const v2 = await sealKey('sk-proj-example', [PW, srv, raw], { ...o, label: 'openai' })
    const v1 = await main.sealKey('sk-proj-example', PW, { ...o, keyId: 'k1' })
    const spy = spySubtle()
    try {
      expect(checkEnvelope(v2, { policy })).toBeUndefined()
      expect(checkEnvelope(v2, { policy, recipients: [{ kind: 'passphrase' }, { kind: 'p256', keyId: 'server-1' }, { kind: 'raw', keyId: 'backup' }] })).toBeUndefined()
      expect(checkEnvelope(v1, { policy, keyIds: ['k1'], recipients: [{ kind: 'passphrase', keyId: 'k1' }] })).toBeUndefined()
      expect(spy.calls('deriveBits').length + spy.calls('decrypt').length + spy.calls('importKey').length).toBe(0)
    } finally {
      spy.restore()
    }
  })

  it('v1 envelopes get exactly v1 checkEnvelope: same codes in the same cases', async () => {
    const e = await main.sealKey('sk', PW, { policy, keyId: 'k1' })
    for (const [env, opts] of [
      ['sk-plain-api-key', { policy }],
      [e.slice(0, -2), { policy }],
      [e, {}],
      [e, { policy, keyIds: ['k2'] }],
      [e, { policy, keyIds: 'k1' }],
    ] as const) {
      let v1: string | undefined
      let v2: string | undefined
      try {
        main.checkEnvelope(env, opts as never)
      } catch (x) {
        v1 = (x as main.KeysealError).code
      }
      try {
        checkEnvelope(env, opts as never)
      } catch (x) {
        v2 = (x as main.KeysealError).code
      }
      expect(v1).toBeDefined()
      expect(v2).toBe(v1)
    }
    // The main entry (v1 only) still refuses ks2.; the v2 entry reads it.
    const v2env = await sealKey('sk', [PW], o)
    await expectCode(() => main.checkEnvelope(v2env, { policy }), 'UNSUPPORTED_VERSION')
    expect(checkEnvelope(v2env, { policy })).toBeUndefined()
  })

  it('malformed v2: MALFORMED_ENVELOPE without echoing the input', async () => {
    const env = await sealKey('sk-secret-value', [PW], o)
    // Truncated so that the last segment's length is 1 mod 4, which no base64url text has. (A plain
    // slice(0, -3) left canonical base64url about a quarter of the time: without the key a shorter
    // payload is indistinguishable from a shorter secret, so that test was flaky, not a defect.)
    const last = env.length - env.lastIndexOf('.') - 1
    let cut = 1
    while ((last - cut) % 4 !== 1) cut++
    await expectCode(() => checkEnvelope(env.slice(0, -cut), { policy }), 'MALFORMED_ENVELOPE', [env])
    await expectCode(() => checkEnvelope(env + '.x', { policy }), 'MALFORMED_ENVELOPE')
    await expectCode(() => checkEnvelope('ks2.', { policy }), 'MALFORMED_ENVELOPE')
    // A stanza count of 0.
    await expectCode(() => checkEnvelope(withStanzas(env, () => []), { policy }), 'MALFORMED_ENVELOPE')
    await expectCode(() => checkEnvelope(42 as never, { policy }), 'MALFORMED_ENVELOPE')
  })

  it('every passphrase stanza: the opening bounds and the sealing floors of the policy', async () => {
    const srv = await server('s')
    const env = await sealKey('sk', [srv, PW], o)
    // The default policy seals with 600,000 iterations: a 1,000-iteration stanza is below its
    // opening floor (100,000) already.
    await expectCode(() => checkEnvelope(env), 'PARAMS_OUT_OF_POLICY')
    // Within the opening bounds of a policy but below its sealing floor.
    const floor = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000 } })
    await expectCode(() => checkEnvelope(env, { policy: floor }), 'PARAMS_OUT_OF_POLICY')
    // Above the maximum: what openKey refuses, checkEnvelope refuses (the second stanza).
    const huge = withStanzas(env, (s) => [s[0]!, withIterations(s[1]!, 2 ** 31)])
    expect(inspect(huge).recipients[1]).toMatchObject({ kind: 'passphrase', kdf: { iterations: 2 ** 31 } })
    await expectCode(() => checkEnvelope(huge, { policy }), 'PARAMS_OUT_OF_POLICY')
    // Raw-key and public-key stanzas have no parameters.
    const noPass = await sealKey('sk', [srv, await importKey(await generateKey())], o)
    expect(checkEnvelope(noPass)).toBeUndefined()
  })

  it('an Argon2id stanza: UNSUPPORTED_KDF under a policy without Argon2id, checked against its bounds with one', async () => {
    const small = { memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8, openMinPasses: 1 }
    const a2 = createPolicy({ pbkdf2: TEST_POLICY.pbkdf2, argon2id: { implementation: argon2id, ...small } })
    const env = await sealKey('sk', [PW, await server()], { policy: a2 })
    expect(inspect(env).recipients[0]).toMatchObject({ kind: 'passphrase', kdf: { kdf: 'argon2id' } })
    expect(checkEnvelope(env, { policy: a2 })).toBeUndefined()
    await expectCode(() => checkEnvelope(env, { policy }), 'UNSUPPORTED_KDF')
    const stronger = createPolicy({ pbkdf2: TEST_POLICY.pbkdf2, argon2id: { implementation: argon2id, ...small, memoryKiB: 128, minMemoryKiB: 128 } })
    await expectCode(() => checkEnvelope(env, { policy: stronger }), 'PARAMS_OUT_OF_POLICY')
  })

  it('a stanza of a kind (or KDF) this build does not implement: UNSUPPORTED_RECIPIENT', async () => {
    const env = await sealKey('sk', [PW], o)
    const unknownKind = withStanzas(env, (s) => [...s, Buffer.from([0x09, 0, 3, 1, 2, 3])])
    expect(inspect(unknownKind).recipients.map((r) => r.kind)).toEqual(['passphrase', 'unsupported'])
    await expectCode(() => checkEnvelope(unknownKind, { policy }), 'UNSUPPORTED_RECIPIENT')
    // A symmetric stanza whose v1 KDF id (0x07) v1 leaves unassigned (format-v2 §5.1).
    const laterKdf = withStanzas(env, (s) => {
      const t = Buffer.from(s[0]!)
      t[4] = 0x07
      return [s[0]!, t]
    })
    expect(inspect(laterKdf).recipients.map((r) => r.kind)).toEqual(['passphrase', 'unsupported'])
    await expectCode(() => checkEnvelope(laterKdf, { policy }), 'UNSUPPORTED_RECIPIENT')
  })

  it('keyIds: every recipient carries one of them; a stanza without a key id is UNKNOWN_KEY_ID', async () => {
    const a = await server('server-1')
    const b = await importKey(await generateKey(), { keyId: 'backup' })
    const env = await sealKey('sk', [a, b], o)
    expect(checkEnvelope(env, { keyIds: ['backup', 'server-1', 'other'] })).toBeUndefined()
    await expectCode(() => checkEnvelope(env, { keyIds: ['server-1'] }), 'UNKNOWN_KEY_ID')
    const withPass = await sealKey('sk', [a, PW], o)
    await expectCode(() => checkEnvelope(withPass, { policy, keyIds: ['server-1'] }), 'UNKNOWN_KEY_ID')
  })

  it('recipients: each met by its own stanza; missing with a key id: UNKNOWN_KEY_ID, without: KEY_MISMATCH', async () => {
    const s1 = await server('server-1')
    const anon = await server()
    const env = await sealKey('sk', [PW, s1, anon], o)
    const ok = (recipients: object[]) => checkEnvelope(env, { policy, recipients: recipients as never })
    expect(ok([{ kind: 'p256' }, { kind: 'p256' }])).toBeUndefined()
    // The kind-only p256 must not take server-1's stanza before the exact one is matched.
    expect(ok([{ kind: 'p256' }, { kind: 'p256', keyId: 'server-1' }])).toBeUndefined()
    expect(ok([{ kind: 'passphrase' }])).toBeUndefined()
    await expectCode(() => ok([{ kind: 'p256' }, { kind: 'p256' }, { kind: 'p256' }]), 'KEY_MISMATCH')
    await expectCode(() => ok([{ kind: 'p256', keyId: 'server-1' }, { kind: 'p256', keyId: 'server-1' }]), 'UNKNOWN_KEY_ID')
    await expectCode(() => ok([{ kind: 'p256', keyId: 'server-2' }]), 'UNKNOWN_KEY_ID')
    await expectCode(() => ok([{ kind: 'raw' }]), 'KEY_MISMATCH')
    await expectCode(() => ok([{ kind: 'passphrase', keyId: 'server-1' }]), 'UNKNOWN_KEY_ID')
    // A v1 envelope is one recipient.
    const v1 = await main.sealKey('sk', PW, { policy })
    expect(checkEnvelope(v1, { policy, recipients: [{ kind: 'passphrase' }] })).toBeUndefined()
    await expectCode(() => checkEnvelope(v1, { policy, recipients: [{ kind: 'passphrase' }, { kind: 'passphrase' }] }), 'KEY_MISMATCH')
    await expectCode(() => checkEnvelope(v1, { policy, recipients: [{ kind: 'p256' }] }), 'KEY_MISMATCH')
  })

  it('the order of checks: options, form, stanzas, keyIds, recipients', async () => {
    const env = await sealKey('sk', [PW, await server('s')], o)
    // Bad options win over a malformed envelope.
    await expectCode(() => checkEnvelope('garbage', { policy, recipients: [{ kind: 'rsa' }] as never }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope('garbage', { policy, recipients: 'p256' as never }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope('garbage', { policy, recipients: [{ kind: 'p256', keyId: 'bad id' }] }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope('garbage', { policy, recipients: [{ kind: 'p256', extra: 1 }] as never }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope('garbage', { policy, recipients: Array.from({ length: 17 }, () => ({ kind: 'p256' as const })) }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope('garbage', { policy, keyIds: ['bad id'] }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope('garbage', { policy: {} as never }), 'INVALID_OPTIONS')
    await expectCode(() => checkEnvelope('garbage', { policy, label: 'x' } as never), 'INVALID_OPTIONS')
    // Policy (stanzas) before keyIds before recipients.
    await expectCode(() => checkEnvelope(env, { keyIds: ['nope'], recipients: [{ kind: 'raw' }] }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(() => checkEnvelope(env, { policy, keyIds: ['nope'], recipients: [{ kind: 'raw' }] }), 'UNKNOWN_KEY_ID')
    // An options object from a polluted prototype changes nothing.
    const proto = Object.prototype as Record<string, unknown>
    proto['recipients'] = [{ kind: 'raw' }]
    proto['keyIds'] = ['nope']
    try {
      expect(checkEnvelope(env, { policy })).toBeUndefined()
    } finally {
      delete proto['recipients']
      delete proto['keyIds']
    }
  })
})
