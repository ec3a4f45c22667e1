// A size experiment, NOT a usable library: the smallest sealKey/openKey we could write that keeps
// keyseal's passphrase behaviour (format v1, the same checks, error codes and order), to measure
// how far the 3 KB budget for sealKey + openKey is from what that behaviour needs.
// One module, `any`-typed, nothing shared with the rest of the API, no tests beyond check.mjs
// (all passphrase vectors of vectors/envelopes-v1.json, and interop with dist/ both ways).
// Key objects and keyrings are reached only through their (here empty) WeakMaps, as in src/.
// Run: node bench/size-floor/check.mjs
export class KeysealError extends Error {
  declare code: string
  constructor(code: string) { super('keyseal: ' + code.toLowerCase().replace(/_/g, ' ')); this.name = 'KeysealError'; this.code = code }
}
export const fail = (c: string): never => { throw new KeysealError(c) }
export const platform = (): Crypto => { const c = globalThis.crypto; return c?.subtle && typeof c.getRandomValues == 'function' ? c : fail('WEBCRYPTO_UNAVAILABLE') }
export const random = (n: number) => platform().getRandomValues(new Uint8Array(n))
export const guard = <T>(f: () => Promise<T>, code = 'CRYPTO_FAILURE'): Promise<T> => {
  const m = (e: unknown) => { throw e instanceof KeysealError ? e : new KeysealError(code) }
  try { return f().then(undefined, m) } catch (e) { return Promise.reject(e).catch(m) }
}
export const importRaw = (raw: Uint8Array, alg: string, use: KeyUsage[]) => guard(() => platform().subtle.importKey('raw', raw, alg, false, use))
export const deriveBytes = async (alg: any, key: CryptoKey, len: number) => new Uint8Array(await guard(() => platform().subtle.deriveBits(alg, key, len * 8)))
const enc = new TextEncoder(), dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }), ascii = new TextDecoder()
export const lone = (s: string) => /\p{Cs}/u.test(s)
export const utf8 = (s: string, c: string) => (lone(s) ? fail(c) : enc.encode(s))
const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const CODES = enc.encode(A)
const L = new Uint8Array(128).fill(128)
for (let i = 0; i < 64; i++) L[CODES[i]!] = i
export function b64(b: Uint8Array): string {
  const n = b.length, big = n > 768, chars = new Uint8Array(big ? n + 2 + (n + 2) / 3 : 0)
  let out = '', o = 0
  for (let i = 0; i < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!
    if (big) { chars[o++] = CODES[v >>> 18]!; chars[o++] = CODES[(v >> 12) & 63]!; chars[o++] = CODES[(v >> 6) & 63]!; chars[o++] = CODES[v & 63]! }
    else out += A[v >>> 18]! + A[(v >> 12) & 63] + A[(v >> 6) & 63] + A[v & 63]
  }
  const len = Math.ceil((n * 4) / 3)
  return big ? ascii.decode(chars.subarray(0, len)) : out.slice(0, len)
}
export function unb64(s: string, code: string): Uint8Array<ArrayBuffer> {
  const n = s.length, out = new Uint8Array((n * 3) >> 2)
  let bad = n % 4 === 1 ? 128 : 0, acc = 0, bits = 0
  for (let i = 0, o = 0; i < n; i++) {
    const c = s.charCodeAt(i), v = c < 128 ? L[c]! : 128
    bad |= v; acc = ((acc << 6) | (v & 63)) & 4095; bits += 6
    if (bits >= 8) out[o++] = acc >> (bits -= 8)
  }
  if (bad & 128 || acc & ((1 << bits) - 1)) fail(code)
  return out
}
export const wipe = (b: Uint8Array) => b.fill(0)
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array || (ArrayBuffer.isView(v) && v.constructor?.name === 'Uint8Array')
const INFO = enc.encode('keyseal v1 aes-256-gcm key and commitment')
const bytesIn = (v: unknown, c: string, max: number, min = 1, maxChars = max) => {
  const b = typeof v === 'string' && v.length <= maxChars ? utf8(v, c) : isBytes(v) && v.length <= max ? new Uint8Array(v) : fail(c)
  return b.length < min || b.length > max ? fail(c) : b
}
export function pass(p: unknown) {
  if (typeof p === 'string') { if (p.startsWith('ksk1.') || p.length > 4096 || lone(p)) fail('INVALID_KEY'); p = p.normalize('NFC'); if (/[\0-\x1f\x7f-\x9f]/.test(p as string)) fail('INVALID_KEY') }
  return bytesIn(p, 'INVALID_KEY', 1024, 1, 4096)
}
export function opts(o: any, allowed: string[]) {
  if (o === undefined) return {}
  if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('INVALID_OPTIONS')
  for (const k of Reflect.ownKeys(o)) if (typeof k !== 'string' || !allowed.includes(k)) fail('INVALID_OPTIONS')
  return o
}
const isKid = (id: unknown): id is string => typeof id === 'string' && /^[!-~]{1,64}$/.test(id)
// policy
export const policies = new WeakMap<object, any>()
const brand = (p: any, hooks?: any) => (policies.set(Object.freeze(p), hooks), p)
export const defaultPolicy = brand({ kdf: 'pbkdf2-sha256', pbkdf2: Object.freeze({ iterations: 6e5, minIterations: 6e5, openMinIterations: 1e5, maxIterations: 1e7 }) })
const resolvePolicy = (p: unknown) => (p === undefined ? defaultPolicy : policies.has(p as object) ? p : fail('INVALID_OPTIONS'))
function checkParams(h: any, policy: any, opening: boolean) {
  const p = policy.pbkdf2
  if (h.kdf === 'pbkdf2-sha256' ? h.iterations < (opening ? p.openMinIterations : p.minIterations) || h.iterations > p.maxIterations : h.kdf === 'argon2id' && (policies.get(policy) ?? fail('UNSUPPORTED_KDF')).outside(h, opening)) fail('PARAMS_OUT_OF_POLICY')
}
// keys
export const states = new WeakMap<object, any>()
const state = (k: unknown) => (typeof k == 'object' && k !== null ? states.get(k) : undefined)
export async function material(key: any, params: any, salt: Uint8Array, policy: any) {
  const st = state(key)
  if (st) return st.material(salt)
  const a = policies.get(policy)
  const out: unknown = params.kdf === 'pbkdf2-sha256'
    ? await (!Number.isSafeInteger(params.iterations) || params.iterations < 1 || params.iterations > 0xffffffff ? fail('PARAMS_OUT_OF_POLICY') : deriveBytes({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: params.iterations }, await importRaw(key, 'PBKDF2', ['deriveBits']), 32))
    : params.kdf === 'argon2id' && a ? await guard(() => a.derive(key, params, salt, platform().subtle)) : fail('UNSUPPORTED_KDF')
  if (!(out instanceof Uint8Array)) return fail('CRYPTO_FAILURE')
  const m = new Uint8Array(out)
  try {
    if (m.length !== 32 || m.every((x) => x === 0)) fail('CRYPTO_FAILURE')
    return split(await importRaw(m, 'HKDF', ['deriveBits']), salt)
  } finally { wipe(m); wipe(out) }
}
export async function split(master: CryptoKey, salt: Uint8Array) {
  const okm = await deriveBytes({ name: 'HKDF', hash: 'SHA-256', salt, info: INFO }, master, 64)
  try { return { aes: await (okm.length !== 64 ? fail('CRYPTO_FAILURE') : importRaw(okm.subarray(0, 32), 'AES-GCM', ['encrypt', 'decrypt'])), commitment: okm.slice(32) } } finally { wipe(okm) }
}
const aad = (h: Uint8Array, c: Uint8Array) => { if (!c.length) return h; const o = new Uint8Array(h.length + c.length); o.set(h); o.set(c, h.length); return o }
// envelope
export function parse(s: unknown) {
  if (typeof s !== 'string' || s.length > 1398200) return fail('MALFORMED_ENVELOPE')
  if (!s.startsWith('ks1.') && /^ks[1-9][0-9]{0,5}\./.test(s)) fail('UNSUPPORTED_VERSION')
  const parts = s.split('.')
  if (parts.length !== 3 || parts[0] !== 'ks1') fail('MALFORMED_ENVELOPE')
  const b = unb64(parts[1]!, 'MALFORMED_ENVELOPE')
  let o = 2
  const take = (n: number) => (o + n > b.length ? fail('MALFORMED_ENVELOPE') : b.subarray(o, (o += n)))
  const u32 = () => { const x = take(4); return ((x[0]! << 24) | (x[1]! << 16) | (x[2]! << 8) | x[3]!) >>> 0 }
  if (b.length < 2 || b[0] !== 1) fail('MALFORMED_ENVELOPE')
  const id = b[1]
  const params: any = id === 1 ? { kdf: 'raw' } : id === 2 ? { kdf: 'pbkdf2-sha256', iterations: u32() } : id === 3 ? { kdf: 'argon2id', memoryKiB: u32(), passes: u32(), lanes: u32() } : fail('UNSUPPORTED_KDF')
  if (params.iterations < 1 || params.lanes < 1 || params.lanes > 0xffffff || params.passes < 1 || params.memoryKiB < 8 * params.lanes) fail('MALFORMED_ENVELOPE')
  const sl = take(1)[0]!
  if (sl < 16 || sl > 64) fail('MALFORMED_ENVELOPE')
  const salt = take(sl)
  const kid = take(take(1)[0]!)
  const keyId = kid.length ? String.fromCharCode(...kid) : undefined
  if (keyId !== undefined && !isKid(keyId)) fail('MALFORMED_ENVELOPE')
  const nonce = take(12), commitment = take(32)
  if (o !== b.length) fail('MALFORMED_ENVELOPE')
  const body = unb64(parts[2]!, 'MALFORMED_ENVELOPE')
  if (body.length < 17 || body.length > (1 << 20) + 16) fail('MALFORMED_ENVELOPE')
  return { header: { params, salt, keyId, nonce, commitment }, headerBytes: b, body }
}
export function encodeHeader(params: any, salt: Uint8Array, kid: string, nonce: Uint8Array, commitment: Uint8Array) {
  const f = params.kdf === 'raw' ? [] : params.kdf === 'pbkdf2-sha256' ? [params.iterations] : [params.memoryKiB, params.passes, params.lanes]
  const b = new Uint8Array(4 * f.length + salt.length + kid.length + 48), v = new DataView(b.buffer)
  b[0] = 1; b[1] = f.length + 1 - +(f.length > 1)
  let o = 2
  for (const x of f) v.setUint32((o += 4) - 4, x)
  b[o++] = salt.length; b.set(salt, o); o += salt.length; b[o++] = kid.length
  for (let i = 0; i < kid.length; i++) b[o++] = kid.charCodeAt(i)
  b.set(nonce, o); b.set(commitment, o + 12)
  return b
}
export const rings = new WeakMap<object, any>()
export async function sealKey(secret: unknown, key: unknown, options?: unknown): Promise<string> {
  const o = opts(options, ['context', 'policy', 'keyId'])
  const policy = resolvePolicy(o.policy), c = o.context === undefined ? new Uint8Array(0) : bytesIn(o.context, 'INVALID_CONTEXT', 1024, 0)
  let kid = o.keyId === undefined || isKid(o.keyId) ? o.keyId : fail('INVALID_OPTIONS')
  const pt = bytesIn(secret, 'INVALID_SECRET', 1 << 20)
  const ring = state(key) ? undefined : rings.get(key as object)
  if (ring && kid !== undefined) fail('INVALID_OPTIONS')
  const k: any = ring ? ring.primary.key : state(key) ? key : pass(key)
  kid = ring ? ring.primary.id : kid ?? k.keyId
  try {
    platform()
    const st = state(k)
    let params, salt
    if (st) ({ params, salt } = st.sealing(policy))
    else { params = policy.kdf === 'argon2id' ? policies.get(policy).seal() : { kdf: 'pbkdf2-sha256', iterations: policy.pbkdf2.iterations }; checkParams(params, policy, false); salt = random(16) }
    const { aes, commitment } = await material(k, params, salt, policy)
    const nonce = random(12)
    const h = encodeHeader(params, salt, kid ?? '', nonce, commitment)
    const body = await guard(() => { if (nonce.length !== 12) fail('CRYPTO_FAILURE'); return platform().subtle.encrypt({ name: 'AES-GCM', iv: nonce, additionalData: aad(h, c) }, aes, pt) })
    return 'ks1.' + b64(h) + '.' + b64(new Uint8Array(body))
  } finally { wipe(pt); if (!ring && !state(k)) wipe(k) }
}
export async function openWith(p: any, key: any, c: Uint8Array, policy: any, derive?: any) {
  const h = p.header, st = state(key), id = key.keyId
  if (!(st ? !(id && h.keyId && id !== h.keyId) && st.fits(h) : h.params.kdf !== 'raw')) fail('KEY_MISMATCH')
  platform()
  if (derive && !st) key = await derive(key, p)
  const { aes, commitment } = await material(key, h.params, h.salt, policy)
  let d = 0
  for (let i = 0; i < 32; i++) d |= commitment[i]! ^ h.commitment[i]!
  if (d) fail('AUTH_FAILED')
  if (h.nonce.length !== 12 || p.body.length < 16) fail('MALFORMED_ENVELOPE')
  return new Uint8Array(await guard(() => platform().subtle.decrypt({ name: 'AES-GCM', iv: h.nonce, additionalData: aad(p.headerBytes, c) }, aes, p.body), 'AUTH_FAILED'))
}
export async function openKey(env: string, key: unknown, options?: unknown) {
  const o = opts(options, ['context', 'policy'])
  const policy = resolvePolicy(o.policy), c = o.context === undefined ? new Uint8Array(0) : bytesIn(o.context, 'INVALID_CONTEXT', 1024, 0)
  const ring = state(key) ? undefined : rings.get(key as object)
  const k = ring || state(key) ? key : pass(key)
  let pt
  try {
    const p = parse(env)
    checkParams(p.header.params, policy, true)
    pt = await (ring ? ring.open(ring, p, c, policy) : openWith(p, k, c, policy))
  } finally { if (!ring && !state(k)) wipe(k as Uint8Array) }
  try { return dec.decode(pt) } catch { return fail('NOT_UTF8') } finally { wipe(pt) }
}
