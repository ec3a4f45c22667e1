// Issue 11, item 2, last line of defence, for format v2: sealKey with recipients never returns a
// `ks2.` string that the v2 parser (parseV2, what openKey, inspect and checkEnvelope parse with)
// refuses. Two platform faults that each made the old sealKey resolve with such a string, which
// never opens again: AES-GCM tags cut to 4 bytes (what `Object.prototype.tagLength = 32` did before
// item 1: the HPKE-wrapped file key is 36 bytes, not 48, and a 1-byte secret's payload 5 bytes),
// and an ephemeral public key exported off the curve (the stanza's enc fails the §10 point check).
// Only public-key recipients here: a symmetric stanza is a v1 envelope, which v1's own check
// already refuses (test/seal-output.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest'
import { generateKeyPair, importKey, importPublicKey, openKey, sealKey } from '../src/v2/index'
import { resolveRecipient, sealHpkeStanza } from '../src/v2/envelope'
import { isValidPoint } from '../src/v2/p256'
import { expectCode, TEST_POLICY } from './helpers'

const policy = TEST_POLICY

/** crypto.subtle.encrypt, but the 16-byte tag cut to 4 bytes. */
function cutTags(): void {
  const subtle = globalThis.crypto.subtle
  const real = subtle.encrypt.bind(subtle)
  vi.spyOn(subtle, 'encrypt').mockImplementation((async (...args: Parameters<SubtleCrypto['encrypt']>) => (await real(...args)).slice(0, -12)) as never)
}

/** crypto.subtle.exportKey, but a raw EC public key comes back with its last byte changed (off the curve). */
function badEphemeral(): void {
  const subtle = globalThis.crypto.subtle
  const real = subtle.exportKey.bind(subtle) as (f: string, k: CryptoKey) => Promise<ArrayBuffer>
  vi.spyOn(subtle, 'exportKey').mockImplementation((async (format: string, key: CryptoKey) => {
    const out = await real(format, key)
    if (format !== 'raw' || key.algorithm.name !== 'ECDH') return out
    const b = new Uint8Array(out)
    b[64] ^= 1
    return b.buffer
  }) as never)
}

afterEach(() => vi.restoreAllMocks())

async function server(keyId?: string) {
  const p = await generateKeyPair()
  const o = keyId === undefined ? {} : { keyId }
  return { pub: await importPublicKey(p.publicKey, o), priv: await importKey(p.privateKey, o) }
}

describe('sealKey (v2) parses what it returns', () => {
  for (const [name, fault] of [['GCM tags cut to 4 bytes', cutTags], ['an off-curve ephemeral key', badEphemeral]] as const) {
    it(`${name}: CRYPTO_FAILURE, no envelope (one recipient, two, a label, a key id)`, async () => {
      const a = await server()
      const b = await server('job-2')
      fault()
      // What the faulty platform gives really is unparsable: the check has something to refuse.
      const returned: string[] = []
      const calls = [
        () => sealKey('s', [a.pub], { policy }),
        () => sealKey('s', [a.pub, b.pub], { policy, context: 'user:1' }),
        () => sealKey('s', a.pub, { policy, label: 'openai · sk-…abcd' }),
        () => sealKey(new Uint8Array([1, 2, 3]), [b.pub], { policy }),
      ]
      for (const call of calls) await expectCode(call().then((e) => void returned.push(e)), 'CRYPTO_FAILURE')
      expect(returned).toEqual([])
    })
  }

  it('each fault really yields a stanza the parser refuses (so the test above can fail)', async () => {
    const a = await server()
    const point = resolveRecipient(a.pub) as { point: Uint8Array<ArrayBuffer> }
    const fk = new Uint8Array(32).fill(9)
    const aad = new Uint8Array(49)
    const ok = await sealHpkeStanza(point.point, undefined, fk, aad)
    expect(ok.length).toBe(3 + 1 + 65 + 32 + 48)
    expect(isValidPoint(ok.subarray(4, 69))).toBe(true)
    cutTags()
    expect((await sealHpkeStanza(point.point, undefined, fk, aad)).length).toBe(3 + 1 + 65 + 32 + 36)
    vi.restoreAllMocks()
    badEphemeral()
    expect(isValidPoint((await sealHpkeStanza(point.point, undefined, fk, aad)).subarray(4, 69))).toBe(false)
  })

  it('without a fault the same calls seal envelopes that open', async () => {
    const a = await server()
    const b = await server('job-2')
    expect(await openKey(await sealKey('s', [a.pub], { policy }), a.priv, { policy })).toBe('s')
    expect(await openKey(await sealKey('s', [a.pub, b.pub], { policy, context: 'user:1' }), b.priv, { policy, context: 'user:1' })).toBe('s')
    expect(await openKey(await sealKey('s', a.pub, { policy, label: 'openai · sk-…abcd' }), a.priv, { policy })).toBe('s')
  })
})
