// NIST ACVP sample set ACVP-AES-GCM-1.0 (usnistgov/ACVP-Server v1.1.0.43), internalProjection.json.
//
// What applies and why:
// - The set is registered for keyLen 128 only; keyseal is AES-256 only, so importAesGcmKey must refuse
//   every one of these keys. That refusal is asserted for all 60 tests.
// - Groups 1 (encrypt) and 3 (decrypt) use a 96-bit IV and a 128-bit tag: exactly keyseal's nonce and
//   tag handling. They run through aesGcmSeal / aesGcmOpen with the 128-bit key imported directly
//   with crypto.subtle.importKey here in the test (non-extractable, like the module's own keys). This
//   exercises the module's nonce, AAD and tag handling and its AUTH_FAILED path on the
//   testPassed=false cases; it says nothing about AES-256, which gcmEncryptExtIV256.rsp covers.
// - Groups 2 and 4 use a 120-bit IV and a 32-bit tag. keyseal accepts neither, so they cannot run
//   as known answers; instead the module must refuse the 15-byte nonce (seal and open).
// PBKDF-1.0 (HMAC-SHA2-224 only) and the HMAC sets do not apply: see vectors/README.md.
import { describe, expect, it } from 'vitest'
import { aesGcmOpen, aesGcmSeal, importAesGcmKey } from '../../src/aead'
import { KeysealError, type KeysealErrorCode } from '../../src/errors'
import { hex, readVectorText, toHex } from './vectors-dir'

interface AcvpTest {
  tcId: number
  testPassed: boolean
  key: string
  iv: string
  aad: string
  pt: string
  ct: string
  tag: string
}
interface AcvpGroup {
  tgId: number
  direction: 'encrypt' | 'decrypt'
  keyLen: number
  ivLen: number
  payloadLen: number
  aadLen: number
  tagLen: number
  tests: AcvpTest[]
}
interface AcvpSet {
  algorithm: string
  revision: string
  testGroups: AcvpGroup[]
}

const set = JSON.parse(readVectorText('nist-acvp/ACVP-AES-GCM-1.0/internalProjection.json')) as AcvpSet
const all = set.testGroups.flatMap((g) => g.tests.map((t) => ({ g, t })))
const applicable = set.testGroups.filter((g) => g.ivLen === 96 && g.tagLen === 128)
const notApplicable = set.testGroups.filter((g) => !(g.ivLen === 96 && g.tagLen === 128))

async function rejection(p: Promise<unknown>): Promise<KeysealErrorCode | string> {
  try {
    await p
    return 'resolved'
  } catch (error) {
    return error instanceof KeysealError ? error.code : `non-KeysealError: ${String(error)}`
  }
}

function importAes128(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt'])
}

describe('ACVP-AES-GCM-1.0 internalProjection.json', () => {
  it('has the structure SOURCES.md records: 4 groups, 60 tests, AES-128 only, 10 failing decrypts', () => {
    expect([set.algorithm, set.revision]).toEqual(['ACVP-AES-GCM', '1.0'])
    expect(set.testGroups.map((g) => [g.tgId, g.direction, g.ivLen, g.payloadLen, g.aadLen, g.tagLen, g.tests.length])).toEqual([
      [1, 'encrypt', 96, 0, 120, 128, 15],
      [2, 'encrypt', 120, 120, 0, 32, 15],
      [3, 'decrypt', 96, 0, 0, 128, 15],
      [4, 'decrypt', 120, 120, 120, 32, 15],
    ])
    expect(all.length).toBe(60)
    expect(all.every(({ g, t }) => g.keyLen === 128 && t.key.length === 32)).toBe(true)
    expect(all.filter(({ t }) => !t.testPassed).length).toBe(10)
    // Every value has the length its group states, so a misread field cannot pass unnoticed.
    for (const { g, t } of all) {
      expect([t.iv.length * 4, t.aad.length * 4, t.tag.length * 4]).toEqual([g.ivLen, g.aadLen, g.tagLen])
      expect(t.ct.length * 4).toBe(g.payloadLen)
      if (t.testPassed) expect(t.pt.length * 4).toBe(g.payloadLen)
    }
  })

  it('importAesGcmKey refuses all 60 AES-128 keys (keyseal is AES-256 only)', async () => {
    const codes = await Promise.all(all.map(({ t }) => rejection(importAesGcmKey(hex(t.key)))))
    expect(codes).toEqual(all.map(() => 'CRYPTO_FAILURE'))
  })

  it('group 1, encrypt, 96-bit IV, 128-bit tag (15 tests): aesGcmSeal gives ct || tag', async () => {
    const g = applicable.find((x) => x.direction === 'encrypt')!
    expect(g.tgId).toBe(1)
    const out = await Promise.all(
      g.tests.map(async (t) => toHex(await aesGcmSeal(await importAes128(hex(t.key)), hex(t.iv), hex(t.pt), hex(t.aad)))),
    )
    expect(out).toEqual(g.tests.map((t) => (t.ct + t.tag).toLowerCase()))
  })

  it('group 3, decrypt, 96-bit IV, 128-bit tag (15 tests): pt when testPassed, AUTH_FAILED otherwise', async () => {
    const g = applicable.find((x) => x.direction === 'decrypt')!
    expect(g.tgId).toBe(3)
    expect(g.tests.filter((t) => !t.testPassed).length).toBe(3)
    const out = await Promise.all(
      g.tests.map(async (t) => {
        const key = await importAes128(hex(t.key))
        const opening = aesGcmOpen(key, hex(t.iv), hex(t.ct + t.tag), hex(t.aad))
        return t.testPassed ? toHex(await opening) : await rejection(opening)
      }),
    )
    expect(out).toEqual(g.tests.map((t) => (t.testPassed ? t.pt.toLowerCase() : 'AUTH_FAILED')))
  })

  it('groups 2 and 4 (120-bit IV, 32-bit tag; 30 tests): the 15-byte nonce is refused by seal and open', async () => {
    expect(notApplicable.map((g) => [g.tgId, g.ivLen, g.tagLen])).toEqual([
      [2, 120, 32],
      [4, 120, 32],
    ])
    const tests = notApplicable.flatMap((g) => g.tests)
    expect(tests.length).toBe(30)
    const out = await Promise.all(
      tests.map(async (t) => {
        const key = await importAes128(hex(t.key))
        return [
          await rejection(aesGcmSeal(key, hex(t.iv), hex(t.pt), hex(t.aad))),
          await rejection(aesGcmOpen(key, hex(t.iv), hex(t.ct + t.tag), hex(t.aad))),
        ]
      }),
    )
    expect(out).toEqual(tests.map(() => ['CRYPTO_FAILURE', 'MALFORMED_ENVELOPE']))
  })
})
