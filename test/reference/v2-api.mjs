// The API-level half of the independent v2 reference (docs/format-v2.md §9, §10, §13, §14, §17):
// sealing to a recipient list with its order of checks, the same recipient twice, the label,
// opening with every key kind (keyrings included) and its code ranking, public and private keys,
// inspect and per-recipient rotation. Written from the spec on node:crypto; it shares no code with
// src/. The envelope layer is v2.mjs; the v1 rules (options, policy, context, secret, passphrases,
// key objects, keyrings) are api.mjs's, used unchanged as §5.1 and §17 say.
// scripts/spec-mutation.mjs (target test/spec/targets/v2.mjs) breaks its rules one at a time.
import { createECDH, randomBytes, timingSafeEqual } from 'node:crypto'
import * as v1 from './api.mjs'
import { b64d, b64e, RefError, parseHeader } from './reference.mjs'
import { assemble, fileKeys, headerMac, hpkeStanza, openHpkeStanza, openPayload, parse, pointOk, publicOf, sealPayload, stanzaAad } from './v2.mjs'

const no = (code) => {
  throw new RefError(code)
}
const { optionSet, policyOf, checkParams, contextBytes, secretBytes, passphrase, stateOf, ringOf, fits, openOne, isPlain, text, KEY_ID } = v1.internals
const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551')

// ---- randomness (§17.3): one byte stream for the file key, the salt and every symmetric stanza's
// salt and nonce, in that order; HPKE ephemeral scalars from their own list (the platform makes them).
let random = (n) => randomBytes(n)
let ephemeral
export function setRandom(fn) {
  random = fn ?? ((n) => randomBytes(n))
  v1.setRandom(fn)
}
export function setEphemeral(fn) {
  ephemeral = fn
}
function nextEphemeral() {
  const d = ephemeral?.()
  if (d) return Buffer.from(d)
  const e = createECDH('prime256v1')
  e.generateKeys()
  return e.getPrivateKey()
}

export const createPolicy = v1.createPolicy
export const deriveKey = v1.deriveKey
export const createKeyring = v1.createKeyring

// ---- §10 keys -------------------------------------------------------------------------------------
const POINT = Symbol('p256')
const pointOf = (k) => (isPlain(k) && k[POINT]) || undefined
function keyIdOf(o) {
  if (o.keyId === undefined) return undefined
  return typeof o.keyId === 'string' && KEY_ID.test(o.keyId) ? o.keyId : no('INVALID_OPTIONS')
}

/** §10: `kspk1.` + base64url of the 65-byte point, or the 65 bytes; the point check. */
export function importPublicKey(material, options) {
  const o = optionSet(options, ['keyId'])
  const keyId = keyIdOf(o)
  let pt
  if (typeof material === 'string') {
    if (material.length !== 93 || !material.startsWith('kspk1.')) no('INVALID_KEY')
    try {
      pt = b64d(material.slice(6))
    } catch {
      no('INVALID_KEY')
    }
  } else if (material instanceof Uint8Array) pt = Buffer.from(material)
  else no('INVALID_KEY')
  if (!pointOk(pt)) no('INVALID_KEY')
  return Object.freeze({ [POINT]: { point: pt }, kind: 'p256', keyId })
}

/** §10: a `kssk1.` private key (d || point): point check, 0 < d < n, d·G is the point. Other material: v1's importKey. */
export function importKey(material, options) {
  if (typeof material !== 'string' || !material.startsWith('kssk1.')) return v1.importKey(material, options)
  const o = optionSet(options, ['keyId'])
  const keyId = keyIdOf(o)
  if (material.length !== 136) no('INVALID_KEY')
  let b
  try {
    b = b64d(material.slice(6))
  } catch {
    no('INVALID_KEY')
  }
  const d = b.subarray(0, 32)
  const pt = b.subarray(32)
  const dn = BigInt('0x' + d.toString('hex'))
  if (!pointOk(pt) || dn === 0n || dn >= N) no('INVALID_KEY')
  // The public half must be d·G exactly: HPKE's kem_context holds pkRm, so (X, p - Y) would open nothing.
  if (!publicOf(d).equals(pt)) no('INVALID_KEY')
  return Object.freeze({ [POINT]: { point: Buffer.from(pt), sk: Buffer.from(d) }, kind: 'p256', keyId })
}

