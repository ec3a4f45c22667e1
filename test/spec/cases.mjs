// The reader of keyseal's case vectors (vectors/README.md "case vectors"; docs/format.md §22,
// docs/format-v2.md §16): runs one case against any implementation through a small adapter (the
// adapter contract is in test/spec/runner.mjs, which re-exports everything here). Plain ESM with
// nothing but the language, TextEncoder and Uint8Array, so the same reader runs in Node (vitest,
// the mutation harness) and in every runtime of the matrix (test/runtimes/v2-cases.mjs).

/** Hex -> bytes. Strict: an odd length or a non-hex digit is an error in the vector file, never truncated. */
export function hex(h) {
  if (typeof h !== 'string' || h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new Error(`bad hex in a vector: ${String(h).slice(0, 40)}`)
  const out = new Uint8Array(h.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Bytes -> lowercase hex; takes what Buffer.from took here before (a string as its UTF-8, an ArrayBuffer, a view, an array of numbers). */
export function toHex(b) {
  const bytes =
    typeof b === 'string' ? new TextEncoder().encode(b)
    : b instanceof ArrayBuffer ? new Uint8Array(b)
    : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
    : Uint8Array.from(b)
  let s = ''
  for (const x of bytes) s += x.toString(16).padStart(2, '0')
  return s
}

const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Data descriptor -> value: {utf8}, {hex}, {json}, {jsonText}, {repeat:{head,unit,count}}, {repeatHex:{head,unit,count}}; a bare string or other literal passes as is. */
export function data(d) {
  if (!isObj(d)) return d
  if ('utf8' in d) return d.utf8
  if ('hex' in d) return hex(d.hex)
  if ('json' in d) return d.json
  if ('jsonText' in d) return JSON.parse(d.jsonText)
  if ('repeat' in d) return (d.repeat.head ?? '') + d.repeat.unit.repeat(d.repeat.count) + (d.repeat.tail ?? '')
  if ('repeatHex' in d) {
    const r = d.repeatHex
    return hex((r.head ?? '') + r.unit.repeat(r.count) + (r.tail ?? ''))
  }
  throw new Error(`unknown data descriptor ${JSON.stringify(d)}`)
}

/** A policy: a name from the file's `policies`, or {json: literal} for a value that is not one. */
async function policy(impl, doc, p) {
  if (typeof p === 'string') {
    if (!Object.hasOwn(doc.policies ?? {}, p)) throw new Error(`unknown policy ${p}`)
    return impl.createPolicy(doc.policies[p])
  }
  return data(p)
}

/** Option set descriptor -> option object. `policy` is a policy name; other members are data. */
async function options(impl, doc, o) {
  if (o === undefined) return undefined
  if (!isObj(o) || 'json' in o) return data(o)
  const out = {}
  for (const [k, v] of Object.entries(o)) out[k] = k === 'policy' ? await policy(impl, doc, v) : data(v)
  return out
}

/** Key descriptor -> key: {passphrase: data}, {raw: data, keyId?}, {derived: {...}}, {keyring: [...]}, or {json: literal}. */
async function key(impl, doc, k) {
  if ('passphrase' in k) return data(k.passphrase)
  if ('raw' in k) return impl.importKey(data(k.raw), k.keyId === undefined ? undefined : { keyId: k.keyId })
  if ('derived' in k) {
    const d = k.derived
    const o = {}
    if (d.policy !== undefined) o.policy = await policy(impl, doc, d.policy)
    if (d.keyId !== undefined) o.keyId = d.keyId
    if (d.envelope !== undefined) o.envelope = data(d.envelope)
    return impl.deriveKey(data(d.passphrase), o, d.random === undefined ? undefined : hex(d.random))
  }
  if ('keyring' in k) return impl.createKeyring(await entries(impl, doc, k.keyring))
  // Format v2 (vectors/v2-*.json): a recipient list, a P-256 public key, a kssk1. private key.
  if ('recipients' in k) {
    if (!Array.isArray(k.recipients)) return data(k.recipients)
    const out = []
    for (const r of k.recipients) out.push(await key(impl, doc, r))
    return out
  }
  if ('publicKey' in k) return impl.importPublicKey(data(k.publicKey), k.keyId === undefined ? undefined : { keyId: k.keyId })
  if ('privateKey' in k) return impl.importKey(data(k.privateKey), k.keyId === undefined ? undefined : { keyId: k.keyId })
  if ('json' in k) return k.json
  throw new Error(`unknown key descriptor ${JSON.stringify(k)}`)
}

async function entries(impl, doc, list) {
  if (!Array.isArray(list)) return data(list)
  const out = []
  for (const e of list) {
    if (!isObj(e) || 'json' in e) {
      out.push(data(e))
      continue
    }
    const entry = {}
    for (const [m, v] of Object.entries(e)) entry[m] = m === 'key' ? await key(impl, doc, v) : data(v)
    out.push(entry)
  }
  return out
}

/** JSON value with object members sorted: member order is never significant (RFC 8259 §4). */
const canon = (v) => (Array.isArray(v) ? v.map(canon) : isObj(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon(v[k])])) : v)
const same = (a, b) => JSON.stringify(canon(a)) === JSON.stringify(canon(b))

/** Undefined members and elements as null, so that a JSON file can state them (v2 inspect). */
const nulls = (v) => (v === undefined ? null : Array.isArray(v) ? v.map(nulls) : isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nulls(x)])) : v)

