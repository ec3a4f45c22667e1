// The API-level half of the independent reference (docs/format.md §17–§21): policies, sealing and
// opening with their order of checks, key objects, keyrings, the JSON and binary forms and inspect.
// Written from the spec on node:crypto; it shares no code with src/. The format half (header,
// base64url, passphrases, key schedule) is reference.mjs. scripts/spec-mutation.mjs breaks the rules
// of both files one at a time and shows that the vectors catch every broken variant.
import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto'
import { b64d, b64e, encodeHeader, masterKey, parseHeader, parseString, passphraseBytes, RefError, schedule } from './reference.mjs'

const no = (code) => {
  throw new RefError(code)
}
const U32 = 0xffffffff
const ITER_CAP = 0x7fffffff // §17.2: no policy admits more PBKDF2 iterations than 2^31 - 1
const isBytes = (v) => v instanceof Uint8Array
const isPlain = (o) => typeof o === 'object' && o !== null && !Array.isArray(o)
const KEY_ID = /^[!-~]{1,64}$/

// Randomness is injectable so that vectors can pin salts and nonces (§6: salt first, then nonce).
let random = (n) => randomBytes(n)
export function setRandom(fn) {
  random = fn ?? ((n) => randomBytes(n))
}

const POLICY = Symbol('policy')
const KEY = Symbol('key')
const RING = Symbol('ring')

// ---------------------------------------------------------------------------------------------
// §17 policies

const PBKDF2_DEFAULTS = { iterations: 600000, minIterations: 600000, openMinIterations: 100000, maxIterations: 1200000 }
const ARGON2_DEFAULTS = { memoryKiB: 19456, passes: 2, lanes: 1, minMemoryKiB: 19456, minPasses: 2, openMinMemoryKiB: 4096, openMinPasses: 1, maxMemoryKiB: 65536, maxPasses: 10, maxLanes: 4, maxWork: 77824 }

/** §19.1: an option set is absent or a plain object whose own members are all known; absent members read as absent. */
function optionSet(o, allowed) {
  if (o === undefined) return {}
  if (!isPlain(o)) no('INVALID_OPTIONS')
  for (const k of Reflect.ownKeys(o)) if (typeof k !== 'string' || !allowed.includes(k)) no('INVALID_OPTIONS')
  const out = {}
  for (const k of allowed) if (Object.hasOwn(o, k) && o[k] !== undefined) out[k] = o[k]
  return out
}

function settings(o, defaults, extra) {
  if (o === undefined) return { ...defaults }
  const given = optionSet(o, [...Object.keys(defaults), ...(extra ? [extra] : [])])
  const out = { ...defaults }
  for (const [k, v] of Object.entries(given)) {
    if (k === extra) out[k] = v
    else if (Number.isInteger(v) && v >= 1 && v <= U32) out[k] = v
    else no('INVALID_OPTIONS')
  }
  return out
}

/** §17.2. `argon2id` present enables Argon2id (JS: it must carry the implementation; vectors imply it). */
export function createPolicy(options) {
  const o = optionSet(options, ['kdf', 'pbkdf2', 'argon2id'])
  const p = settings(o.pbkdf2, PBKDF2_DEFAULTS)
  if (!(p.openMinIterations <= p.minIterations && p.minIterations <= p.iterations && p.iterations <= p.maxIterations)) no('INVALID_OPTIONS')
  if (p.maxIterations > ITER_CAP) no('INVALID_OPTIONS')
  let a
  if (o.argon2id !== undefined) {
    a = settings(o.argon2id, ARGON2_DEFAULTS, 'implementation')
    const ordered =
      a.openMinMemoryKiB <= a.minMemoryKiB && a.minMemoryKiB <= a.memoryKiB && a.memoryKiB <= a.maxMemoryKiB &&
      a.openMinPasses <= a.minPasses && a.minPasses <= a.passes && a.passes <= a.maxPasses &&
      a.lanes <= a.maxLanes && a.maxLanes <= 0xffffff && a.maxMemoryKiB <= 0x7fffff &&
      a.memoryKiB >= 8 * a.lanes && a.openMinMemoryKiB >= 8 && a.memoryKiB * a.passes <= a.maxWork
    if (!ordered) no('INVALID_OPTIONS')
  }
  const kdf = o.kdf === undefined ? (a ? 'argon2id' : 'pbkdf2-sha256') : o.kdf
  if (!(kdf === 'pbkdf2-sha256' || (kdf === 'argon2id' && a))) no('INVALID_OPTIONS')
  return Object.freeze({ [POLICY]: true, kdf, pbkdf2: Object.freeze(p), argon2id: a && Object.freeze(a) })
}
export const defaultPolicy = createPolicy()