// ---- §17.1 sealing ----------------------------------------------------------------------------------
/** §8, §17.1 step 4: the label as bytes. */
function labelBytes(l) {
  if (l === undefined) return ''
  if (typeof l !== 'string' || l.length > 128 || !l.isWellFormed() || /[\u0000-\u001f\u007f-\u009f]/.test(l)) no('INVALID_OPTIONS')
  if (Buffer.byteLength(l, 'utf8') > 128) no('INVALID_OPTIONS')
  return l
}

/** §17.1 step 6: one recipient: a point (public or private key), a v1 key object, or passphrase bytes. */
function recipient(r) {
  const p = pointOf(r)
  if (p) return { point: p.point, keyId: r.keyId }
  if (stateOf(r)) return { key: r }
  if (ringOf(r)) no('INVALID_KEY')
  if (typeof r === 'string' && (r.startsWith('kspk1.') || r.startsWith('kssk1.'))) no('INVALID_KEY')
  return { bytes: passphrase(r) }
}
/** §17.2: the same recipient: equal passphrase bytes (after §7), equal points, the same key object. */
const same = (a, b) =>
  (a.point && b.point && a.point.equals(b.point)) || (a.bytes && b.bytes && a.bytes.equals(b.bytes)) || (a.key !== undefined && a.key === b.key)
function recipientList(list) {
  if (!Array.isArray(list) || list.length < 1 || list.length > 16) no('INVALID_OPTIONS')
  const out = []
  for (const r of list) {
    const x = recipient(r)
    if (out.some((y) => same(x, y))) no('INVALID_OPTIONS')
    out.push(x)
  }
  return out
}

/** §6, §7 with the resolved inputs; symmetric stanzas are v1 envelopes sealed by the v1 reference (§5.1). */
function build(plaintext, list, label, context, policy) {
  const fk = Buffer.from(random(32))
  const salt = Buffer.from(random(16))
  const lb = Buffer.from(label, 'utf8')
  const core = Buffer.concat([Buffer.from([2]), salt, Buffer.from([lb.length]), lb])
  // The payload first (T needs it), then the stanzas in list order, then the MAC (assemble).
  const payload = sealPayload(fk, salt, core, plaintext, context)
  const aad = stanzaAad(core, payload)
  const stanzas = list.map((r) => stanzaBytes(r, fk, aad, policy))
  return { core, stanzas, payload, fk, salt }
}
/** One stanza for a resolved recipient, drawing its randomness in §17.3 order (v1 stanzas: v1 §21). */
function stanzaBytes(r, fk, aad, policy) {
  if (r.point) return hpkeStanza({ publicKey: r.point, ephemeral: nextEphemeral(), keyId: r.keyId }, fk, aad)
  const s = v1.seal(fk, r.key ?? r.bytes, { context: aad, policy })
  const [, h, body] = s.split('.')
  const b = Buffer.concat([b64d(h), b64d(body)])
  return Buffer.concat([Buffer.from([1, b.length >> 8, b.length & 0xff]), b])
}

/** §17.1: sealKey. One symmetric key and no label: v1 (ks1.); otherwise ks2. */
export function seal(secret, key, options) {
  const single = !Array.isArray(key)
  if (single && (isPlain(options) ? options.label : undefined) === undefined && !pointOf(key)) {
    const o = optionSet(options, ['context', 'policy', 'keyId', 'label'])
    return v1.seal(secret, key, { ...(o.context !== undefined && { context: o.context }), ...(o.policy !== undefined && { policy: o.policy }), ...(o.keyId !== undefined && { keyId: o.keyId }) })
  }
  const o = optionSet(options, ['context', 'policy', 'keyId', 'label'])
  if (o.keyId !== undefined) no('INVALID_OPTIONS')
  const policy = policyOf(o.policy)
  const context = contextBytes(o.context)
  const label = labelBytes(o.label)
  const plaintext = secretBytes(secret)
  const list = single ? [recipient(key)] : recipientList(key)
  const b = build(plaintext, list, label, context, policy)
  return assemble({ ...b, context })
}

