// The prototype-pollution sweep (issue 11, items 1-2), shared by test/pollution.test.ts (against
// src/) and the conformance suite (against the built package, in every runtime of the matrix).
// Plain ESM, no imports: it is handed the keyseal module, the argon2id module and the names.
//
// For every name (test/conformance/pollution-names.mjs: every property name the source reads and
// every member of every WebIDL dictionary keyseal passes to the platform) and each of a few
// values, it plants `Object.prototype[name] = value`, runs one scenario (seal, open, derive,
// keyrings, the JSON and binary forms, rotation, Argon2id), removes the property and compares the
// outcome with the same scenario run unpolluted. Envelopes sealed while polluted are opened again
// afterwards, unpolluted: a tag shortened by `tagLength`, a key id or context planted by the
// prototype, or a key derived with a polluted Argon2id secret shows up there.
//
// Nothing is stringified or compared while the prototype is polluted (JSON.stringify itself reads
// `toJSON` through it); the scenario only collects values, and everything else runs afterwards.

const enc = new TextEncoder()

/** Values planted under each name: a number, a string that is a valid key id, and bytes. */
function pollutionValues() {
  return [32, 'x', new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])]
}

/** Inputs built once, unpolluted: policies, keys and envelopes the scenario opens. */
export async function preparePollution(ks, a2) {
  const pbkdf2 = { iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 2000 }
  const policy = ks.createPolicy({ pbkdf2 })
  const a2policy = a2
    ? ks.createPolicy({
        argon2id: { implementation: a2.argon2id, memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 64, openMinPasses: 1, maxMemoryKiB: 64, maxPasses: 1, maxLanes: 1 },
        pbkdf2,
      })
    : undefined
  const raw = new Uint8Array(32).map((_, i) => i + 1)
  const rawKey = await ks.importKey(raw, { keyId: 'raw-1' })
  const context = 'user:1/openai'
  const fixed = {
    passphrase: await ks.sealKey('sk-fixed-pass', 'pass one', { policy, context }),
    raw: await ks.sealKey('sk-fixed-raw', rawKey, { context }),
    noId: await ks.sealKey('sk-fixed-noid', 'pass two', { policy, context }),
    argon2id: a2policy ? await ks.sealKey('sk-fixed-a2', 'pass one', { policy: a2policy, context }) : undefined,
  }
  return { policy, a2policy, raw, rawKey, context, fixed }
}

/** One outcome: the value, or the error (described later, unpolluted). */
async function outcome(fn) {
  try {
    return { value: await fn() }
  } catch (error) {
    return { error }
  }
}

/**
 * The scenario. Returns a list of [label, outcome] pairs and the envelopes it sealed, each with
 * what it must open to. Every call goes through the public API.
 */
