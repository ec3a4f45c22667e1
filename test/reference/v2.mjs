// A second, independent implementation of docs/format-v2.md on node:crypto (OpenSSL), written from
// the spec and sharing no code with src/v2 (which uses WebCrypto). HPKE is written here a second
// time too: RFC 9180's Extract/Expand as explicit HMAC loops (src/v2/hpke.ts folds them into
// WebCrypto HKDF calls), DHKEM through node's ECDH objects. Symmetric stanzas are v1 envelopes, so
// they go through the v1 reference (reference.mjs), as the spec says an implementation may.
// Node-only: tests and the vector generator use it. Inputs that the spec leaves random (file key,
// salts, nonces, ephemeral scalars) are parameters here, so that vectors can be reproduced.
import { createCipheriv, createDecipheriv, createECDH, createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { b64d, b64e, parseHeader as parseV1Header, RefError, sealWith as sealV1, open as openV1 } from './reference.mjs'

const no = (code) => {
  throw new RefError(code)
}
const A = (s) => Buffer.from(s, 'ascii')
export const PAYLOAD_INFO = A('keyseal v2 payload key and header mac key')
export const STANZA_DOMAIN = A('keyseal v2 stanza')
export const HPKE_INFO = A('keyseal v2 hpke-p256 file key')
export const COMMIT_CONTEXT = A('keyseal v2 stanza commitment')

// ---- RFC 5869 and RFC 9180 §4, by the letter ----------------------------------------------------
const hmac = (key, data) => createHmac('sha256', key).update(data).digest()
/** HKDF-Extract(salt, IKM); an empty salt is HashLen zeros (RFC 5869 §2.2). */
export const extract = (salt, ikm) => hmac(salt.length ? salt : Buffer.alloc(32), ikm)
/** HKDF-Expand(PRK, info, L): T(i) = HMAC(PRK, T(i-1) || info || i) (RFC 5869 §2.3). */
export function expand(prk, info, L) {
  const out = []
  let t = Buffer.alloc(0)
  for (let i = 1; Buffer.concat(out).length < L; i++) {
    t = hmac(prk, Buffer.concat([t, info, Buffer.from([i])]))
    out.push(t)
  }
  return Buffer.concat(out).subarray(0, L)
}
const i2osp = (n, w) => {
  const b = Buffer.alloc(w)
  b.writeUIntBE(n, 0, w)
  return b
}
const KEM_ID = Buffer.concat([A('KEM'), i2osp(0x10, 2)])
const SUITE_ID = Buffer.concat([A('HPKE'), i2osp(0x10, 2), i2osp(1, 2), i2osp(2, 2)])
const lExtract = (suite, salt, label, ikm) => extract(salt, Buffer.concat([A('HPKE-v1'), suite, A(label), ikm]))
const lExpand = (suite, prk, label, info, L) => expand(prk, Buffer.concat([i2osp(L, 2), A('HPKE-v1'), suite, A(label), info]), L)

// ---- P-256 ---------------------------------------------------------------------------------------
const p = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n
const b = BigInt('0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b')
const big = (buf) => BigInt('0x' + (Buffer.from(buf).toString('hex') || '0'))
const mod = (x) => ((x % p) + p) % p
/** §10: uncompressed only, coordinates below p, on the curve. */
export function pointOk(pt) {
  if (pt.length !== 65 || pt[0] !== 4) return false
  const x = big(pt.subarray(1, 33))
  const y = big(pt.subarray(33))
  return x < p && y < p && mod(y * y) === mod(x * x * x - 3n * x + b)
}

/** DH(sk, pk): node's ECDH computeSecret gives the X-coordinate. */
function dh(sk, pk) {
  const e = createECDH('prime256v1')
  e.setPrivateKey(sk)
  return e.computeSecret(pk)
}
export function publicOf(sk) {
  const e = createECDH('prime256v1')
  e.setPrivateKey(sk)
  return e.getPublicKey()
}

/** RFC 9180 base mode, one shot: { key, nonce, exporterSecret } from the KEM shared secret. */
function schedule(ss, info) {
  const ksc = Buffer.concat([Buffer.from([0]), lExtract(SUITE_ID, Buffer.alloc(0), 'psk_id_hash', Buffer.alloc(0)), lExtract(SUITE_ID, Buffer.alloc(0), 'info_hash', info)])
  const secret = lExtract(SUITE_ID, ss, 'secret', Buffer.alloc(0))
  return { key: lExpand(SUITE_ID, secret, 'key', ksc, 32), nonce: lExpand(SUITE_ID, secret, 'base_nonce', ksc, 12), exp: lExpand(SUITE_ID, secret, 'exp', ksc, 32) }
}
function kemSecret(dhv, enc, pkR) {
  const prk = lExtract(KEM_ID, Buffer.alloc(0), 'eae_prk', dhv)
  return lExpand(KEM_ID, prk, 'shared_secret', Buffer.concat([enc, pkR]), 32)
}
function gcmSeal(key, nonce, pt, aad) {
  const c = createCipheriv('aes-256-gcm', key, nonce)
  c.setAAD(aad)
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()])
}
function gcmOpen(key, nonce, ct, aad) {
  if (ct.length < 16) no('MALFORMED_ENVELOPE')
  const d = createDecipheriv('aes-256-gcm', key, nonce)
  d.setAAD(aad)
  d.setAuthTag(ct.subarray(ct.length - 16))
  try {
    return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()])
  } catch {
    return no('AUTH_FAILED')
  }
}

