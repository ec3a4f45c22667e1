// Tests written to kill the mutants StrykerJS left alive (issue 11 item 10; docs/mutation.md lists
// each module's run, the mutants these tests kill and the ones that are equivalent, with the
// reason). Each test states the behaviour it pins; the comment above it names the mutant
// (file:line, original -> mutated) that passed every other test.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { deriveKey, openKey, sealKey } from '../src/index.js'
import { expectCode, TEST_POLICY } from './helpers'

const P = { policy: TEST_POLICY }

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('src/open.ts', () => {
  // open.ts:46 `platform()` removed from openWithKey: a derived key's material is cached, so without
  // the check a wrong key of the right kind reached the commitment and failed AUTH_FAILED although
  // the platform has no WebCrypto at all.
  it('without WebCrypto, a key object of the right kind but the wrong passphrase is WEBCRYPTO_UNAVAILABLE, not AUTH_FAILED', async () => {
    const env = await sealKey('sk-open', 'the right passphrase', P)
    const wrong = await deriveKey('a wrong passphrase', { ...P, envelope: env })
    const right = await deriveKey('the right passphrase', { ...P, envelope: env })
    await expectCode(openKey(env, wrong, P), 'AUTH_FAILED')
    vi.stubGlobal('crypto', undefined)
    await expectCode(openKey(env, wrong, P), 'WEBCRYPTO_UNAVAILABLE', [env])
    await expectCode(openKey(env, right, P), 'WEBCRYPTO_UNAVAILABLE', [env])
    vi.unstubAllGlobals()
    expect(await openKey(env, right, P)).toBe('sk-open')
  })
})

describe('src/seal.ts', () => {
  // seal.ts:66 `platform()` removed from sealWithKey: without it an open-only derived key got as far
  // as its own KEY_USAGE check. docs/format.md §19.2 puts WEBCRYPTO_UNAVAILABLE (step 8) before the
  // derived key's checks (step 9), and the key's material is cached, so nothing else reaches the
  // platform before that check.
  it('without WebCrypto, sealing with an open-only derived key is WEBCRYPTO_UNAVAILABLE (§19.2 step 8 before step 9)', async () => {
    const env = await sealKey('sk-seal', 'the passphrase', P)
    const openOnly = await deriveKey('the passphrase', { ...P, envelope: env })
    await expectCode(sealKey('sk-seal', openOnly, P), 'KEY_USAGE')
    vi.stubGlobal('crypto', undefined)
    await expectCode(sealKey('sk-seal', openOnly, P), 'WEBCRYPTO_UNAVAILABLE')
  })
})
