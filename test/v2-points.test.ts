// P-256 public point validation (docs/format-v2.md §10) against Wycheproof's ECDH secp256r1 point
// cases (vectors/wycheproof/, copied from ../shared with provenance in vectors/README.md).
// keyseal's rule: exactly the uncompressed, on-curve points are accepted; compressed points
// (Wycheproof "acceptable") and every invalid case are INVALID_KEY. For each accepted point the
// ECDH shared secret with the case's private key must be Wycheproof's.
import { createECDH, createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { importKey, importPublicKey, KeysealPrivateKey } from '../src/v2/index'
import { dh, importPoint } from '../src/v2/hpke'
import { pointState } from '../src/v2/keys'
import { isValidPoint } from '../src/v2/p256'
import { expectCode } from './helpers'

const FILE = join(__dirname, '..', 'vectors', 'wycheproof', 'ecdh_secp256r1_ecpoint_test.json')
const raw = readFileSync(FILE)
interface Case { tcId: number; comment: string; public: string; private: string; shared: string; result: 'valid' | 'invalid' | 'acceptable'; flags: string[] }
const cases = (JSON.parse(raw.toString('utf8')) as { testGroups: { curve: string; encoding: string; tests: Case[] }[] }).testGroups.flatMap((g) => {
  expect([g.curve, g.encoding]).toEqual(['secp256r1', 'ecpoint'])
  return g.tests
})
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'))

/** keyseal's decision for a Wycheproof case (§10): accept uncompressed valid points only. */
const accepted = (c: Case): boolean => c.result === 'valid' && c.public.length === 130 && c.public.startsWith('04')

/** A kssk1. string for a scalar (Wycheproof writes some with a leading 00), its public point from node:crypto. */
function privateKeyString(d: string): string {
  const d32 = Buffer.from(d.replace(/^00(?=[0-9a-f]{64}$)/, '').padStart(64, '0'), 'hex')
  const e = createECDH('prime256v1')
  e.setPrivateKey(d32)
  return 'kssk1.' + Buffer.concat([d32, e.getPublicKey()]).toString('base64url')
}

describe('Wycheproof ecdh_secp256r1_ecpoint_test.json', () => {
  it('is the pinned copy: 216 cases, 191 valid, 24 invalid, 1 acceptable', () => {
    expect(createHash('sha256').update(raw).digest('hex')).toBe('f635ad4e09bab296a0cddd40a5d6caadb49d6fb20c6cf5d158d8519dcfa75987')
    expect(cases.length).toBe(216)
    expect(cases.filter((c) => c.result === 'valid').length).toBe(191)
    expect(cases.filter((c) => c.result === 'invalid').length).toBe(24)
    expect(cases.filter((c) => c.result === 'acceptable').length).toBe(1)
  })

  it('every valid case is an uncompressed point here (so "accept exactly the valid ones" is not vacuous)', () => {
    expect(cases.filter(accepted).length).toBe(191)
    expect(cases.filter((c) => !accepted(c)).map((c) => c.tcId)).toEqual(cases.filter((c) => c.result !== 'valid').map((c) => c.tcId))
  })

  for (const c of cases) {
    it(`tcId ${c.tcId} (${c.result}${c.flags.length ? ', ' + c.flags.join(' ') : ''}): ${accepted(c) ? 'accepted, shared secret matches' : 'INVALID_KEY'}`, async () => {
      const point = hex(c.public)
      expect(isValidPoint(point)).toBe(accepted(c))
      const asString = 'kspk1.' + Buffer.from(point).toString('base64url')
      if (!accepted(c)) {
        await expectCode(importPublicKey(point), 'INVALID_KEY')
        await expectCode(importPublicKey(asString), 'INVALID_KEY')
        return
      }
      const pub = await importPublicKey(asString)
      expect(Buffer.from(pointState(pub)!.point).toString('hex')).toBe(c.public)
      const sk = await importKey(privateKeyString(c.private))
      expect(sk).toBeInstanceOf(KeysealPrivateKey)
      const shared = await dh(pointState(sk)!.sk!, await importPoint(new Uint8Array(point)))
      expect(Buffer.from(shared).toString('hex')).toBe(c.shared)
    })
  }

  it('hybrid encodings (0x06/0x07) and the identity are refused too', async () => {
    const valid = hex(cases.find(accepted)!.public)
    for (const prefix of [0x06, 0x07, 0x00, 0x05]) {
      const p = new Uint8Array(valid)
      p[0] = prefix
      expect(isValidPoint(p)).toBe(false)
      await expectCode(importPublicKey(p), 'INVALID_KEY')
    }
    await expectCode(importPublicKey(new Uint8Array([0])), 'INVALID_KEY')
    await expectCode(importPublicKey(new Uint8Array(65)), 'INVALID_KEY')
  })
})