// ---- the envelope ---------------------------------------------------------------------------------
const ctxBytes = (c) => (c === undefined ? Buffer.alloc(0) : Buffer.from(c))

/** §6: K_payload, K_mac. */
export function fileKeys(fk, salt) {
  const okm = expand(extract(salt, fk), PAYLOAD_INFO, 64)
  return { payloadKey: okm.subarray(0, 32), macKey: okm.subarray(32) }
}

/** §4, §5, §12, §13: parse the string form; throws RefError with the spec's code. */
export function parse(s) {
  if (typeof s !== 'string' || s.length > 1403590) no('MALFORMED_ENVELOPE')
  const parts = s.split('.')
  if (parts.length !== 3 || parts[0] !== 'ks2') no('MALFORMED_ENVELOPE')
  const h = b64d(parts[1])
  if (h.length > 4096) no('MALFORMED_ENVELOPE')
  let o = 0
  const take = (n) => {
    if (o + n > h.length) no('MALFORMED_ENVELOPE')
    o += n
    return h.subarray(o - n, o)
  }
  if (take(1)[0] !== 2) no('MALFORMED_ENVELOPE')
  const salt = take(16)
  const L = take(1)[0]
  if (L > 128) no('MALFORMED_ENVELOPE')
  const lb = take(L)
  let label
  if (L) {
    try {
      label = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(lb) // §8 strict UTF-8, a BOM kept
    } catch {
      no('MALFORMED_ENVELOPE')
    }
    if (/[\u0000-\u001f\u007f-\u009f]/.test(label)) no('MALFORMED_ENVELOPE')
  }
  const core = h.subarray(0, o)
  const n = take(1)[0]
  if (n < 1 || n > 16) no('MALFORMED_ENVELOPE')
  const stanzas = []
  for (let i = 0; i < n; i++) {
    const start = o
    const kind = take(1)[0]
    const len = take(2).readUInt16BE(0)
    const body = take(len)
    const st = { kind, body, bytes: h.subarray(start, o) }
    if (kind === 0) no('MALFORMED_ENVELOPE')
    else if (kind === 1) {
      if (body.length < 2 || body[0] !== 1) no('MALFORMED_ENVELOPE')
      let v1
      try {
        v1 = parseV1Header(body)
      } catch (e) {
        if (e.code !== 'UNSUPPORTED_KDF') no('MALFORMED_ENVELOPE')
        st.unsupported = true
      }
      if (v1) {
        if (body.length !== v1.length + 48) no('MALFORMED_ENVELOPE')
        st.v1 = v1
      }
    } else if (kind === 2) {
      const k = body[0] ?? 0
      if (body.length !== 1 + k + 65 + 32 + 48) no('MALFORMED_ENVELOPE')
      const kid = body.subarray(1, 1 + k)
      if (k > 64 || kid.some((c) => c < 0x21 || c > 0x7e)) no('MALFORMED_ENVELOPE') // §5.2 kid_len 0 to 64
      st.keyId = k ? kid.toString('ascii') : undefined
      st.enc = body.subarray(1 + k, 66 + k)
      if (!pointOk(st.enc)) no('MALFORMED_ENVELOPE')
      st.commitment = body.subarray(66 + k, 98 + k)
      st.ct = body.subarray(98 + k)
    } else {
      if (len > 1024) no('MALFORMED_ENVELOPE')
      st.unsupported = true
    }
    stanzas.push(st)
  }
  const mac = take(32)
  if (o !== h.length) no('MALFORMED_ENVELOPE')
  const payload = b64d(parts[2])
  if (payload.length < 17 || payload.length > 1048592) no('MALFORMED_ENVELOPE')
  return { header: h, core, salt, label, stanzas, mac, headerWithoutMac: h.subarray(0, h.length - 32), payload }
}

