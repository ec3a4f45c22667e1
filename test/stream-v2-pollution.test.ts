// `rotateStream` of `@org/keyseal/v2` under a polluted Object.prototype (issue 11): every name the
// source reads (test/conformance/pollution-names.mjs), planted alone and all at once with three
// values, changes nothing in a replace and a re-seal over a ks1. and a ks2. row; the envelopes made
// while polluted are opened again afterwards, unpolluted. On the code before, it failed twice over:
// the v2 rows failed with UNSUPPORTED_VERSION, and v2 rotation read planted `keyring`, `maxAgeMs`,
// `sealedAt`, `sealers`, `stanza` and `return` (INVALID_OPTIONS or a TypeError) and `verified`.
import { describe, expect, it } from 'vitest'
import { createPolicy, generateKeyPair, importKey, importPublicKey, inspect, isKeysealError, openKey, rotateStream, sealKey } from '../src/v2/index.js'
import { POLLUTION_NAMES } from './conformance/pollution-names.mjs'

async function pair(keyId: string) {
  const p = await generateKeyPair()
  return { pub: await importPublicKey(p.publicKey, { keyId }), priv: await importKey(p.privateKey, { keyId }) }
}

describe('rotateStream of @org/keyseal/v2 under a polluted Object.prototype (issue 11)', async () => {
  const server = await pair('srv-1')
  const from = await importKey(new Uint8Array(32).fill(3), { keyId: 'a' })
  const to = await importKey(new Uint8Array(32).fill(4), { keyId: 'b' })
  const next = await pair('srv-2')
  const rows = [
    { id: 0, envelope: await sealKey('sk-v1', from, { context: 'c0' }), context: 'c0' },
    { id: 1, envelope: await sealKey('sk-v2', [from, server.pub], { context: 'c1' }), context: 'c1' },
  ]
  const secrets = ['sk-v1', 'sk-v2']

  /** The scenario: a replace and a re-seal over both rows; only values are kept while polluted. */
  async function scenario() {
    const out: { status: string; code?: string; envelope?: string; index: number }[] = []
    for (const options of [{ from, to }, { from, to: [to, next.pub] }]) {
      const run: typeof out = []
      try {
        for await (const r of rotateStream(rows, options)) run.push({ index: r.index, status: r.status, ...(r.status === 'failed' ? { code: r.code } : { envelope: r.envelope }) })
      } catch (error) {
        run.push({ index: -1, status: 'threw', code: isKeysealError(error) ? error.code : 'not a KeysealError' })
      }
      // Results come in completion order: compared in input order.
      out.push(...run.sort((a, b) => a.index - b.index))
    }
    return out
  }
  /** Unpolluted: [index, status, code, what the envelope opens to with `to` and with the new private key]. */
  async function describeRun(out: Awaited<ReturnType<typeof scenario>>) {
    const lines: unknown[] = []
    for (const r of out) {
      let opened: unknown[] = []
      if (r.envelope !== undefined) {
        const context = rows[r.index]!.context
        const info = inspect(r.envelope)
        opened = [info.version, info.recipients.length, await openKey(r.envelope, to, { context })]
        if (info.recipients.length === 2) opened.push(await openKey(r.envelope, info.recipients[1]!.kind === 'p256' && 'keyId' in info.recipients[1]! && info.recipients[1].keyId === 'srv-2' ? next.priv : server.priv, { context }))
      }
      lines.push([r.index, r.status, r.code, ...opened])
    }
    return lines
  }

  it('every name the source reads, planted alone and all at once, changes nothing (or fails closed where the platform breaks)', async () => {
    const baseline = await describeRun(await scenario())
    expect(baseline).toHaveLength(4)
    expect(baseline.map((l) => (l as unknown[])[1])).toEqual(['ok', 'ok', 'ok', 'ok'])
    expect(JSON.stringify(baseline)).toContain(secrets[1])
    const proto = Object.prototype as Record<string, unknown>
    const failures: string[] = []
    const plants: [string[], unknown][] = []
    for (const value of [32, 'x', new Uint8Array(16).fill(1)]) {
      for (const name of POLLUTION_NAMES) plants.push([[name], value])
      plants.push([[...POLLUTION_NAMES], value])
    }
    for (const [names, value] of plants) {
      const desc = Object.assign(Object.create(null), { value, writable: true, configurable: true, enumerable: true })
      let out: Awaited<ReturnType<typeof scenario>>
      try {
        for (const n of names) Object.defineProperty(proto, n, desc)
        out = await scenario()
      } finally {
        for (const n of names) delete proto[n]
      }
      const label = `${names.length === 1 ? names[0] : 'every name'}=${typeof value === 'object' ? 'bytes' : String(value)}`
      const got = await describeRun(out)
      if (JSON.stringify(got) === JSON.stringify(baseline)) continue
      // Where the runtime's own WebCrypto breaks under the plant, a result may fail closed
      // (CRYPTO_FAILURE); anything else that differs is a failure.
      const closed = out.every((r, i) => r.status === 'failed' ? r.code === 'CRYPTO_FAILURE' : JSON.stringify(got[i]) === JSON.stringify(baseline[i]))
      if (!closed || !(await platformBroken(names, desc))) failures.push(`${label}: ${JSON.stringify(got)}`)
    }
    expect(failures).toEqual([])
  }, 600_000)
})