function policyOf(p) {
  if (p === undefined) return defaultPolicy
  return isPlain(p) && p[POLICY] === true ? p : no('INVALID_OPTIONS')
}

/** §17.3: parameters against the opening bounds (`opening`) or the sealing bounds. */
function checkParams(params, policy, opening) {
  if (params.kdf === 'raw') return
  if (params.kdf === 'pbkdf2-sha256') {
    const p = policy.pbkdf2
    if (params.iterations < (opening ? p.openMinIterations : p.minIterations) || params.iterations > p.maxIterations) no('PARAMS_OUT_OF_POLICY')
    return
  }
  const a = policy.argon2id
  if (!a) no('UNSUPPORTED_KDF')
  if (
    params.memoryKiB < (opening ? a.openMinMemoryKiB : a.minMemoryKiB) || params.memoryKiB > a.maxMemoryKiB ||
    params.passes < (opening ? a.openMinPasses : a.minPasses) || params.passes > a.maxPasses ||
    params.lanes > a.maxLanes || params.memoryKiB * params.passes > a.maxWork
  ) {
    no('PARAMS_OUT_OF_POLICY')
  }
}

const sealParams = (policy) =>
  policy.kdf === 'argon2id'
    ? { kdf: 'argon2id', memoryKiB: policy.argon2id.memoryKiB, passes: policy.argon2id.passes, lanes: policy.argon2id.lanes }
    : { kdf: 'pbkdf2-sha256', iterations: policy.pbkdf2.iterations }

// ---------------------------------------------------------------------------------------------
// §7 inputs

function wellFormed(s) {
  return s.isWellFormed()
}
function secretBytes(s) {
  const b = typeof s === 'string' ? (wellFormed(s) ? Buffer.from(s, 'utf8') : no('INVALID_SECRET')) : isBytes(s) ? Buffer.from(s) : no('INVALID_SECRET')
  if (b.length < 1 || b.length > 1048576) no('INVALID_SECRET')
  return b
}
function contextBytes(c) {
  if (c === undefined) return Buffer.alloc(0)
  const b = typeof c === 'string' ? (wellFormed(c) ? Buffer.from(c, 'utf8') : no('INVALID_CONTEXT')) : isBytes(c) ? Buffer.from(c) : no('INVALID_CONTEXT')
  if (b.length > 1024) no('INVALID_CONTEXT')
  return b
}
function keyIdOption(id) {
  if (id === undefined) return undefined
  return typeof id === 'string' && KEY_ID.test(id) ? id : no('INVALID_OPTIONS')
}
/** A passphrase (string or bytes) as bytes, INVALID_KEY for anything that is neither. */
function passphrase(p) {
  if (typeof p !== 'string' && !isBytes(p)) no('INVALID_KEY')
  return passphraseBytes(p)
}

// ---------------------------------------------------------------------------------------------
// §18 keys

/** §18.1 importKey: `ksk1.` + strict base64url of 32 bytes, or 32 bytes; never all zero. */
export function importKey(material, options) {
  const o = optionSet(options, ['keyId'])
  const keyId = keyIdOption(o.keyId)
  let raw
  if (typeof material === 'string') {
    if (material.length !== 48 || !material.startsWith('ksk1.')) no('INVALID_KEY')
    try {
      raw = b64d(material.slice(5))
    } catch {
      no('INVALID_KEY')
    }
  } else if (isBytes(material)) raw = Buffer.from(material)
  else no('INVALID_KEY')
  if (raw.length !== 32 || raw.every((x) => x === 0)) no('INVALID_KEY')
  return Object.freeze({ [KEY]: { kind: 'raw', raw, canSeal: true }, kind: 'raw', keyId, canSeal: true })
}