/** §6: the stanza AAD. */
export const stanzaAad = (core, payload) => Buffer.concat([STANZA_DOMAIN, createHash('sha256').update(core).update(payload).digest()])

/** §5.2 sealing: one HPKE stanza (kind, length, body) for { publicKey, ephemeral, keyId }. */
export function hpkeStanza(r, fk, aad) {
  const enc = publicOf(r.ephemeral)
  const ss = kemSecret(dh(r.ephemeral, r.publicKey), enc, r.publicKey)
  const c = schedule(ss, HPKE_INFO)
  const commitment = lExpand(SUITE_ID, c.exp, 'sec', COMMIT_CONTEXT, 32)
  const kid = A(r.keyId ?? '')
  const body = Buffer.concat([Buffer.from([kid.length]), kid, enc, commitment, gcmSeal(c.key, c.nonce, fk, aad)])
  return Buffer.concat([Buffer.from([2]), i2osp(body.length, 2), body])
}

/** §5.2 opening: the commitment (constant time), then Open. Undefined when the stanza is not for this key. */
export function openHpkeStanza(s, privateKey, publicKey, aad) {
  const ss = kemSecret(dh(privateKey, s.enc), s.enc, publicKey)
  const c = schedule(ss, HPKE_INFO)
  if (!timingSafeEqual(lExpand(SUITE_ID, c.exp, 'sec', COMMIT_CONTEXT, 32), s.commitment)) return undefined
  return gcmOpen(c.key, c.nonce, s.ct, aad)
}

/** §6, §7: the MAC and the payload as the API layer (v2-api.mjs) uses them. */
export const headerMac = (macKey, hwm, context) => hmac(macKey, Buffer.concat([hwm, context]))
export const openPayload = (payloadKey, payload, aad) => gcmOpen(payloadKey, Buffer.alloc(12), payload, aad)
export function sealPayload(fk, salt, core, secret, context) {
  return gcmSeal(fileKeys(fk, salt).payloadKey, Buffer.alloc(12), Buffer.from(secret), Buffer.concat([core, context]))
}

/**
 * Seal with every random input given: { secret, context, label, fk, salt, recipients } where each
 * recipient is { passphrase | raw, params, salt, nonce, keyId } (symmetric) or
 * { publicKey, ephemeral, keyId } (HPKE; `ephemeral` is the 32-byte scalar).
 * Returns { envelope, intermediates }.
 */
