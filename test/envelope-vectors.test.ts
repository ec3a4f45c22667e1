// The frozen v1 envelope vectors (vectors/envelopes-v1.json) against the library (WebCrypto) and
// against the independent node:crypto reference implementation of docs/format.md.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import * as ks from '../src/index.js'
import * as ref from './reference/reference.mjs'
import { expectOutsideOpeningPolicy } from './vector-policy.js'

const FILE = new URL('../vectors/envelopes-v1.json', import.meta.url)
const text = readFileSync(FILE, 'utf8')
const doc = JSON.parse(text)

// Frozen means frozen: the vectors of format v1 never change. Add a new file for new cases.
const FROZEN_SHA256 = 'c4c0042ca3c826eca2d0e3f87597e3e62ce124be24cd3ea51bf13d7536f53d8f'

type KeyDesc = { type: 'passphrase' | 'passphrase-hex' | 'raw'; value: string }
type Data = { type: 'utf8' | 'hex'; value: string } | null

const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))
const data = (d: Data) => (d === null ? undefined : d.type === 'utf8' ? d.value : bytes(d.value))
const policy = (name: string) => ks.createPolicy(doc.policies[name])
async function key(k: KeyDesc) {
  if (k.type === 'raw') return ks.importKey(k.value)
  return k.type === 'passphrase' ? k.value : bytes(k.value)
}
const refKey = (k: KeyDesc) =>
  k.type === 'raw' ? { raw: Buffer.from(k.value.slice(5), 'base64url') } : { passphrase: k.type === 'passphrase' ? k.value : Buffer.from(k.value, 'hex') }
const secretBytes = (s: Exclude<Data, null>) => (s.type === 'utf8' ? Buffer.from(s.value, 'utf8') : Buffer.from(s.value, 'hex'))

describe('frozen envelope vectors v1', () => {
  it('the vector file is unchanged', () => {
    expect(createHash('sha256').update(text).digest('hex')).toBe(FROZEN_SHA256)
    expect(doc.formatVersion).toBe(1)
    expect(doc.positive.length).toBeGreaterThanOrEqual(14)
    expect(doc.negative.length).toBeGreaterThanOrEqual(28)
  })

  describe.each((doc.positive as any[]).map((v: { id: string }) => [v.id, v] as [string, any]))('positive %s', (_id, v: any) => {
    it('opens to its secret with the library', async () => {
      const opts = { policy: policy(v.policy), ...(v.context ? { context: data(v.context) } : {}) }
      const got = await ks.openKeyBytes(v.envelope, await key(v.key), opts)
      expect(Buffer.from(got).equals(secretBytes(v.secret))).toBe(true)
      if (v.secret.type === 'utf8') expect(await ks.openKey(v.envelope, await key(v.key), opts)).toBe(v.secret.value)
    })

    it('opens with a key re-derived from the envelope (passphrase vectors)', async () => {
      if (v.key.type === 'raw') return expect(v.intermediate.passphraseBytes).toBeUndefined()
      const k = await ks.deriveKey((await key(v.key)) as string | Uint8Array, { policy: policy(v.policy), envelope: v.envelope })
      const opts = { policy: policy(v.policy), ...(v.context ? { context: data(v.context) } : {}) }
      expect(Buffer.from(await ks.openKeyBytes(v.envelope, k, opts)).equals(secretBytes(v.secret))).toBe(true)
    })

    it('is reproduced byte for byte by the independent reference from salt and nonce', () => {
      const e = ref.parseString(v.envelope)
      expect(Buffer.from(e.salt).toString('hex')).toBe(v.intermediate.salt)
      expect(Buffer.from(e.nonce).toString('hex')).toBe(v.intermediate.nonce)
      const M = ref.masterKey(e.params, refKey(v.key), e.salt)
      expect(M.toString('hex')).toBe(v.intermediate.master)
      const { K, C } = ref.schedule(M, e.salt)
      expect(Buffer.from(K).toString('hex')).toBe(v.intermediate.aesKey)
      expect(Buffer.from(C).toString('hex')).toBe(v.intermediate.commitment)
      expect(Buffer.from(e.commitment).toString('hex')).toBe(v.intermediate.commitment)
      const sealed = ref.sealWith({
        params: e.params, key: refKey(v.key), salt: e.salt, nonce: e.nonce, keyId: v.keyId,
        context: data(v.context), secret: secretBytes(v.secret),
      })
      expect(sealed).toBe(v.envelope)
      expect(ref.open(v.envelope, refKey(v.key), data(v.context)).equals(secretBytes(v.secret))).toBe(true)
    })

    it('converts losslessly between string, JSON and bytes, and inspect agrees', () => {
      const json = ks.envelopeToJSON(v.envelope)
      expect(ks.envelopeFromJSON(JSON.parse(JSON.stringify(json)))).toBe(v.envelope)
      const b = ks.envelopeToBytes(v.envelope)
      expect(ks.envelopeFromBytes(b)).toBe(v.envelope)
      const info = ks.inspect(v.envelope)
      expect(info.version).toBe(1)
      expect(info.keyId).toBe(v.keyId)
      expect(info.secretLength).toBe(secretBytes(v.secret).length)
      expect(info.byteLength).toBe(b.length)
      expect(Buffer.from(info.salt, 'base64url').toString('hex')).toBe(v.intermediate.salt)
      expect(info.kdf).toEqual(ref.parseString(v.envelope).params)
    })
  })

  describe.each((doc.negative as any[]).map((v: { id: string }) => [v.id, v] as [string, any]))('negative %s', (_id, v: any) => {
    it('is rejected by the library with its code, before any KDF work when it is a policy error', async () => {
      const subtle = globalThis.crypto.subtle
      const spy = vi.spyOn(subtle, 'deriveBits')
      try {
        const opts = { policy: policy(v.policy), ...(v.context ? { context: data(v.context) } : {}) }
        const err = await ks.openKey(v.envelope, await key(v.key), opts).then(
          () => null,
          (e: unknown) => e,
        )
        expect(ks.isKeysealError(err)).toBe(true)
        expect((err as ks.KeysealError).code).toBe(v.code)
        expect((err as Error).message).not.toContain(v.envelope.slice(4, 20))
        if (['PARAMS_OUT_OF_POLICY', 'MALFORMED_ENVELOPE', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_KDF', 'KEY_MISMATCH'].includes(v.code)) {
          expect(spy).not.toHaveBeenCalled()
        }
      } finally {
        spy.mockRestore()
      }
    })

    it('is rejected by the independent reference with the same code (format and authentication codes)', () => {
      if (v.code === 'PARAMS_OUT_OF_POLICY') return expectOutsideOpeningPolicy(v.envelope, doc.policies[v.policy].pbkdf2)
      expect(() => ref.open(v.envelope, refKey(v.key), data(v.context))).toThrowError(v.code)
    })
  })
})
