// Frozen Argon2id envelope vectors (vectors/envelopes-v1-argon2id.json): the library opens them
// with the TypeScript Argon2id (Node 20 has no native one); the node:crypto reference reproduces each
// envelope from its recorded master key M. Node 24's native node:crypto.argon2Sync recomputes every
// M in the runtime matrix (`argon2id-native` check, `npm run test:runtimes`): `npm test` downloads
// no Node binaries (issue 12).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { argon2id } from '../src/argon2id.js'
import * as ks from '../src/index.js'
import * as ref from './reference/reference.mjs'

const text = readFileSync(new URL('../vectors/envelopes-v1-argon2id.json', import.meta.url), 'utf8')
const doc = JSON.parse(text)
const FROZEN_SHA256 = '13bd8b9d0a4c869cc9aaf6b92527f05ceabec4da05ee0a4c35591f611250783f'

// The implementation, wrapped to count how often it runs (parameter bombs must never reach it).
let derives = 0
const counted: ks.Argon2idImplementation = {
  name: 'argon2id',
  derive: (...a) => {
    derives++
    return argon2id.derive(...a)
  },
}
function policy(name: string) {
  const p = doc.policies[name]
  return ks.createPolicy({ kdf: p.kdf, pbkdf2: p.pbkdf2, ...(p.argon2id ? { argon2id: { ...p.argon2id, implementation: counted } } : {}) })
}
const data = (d: { type: string; value: string } | null) => (d === null ? undefined : d.type === 'utf8' ? d.value : new Uint8Array(Buffer.from(d.value, 'hex')))

describe('frozen Argon2id envelope vectors v1', () => {
  it('the vector file is unchanged', () => {
    expect(createHash('sha256').update(text).digest('hex')).toBe(FROZEN_SHA256)
    expect(doc.positive.length).toBe(5)
    expect(doc.negative.length).toBe(12)
  })

  it.each((doc.positive as any[]).map((v: any, i: number) => [v.id, v, i] as [string, any, number]))('positive %s', async (_id, v: any, i: number) => {
    const e = ref.parseString(v.envelope)
    const { K, C } = ref.schedule(Buffer.from(v.intermediate.master, 'hex'), e.salt)
    expect(Buffer.from(K).toString('hex')).toBe(v.intermediate.aesKey)
    expect(Buffer.from(C).toString('hex')).toBe(v.intermediate.commitment)
    const master = Buffer.from(v.intermediate.master, 'hex')
    const sealed = ref.sealWith({ params: e.params, key: {}, master, salt: e.salt, nonce: e.nonce, keyId: v.keyId, context: data(v.context), secret: Buffer.from(data(v.secret) as string) })
    expect(sealed).toBe(v.envelope)
    // The library, with the TypeScript Argon2id on this Node, opens it.
    const opts = { policy: policy(v.policy), ...(v.context ? { context: data(v.context) } : {}) }
    expect(await ks.openKey(v.envelope, v.key.value, opts)).toBe(v.secret.value)
    expect(ks.inspect(v.envelope).kdf).toEqual(e.params)
  })

  it.each((doc.negative as any[]).map((v: any) => [v.id, v] as [string, any]))('negative %s', async (_id, v: any) => {
    derives = 0
    const opts = { policy: policy(v.policy), ...(v.context ? { context: data(v.context) } : {}) }
    const err = await ks.openKey(v.envelope, v.key.value, opts).then(() => null, (x: unknown) => x)
    expect(ks.isKeysealError(err)).toBe(true)
    expect((err as ks.KeysealError).code).toBe(v.code)
    if (v.code !== 'AUTH_FAILED') expect(derives).toBe(0)
    else expect(derives).toBe(1)
  })
})