export function seal({ secret, context, label = '', fk, salt, recipients }) {
  const ctx = ctxBytes(context)
  const lb = Buffer.from(label, 'utf8')
  const core = Buffer.concat([Buffer.from([2]), salt, Buffer.from([lb.length]), lb])
  const { payloadKey, macKey } = fileKeys(fk, salt)
  const payload = gcmSeal(payloadKey, Buffer.alloc(12), Buffer.from(secret), Buffer.concat([core, ctx]))
  const aad = stanzaAad(core, payload)
  const commitments = []
  const stanzas = recipients.map((r) => {
    if ('publicKey' in r) {
      const st = hpkeStanza(r, fk, aad)
      commitments.push(st.subarray(3 + 1 + st[3] + 65, 3 + 1 + st[3] + 65 + 32).toString('hex'))
      return st
    }
    const key = 'raw' in r ? { raw: r.raw } : { passphrase: r.passphrase }
    const v1 = sealV1({ params: r.params ?? { kdf: 'raw' }, key, salt: r.salt, nonce: r.nonce, keyId: r.keyId, context: aad, secret: fk, master: r.master })
    const [, h, bd] = v1.split('.')
    const body = Buffer.concat([b64d(h), b64d(bd)])
    commitments.push(parseV1Header(body).commitment.toString('hex'))
    return Buffer.concat([Buffer.from([1]), i2osp(body.length, 2), body])
  })
  const hwm = Buffer.concat([core, Buffer.from([stanzas.length]), ...stanzas])
  const mac = hmac(macKey, Buffer.concat([hwm, ctx]))
  const envelope = 'ks2.' + b64e(Buffer.concat([hwm, mac])) + '.' + b64e(payload)
  return { envelope, intermediates: { T: aad.subarray(17).toString('hex'), payloadKey: payloadKey.toString('hex'), macKey: macKey.toString('hex'), mac: mac.toString('hex'), stanzaCommitments: commitments } }
}

/** Rebuild an envelope from parts (tests): core, stanza byte strings, payload, re-MACed under `fk`. */
export function assemble({ core, stanzas, payload, fk, context, salt }) {
  const hwm = Buffer.concat([core, Buffer.from([stanzas.length]), ...stanzas])
  const mac = hmac(fileKeys(fk, salt).macKey, Buffer.concat([hwm, ctxBytes(context)]))
  return 'ks2.' + b64e(Buffer.concat([hwm, mac])) + '.' + b64e(payload)
}

/**
 * §9 opening (no policy: callers check it). `key` is { passphrase } | { raw, keyId? } |
 * { privateKey, publicKey, keyId? }. Returns { secret, fk, index }.
 */
export function open(envelope, key, context) {
  const ctx = ctxBytes(context)
  const e = parse(envelope)
  const usable = e.stanzas.map((s, i) => ({ s, i })).filter(({ s }) => !s.unsupported)
  let cands
  if ('privateKey' in key) cands = usable.filter(({ s }) => s.kind === 2 && !(key.keyId && s.keyId && s.keyId !== key.keyId))
  else if ('raw' in key) cands = usable.filter(({ s }) => s.kind === 1 && s.v1.params.kdf === 'raw' && !(key.keyId && s.v1.keyId && s.v1.keyId !== key.keyId))
  else cands = usable.filter(({ s }) => s.kind === 1 && s.v1.params.kdf !== 'raw').slice(0, 1)
  if (!cands.length) no(e.stanzas.some((s) => s.unsupported) ? 'UNSUPPORTED_RECIPIENT' : 'KEY_MISMATCH')
  const aad = stanzaAad(e.core, e.payload)
  let fk
  let index = -1
  for (const { s, i } of cands) {
    try {
      if (s.kind === 2) {
        fk = openHpkeStanza(s, key.privateKey, key.publicKey, aad)
        if (!fk) continue
      } else {
        const str = 'ks1.' + b64e(s.body.subarray(0, s.v1.length)) + '.' + b64e(s.body.subarray(s.v1.length))
        fk = openV1(str, 'raw' in key ? { raw: key.raw } : { passphrase: key.passphrase }, aad)
      }
      index = i
      break
    } catch (err) {
      if (err.code !== 'AUTH_FAILED') throw err
    }
  }
  if (!fk) no('AUTH_FAILED')
  const { payloadKey, macKey } = fileKeys(fk, e.salt)
  if (!timingSafeEqual(hmac(macKey, Buffer.concat([e.headerWithoutMac, ctx])), e.mac)) no('AUTH_FAILED')
  return { secret: gcmOpen(payloadKey, Buffer.alloc(12), e.payload, Buffer.concat([e.core, ctx])), fk, index }
}
