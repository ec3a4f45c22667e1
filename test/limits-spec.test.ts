// The size limits docs/format.md §9 and §11 state as numbers, held to the code: the longest valid
// envelope (Argon2id parameters, 64-byte salt, 64-character key id, 1 MiB secret) is exactly 1,398,379 characters and
// 1,048,780 bytes and is accepted; one character or byte more is refused before decoding.
import { describe, expect, it } from 'vitest'
import * as ks from '../src/index.js'
import { expectCode } from './helpers.js'

describe('spec limits', () => {
  it('the longest valid envelope has the documented lengths and is accepted; longer is refused', async () => {
    const key = await ks.importKey(new Uint8Array(32).fill(1))
    const e = await ks.sealKey(new Uint8Array(ks.SECRET_MAX).fill(7), key, { keyId: 'k'.repeat(64) })
    const j = ks.envelopeToJSON(e) as Record<string, unknown>
    // The longest header: Argon2id parameters (12 bytes), a 64-byte salt (the library seals with 16)
    // and a 64-character key id, built through the JSON form.
    const longest = ks.envelopeFromJSON({ ...j, kdf: 'argon2id', memoryKiB: 64, passes: 1, lanes: 1, salt: Buffer.alloc(64, 9).toString('base64url') })
    expect(longest.length).toBe(1_398_379)
    expect(ks.envelopeToBytes(longest).length).toBe(1_048_780)
    expect(ks.inspect(longest).secretLength).toBe(1_048_576)
    // One character over: the header says KDF 0x09, so only the cap (checked before decoding) can
    // make this MALFORMED_ENVELOPE rather than UNSUPPORTED_KDF.
    const [head, body] = longest.slice(4).split('.') as [string, string]
    const kdf09 = Buffer.from(head, 'base64url')
    kdf09[1] = 9
    await expectCode(() => ks.inspect(`ks1.${kdf09.toString('base64url')}.${body}`), 'UNSUPPORTED_KDF')
    await expectCode(() => ks.inspect(`ks1.${kdf09.toString('base64url')}.${body}A`), 'MALFORMED_ENVELOPE')
    const bytes = ks.envelopeToBytes(longest)
    await expectCode(() => ks.envelopeFromBytes(new Uint8Array(bytes.length + 1)), 'MALFORMED_ENVELOPE')
    // A secret one byte over 1 MiB is refused when sealing.
    await expectCode(ks.sealKey(new Uint8Array(ks.SECRET_MAX + 1).fill(7), key), 'INVALID_SECRET')
  })
})
