// The frozen precedence vectors (vectors/envelopes-v1-precedence.json): envelopes and inputs wrong in
// two ways at once, checked against the library and the independent node:crypto reference, which
// must agree on which code wins (docs/format.md §6, the order of checks).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import * as ks from '../src/index.js'
import * as ref from './reference/reference.mjs'
import { expectOutsideOpeningPolicy } from './vector-policy.js'

const text = readFileSync(new URL('../vectors/envelopes-v1-precedence.json', import.meta.url), 'utf8')
const doc = JSON.parse(text)

// Frozen means frozen: add a new file for new cases.
const FROZEN_SHA256 = '0f3a5a3c7dbad0a36e80f7a1e0783394110d03cc27746bb58723e03ff93e0d40'

type Vector = {
  id: string
  envelope: string
  key: { type: 'passphrase' | 'raw'; value: string }
  policy: string
  context: { type: 'utf8'; value: string } | null
  code: ks.KeysealErrorCode
}
const vectors = doc.negative as Vector[]

describe('frozen precedence vectors v1', () => {
  it('the vector file is unchanged', () => {
    expect(createHash('sha256').update(text).digest('hex')).toBe(FROZEN_SHA256)
    expect(doc.formatVersion).toBe(1)
    expect(vectors.length).toBe(9)
  })

  describe.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    it(`the library refuses it with ${v.code}, before any KDF work`, async () => {
      const spy = vi.spyOn(globalThis.crypto.subtle, 'deriveBits')
      try {
        const key = v.key.type === 'raw' ? await ks.importKey(v.key.value) : v.key.value
        const opts = { policy: ks.createPolicy(doc.policies[v.policy]), ...(v.context ? { context: v.context.value } : {}) }
        const err = await ks.openKey(v.envelope, key, opts).then(
          () => null,
          (e: unknown) => e,
        )
        expect(ks.isKeysealError(err) && err.code).toBe(v.code)
        expect(spy).not.toHaveBeenCalled()
      } finally {
        spy.mockRestore()
      }
    })

    it('the independent reference refuses it with the same code', () => {
      if (v.code === 'PARAMS_OUT_OF_POLICY') {
        // The reference has no policy: the parameters must lie outside it, and the key kind must
        // be wrong too (the second defect).
        expectOutsideOpeningPolicy(v.envelope, doc.policies[v.policy].pbkdf2)
        expect(v.key.type).toBe('raw')
        return
      }
      const key = v.key.type === 'raw' ? { raw: Buffer.from(v.key.value.slice(5), 'base64url') } : { passphrase: v.key.value }
      expect(() => ref.open(v.envelope, key, v.context?.value)).toThrowError(v.code)
    })
  })
})