/** Run the operation of one case; returns its result (converted to JSON-comparable form). */
async function perform(impl, doc, c) {
  const random = c.random === undefined ? undefined : hex(c.random)
  // v2: the HPKE ephemeral private scalars, in stanza order (the platform makes them, docs/format-v2.md §17.3).
  const ephemeral = c.ephemeral === undefined ? undefined : c.ephemeral.map(hex)
  switch (c.op) {
    case 'open':
      return { secretHex: toHex(await impl.openBytes(data(c.envelope), await key(impl, doc, c.key), await options(impl, doc, c.options))) }
    case 'openText':
      return { text: await impl.openString(data(c.envelope), await key(impl, doc, c.key), await options(impl, doc, c.options)) }
    case 'seal':
      return { envelope: await impl.seal(data(c.secret), await key(impl, doc, c.key), await options(impl, doc, c.options), random, ephemeral) }
    case 'rotate': {
      // rotateRecipient(envelope, { from, to, add?, context?, policy? }): from/to/add are key descriptors.
      const o = { ...(await options(impl, doc, c.options)) }
      o.from = await key(impl, doc, c.from)
      o.to = await key(impl, doc, c.to)
      if (c.add !== undefined) o.add = await key(impl, doc, { recipients: c.add })
      return { envelope: await impl.rotate(data(c.envelope), o, random, ephemeral) }
    }
    case 'importPublicKey':
      await impl.importPublicKey(data(c.material), await options(impl, doc, c.options))
      return { ok: true }
    case 'inspectV2':
      return { info: nulls(await impl.inspect(data(c.envelope))) }
    case 'createPolicy':
      await impl.createPolicy(data(c.settings))
      return { ok: true }
    case 'importKey':
      await impl.importKey(data(c.material), await options(impl, doc, c.options))
      return { ok: true }
    case 'deriveKey': {
      const k = await impl.deriveKey(data(c.passphrase), await options(impl, doc, c.options), random)
      return { key: { kind: k.kind, keyId: k.keyId ?? null, canSeal: k.canSeal } }
    }
    case 'createKeyring': {
      const r = await impl.createKeyring(await entries(impl, doc, c.entries))
      return { primaryId: r.primaryId }
    }
    case 'inspect': {
      const i = await impl.inspect(data(c.envelope))
      return { info: { ...i, keyId: i.keyId ?? null } }
    }
    case 'toJSON':
      return { json: await impl.toJSON(data(c.envelope)) }
    case 'fromJSON':
      return { envelope: await impl.fromJSON(data(c.json)) }
    case 'toBytes':
      return { hex: toHex(await impl.toBytes(data(c.envelope))) }
    case 'fromBytes':
      return { envelope: await impl.fromBytes(data(c.bytes)) }
    default:
      throw new Error(`unknown op ${c.op}`)
  }
}

/**
 * Run one case. Returns { pass, got } where got is the result or { code }. A thrown error without a
 * string code (a TypeError, a crash) never matches an expected code.
 */
export async function runCase(impl, doc, c) {
  let got
  try {
    got = await perform(impl, doc, c)
  } catch (e) {
    got = typeof e?.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(e.code) ? { code: e.code } : { crash: String(e?.message ?? e).slice(0, 200) }
  }
  return { pass: same(got, c.expect), got }
}

/** The frozen v1 files (envelopes-v1.json, -precedence.json) as case vectors: open each vector, and re-seal each positive one from its salt and nonce. */
export function casesFromFrozen(doc) {
  const keyOf = (k) => (k.type === 'raw' ? { raw: k.value } : k.type === 'passphrase-hex' ? { passphrase: { hex: k.value } } : { passphrase: k.value })
  const dataOf = (d) => (d.type === 'utf8' ? { utf8: d.value } : { hex: d.value })
  const opts = (v) => ({ policy: v.policy, ...(v.context ? { context: dataOf(v.context) } : {}) })
  const cases = []
  for (const v of doc.positive ?? []) {
    const secretHex = v.secret.type === 'utf8' ? toHex(new TextEncoder().encode(v.secret.value)) : v.secret.value
    cases.push({ id: `${v.id}/open`, op: 'open', envelope: v.envelope, key: keyOf(v.key), options: opts(v), expect: { secretHex } })
    cases.push({
      id: `${v.id}/seal`,
      op: 'seal',
      secret: dataOf(v.secret),
      key: keyOf(v.key),
      options: { ...opts(v), ...(v.keyId ? { keyId: v.keyId } : {}) },
      random: v.intermediate.salt + v.intermediate.nonce,
      expect: { envelope: v.envelope },
    })
  }
  for (const v of doc.negative ?? []) {
    cases.push({ id: v.id, op: 'open', envelope: v.envelope, key: keyOf(v.key), options: opts(v), expect: { code: v.code } })
  }
  return cases
}