// ---- §9 opening -----------------------------------------------------------------------------------
/** The v1 view of a symmetric stanza (its body is a v1 binary envelope). */
function v1View(s) {
  const h = parseHeader(s.body)
  return { ...h, headerBytes: s.body.subarray(0, h.length), body: s.body.subarray(h.length) }
}

/** §9 step 2: the candidates, each { index, tries: [fn(aad) -> fk] }; or the code when there is none. */
function candidates(e, k) {
  const out = []
  const sym = e.stanzas.map((s, index) => ({ s, index })).filter(({ s }) => s.kind === 1 && !s.unsupported)
  let unknown = false
  const v1Try = (view, key) => (aad) => openOne(view, key, aad)
  if (k.sk) {
    e.stanzas.forEach((s, index) => {
      if (s.kind !== 2 || (k.keyId !== undefined && s.keyId !== undefined && s.keyId !== k.keyId)) return
      out.push({ index, tries: [(aad) => openHpke(s, k, aad)] })
    })
  } else if (k.single !== undefined) {
    for (const { s, index } of sym) {
      const view = v1View(s)
      if (!fits(k.single, view)) continue
      out.push({ index, view, tries: [v1Try(view, k.single)] })
      if (!stateOf(k.single)) break // a bare passphrase: only the first passphrase stanza (one KDF)
    }
  } else {
    // A keyring: the stanza's key id names its entry; without an id, v1's rule (every fitting key
    // object, one passphrase entry: the primary if it is one, else the first). Passphrase entries run
    // a KDF, so they are tried on the first stanza that would use one only.
    const { list, primary } = k.ring
    let kdfUsed = false
    for (const { s, index } of sym) {
      const view = v1View(s)
      let keys
      if (view.keyId !== undefined) {
        const entry = list.find((x) => x.id === view.keyId)
        if (!entry) {
          unknown = true
          continue
        }
        keys = fits(entry.key, view) ? [entry.key] : []
      } else {
        const objects = list.filter((x) => stateOf(x.key) && fits(x.key, view)).map((x) => x.key)
        const pws = list.filter((x) => !stateOf(x.key) && fits(x.key, view))
        const pw = !stateOf(primary.key) && fits(primary.key, view) ? primary : pws[0]
        keys = pw ? [...objects, pw.key] : objects
      }
      if (kdfUsed) keys = keys.filter((x) => stateOf(x))
      if (keys.some((x) => !stateOf(x))) kdfUsed = true
      if (keys.length) out.push({ index, view, tries: keys.map((x) => v1Try(view, x)) })
    }
  }
  if (!out.length) no(e.stanzas.some((s) => s.unsupported) ? 'UNSUPPORTED_RECIPIENT' : unknown ? 'UNKNOWN_KEY_ID' : 'KEY_MISMATCH')
  return out
}

function openHpke(s, k, aad) {
  return openHpkeStanza(s, k.sk, k.point, aad) ?? no('AUTH_FAILED')
}

function resolveOpenKey(key) {
  const p = pointOf(key)
  if (p) return p.sk ? { sk: p.sk, point: p.point, keyId: key.keyId } : no('KEY_USAGE')
  if (stateOf(key)) return { single: key }
  if (ringOf(key)) return { ring: ringOf(key) }
  if (typeof key === 'string' && (key.startsWith('kspk1.') || key.startsWith('kssk1.'))) no('INVALID_KEY')
  return { single: passphrase(key) }
}