/** §18.2 deriveKey: a fresh salt and the policy's parameters, or (envelope) an open-only re-derivation. */
export function deriveKey(pw, options) {
  const o = optionSet(options, ['policy', 'keyId', 'envelope'])
  const policy = policyOf(o.policy)
  let keyId = keyIdOption(o.keyId)
  const bytes = passphrase(pw)
  let params, salt
  const canSeal = o.envelope === undefined
  if (!canSeal) {
    const e = parseString(o.envelope)
    if (e.params.kdf === 'raw') no('KEY_MISMATCH')
    checkParams(e.params, policy, true)
    params = e.params
    salt = Buffer.from(e.salt)
    keyId = keyId ?? e.keyId
  } else {
    params = sealParams(policy)
    checkParams(params, policy, false)
    salt = Buffer.from(random(16))
  }
  const M = masterKey(params, { bytes }, salt)
  const state = { kind: params.kdf, params, salt, M, canSeal, seals: 0 }
  return Object.freeze({ [KEY]: state, kind: params.kdf, keyId, canSeal })
}

const stateOf = (k) => (isPlain(k) && k[KEY]) || undefined
const ringOf = (k) => (isPlain(k) && k[RING]) || undefined

/** §18.3 createKeyring. */
export function createKeyring(entries) {
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > 1000) no('INVALID_OPTIONS')
  const list = []
  let primary
  for (const e of entries) {
    if (typeof e !== 'object' || e === null) no('INVALID_OPTIONS')
    const { id, key, primary: isPrimary, disabled } = e
    if (typeof id !== 'string' || !KEY_ID.test(id) || list.some((x) => x.id === id)) no('INVALID_OPTIONS')
    if ((isPrimary !== undefined && typeof isPrimary !== 'boolean') || (disabled !== undefined && typeof disabled !== 'boolean')) no('INVALID_OPTIONS')
    let resolved
    if (stateOf(key)) resolved = (key.keyId ?? id) === id ? key : no('INVALID_OPTIONS')
    else resolved = passphrase(key)
    const entry = { id, key: resolved, disabled: disabled === true }
    list.push(entry)
    if (isPrimary === true || (entries.length === 1 && isPrimary === undefined)) {
      if (primary !== undefined || entry.disabled || stateOf(resolved)?.canSeal === false) no('INVALID_OPTIONS')
      primary = entry
    }
  }
  if (primary === undefined) no('INVALID_OPTIONS')
  return Object.freeze({ [RING]: { list, primary }, primaryId: primary.id })
}

/** A caller's key argument: a key object, a keyring, or a passphrase (INVALID_KEY otherwise). */
function resolveKey(key) {
  if (stateOf(key)) return { single: key }
  if (ringOf(key)) return { ring: ringOf(key) }
  return { single: passphrase(key) }
}

/** §6 step 3: can this one key open an envelope with this header? */
function fits(key, e) {
  const s = stateOf(key)
  if (!s) return e.params.kdf !== 'raw' // passphrase bytes
  if (key.keyId !== undefined && e.keyId !== undefined && key.keyId !== e.keyId) return false
  if (s.kind === 'raw') return e.params.kdf === 'raw'
  return e.params.kdf === s.params.kdf && Object.keys(s.params).every((k) => s.params[k] === e.params[k]) && Buffer.compare(s.salt, e.salt) === 0
}

/** M for one key and an envelope's parameters and salt (a passphrase runs the KDF). */
function master(key, params, salt) {
  const s = stateOf(key)
  if (!s) return masterKey(params, { bytes: key }, salt)
  return s.kind === 'raw' ? s.raw : s.M
}

// ---------------------------------------------------------------------------------------------
// §6 / §19 sealing

