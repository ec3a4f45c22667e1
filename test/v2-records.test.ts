// Issue 11 item 2 for format v2: the records v2 builds internally (resolved recipients, the key
// argument of openKey, parsed stanzas) are read with `in` and plain property reads, which walk the
// prototype chain. Before they were null-prototype records, a polluted Object.prototype reached
// them: a planted `point` made sealKey seal a passphrase recipient to the planted public key (the
// planter could open it, the user could not), a planted `keyId` named every symmetric stanza or
// threw a RangeError, a planted `unsupported` made every stanza unreadable, a planted `sk` or `sym`
// made openKey throw a TypeError. Each case here failed on the code before the fix.
import { afterEach, describe, expect, it } from 'vitest'
import { generateKeyPair, generateKey, importKey, importPublicKey, inspect, openKey, rotateKey, sealKey } from '../src/v2/index'
import { TEST_POLICY, unb64u } from './helpers'

const policy = TEST_POLICY
const PW = 'correct horse battery staple'
const planted: string[] = []
const proto = Object.prototype as Record<string, unknown>

function plant(name: string, value: unknown): void {
  planted.push(name)
  Object.defineProperty(Object.prototype, name, { value, configurable: true, writable: true, enumerable: false })
}
afterEach(() => {
  for (const n of planted.splice(0)) delete proto[n]
})

async function pair() {
  const p = await generateKeyPair()
  return { pub: await importPublicKey(p.publicKey), priv: await importKey(p.privateKey), point: unb64u(p.publicKey.slice('kspk1.'.length)) }
}

describe('v2 records never read a polluted Object.prototype', () => {
  it('a planted point does not turn a passphrase recipient into a public-key stanza', async () => {
    const server = await pair()
    const attacker = await pair()
    plant('point', new Uint8Array(attacker.point))
    const env = await sealKey('sk-v2-secret', [PW, server.pub], { policy })
    delete proto['point']
    expect(inspect(env).recipients.map((r) => r.kind)).toEqual(['passphrase', 'p256'])
    expect(await openKey(env, PW, { policy })).toBe('sk-v2-secret')
    expect(await openKey(env, server.priv, { policy })).toBe('sk-v2-secret')
  })

  it('a planted point does not turn a passphrase recipient into a public-key stanza when rotating', async () => {
    // src/v2/rotate.ts sealers(): the derived `to` passphrase recipient was a plain object, so the
    // stanza was sealed to the planted point; the rotation's verifying open then refused it
    // (CRYPTO_FAILURE): failed closed, but the rotation could not be done while the pollution lasted.
    const server = await pair()
    const attacker = await pair()
    const env = await sealKey('sk-v2-secret', [PW, server.pub], { policy })
    plant('point', new Uint8Array(attacker.point))
    const r = await rotateKey(env, { from: PW, to: ['new passphrase', server.pub], policy })
    delete proto['point']
    expect(r.rotated).toBe(true)
    const next = r.envelope
    expect(inspect(next).recipients.map((x) => x.kind)).toEqual(['passphrase', 'p256'])
    expect(await openKey(next, 'new passphrase', { policy })).toBe('sk-v2-secret')
    await expect(openKey(next, attacker.priv, { policy })).rejects.toThrow()
  })

  it('a planted keyId names no stanza, valid or not (no attacker-chosen id, no RangeError)', async () => {
    const raw = await importKey(await generateKey())
    const server = await pair()
    for (const value of ['evil', 'not a key id', 5]) {
      plant('keyId', value)
      const env = await sealKey('sk-v2-secret', [PW, raw, server.pub], { policy })
      delete proto['keyId']
      expect(inspect(env).recipients.map((r) => ('keyId' in r ? r.keyId : 'none'))).toEqual([undefined, undefined, undefined])
      expect(await openKey(env, raw, { policy })).toBe('sk-v2-secret')
    }
  })

  it('a planted unsupported, sk or sym changes neither inspect nor openKey', async () => {
    const server = await pair()
    const env = await sealKey('sk-v2-secret', [PW, server.pub], { policy })
    const info = JSON.stringify(inspect(env))
    for (const [name, value] of [['unsupported', true], ['sk', {}], ['sym', 1]] as const) {
      plant(name, value)
      try {
        expect(JSON.stringify(inspect(env)), name).toBe(info)
        expect(await openKey(env, PW, { policy }), name).toBe('sk-v2-secret')
        expect(await openKey(env, server.priv, { policy }), name).toBe('sk-v2-secret')
      } finally {
        delete proto[name]
      }
    }
  })
})
