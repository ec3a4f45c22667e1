// Issue 11, item 2, last line of defence: sealKey never returns an envelope its own parser would
// refuse. The fault injected here is what `Object.prototype.tagLength = 32` did to platforms before
// item 1: AES-GCM with a 4-byte tag, so a 1-byte secret gives a 5-byte body (the parser needs at
// least 17). Before this check sealKey resolved with that envelope, which never opens again.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createKeyring, importKey, openKey, sealKey } from '../src/index.js'
import { expectCode, TEST_POLICY } from './helpers.js'

/** crypto.subtle.encrypt, but the 16-byte tag cut to 4 bytes. */
function cutTags(): void {
  const subtle = globalThis.crypto.subtle
  const real = subtle.encrypt.bind(subtle)
  vi.spyOn(subtle, 'encrypt').mockImplementation((async (...args: Parameters<SubtleCrypto['encrypt']>) => (await real(...args)).slice(0, -12)) as never)
}

afterEach(() => vi.restoreAllMocks())

describe('sealKey parses what it returns', () => {
  it('a sealer that produces an unparsable envelope fails closed with CRYPTO_FAILURE (raw key, passphrase, keyring)', async () => {
    const key = await importKey(new Uint8Array(32).fill(3), { keyId: 'k1' })
    const ring = createKeyring([{ id: 'a', key: await importKey(new Uint8Array(32).fill(4)) }])
    cutTags()
    await expectCode(sealKey('s', key), 'CRYPTO_FAILURE')
    await expectCode(sealKey('s', 'a passphrase', { policy: TEST_POLICY }), 'CRYPTO_FAILURE')
    await expectCode(sealKey(new Uint8Array([1]), ring), 'CRYPTO_FAILURE')
  })

  it('without the fault the same calls seal envelopes that open', async () => {
    const key = await importKey(new Uint8Array(32).fill(3), { keyId: 'k1' })
    expect(await openKey(await sealKey('s', key), key)).toBe('s')
    expect(await openKey(await sealKey('s', 'a passphrase', { policy: TEST_POLICY }), 'a passphrase', { policy: TEST_POLICY })).toBe('s')
  })
})