/** §9 steps 2-7 on a parsed envelope; returns { secret, fk, index, aad }. */
function openParsed(e, k, context, policy) {
  const list = candidates(e, k)
  // Step 3: every symmetric candidate's KDF parameters against the opening policy, before any KDF.
  for (const c of list) if (c.view) checkParams(c.view.params, policy, true)
  const aad = stanzaAad(e.core, e.payload)
  let fk
  let index = -1
  for (const c of list) {
    for (const t of c.tries) {
      try {
        fk = t(aad)
      } catch (err) {
        if (err.code !== 'AUTH_FAILED') throw err
      }
      if (fk) break
    }
    if (fk) {
      index = c.index
      break
    }
  }
  if (!fk || fk.length !== 32) no('AUTH_FAILED')
  const { payloadKey, macKey } = fileKeys(fk, e.salt)
  if (!timingSafeEqual(headerMac(macKey, e.headerWithoutMac, context), e.mac)) no('AUTH_FAILED')
  return { secret: openPayload(payloadKey, e.payload, Buffer.concat([e.core, context])), fk, index, aad }
}
function inputs(options) {
  const o = optionSet(options, ['context', 'policy'])
  const policy = policyOf(o.policy)
  return { policy, context: contextBytes(o.context) }
}

/** §9: openKeyBytes for both versions. */
export function openBytes(envelope, key, options) {
  if (typeof envelope !== 'string' || !envelope.startsWith('ks2.')) {
    if (pointOf(key)) {
      inputs(options)
      v1.inspect(envelope)
      no('KEY_MISMATCH')
    }
    return v1.openBytes(envelope, key, options)
  }
  const { policy, context } = inputs(options)
  const k = resolveOpenKey(key)
  return openParsed(parse(envelope), k, context, policy).secret
}
/** §9 open as text, as v1's openString (§19.3). */
export function openString(envelope, key, options) {
  return text(openBytes(envelope, key, options))
}

// ---- §17.5 inspect and rotation -------------------------------------------------------------------
export function inspect(envelope) {
  if (typeof envelope !== 'string' || !envelope.startsWith('ks2.')) return v1.inspect(envelope)
  const e = parse(envelope)
  const recipients = e.stanzas.map((s) => {
    if (s.unsupported) return { kind: 'unsupported', type: s.kind }
    if (s.kind === 2) return { kind: 'p256', keyId: s.keyId }
    const h = s.v1
    return h.params.kdf === 'raw' ? { kind: 'raw', keyId: h.keyId } : { kind: 'passphrase', kdf: { ...h.params }, keyId: h.keyId, salt: b64e(h.salt) }
  })
  return { version: 2, label: e.label, recipients, secretLength: e.payload.length - 16, byteLength: e.header.length + e.payload.length }
}

/** §14, §17.5: rotateRecipient. */
export function rotate(envelope, options) {
  const o = optionSet(options, ['from', 'to', 'add', 'context', 'policy'])
  const { policy, context } = inputs({ ...(o.context !== undefined && { context: o.context }), ...(o.policy !== undefined && { policy: o.policy }) })
  const from = resolveOpenKey(o.from)
  const to = o.to === null ? undefined : recipient(o.to)
  const add = o.add === undefined ? [] : recipientList(o.add)
  if (typeof envelope === 'string' && !envelope.startsWith('ks2.')) {
    v1.inspect(envelope)
    no('UNSUPPORTED_VERSION')
  }
  const e = parse(envelope)
  const opened = openParsed(e, from, context, policy)
  const stanzas = e.stanzas.map((s) => s.bytes)
  if (to === undefined) stanzas.splice(opened.index, 1)
  else stanzas[opened.index] = stanzaBytes(to, opened.fk, opened.aad, policy)
  for (const r of add) stanzas.push(stanzaBytes(r, opened.fk, opened.aad, policy))
  if (stanzas.length < 1 || stanzas.length > 16) no('INVALID_OPTIONS')
  return assemble({ core: e.core, stanzas, payload: e.payload, fk: opened.fk, context, salt: e.salt })
}

export { setArgon2 } from './reference.mjs'