async function scenario(ks, prep) {
  const { policy, a2policy, raw, rawKey, context, fixed } = prep
  const out = []
  const sealed = []
  // The scenario's own reads must not go through the prototype either: read own-only.
  const own = (o, k) => (Object.hasOwn(o, k) ? o[k] : undefined)
  const step = async (label, fn) => {
    const o = await outcome(fn)
    out.push([label, o])
    return own(o, 'value')
  }
  const seal = async (label, secret, key, options, openWith) => {
    const env = await step(label, () => ks.sealKey(secret, key, options))
    if (typeof env === 'string') sealed.push({ label, env, secret, key: openWith ?? key, context: own(options, 'context'), policy: own(options, 'policy') })
    return env
  }

  await step('createPolicy', () => ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } }).pbkdf2)
  await seal('seal passphrase', 'sk-secret-1', 'pass one', { policy, context }, 'pass one')
  await seal('seal passphrase bytes', enc.encode('sk-secret-2'), enc.encode('pass bytes'), { policy })
  await seal('seal passphrase keyId', 'sk-secret-3', 'pass one', { policy, context, keyId: 'kid-3' }, 'pass one')
  await step('open passphrase', () => ks.openKey(fixed.passphrase, 'pass one', { policy, context }))
  await step('open wrong context', () => ks.openKey(fixed.passphrase, 'pass one', { policy, context: 'user:2/openai' }))
  await step('open wrong passphrase', () => ks.openKey(fixed.passphrase, 'pass wrong', { policy, context }))
  await step('open malformed', () => ks.openKey('ks1.AAAA.BBBB', 'pass one', { policy }))
  await step('open bad options', () => ks.openKey(fixed.passphrase, 'pass one', { policy, contxt: context }))
  const imported = await step('importKey', () => ks.importKey(raw, { keyId: 'raw-1' }))
  await seal('seal raw', 'sk-secret-4', rawKey, { context })
  await step('open raw', () => ks.openKey(fixed.raw, imported ?? rawKey, { context }))
  await step('open raw bytes', async () => Array.from(await ks.openKeyBytes(fixed.raw, rawKey, { context })))
  const derived = await step('deriveKey', () => ks.deriveKey('pass one', { policy, keyId: 'derived-1' }))
  if (derived) await seal('seal derived', 'sk-secret-5', derived, { policy, context }, 'pass one')
  await step('deriveKey from envelope', async () => {
    const k = await ks.deriveKey('pass two', { policy, envelope: fixed.noId })
    return [k.kind, k.keyId, k.canSeal, await ks.openKey(fixed.noId, k, { policy, context })]
  })
  await step('inspect', () => {
    const i = ks.inspect(fixed.passphrase)
    return [i.version, i.kdf.kdf, i.kdf.iterations, i.keyId, i.secretLength, i.byteLength]
  })
  await step('forms', () => {
    const json = ks.envelopeToJSON(fixed.raw)
    const back = ks.envelopeFromJSON(json)
    const bytes = ks.envelopeToBytes(fixed.raw)
    return [back === fixed.raw, ks.envelopeFromBytes(bytes) === fixed.raw, bytes.length, Object.keys(json).join(',')]
  })
  await step('envelopeFromJSON accessor', () => {
    const json = { ...ks.envelopeToJSON(fixed.raw) }
    const tag = json.tag
    Object.defineProperty(json, 'tag', Object.assign(Object.create(null), { get: () => tag, enumerable: true }))
    return ks.envelopeFromJSON(json)
  })
  const ring = await step('createKeyring', () => {
    const r = ks.createKeyring([
      { id: 'old', key: 'pass two', disabled: true },
      { id: 'raw-1', key: rawKey, primary: true },
      { id: 'pass', key: 'pass one' },
    ])
    return r
  })
  if (ring) {
    await step('keyring info', () => [ring.primaryId, ring.ids.join(','), ring.has('old'), ring.isDisabled('old'), ring.has('constructor')])
    await seal('seal keyring', 'sk-secret-6', ring, { context })
    await step('open keyring by id', () => ks.openKey(fixed.raw, ring, { context }))
    await step('open keyring without id', () => ks.openKey(fixed.noId, ring, { policy, context }))
    await step('needsRotation keyring', () => ks.needsRotation(fixed.noId, ring).join(','))
    await step('needsRotation options', () => ks.needsRotation(fixed.passphrase, { policy, keyring: ring }).join(','))
  }
  await step('needsRotation policy', () => ks.needsRotation(fixed.passphrase, ks.createPolicy()).join(','))
  await step('needsRotation age', () => ks.needsRotation(fixed.raw, { sealedAt: 0, maxAgeMs: 10, now: 5 }).join(','))
  await step('rotateKey', async () => {
    const r = await ks.rotateKey(fixed.passphrase, { from: 'pass one', to: 'pass new', context, policy })
    sealed.push({ label: 'rotateKey', env: r.envelope, secret: 'sk-fixed-pass', key: 'pass new', context, policy })
    return [r.rotated, r.reasons.join(',')]
  })
  await step('rotateMany', async () => {
    const many = await ks.rotateMany([fixed.raw, { envelope: fixed.passphrase, context, id: 7 }, { envelope: 'not an envelope' }], { from: ring ?? rawKey, to: rawKey, context, policy, concurrency: 2 })
    // Result fields that an outcome does not have are absent: read them own-only, like the library.
    for (const r of many) if (r.status === 'ok') sealed.push({ label: `rotateMany ${r.index}`, env: r.envelope, secret: r.index === 0 ? 'sk-fixed-raw' : 'sk-fixed-pass', key: rawKey, context })
    return many.map((r) => [r.index, own(r, 'id'), r.status, own(r, 'code'), own(r, 'reasons')?.join(',')].join(':')).join(' ')
  })
  await step('rotateStream', async () => {
    // Items without a context of their own (a string, an object without `context`) take the
    // option's: a polluted Object.prototype.context must not become theirs. Concurrency 1: results
    // come in input order.
    const items = [fixed.passphrase, { envelope: fixed.raw, id: 8 }, { envelope: 'not an envelope' }]
    const got = []
    for await (const r of ks.rotateStream(items, { from: ring ?? rawKey, to: rawKey, context, policy, concurrency: 1 })) {
      if (r.status === 'ok') sealed.push({ label: `rotateStream ${r.index}`, env: r.envelope, secret: r.index === 0 ? 'sk-fixed-pass' : 'sk-fixed-raw', key: rawKey, context })
      got.push([r.index, own(r, 'id'), r.status, own(r, 'code'), own(r, 'reasons')?.join(','), own(r, 'previous') === own(items[r.index], 'envelope') || own(r, 'previous') === items[r.index]].join(':'))
    }
    return got.join(' ')
  })
  if (a2policy) {
    await seal('seal argon2id', 'sk-secret-a2', 'pass one', { policy: a2policy, context }, 'pass one')
    await step('open argon2id', () => ks.openKey(fixed.argon2id, 'pass one', { policy: a2policy, context }))
  }
  return { out, sealed }
}

