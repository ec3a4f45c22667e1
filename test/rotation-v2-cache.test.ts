// Issue 14 / rotation: v2's rotateMany runs the `from` KDF once per salt and parameters for v2
// passphrase stanzas, with the same derived-key cache as v1 envelopes (src/rotate.ts derivedKeys).
// On the code before it, every item re-ran the KDF (the counts below were one per item).
import { describe, expect, it } from 'vitest'
import * as v2 from '../src/v2/index.js'

const PW = 'old passphrase'
const PW2 = 'new passphrase'

/**
 * A stand-in Argon2id (SHA-256 of salt and password: deterministic, so envelopes open) that counts
 * its runs per salt. Only the counting matters here; the real implementations are tested elsewhere.
 */
function counting() {
  const runs = new Map<string, number>()
  const impl: v2.Argon2idImplementation = {
    name: 'argon2id',
    derive: async (password, salt) => {
      const key = Buffer.from(salt).toString('hex')
      runs.set(key, (runs.get(key) ?? 0) + 1)
      const input = new Uint8Array(salt.length + password.length)
      input.set(salt)
      input.set(password, salt.length)
      return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', input))
    },
  }
  const policy = v2.createPolicy({ argon2id: { implementation: impl, memoryKiB: 64, passes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8 } })
  return { runs, policy, total: () => [...runs.values()].reduce((a, b) => a + b, 0) }
}

describe('v2 rotateMany: one `from` KDF per salt and parameters', () => {
  it('v2 passphrase stanzas that share a salt (one derived key sealed them) run the KDF once, not once per item', async () => {
    const { runs, policy, total } = counting()
    const old = await v2.deriveKey(PW, { policy })
    const raw = await v2.importKey(await v2.generateKey())
    const rows = await Promise.all(['a', 'b', 'c', 'd'].map(async (s, id) => ({ id, context: `row:${id}`, envelope: await v2.sealKey(`sk-${s}`, [old, raw], { context: `row:${id}`, policy }) })))
    const salts = new Set(rows.map((r) => (v2.inspect(r.envelope).recipients[0] as { salt?: string }).salt))
    expect(salts.size).toBe(1)
    runs.clear()
    const out = await v2.rotateMany(rows, { from: PW, to: PW2, policy, concurrency: 2 })
    expect(out.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok'])
    // The old salt: one derivation for the four items. The new passphrase: derived once, plus the
    // verifying open of issue 11 item 8 where it applies; nothing per item.
    const oldSalt = Buffer.from((v2.inspect(rows[0]!.envelope).recipients[0] as { salt: string }).salt, 'base64url').toString('hex')
    expect(runs.get(oldSalt)).toBe(1)
    expect(total()).toBeLessThanOrEqual(3)
    for (const [i, r] of out.entries()) {
      expect(await v2.openKey(r.envelope!, PW2, { context: `row:${i}`, policy })).toBe(`sk-${'abcd'[i]}`)
      expect(await v2.openKey(r.envelope!, raw, { context: `row:${i}`, policy })).toBe(`sk-${'abcd'[i]}`)
    }
  })

  it('v1 envelopes rotated by v1 rules through v2 rotateMany share the cache too', async () => {
    const { runs, policy } = counting()
    const old = await v2.deriveKey(PW, { policy })
    const rows = await Promise.all(['a', 'b', 'c'].map(async (s) => v2.sealKey(`sk-${s}`, old, { policy })))
    const oldSalt = Buffer.from((v2.inspect(rows[0]!) as { salt: string }).salt, 'base64url').toString('hex')
    runs.clear()
    const out = await v2.rotateMany(rows, { from: PW, to: PW2, policy })
    expect(out.map((r) => r.status)).toEqual(['ok', 'ok', 'ok'])
    expect(runs.get(oldSalt)).toBe(1)
  })

  it('different salts are derived separately (the cache keys on salt and parameters)', async () => {
    const { runs, policy } = counting()
    const rows = await Promise.all(['a', 'b'].map(async (s) => v2.sealKey(`sk-${s}`, [PW, await v2.importKey(await v2.generateKey())], { policy })))
    runs.clear()
    const out = await v2.rotateMany(rows, { from: PW, to: PW2, policy })
    expect(out.map((r) => r.status)).toEqual(['ok', 'ok'])
    for (const r of rows) {
      const salt = Buffer.from((v2.inspect(r).recipients[0] as { salt: string }).salt, 'base64url').toString('hex')
      expect(runs.get(salt)).toBe(1)
    }
  })
})
