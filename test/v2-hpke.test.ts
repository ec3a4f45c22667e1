// HPKE (src/v2/hpke.ts) against the CFRG vectors for exactly keyseal's suite,
// DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, all four modes (vectors/hpke/, copied from
// ../shared/vectors/hpke with the provenance in vectors/README.md). Every step the vectors list is
// checked: shared_secret (Encap and Decap), key, base_nonce, exporter_secret, all 257 encryptions
// (Seal and Open, sequence numbers 0-256) and the 3 exports.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  decap, encap, exportSecret, keySchedule, labeledExtract, openAt, sealAt, type KeyPair,
} from '../src/v2/hpke'

const FILE = join(__dirname, '..', 'vectors', 'hpke', 'rfc9180-p256-sha256-aes256gcm.json')
const raw = readFileSync(FILE)
interface Vector {
  mode: number; kem_id: number; kdf_id: number; aead_id: number
  info: string; skRm: string; skEm: string; pkRm: string; pkEm: string; enc: string
  skSm?: string; pkSm?: string; psk?: string; psk_id?: string
  shared_secret: string; key_schedule_context: string; secret: string; key: string; base_nonce: string; exporter_secret: string
  encryptions: { aad: string; ct: string; nonce: string; pt: string }[]
  exports: { exporter_context: string; L: number; exported_value: string }[]
}
const vectors = JSON.parse(raw.toString('utf8')) as Vector[]
const hex = (s: string): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.from(s, 'hex'))
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url')
const exported = async (k: CryptoKey): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.exportKey('raw', k))

/** A private key from the vectors' scalar and public point, through JWK (the only portable import). */
async function importPrivate(sk: string, pk: string): Promise<CryptoKey> {
  const p = hex(pk)
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', d: b64u(hex(sk)), x: b64u(p.subarray(1, 33)), y: b64u(p.subarray(33)) }, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])
}
const pair = async (sk: string, pk: string): Promise<KeyPair> => ({ privateKey: await importPrivate(sk, pk), publicKey: hex(pk) })

describe('HPKE RFC 9180, suite 0x0010/0x0001/0x0002 (CFRG vectors)', () => {
  it('is the pinned copy: 4 elements, modes 0-3, this suite only', () => {
    expect(createHash('sha256').update(raw).digest('hex')).toBe('83c16c82219cdb48f9735c853ec66ad9d9bebfad8326e7f372441cb44917013a')
    expect(vectors.map((v) => [v.mode, v.kem_id, v.kdf_id, v.aead_id])).toEqual([0, 1, 2, 3].map((m) => [m, 16, 1, 2]))
  })

  for (const v of vectors) {
    it(`mode ${v.mode}: Encap, Decap, KeySchedule, ${v.encryptions.length} encryptions, ${v.exports.length} exports`, async () => {
      const sender = v.skSm ? await pair(v.skSm, v.pkSm!) : undefined
      const { sharedSecret, enc } = await encap(hex(v.pkRm), await pair(v.skEm, v.pkEm), sender)
      expect(toHex(enc)).toBe(v.enc)
      expect(toHex(sharedSecret)).toBe(v.shared_secret)
      const ssR = await decap(hex(v.enc), await importPrivate(v.skRm, v.pkRm), hex(v.pkRm), v.pkSm ? hex(v.pkSm) : undefined)
      expect(toHex(ssR)).toBe(v.shared_secret)

      const psk = v.psk ? hex(v.psk) : undefined
      const pskId = v.psk_id ? hex(v.psk_id) : undefined
      // Extractable for this test only: key and exporter_secret never leave WebCrypto in keyseal.
      const ctx = await keySchedule(v.mode, sharedSecret, hex(v.info), psk, pskId, true)
      expect(toHex(await exported(ctx.key))).toBe(v.key)
      expect(toHex(ctx.baseNonce)).toBe(v.base_nonce)
      expect(toHex(await exported(ctx.exporterSecret))).toBe(v.exporter_secret)
      // The intermediate `secret` (never materialized by keySchedule: it stays inside WebCrypto's HKDF).
      const suite = new Uint8Array([...Buffer.from('HPKE'), 0, 0x10, 0, 1, 0, 2])
      expect(toHex(await labeledExtract(suite, sharedSecret, 'secret', psk ?? new Uint8Array(0)))).toBe(v.secret)

      for (const [seq, e] of v.encryptions.entries()) {
        const ct = await sealAt(ctx, hex(e.aad), hex(e.pt), seq)
        expect(toHex(ct), `seal seq ${seq}`).toBe(e.ct)
        expect(toHex(await openAt(ctx, hex(e.aad), hex(e.ct), seq)), `open seq ${seq}`).toBe(e.pt)
      }
      for (const x of v.exports) expect(toHex(await exportSecret(ctx, hex(x.exporter_context), x.L))).toBe(x.exported_value)
    })
  }

  it('Open refuses a flipped ciphertext bit, another sequence number and another AAD (AUTH_FAILED)', async () => {
    const v = vectors[0]!
    const ctx = await keySchedule(0, hex(v.shared_secret), hex(v.info))
    const e = v.encryptions[0]!
    const ct = hex(e.ct)
    ct[0]! ^= 1
    await expect(openAt(ctx, hex(e.aad), ct, 0)).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    await expect(openAt(ctx, hex(e.aad), hex(e.ct), 1)).rejects.toMatchObject({ code: 'AUTH_FAILED' })
    await expect(openAt(ctx, hex(e.aad + '00'), hex(e.ct), 0)).rejects.toMatchObject({ code: 'AUTH_FAILED' })
  })

  it('KeySchedule refuses PSK inputs that do not fit the mode (RFC 9180 §5.1 VerifyPSKInputs)', async () => {
    const ss = hex(vectors[0]!.shared_secret)
    await expect(keySchedule(0, ss, new Uint8Array(0), new Uint8Array(32), new Uint8Array(1))).rejects.toMatchObject({ code: 'CRYPTO_FAILURE' })
    await expect(keySchedule(1, ss, new Uint8Array(0))).rejects.toMatchObject({ code: 'CRYPTO_FAILURE' })
    await expect(keySchedule(1, ss, new Uint8Array(0), new Uint8Array(32))).rejects.toMatchObject({ code: 'CRYPTO_FAILURE' })
  })
})