/**
 * True when this runtime's own WebCrypto still works under the current pollution: the calls keyseal
 * makes, made directly with null-prototype dictionaries. Node 20's importKey, for one, breaks when
 * Object.prototype has `get`, `set` (its internal property descriptors) or `length` (its normalized
 * algorithm object): nothing a library can change. Under such a plant keyseal must fail closed
 * (CRYPTO_FAILURE), never succeed differently.
 */
async function platformWorks() {
  const N = (o) => Object.assign(Object.create(null), o)
  try {
    const s = globalThis.crypto.subtle
    const pw = await s.importKey('raw', new Uint8Array([1, 2, 3]), N({ name: 'PBKDF2' }), false, ['deriveBits'])
    const m = await s.deriveBits(N({ name: 'PBKDF2', hash: N({ name: 'SHA-256' }), salt: new Uint8Array(16), iterations: 2 }), pw, 256)
    const h = await s.importKey('raw', m, N({ name: 'HKDF' }), false, ['deriveBits'])
    const okm = new Uint8Array(await s.deriveBits(N({ name: 'HKDF', hash: N({ name: 'SHA-256' }), salt: new Uint8Array(16), info: new Uint8Array(1) }), h, 512))
    const k = await s.importKey('raw', okm.subarray(0, 32), N({ name: 'AES-GCM' }), false, ['encrypt', 'decrypt'])
    const gcm = N({ name: 'AES-GCM', iv: new Uint8Array(12), additionalData: new Uint8Array(1), tagLength: 128 })
    const ct = await s.encrypt(gcm, k, new Uint8Array(20))
    await s.decrypt(gcm, k, ct)
    globalThis.crypto.getRandomValues(new Uint8Array(16))
    return new Uint8Array(ct).length === 36
  } catch {
    return false
  }
}

/** Plain, comparable description of an outcome (called unpolluted). */
function describe(ks, o) {
  if ('error' in o) {
    const e = o.error
    return ks.isKeysealError(e) ? `KeysealError ${e.code}` : `THROWN ${e?.constructor?.name ?? typeof e}`
  }
  const v = o.value
  if (typeof v === 'string' && v.startsWith('ks1.')) return `envelope(${ks.inspect(v).secretLength})`
  if (v instanceof ks.Keyring || v instanceof ks.KeysealKey) return String(v)
  return JSON.stringify(v)
}