/** §19.2 seal, in the order of checks given there. */
export function seal(secret, key, options) {
  const o = optionSet(options, ['context', 'policy', 'keyId'])
  const policy = policyOf(o.policy)
  const context = contextBytes(o.context)
  let keyId = keyIdOption(o.keyId)
  const plaintext = secretBytes(secret)
  const k = resolveKey(key)
  let single
  if (k.ring) {
    if (keyId !== undefined) no('INVALID_OPTIONS')
    single = k.ring.primary.key
    keyId = k.ring.primary.id
  } else {
    single = k.single
    const own = stateOf(single) ? single.keyId : undefined
    if (keyId !== undefined && own !== undefined && keyId !== own) no('INVALID_OPTIONS')
    keyId = keyId ?? own
  }
  const s = stateOf(single)
  let params, salt
  if (s && s.kind !== 'raw') {
    if (!s.canSeal) no('KEY_USAGE')
    checkParams(s.params, policy, false)
    if (s.seals >= 2 ** 32) no('KEY_USAGE')
    s.seals++
    params = s.params
    salt = s.salt
  } else if (s) {
    params = { kdf: 'raw' }
    salt = Buffer.from(random(16))
  } else {
    params = sealParams(policy)
    checkParams(params, policy, false)
    salt = Buffer.from(random(16))
  }
  const M = master(single, params, salt)
  const { K, C } = schedule(M, salt)
  const nonce = Buffer.from(random(12))
  const header = encodeHeader({ params, salt, keyId, nonce, commitment: C })
  const c = createCipheriv('aes-256-gcm', K, nonce)
  c.setAAD(Buffer.concat([header, context]))
  const ct = Buffer.concat([c.update(plaintext), c.final()])
  return 'ks1.' + b64e(header) + '.' + b64e(Buffer.concat([ct, c.getAuthTag()]))
}

// ---------------------------------------------------------------------------------------------
// §6 / §19 opening

function openOne(e, key, context) {
  const M = master(key, e.params, e.salt)
  const { K, C } = schedule(M, e.salt)
  // §6 step 5: the commitment first, compared without an early exit.
  if (!timingSafeEqual(C, e.commitment)) no('AUTH_FAILED')
  const d = createDecipheriv('aes-256-gcm', K, e.nonce)
  d.setAAD(Buffer.concat([e.headerBytes, context]))
  d.setAuthTag(e.body.subarray(e.body.length - 16))
  try {
    return Buffer.concat([d.update(e.body.subarray(0, e.body.length - 16)), d.final()])
  } catch {
    return no('AUTH_FAILED')
  }
}

/** §19.4: a keyring opens an envelope without a key id with at most one KDF run. */
function ringCandidates(ring, e) {
  if (e.keyId !== undefined) {
    const entry = ring.list.find((x) => x.id === e.keyId) ?? no('UNKNOWN_KEY_ID')
    if (!fits(entry.key, e)) no('KEY_MISMATCH')
    return [entry.key]
  }
  const objects = ring.list.filter((x) => stateOf(x.key) && fits(x.key, e)).map((x) => x.key)
  const passphrases = ring.list.filter((x) => !stateOf(x.key) && fits(x.key, e))
  const pw = !stateOf(ring.primary.key) && fits(ring.primary.key, e) ? ring.primary : passphrases[0]
  const out = pw ? [...objects, pw.key] : objects
  if (out.length === 0) no('KEY_MISMATCH')
  return out
}

/** §19.3 open, returning the secret's bytes. */
export function openBytes(envelope, key, options) {
  const o = optionSet(options, ['context', 'policy'])
  const policy = policyOf(o.policy)
  const context = contextBytes(o.context)
  const k = resolveKey(key)
  const e = parseString(envelope)
  checkParams(e.params, policy, true)
  if (k.single !== undefined) {
    if (!fits(k.single, e)) no('KEY_MISMATCH')
    return openOne(e, k.single, context)
  }
  for (const candidate of ringCandidates(k.ring, e)) {
    try {
      return openOne(e, candidate, context)
    } catch (err) {
      if (err.code !== 'AUTH_FAILED') throw err
    }
  }
  return no('AUTH_FAILED')
}

/** §19.3 an opened secret as text: strict UTF-8, nothing stripped (a BOM is part of the secret). */
function text(b) {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(b)
  } catch {
    return no('NOT_UTF8')
  }
}

/** §19.3 open as text. */
export function openString(envelope, key, options) {
  return text(openBytes(envelope, key, options))
}

// ---------------------------------------------------------------------------------------------
// §10, §20 forms and inspect

/** §20.1 inspect. */
export function inspect(envelope) {
  const e = parseString(envelope)
  return { version: 1, kdf: { ...e.params }, keyId: e.keyId, salt: b64e(e.salt), secretLength: e.body.length - 16, byteLength: e.headerBytes.length + e.body.length }
}

