// The SP 800-38D usage limit on derived keys (docs/format.md §8): counted per key object, enforced
// before any encryption. 2^32 real seals cannot run in a test, so the counter is set through the
// module's internal state accessor, the same object sealKey reads.
import { describe, expect, it } from 'vitest'
import { DERIVED_KEY_SEAL_LIMIT, deriveKey, openKey, sealKey } from '../src/index.js'
import { keyState } from '../src/keys.js'
import { expectCode, TEST_POLICY } from './helpers.js'

describe('derived-key usage limit', () => {
  it('is 2^32 seals, counted per key object, refused with KEY_USAGE at the limit', async () => {
    expect(DERIVED_KEY_SEAL_LIMIT).toBe(2 ** 32)
    const key = await deriveKey('limit test passphrase', { policy: TEST_POLICY })
    const state = keyState(key) as { seals: number }
    expect(state.seals).toBe(0)
    const e = await sealKey('sk-1', key, { policy: TEST_POLICY })
    expect(state.seals).toBe(1)
    state.seals = DERIVED_KEY_SEAL_LIMIT - 1
    await sealKey('sk-last', key, { policy: TEST_POLICY })
    expect(state.seals).toBe(DERIVED_KEY_SEAL_LIMIT)
    await expectCode(sealKey('sk-over', key, { policy: TEST_POLICY }), 'KEY_USAGE', ['sk-over'])
    expect(state.seals).toBe(DERIVED_KEY_SEAL_LIMIT)
    // Opening is not limited, and a fresh derivation (fresh salt, fresh AES key) starts at zero.
    expect(await openKey(e, key, { policy: TEST_POLICY })).toBe('sk-1')
    const next = await deriveKey('limit test passphrase', { policy: TEST_POLICY })
    expect((keyState(next) as { seals: number }).seals).toBe(0)
    await sealKey('sk-2', next, { policy: TEST_POLICY })
  })
})
