// RFC known answers for keyseal's KDF modules, read from the repository's transcriptions in vectors/rfc/
// (byte-for-byte copies of ../shared/vectors/rfc; provenance in vectors/README.md).
// - RFC 7914 §11: PBKDF2-HMAC-SHA256, both cases (c = 1 and c = 80,000), through pbkdf2Sha256.
// - RFC 5869 Appendix A.1–A.3: HKDF-SHA256 OKM through importHkdfKey + hkdfSha256. WebCrypto's HKDF is
//   extract-then-expand in one call, so the intermediate PRK is not observable through the module;
//   the OKM depends on it, so a wrong PRK cannot give the right OKM.
import { describe, expect, it } from 'vitest'
import { hkdfSha256, importHkdfKey } from '../../src/kdf/hkdf'
import { pbkdf2Sha256 } from '../../src/kdf/pbkdf2'
import { hex, readRepoVector, toHex } from './vectors-dir'

interface Pbkdf2Case {
  id: number
  password: string
  passwordHex: string
  salt: string
  saltHex: string
  iterations: number
  dkLen: number
  dk: string
}
interface HkdfCase {
  id: string
  hash: string
  ikm: string
  salt: string
  info: string
  length: number
  prk: string
  okm: string
}

const pbkdf2 = JSON.parse(readRepoVector('rfc/rfc7914-pbkdf2-hmac-sha256.json')) as { prf: string; tests: Pbkdf2Case[] }
const hkdf = JSON.parse(readRepoVector('rfc/rfc5869-hkdf-sha256.json')) as { tests: HkdfCase[] }

describe('RFC 7914 §11 PBKDF2-HMAC-SHA256 through pbkdf2Sha256', () => {
  it('the transcription holds both cases, c = 1 and c = 80,000', () => {
    expect(pbkdf2.prf).toBe('HMAC-SHA-256')
    expect(pbkdf2.tests.map((t) => [t.id, t.iterations, t.dkLen])).toEqual([
      [1, 1, 64],
      [2, 80000, 64],
    ])
    // The ASCII and hex forms of the inputs agree, so either could be fed to the KDF.
    for (const t of pbkdf2.tests) {
      expect(toHex(new TextEncoder().encode(t.password))).toBe(t.passwordHex)
      expect(toHex(new TextEncoder().encode(t.salt))).toBe(t.saltHex)
    }
  })

  it.each(pbkdf2.tests.map((t) => [t.id, t.iterations, t] as const))('case %i (c = %i)', async (_, __, t) => {
    const dk = await pbkdf2Sha256(hex(t.passwordHex), hex(t.saltHex), t.iterations, t.dkLen)
    expect(toHex(dk)).toBe(t.dk)
  })
})

describe('RFC 5869 Appendix A.1–A.3 HKDF-SHA256 through importHkdfKey + hkdfSha256', () => {
  it('the transcription holds A.1–A.3, SHA-256, with A.3 having an empty salt and info', () => {
    expect(hkdf.tests.map((t) => [t.id, t.hash, t.length])).toEqual([
      ['A.1', 'SHA-256', 42],
      ['A.2', 'SHA-256', 82],
      ['A.3', 'SHA-256', 42],
    ])
    const a3 = hkdf.tests[2]
    expect([a3.salt, a3.info]).toEqual(['', ''])
  })

  it.each(hkdf.tests.map((t) => [t.id, t] as const))('%s: OKM', async (_, t) => {
    const base = await importHkdfKey(hex(t.ikm))
    const okm = await hkdfSha256(base, hex(t.salt), hex(t.info), t.length)
    expect(okm.length).toBe(t.length)
    expect(toHex(okm)).toBe(t.okm)
  })

  it('A.3: an empty salt is the same as HashLen zero octets (RFC 5869 §2.2)', async () => {
    const t = hkdf.tests[2]
    const base = await importHkdfKey(hex(t.ikm))
    const zeros = await hkdfSha256(base, new Uint8Array(32), hex(t.info), t.length)
    expect(toHex(zeros)).toBe(t.okm)
  })
})