/** True when WebCrypto itself (AES-GCM, HKDF, ECDH with null-prototype dictionaries) fails under the plant. */
async function platformBroken(names: string[], desc: PropertyDescriptor): Promise<boolean> {
  const proto = Object.prototype as Record<string, unknown>
  const N = (o: object) => Object.assign(Object.create(null), o)
  try {
    for (const n of names) Object.defineProperty(proto, n, desc)
    const s = globalThis.crypto.subtle
    const k = await s.importKey('raw', new Uint8Array(32), N({ name: 'AES-GCM' }), false, ['encrypt', 'decrypt'])
    const gcm = N({ name: 'AES-GCM', iv: new Uint8Array(12), additionalData: new Uint8Array(1), tagLength: 128 })
    await s.decrypt(gcm, k, await s.encrypt(gcm, k, new Uint8Array(20)))
    // Node 20's importKey reads `length` through the prototype for HKDF and HMAC (its own
    // normalized algorithm object), whatever dictionary it is given.
    await s.importKey('raw', new Uint8Array(32), N({ name: 'HKDF' }), false, ['deriveBits'])
    const ec = await s.generateKey(N({ name: 'ECDH', namedCurve: 'P-256' }), false, ['deriveBits'])
    await s.deriveBits(N({ name: 'ECDH', public: (ec as CryptoKeyPair).publicKey }), (ec as CryptoKeyPair).privateKey, 256)
    return false
  } catch {
    return true
  } finally {
    for (const n of names) delete proto[n]
  }
}

describe('a planted Object.prototype.verified does not skip the independent check of a passphrase `to` (issue 11 item 8)', () => {
  it('a non-deterministic Argon2id still fails every row with CRYPTO_FAILURE', async () => {
    // A faulty implementation (a different tag on every call): only the independent check catches it.
    const random = { name: 'argon2id' as const, derive: async () => crypto.getRandomValues(new Uint8Array(32)) }
    const policy = createPolicy({ argon2id: { implementation: random, memoryKiB: 19_456, passes: 2, lanes: 1 } })
    const server = await pair('srv-1')
    const from = await importKey(new Uint8Array(32).fill(5))
    const rows = [
      { envelope: await sealKey('sk-a', from, { context: 'c' }), context: 'c' },
      { envelope: await sealKey('sk-b', [from, server.pub], { context: 'c' }), context: 'c' },
    ]
    const got: string[] = []
    const proto = Object.prototype as Record<string, unknown>
    for (const value of [32, 'x']) {
      proto['verified'] = value
      try {
        for await (const r of rotateStream(rows, { from, to: 'new passphrase', policy })) got.push(r.status === 'failed' ? r.code : r.status)
      } finally {
        delete proto['verified']
      }
    }
    expect(got).toEqual(['CRYPTO_FAILURE', 'CRYPTO_FAILURE', 'CRYPTO_FAILURE', 'CRYPTO_FAILURE'])
  })
})