/** Re-open, unpolluted, everything the scenario sealed; each must give back its secret. */
async function reopen(ks, sealed) {
  const lines = []
  for (const s of sealed) {
    const o = await outcome(async () => {
      const info = ks.inspect(s.env)
      const opened = await ks.openKeyBytes(s.env, s.key, { context: s.context, policy: s.policy })
      const want = typeof s.secret === 'string' ? enc.encode(s.secret) : s.secret
      return [info.keyId, info.kdf.kdf, opened.length === want.length && opened.every((b, i) => b === want[i])]
    })
    lines.push(`${s.label} reopened: ${describe(ks, o)}`)
  }
  return lines
}

async function run(ks, prep) {
  const platform = await platformWorks()
  const { out, sealed } = await scenario(ks, prep)
  return { out, sealed, platform }
}

function lines(ks, r) {
  return r.out.map(([label, o]) => `${label}: ${describe(ks, o)}`)
}

/**
 * Run the sweep. Returns { runs, baseline, failures, platformBroken }: failures are `name=value`
 * plants whose outcome differs from the unpolluted run, with the first differing line;
 * platformBroken the plants under which the runtime's own WebCrypto failed, where a step may
 * instead fail closed with CRYPTO_FAILURE (every envelope sealed must still reopen correctly).
 */
export async function pollutionSweep(ks, a2, names, { quick = false } = {}) {
  const prep = await preparePollution(ks, a2)
  const base = await run(ks, prep)
  const baseline = [...lines(ks, base), ...(await reopen(ks, base.sealed))]
  if (!base.platform) throw new Error('WebCrypto probe failed without any pollution')
  const failures = []
  const platformBroken = []
  let runs = 0
  const proto = Object.prototype
  const plants = []
  // `quick` (the runtime matrix, where a run costs more): each name alone with the first value
  // only; every name at once still with every value.
  pollutionValues().forEach((value, i) => {
    if (!quick || i === 0) for (const name of names) plants.push([[name], value])
    plants.push([names, value]) // all at once
  })
  for (const [keys, value] of plants) {
    if (keys.some((k) => Object.hasOwn(proto, k))) throw new Error(`Object.prototype already has ${keys.find((k) => Object.hasOwn(proto, k))}`)
    let r
    // As a deep-merge bug plants it: enumerable, writable. The descriptor has no prototype, or a
    // planted `get` would be read from it.
    const desc = Object.assign(Object.create(null), { value, writable: true, configurable: true, enumerable: true })
    try {
      for (const k of keys) Object.defineProperty(proto, k, desc)
      r = await run(ks, prep)
    } catch (error) {
      r = { crashed: error }
    } finally {
      for (const k of keys) delete proto[k]
    }
    runs++
    const label = `${keys.length === 1 ? keys[0] : 'every name'}=${value instanceof Uint8Array ? 'bytes' : JSON.stringify(value)}`
    if (r.crashed) {
      failures.push(`${label}: the scenario itself threw ${describe(ks, { error: r.crashed })}`)
      continue
    }
    const steps = lines(ks, r)
    const reopened = await reopen(ks, r.sealed)
    if (r.platform) {
      const got = [...steps, ...reopened]
      const i = got.findIndex((line, j) => line !== baseline[j])
      if (i !== -1 || got.length !== baseline.length) failures.push(`${label}: ${got[i] ?? '(missing)'} (unpolluted: ${baseline[i] ?? '(missing)'})`)
    } else {
      platformBroken.push(label)
      // By step label: a step that depends on a failed one (sealing with a key that was not made)
      // is left out. Every step that ran gave the unpolluted outcome or failed closed.
      const baseSteps = new Map(base.out.map(([l, o]) => [l, `${l}: ${describe(ks, o)}`]))
      const bad = steps.find((line, j) => line !== baseSteps.get(r.out[j][0]) && !line.includes('CRYPTO_FAILURE'))
      if (bad !== undefined) failures.push(`${label} (platform broken): ${bad} (unpolluted: ${baseSteps.get(bad.split(':')[0])})`)
      const wrong = reopened.find((line) => !line.endsWith(',true]'))
      if (wrong !== undefined) failures.push(`${label} (platform broken): ${wrong}`)
    }
  }
  return { runs, baseline, failures, platformBroken }
}