/** §20.2 string -> JSON object (members in header order). */
export function toJSON(envelope) {
  const e = parseString(envelope)
  const n = e.body.length - 16
  return {
    v: 1,
    ...e.params,
    salt: b64e(e.salt),
    ...(e.keyId !== undefined ? { keyId: e.keyId } : {}),
    nonce: b64e(e.nonce),
    commitment: b64e(e.commitment),
    ciphertext: b64e(e.body.subarray(0, n)),
    tag: b64e(e.body.subarray(n)),
  }
}

const KDF_FIELDS = { raw: [], 'pbkdf2-sha256': ['iterations'], argon2id: ['memoryKiB', 'passes', 'lanes'] }
const COMMON = ['v', 'kdf', 'salt', 'keyId', 'nonce', 'commitment', 'ciphertext', 'tag']

/** §10.2 JSON object -> string, in the order of checks given there. */
export function fromJSON(json) {
  if (!isPlain(json)) no('MALFORMED_ENVELOPE')
  const proto = Object.getPrototypeOf(json)
  if (proto !== null && Object.getPrototypeOf(proto) !== null) no('MALFORMED_ENVELOPE')
  const desc = Object.getOwnPropertyDescriptors(json)
  for (const k of Reflect.ownKeys(desc)) if (typeof k !== 'string' || !('value' in desc[k])) no('MALFORMED_ENVELOPE')
  const has = (k) => Object.hasOwn(desc, k)
  const get = (k) => (has(k) ? desc[k].value : undefined)
  const v = get('v')
  if (typeof v !== 'number' || !Number.isInteger(v)) no('MALFORMED_ENVELOPE')
  if (v !== 1) no('UNSUPPORTED_VERSION')
  const kdf = get('kdf')
  if (typeof kdf !== 'string') no('MALFORMED_ENVELOPE')
  if (!Object.hasOwn(KDF_FIELDS, kdf)) no('UNSUPPORTED_KDF')
  const allowed = [...COMMON, ...KDF_FIELDS[kdf]]
  for (const k of Object.keys(desc)) if (!allowed.includes(k)) no('MALFORMED_ENVELOPE')
  for (const k of allowed) if (k !== 'keyId' && !has(k)) no('MALFORMED_ENVELOPE')
  const params = { kdf }
  for (const k of KDF_FIELDS[kdf]) {
    const x = get(k)
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > U32) no('MALFORMED_ENVELOPE')
    params[k] = x
  }
  const keyId = get('keyId')
  if (has('keyId') && !(typeof keyId === 'string' && KEY_ID.test(keyId))) no('MALFORMED_ENVELOPE')
  const field = (k, len) => {
    const b = b64d(get(k))
    if (len !== undefined && b.length !== len) no('MALFORMED_ENVELOPE')
    return b
  }
  const salt = field('salt')
  if (salt.length > 255) no('MALFORMED_ENVELOPE')
  const header = encodeHeader({ params, salt, keyId, nonce: field('nonce', 12), commitment: field('commitment', 32) })
  const out = 'ks1.' + b64e(header) + '.' + b64e(Buffer.concat([field('ciphertext'), field('tag', 16)]))
  // Every rule of the string form applies to the result (§10.2 step 5).
  parseString(out)
  return out
}

/** §20.3 string -> binary form. */
export function toBytes(envelope) {
  const e = parseString(envelope)
  return new Uint8Array(Buffer.concat([e.headerBytes, e.body]))
}

/** §20.3 binary form -> string. */
export function fromBytes(bytes) {
  if (!isBytes(bytes) || bytes.length > 1048780 || bytes.length === 0) no('MALFORMED_ENVELOPE')
  const b = Buffer.from(bytes)
  const h = parseHeader(b)
  const bodyLen = b.length - h.length
  if (bodyLen < 17 || bodyLen > 1048592) no('MALFORMED_ENVELOPE')
  return 'ks1.' + b64e(b.subarray(0, h.length)) + '.' + b64e(b.subarray(h.length))
}

// The v2 API reference (v2-api.mjs) builds on these v1 rules unchanged (docs/format-v2.md §5.1, §17).
export const internals = { optionSet, policyOf, checkParams, contextBytes, secretBytes, passphrase, stateOf, ringOf, fits, openOne, isPlain, text, KEY_ID }
