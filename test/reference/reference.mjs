// A second, independent implementation of docs/format.md on node:crypto (OpenSSL), written from the
// spec and sharing no code with src/ (which uses WebCrypto). The frozen vectors are checked against
// both, so the spec is shown to be implementable on its own. Node-only: tests and scripts use it.
import * as crypto from 'node:crypto'
import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2Sync, timingSafeEqual } from 'node:crypto'

export const INFO = Buffer.from('keyseal v1 aes-256-gcm key and commitment', 'ascii')

export class RefError extends Error {
  constructor(code) {
    super(code)
    this.code = code
  }
}
const no = (code) => {
  throw new RefError(code)
}

/** Strict unpadded base64url (spec §9): decode and require the exact re-encoding. */
export function b64d(s) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]*$/.test(s) || s.length % 4 === 1) no('MALFORMED_ENVELOPE')
  const b = Buffer.from(s, 'base64url')
  if (b.toString('base64url') !== s) no('MALFORMED_ENVELOPE')
  return b
}
export const b64e = (b) => Buffer.from(b).toString('base64url')

/** Spec §3/§4: parse a header from the front of `buf`; returns fields and the header length. */
export function parseHeader(buf) {
  let o = 0
  const need = (n) => {
    if (o + n > buf.length) no('MALFORMED_ENVELOPE')
  }
  // Spec §14: the version byte is read before anything else (a lone 0x02 is UNSUPPORTED_VERSION).
  need(1)
  if (buf[0] !== 1) no('UNSUPPORTED_VERSION')
  need(2)
  const kdfId = buf[1]
  o = 2
  let params
  if (kdfId === 1) params = { kdf: 'raw' }
  else if (kdfId === 2) {
    need(4)
    params = { kdf: 'pbkdf2-sha256', iterations: buf.readUInt32BE(o) }
    o += 4
    if (params.iterations === 0) no('MALFORMED_ENVELOPE')
  } else if (kdfId === 3) {
    need(12)
    params = { kdf: 'argon2id', memoryKiB: buf.readUInt32BE(o), passes: buf.readUInt32BE(o + 4), lanes: buf.readUInt32BE(o + 8) }
    o += 12
    const { memoryKiB, passes, lanes } = params
    if (lanes < 1 || lanes > 0xffffff || passes < 1 || memoryKiB < 8 * lanes) no('MALFORMED_ENVELOPE')
  } else no('UNSUPPORTED_KDF')
  need(1)
  const saltLen = buf[o++]
  if (saltLen < 16 || saltLen > 64) no('MALFORMED_ENVELOPE')
  need(saltLen)
  const salt = buf.subarray(o, o + saltLen)
  o += saltLen
  need(1)
  const kidLen = buf[o++]
  if (kidLen > 64) no('MALFORMED_ENVELOPE')
  need(kidLen)
  const kidBytes = buf.subarray(o, o + kidLen)
  if (kidBytes.some((c) => c < 0x21 || c > 0x7e)) no('MALFORMED_ENVELOPE')
  o += kidLen
  need(44)
  const nonce = buf.subarray(o, o + 12)
  const commitment = buf.subarray(o + 12, o + 44)
  o += 44
  return { params, salt, keyId: kidLen ? kidBytes.toString('ascii') : undefined, nonce, commitment, length: o }
}

