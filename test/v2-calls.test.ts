// The WebCrypto work of format v2's public-key path (issue 14, "Sizes and speed"): the exact calls of
// one seal to a public key and one open with the private key, so that avoidable work (an import the
// key object already made, the constant psk_id_hash and info_hash of RFC 9180 §5.1, an AEAD key or
// exporter secret taken out of WebCrypto only to be imported again) cannot come back unnoticed;
// and the shortcuts give the bytes of the long way (the frozen vectors check the long way).
import { readFileSync } from 'node:fs'
import { createECDH, createHmac } from 'node:crypto'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { generateKeyPair, importKey, importPublicKey, openKey, sealKey } from '../src/v2/index'
import { sealHpkeStanza } from '../src/v2/envelope'
import { exportSecret, keySchedule } from '../src/v2/hpke'
import { pointState } from '../src/v2/keys'

const METHODS = ['importKey', 'exportKey', 'generateKey', 'deriveBits', 'deriveKey', 'sign', 'verify', 'digest', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey'] as const
const subtle = globalThis.crypto.subtle as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
const real = Object.fromEntries(METHODS.map((m) => [m, subtle[m]!]))
afterEach(() => {
  for (const m of METHODS) subtle[m] = real[m]!
})

/** The WebCrypto calls `fn` makes, as `method:algorithm` (the format of an import, not its bytes). */
async function calls(fn: () => Promise<unknown>): Promise<string[]> {
  const log: string[] = []
  for (const m of METHODS) {
    subtle[m] = function (this: unknown, ...a: unknown[]) {
      const alg = (m === 'importKey' || m === 'exportKey' ? a[0] : (a[0] as { name?: string } | string))
      const name = typeof alg === 'string' ? alg : (alg as { name?: string }).name
      const imported = m === 'importKey' ? `/${typeof a[2] === 'string' ? a[2] : (a[2] as { name: string }).name}` : ''
      log.push(`${m}:${name}${imported}`)
      return real[m]!.apply(globalThis.crypto.subtle, a)
    }
  }
  try {
    await fn()
  } finally {
    for (const m of METHODS) subtle[m] = real[m]!
  }
  return log
}

const CTX = { context: 'user:42/openai' }

describe('v2 public-key path: WebCrypto calls', () => {
  it('seal to one public key: 18 calls, the recipient point never imported again', async () => {
    const pub = await importPublicKey((await generateKeyPair()).publicKey)
    await sealKey('warm', [pub], CTX)
    const log = await calls(() => sealKey('sk-proj-example', [pub], CTX))
    expect(log).toEqual([
      // §6: file key -> K_payload, K_mac (HKDF, 64 bytes: two imports of the halves).
      'importKey:raw/HKDF', 'deriveBits:HKDF', 'importKey:raw/AES-GCM', 'importKey:raw/HMAC',
      'encrypt:AES-GCM', 'digest:SHA-256',
      // §5.2: ephemeral key pair, DH with the cached public key, DHKEM's ExtractAndExpand.
      'generateKey:ECDH', 'exportKey:raw', 'deriveBits:ECDH', 'importKey:raw/HKDF', 'deriveBits:HKDF',
      // KeySchedule: secret's HKDF key, then key (AES), base_nonce, exporter (HMAC); no psk_id/info hash.
      'importKey:raw/HKDF', 'deriveKey:HKDF', 'deriveBits:HKDF', 'deriveKey:HKDF',
      // The stanza commitment (Export), the file key's encryption, the header MAC.
      'sign:HMAC', 'encrypt:AES-GCM', 'sign:HMAC',
    ])
  })

  it('open with the private key: 17 calls', async () => {
    const pair = await generateKeyPair()
    const env = await sealKey('sk-proj-example', [await importPublicKey(pair.publicKey)], CTX)
    const sk = await importKey(pair.privateKey)
    expect(await openKey(env, sk, CTX)).toBe('sk-proj-example')
    const log = await calls(async () => expect(await openKey(env, sk, CTX)).toBe('sk-proj-example'))
    expect(log).toEqual([
      'digest:SHA-256',
      'importKey:raw/ECDH', 'deriveBits:ECDH', 'importKey:raw/HKDF', 'deriveBits:HKDF',
      'importKey:raw/HKDF', 'deriveKey:HKDF', 'deriveBits:HKDF', 'deriveKey:HKDF',
      'sign:HMAC', 'decrypt:AES-GCM',
      'importKey:raw/HKDF', 'deriveBits:HKDF', 'importKey:raw/AES-GCM', 'importKey:raw/HMAC', 'sign:HMAC', 'decrypt:AES-GCM',
    ])
  })

  it('the cached public CryptoKey gives the frozen vectors\' stanzas byte for byte', async () => {
    const doc = JSON.parse(readFileSync(join(__dirname, '..', 'vectors', 'envelopes-v2.json'), 'utf8')) as {
      positive: { recipients: { type: string; publicKey?: string; ephemeral?: string; keyId?: string }[] }[]
    }
    let n = 0
    for (const v of doc.positive) {
      for (const r of v.recipients) {
        if (r.type !== 'p256') continue
        const pub = await importPublicKey(r.publicKey!, r.keyId === undefined ? {} : { keyId: r.keyId })
        const e = createECDH('prime256v1')
        e.setPrivateKey(Buffer.from(r.ephemeral!, 'hex'))
        const epk = e.getPublicKey()
        const b64 = (b: Buffer) => b.toString('base64url')
        const eph = {
          privateKey: await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', d: b64(Buffer.from(r.ephemeral!, 'hex')), x: b64(epk.subarray(1, 33)), y: b64(epk.subarray(33)) }, { name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits']),
          publicKey: new Uint8Array(epk),
        }
        const fk = crypto.getRandomValues(new Uint8Array(32))
        const aad = crypto.getRandomValues(new Uint8Array(49))
        const point = pointState(pub)!.point
        let cached: Uint8Array | undefined
        // The key object's own point: its CryptoKey from importPublicKey, no ECDH import.
        const log = await calls(async () => {
          cached = await sealHpkeStanza(point, r.keyId, fk, aad, eph)
        })
        expect(log.filter((c) => c === 'importKey:raw/ECDH')).toEqual([])
        // A copy of the point: imported here (the path the frozen vectors reproduce).
        const fresh = await sealHpkeStanza(point.slice(), r.keyId, fk, aad, eph)
        expect(Buffer.from(cached!).toString('hex')).toBe(Buffer.from(fresh).toString('hex'))
        n++
      }
    }
    expect(n).toBeGreaterThanOrEqual(2)
  })

  it('the remembered psk_id_hash || info_hash never answers for another psk_id or info', async () => {
    const ss = crypto.getRandomValues(new Uint8Array(32))
    const a = new TextEncoder().encode('info a')
    const b = new TextEncoder().encode('info b')
    const commit = new TextEncoder().encode('c')
    // RFC 9180 §5.1 base mode from scratch, on node:crypto's HMAC (L <= 32: one Expand block).
    const suite = Buffer.concat([Buffer.from('HPKE'), Buffer.from([0, 0x10, 0, 1, 0, 2])])
    const hm = (k: Uint8Array, d: Uint8Array) => createHmac('sha256', k.length ? k : Buffer.alloc(32)).update(d).digest()
    const ikm = (l: string, x: Uint8Array) => Buffer.concat([Buffer.from('HPKE-v1'), suite, Buffer.from(l), x])
    const ex = (prk: Buffer, l: string, ctx: Buffer, L: number) => hm(prk, Buffer.concat([Buffer.from([0, L]), ikm(l, ctx), Buffer.from([1])])).subarray(0, L)
    const expected = (info: Uint8Array) => {
      const ksc = Buffer.concat([Buffer.from([0]), hm(new Uint8Array(0), ikm('psk_id_hash', new Uint8Array(0))), hm(new Uint8Array(0), ikm('info_hash', info))])
      const secret = hm(ss, ikm('secret', new Uint8Array(0)))
      return { key: ex(secret, 'key', ksc, 32), nonce: ex(secret, 'base_nonce', ksc, 12), exporterSecret: ex(secret, 'exp', ksc, 32) }
    }
    for (const info of [a, b, a, a, b, new Uint8Array(0), a]) {
      const ctx = await keySchedule(0, ss, info, undefined, undefined, true)
      const want = expected(info)
      expect(Buffer.from(ctx.baseNonce).toString('hex')).toBe(want.nonce.toString('hex'))
      expect(Buffer.from(await crypto.subtle.exportKey('raw', ctx.key)).toString('hex')).toBe(want.key.toString('hex'))
      expect(Buffer.from(await crypto.subtle.exportKey('raw', ctx.exporterSecret)).toString('hex')).toBe(want.exporterSecret.toString('hex'))
      expect((await exportSecret(ctx, commit, 32)).length).toBe(32)
    }
    // Same info, then a psk mode with a psk_id: hashed afresh (the mode-1 schedule differs).
    const base = await keySchedule(0, ss, a, undefined, undefined, true)
    const psk = await keySchedule(1, ss, a, new Uint8Array(32).fill(7), new Uint8Array([1]), true)
    expect(Buffer.from(psk.baseNonce).toString('hex')).not.toBe(Buffer.from(base.baseNonce).toString('hex'))
  })
})