export function encodeHeader({ params, salt, keyId, nonce, commitment }) {
  const p =
    params.kdf === 'raw'
      ? Buffer.from([1])
      : params.kdf === 'pbkdf2-sha256'
        ? Buffer.concat([Buffer.from([2]), u32(params.iterations)])
        : Buffer.concat([Buffer.from([3]), u32(params.memoryKiB), u32(params.passes), u32(params.lanes)])
  const kid = Buffer.from(keyId ?? '', 'ascii')
  return Buffer.concat([Buffer.from([1]), p, Buffer.from([salt.length]), salt, Buffer.from([kid.length]), kid, nonce, commitment])
}
function u32(n) {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

/** Spec §9: string form -> { header fields, headerBytes, body }. */
export function parseString(s) {
  if (typeof s !== 'string' || s.length > 1398379) no('MALFORMED_ENVELOPE')
  if (!s.startsWith('ks1.')) {
    if (/^ks[1-9][0-9]{0,5}\./.test(s)) no('UNSUPPORTED_VERSION')
    no('MALFORMED_ENVELOPE')
  }
  const parts = s.slice(4).split('.')
  if (parts.length !== 2) no('MALFORMED_ENVELOPE')
  // Spec §6 step 1: the whole header (version, KDF id, fields, exact length) before the body.
  const head = b64d(parts[0])
  if (head.length < 1 || head[0] !== 1) no('MALFORMED_ENVELOPE')
  const h = parseHeader(head)
  if (h.length !== head.length) no('MALFORMED_ENVELOPE')
  const body = b64d(parts[1])
  if (body.length < 17 || body.length > 1048592) no('MALFORMED_ENVELOPE')
  return { ...h, headerBytes: head, body }
}

/** Spec §7: passphrase string -> bytes. */
export function passphraseBytes(p) {
  if (typeof p !== 'string') {
    if (!(p instanceof Uint8Array) || p.length < 1 || p.length > 1024) no('INVALID_KEY')
    return Buffer.from(p)
  }
  if (p.startsWith('ksk1.')) no('INVALID_KEY')
  if (!p.isWellFormed()) no('INVALID_KEY')
  const n = p.normalize('NFC')
  if (/[\u0000-\u001f\u007f-\u009f]/.test(n)) no('INVALID_KEY')
  const b = Buffer.from(n, 'utf8')
  if (b.length < 1 || b.length > 1024) no('INVALID_KEY')
  return b
}

// Tests on a Node without node:crypto.argon2Sync (Node 20) install recorded Node 24 answers here
// (argon2Sync's signature); nothing else sets it.
let argon2Override
export function setArgon2(fn) {
  argon2Override = fn
}

/** Spec §4: the master key M. `key` is { passphrase } (string or bytes) or { raw } (32 bytes). */
export function masterKey(params, key, salt) {
  if (params.kdf === 'raw') return Buffer.from(key.raw)
  // `bytes`: a passphrase already prepared by passphraseBytes (used as is).
  const P = () => key.bytes ?? passphraseBytes(key.passphrase)
  if (params.kdf === 'pbkdf2-sha256') return pbkdf2Sync(P(), salt, params.iterations, 32, 'sha256')
  if (params.kdf === 'argon2id') {
    // node:crypto has Argon2 from Node 24 on; callers on older Node pass M in precomputed.
    const argon2 = argon2Override ?? crypto.argon2Sync
    if (typeof argon2 !== 'function') no('UNSUPPORTED_KDF')
    const { memoryKiB: memory, passes, lanes: parallelism } = params
    return Buffer.from(argon2('argon2id', { message: P(), nonce: salt, memory, passes, parallelism, tagLength: 32 }))
  }
  no('UNSUPPORTED_KDF')
}

/** Spec §5: K and C from M. */
export function schedule(M, salt) {
  const okm = Buffer.from(hkdfSync('sha256', M, salt, INFO, 64))
  return { K: okm.subarray(0, 32), C: okm.subarray(32, 64) }
}

/** Spec §7 contexts: a well-formed string as UTF-8, or bytes; at most 1024 bytes. */
function ctxBytes(c) {
  if (c === undefined || c === null) return Buffer.alloc(0)
  if (typeof c === 'string' && !c.isWellFormed()) no('INVALID_CONTEXT')
  const b = typeof c === 'string' ? Buffer.from(c, 'utf8') : Buffer.from(c)
  if (b.length > 1024) no('INVALID_CONTEXT')
  return b
}

/** Spec §6 sealing, with caller-chosen salt and nonce (for reproducing vectors). */
export function sealWith({ params, key, salt, nonce, keyId, context, secret, master }) {
  const M = master ?? masterKey(params, key, salt)
  const { K, C } = schedule(M, salt)
  const header = encodeHeader({ params, salt, keyId, nonce, commitment: C })
  const c = createCipheriv('aes-256-gcm', K, nonce)
  c.setAAD(Buffer.concat([header, ctxBytes(context)]))
  const ct = Buffer.concat([c.update(Buffer.from(secret)), c.final()])
  return 'ks1.' + b64e(header) + '.' + b64e(Buffer.concat([ct, c.getAuthTag()]))
}

/** Spec §6 opening (no policy: callers check it). Returns the secret bytes. */
export function open(envelope, key, context, master) {
  // Spec §6 step 0: the caller's inputs before the envelope, context then key.
  const aadTail = ctxBytes(context)
  if ('passphrase' in key) passphraseBytes(key.passphrase)
  const e = parseString(envelope)
  if ((e.params.kdf === 'raw') !== ('raw' in key)) no('KEY_MISMATCH')
  const M = master ?? masterKey(e.params, key, e.salt)
  const { K, C } = schedule(M, e.salt)
  if (!timingSafeEqual(C, e.commitment)) no('AUTH_FAILED')
  const d = createDecipheriv('aes-256-gcm', K, e.nonce)
  d.setAAD(Buffer.concat([e.headerBytes, aadTail]))
  d.setAuthTag(e.body.subarray(e.body.length - 16))
  try {
    return Buffer.concat([d.update(e.body.subarray(0, e.body.length - 16)), d.final()])
  } catch {
    no('AUTH_FAILED')
  }
}
