// The one shared conformance suite. Plain ESM, no imports but the modules beside it, and no
// access to files, network or runtime-specific APIs: every runtime's thin entry point
// (test/runtimes/*) loads the BUILT keyseal module, loads the input the driver prepared
// (scripts/runtimes/run.mjs) and calls `runPhase(ks, input)`. The returned object is plain JSON.
//
// The entry point also loads the built `@org/keyseal/argon2id` module and passes it as the third
// argument (`a2`): the Argon2id tests use its `argon2id` implementation, never one of their own.
//
// Phases:
//   'conformance'  envelope vectors (PBKDF2/raw and Argon2id), NIST AES-GCM vectors via WebCrypto,
//                  round trips, Argon2id round trips (small parameters, and one at the OWASP
//                  default), context binding, tampering, bad inputs; also seals this runtime's
//                  interop envelopes (Argon2id ones included). Reports which Argon2id path ran.
//   'open'         opens every runtime's interop envelopes (cross-runtime interop, phase 2).
//   'no-webcrypto' run where globalThis.crypto.subtle is missing: calls must reject with
//                  WEBCRYPTO_UNAVAILABLE (the entry point has already proven that import did not throw).
import { assert, bytesEqual, createRunner, equal, fromHex, rejectsWithCode, toHex } from './harness.mjs'
import { v2Conformance, v2OpenItems } from './suite-v2.mjs'
import { POLLUTION_NAMES } from './pollution-names.mjs'
import { pollutionSweep } from './pollution.mjs'

export { toHex, fromHex }

const enc = new TextEncoder()
const dec = new TextDecoder()
const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now())

/** The cheap policy from docs/api-contract.md: explicit, never the default. */
function testPolicy(ks) {
  return ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
}

/** Argon2id at small parameters (m = 64 KiB, t = 1, p = 1): an explicit test policy, never the default. */
function argon2idTestPolicy(ks, a2, lanes = 1) {
  return ks.createPolicy({
    argon2id: { implementation: a2.argon2id, memoryKiB: 64, passes: 1, lanes, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 64, openMinPasses: 1 },
  })
}

/** The OWASP default (m = 19456 KiB, t = 2, p = 1): createPolicy's own Argon2id defaults. */
function argon2idOwaspPolicy(ks, a2) {
  return ks.createPolicy({ argon2id: { implementation: a2.argon2id } })
}

/**
 * Which Argon2id path this runtime has, found by trying (RUNTIMES.md pitfall 13), as keyseal's
 * implementation does: importKey('raw-secret', ..., 'Argon2id') (Node 24+), then 'raw' (Deno takes
 * both). Resolves to { native: boolean, format?: string }.
 */
export async function detectNativeArgon2id() {
  const subtle = globalThis.crypto?.subtle
  if (!subtle) return { native: false }
  for (const format of ['raw-secret', 'raw']) {
    try {
      await subtle.importKey(format, new Uint8Array([1, 2, 3, 4]), 'Argon2id', false, ['deriveBits'])
      return { native: true, format }
    } catch {
      // not this format, or no Argon2id at all
    }
  }
  return { native: false }
}

/**
 * Whether this runtime compiles WebAssembly with the SIMD instructions keyseal's Argon2id fill
 * uses, found by trying (issue 17): a 75-byte module (assembled by wabt from
 * `(func (export "f") (result i32) v128.const i64x2 5 2 v128.const i64x2 3 4
 * i64x2.extmul_low_i32x4_u i32x4.extract_lane 0)`) must compile, instantiate and return 15.
 * Refused in workerd and under a Content-Security-Policy without 'wasm-unsafe-eval'.
 */
export async function detectWasmSimd() {
  const hex = '0061736d010000000105016000017f03020100070501016600000a2e012c00fd0c05000000000000000200000000000000fd0c03000000000000000400000000000000fdde01fd1b000b'
  try {
    const bytes = new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)))
    const { instance } = await WebAssembly.instantiate(bytes, {})
    return instance.exports.f() === 15
  } catch {
    return false
  }
}

/**
 * Wraps WebAssembly.compile (what keyseal's Argon2id uses to try WebAssembly) to record each call
 * and its outcome; `restore()` puts the original back.
 */
function recordingWasmCompile() {
  const calls = []
  const wasm = globalThis.WebAssembly
  const original = wasm?.compile
  if (typeof original !== 'function') return { calls, restore: () => {} }
  try {
    wasm.compile = async (...args) => {
      try {
        const out = await original.apply(wasm, args)
        calls.push('compile:ok')
        return out
      } catch (error) {
        calls.push('compile:refused')
        throw error
      }
    }
  } catch {
    calls.push('compile:not-wrappable')
  }
  return { calls, restore: () => { try { wasm.compile = original } catch { /* frozen */ } } }
}

/**
 * A SubtleCrypto wrapper that records the Argon2id calls made through it, so the suite can tell
 * which path keyseal's implementation really took (not only what the platform offers).
 */
function recordingSubtle(subtle) {
  const calls = []
  const isArgon = (alg) => String(typeof alg === 'string' ? alg : alg?.name).toLowerCase() === 'argon2id'
  const wrap = (name) => async (...args) => {
    const argon = isArgon(name === 'importKey' ? args[2] : args[0])
    try {
      const out = await subtle[name](...args)
      if (argon) calls.push(`${name}:ok`)
      return out
    } catch (error) {
      if (argon) calls.push(`${name}:refused`)
      throw error
    }
  }
  const proxy = new Proxy(subtle, {
    get(target, prop) {
      if (prop === 'importKey' || prop === 'deriveBits') return wrap(prop)
      const v = target[prop]
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  return { subtle: proxy, calls }
}

/** Fixed interop material, identical in every runtime (the driver does not need to send it). */
export const INTEROP = Object.freeze({
  // Decomposed "é" (e + U+0301) when sealing, composed when opening: keyseal normalises
  // string passphrases to NFC, so both must derive the same key.
  passphraseSeal: 'cafe\u0301 correct horse battery staple',
  passphraseOpen: 'caf\u00e9 correct horse battery staple',
  passphraseBytesHex: '00ff7f80c3a9e29c93f09f9491deadbeef',
  rawKeyHex: '8f3c1d2e4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0',
  keyId: 'interop-k1',
  context: 'tenant:acme/openai-key',
  contextBytesHex: '6b657973656100ff01',
})

const secretFor = (runtime, id) => `sk-${runtime}-${id}-ключ-🔑-${'x'.repeat(8)}`
// Bytes that are not UTF-8 (0xff), so openKey must refuse them and openKeyBytes must return them.
const binarySecretFor = (runtime) => new Uint8Array([0xff, 0xfe, 0x00, 0x01, ...enc.encode(runtime)])

const EXPORTS = [
  'sealKey', 'openKey', 'openKeyBytes', 'deriveKey', 'generateKey', 'importKey', 'inspect',
  'envelopeToJSON', 'envelopeFromJSON', 'envelopeToBytes', 'envelopeFromBytes', 'createPolicy',
  'defaultPolicy', 'KeysealError',
]

// ---- base64url (strict, unpadded) for building hand-made bad envelopes -----------------------
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
function b64url(bytes) {
  let out = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0)
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6))
    for (let j = 0; j < chars; j++) out += B64[(n >>> (18 - 6 * j)) & 63]
  }
  return out
}
function unb64url(s) {
  const out = []
  let acc = 0
  let bits = 0
  for (const ch of s) {
    const v = B64.indexOf(ch)
    if (v < 0) throw new Error('bad base64url in test')
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out.push((acc >>> bits) & 255)
    }
  }
  return new Uint8Array(out)
}
/** Split 'ks1.<header>.<body>' into decoded header and body bytes. */
function splitEnvelope(envelope) {
  const [prefix, head, body] = envelope.split('.')
  return { prefix, head: unb64url(head), body: unb64url(body) }
}
function joinEnvelope(prefix, head, body) {
  return `${prefix}.${b64url(head)}.${b64url(body)}`
}

// ---- keys from fixed material ---------------------------------------------------------------
function contextValue(ctx) {
  if (ctx == null) return undefined
  if ('utf8' in ctx) return ctx.utf8
  return fromHex(ctx.hex)
}

// ---- phases ----------------------------------------------------------------------------------

export async function runPhase(ks, input, a2, v2) {
  if (input.phase === 'conformance') return conformance(ks, input, a2, v2)
  if (input.phase === 'open') return openPhase(ks, input, a2, v2)
  if (input.phase === 'no-webcrypto') return noWebCrypto(ks, a2)
  throw new Error(`unknown phase ${input.phase}`)
}

async function conformance(ks, input, a2, v2) {
  const t = createRunner()
  const policy = () => testPolicy(ks)
  const runtime = input.runtime
  const sealed = []
  let argon2idPath

  t.test('exports the public API', () => {
    for (const name of EXPORTS) assert(name in ks, `missing export ${name}`)
    assert(typeof ks.KeysealError === 'function', 'KeysealError is not a class')
    equal(ks.defaultPolicy.pbkdf2.iterations, 600000, 'defaultPolicy.pbkdf2.iterations')
  })

  // -- platform AES-GCM (NIST CAVP, 96-bit IVs), through the same crypto.subtle keyseal uses --
  const nist = input.nist
  if (nist) {
    // keyseal only ever uses 128-bit tags: those cases are required. The truncated-tag sample
    // checks the platform more widely: a case that must fail may never return plaintext, but a
    // platform that refuses a short tag length outright (Deno's decrypt does) is noted, not failed.
    const full = (c) => c.tag.length === 32
    const enc128 = nist.encrypt.filter(full)
    const dec128 = nist.decrypt.filter(full)
    t.test(`NIST CAVP AES-256-GCM encrypt, 96-bit IV, 128-bit tag (${enc128.length} cases)`, () => nistEncrypt(enc128))
    t.test(`NIST CAVP AES-256-GCM decrypt, 96-bit IV, 128-bit tag (${dec128.length} cases, ${dec128.filter((c) => c.fail).length} must fail)`, () =>
      nistDecrypt(dec128, { strict: true }))
    const encShort = nist.encrypt.filter((c) => !full(c))
    const decShort = nist.decrypt.filter((c) => !full(c))
    t.test(`NIST CAVP AES-256-GCM, 96-bit IV, truncated tags 32-120 bits (${encShort.length} + ${decShort.length} cases)`, async () => {
      const encNote = await nistEncrypt(encShort, { tolerateRefusal: true })
      const decNote = await nistDecrypt(decShort, { strict: false })
      return [encNote, decNote].filter(Boolean).join('; ') || undefined
    })
  } else {
    t.skip('NIST CAVP AES-256-GCM vectors', 'no NIST data in the input')
  }

  // -- the project's frozen envelope vectors --
  if (input.envelopeVectors) {
    for (const v of envelopeVectorCases(input.envelopeVectors)) {
      t.test(`envelope vector ${v.name}`, () => checkEnvelopeVector(ks, input.envelopeVectors, v))
    }
  } else {
    t.test('envelope vectors', () => assert(false, 'vectors/envelopes-v1.json not in the input'))
  }
  // Negative vectors wrong in two ways at once: every runtime must report the same winning code.
  if (Array.isArray(input.precedenceVectors?.negative)) {
    for (const v of input.precedenceVectors.negative) {
      t.test(`precedence vector ${v.id}`, () => checkEnvelopeVector(ks, input.precedenceVectors, v))
    }
  } else {
    t.test('precedence vectors', () => assert(false, 'vectors/envelopes-v1-precedence.json not in the input'))
  }

  // -- Argon2id: the @org/keyseal/argon2id entry, its path here, its frozen vectors, round trips --
  t.test('@org/keyseal/argon2id loads and exports the argon2id implementation', () => {
    assert(a2 && typeof a2 === 'object', 'the argon2id module was not loaded by this runtime\'s entry point')
    assert(a2.argon2id && a2.argon2id.name === 'argon2id', 'argon2id.name')
    assert(typeof a2.argon2id.derive === 'function', 'argon2id.derive is not a function')
    assert(Object.isFrozen(a2.argon2id), 'argon2id is not frozen')
  })

  t.test('Argon2id path (detected by trying) is the one the implementation takes; its M matches argon2id-basic', async () => {
    assert(a2, 'no argon2id module')
    const detected = await detectNativeArgon2id()
    const wasmSimd = await detectWasmSimd()
    // The implementation, called directly on the frozen vector argon2id-basic's inputs, through a
    // SubtleCrypto that records what it is asked and a WebAssembly.compile that records whether
    // it was tried and refused: its M must match, whichever path it takes. This is the first
    // Argon2id call in the process, so the implementation tries WebAssembly here (once).
    const basic = input.argon2idVectors?.positive?.find((v) => v.id === 'argon2id-basic')
    assert(basic, 'argon2id-basic vector missing from the input')
    const rec = recordingSubtle(globalThis.crypto.subtle)
    const wrec = recordingWasmCompile()
    const salt = fromHex(basic.intermediate.salt)
    let m
    let backend
    try {
      m = await a2.argon2id.derive(fromHex(basic.intermediate.passphraseBytes), salt, { memoryKiB: 64, passes: 1, lanes: 1 }, rec.subtle)
      backend = await a2.argon2idBackend(globalThis.crypto.subtle)
    } finally {
      wrec.restore()
    }
    bytesEqual(m, fromHex(basic.intermediate.master), 'argon2id.derive on argon2id-basic (master M)')
    const usedNative = rec.calls.includes('deriveBits:ok')
    equal(usedNative, detected.native, `implementation used native (${rec.calls.join(', ') || 'no Argon2id WebCrypto calls'}) vs detected native`)
    const expected = detected.native ? 'webcrypto' : wasmSimd ? 'webassembly' : 'typescript'
    equal(backend, expected, `argon2idBackend() vs detected (native ${detected.native}, WebAssembly SIMD ${wasmSimd})`)
    if (!detected.native) {
      // Not native: the implementation must have tried WebAssembly once, with the outcome the
      // independent detection predicts (wrapping may be impossible where WebAssembly is frozen).
      if (!wrec.calls.includes('compile:not-wrappable') && typeof globalThis.WebAssembly?.compile === 'function') {
        equal(wrec.calls.join(','), wasmSimd ? 'compile:ok' : 'compile:refused', 'WebAssembly.compile calls made by derive')
      }
    } else {
      equal(wrec.calls.length, 0, 'WebAssembly is not tried where native Argon2id runs')
    }
    argon2idPath = detected.native
      ? `native WebCrypto (importKey '${detected.format}')`
      : wasmSimd
        ? 'WebAssembly (SIMD fill; WebCrypto has no Argon2id)'
        : 'TypeScript fallback (no native Argon2id, WebAssembly refused)'
    return argon2idPath
  })

  if (input.argon2idVectors) {
    for (const v of envelopeVectorCases(input.argon2idVectors)) {
      t.test(`Argon2id envelope vector ${v.name}`, async () => {
        assert(a2, 'no argon2id module')
        return checkEnvelopeVector(ks, input.argon2idVectors, v, a2)
      })
    }
  } else {
    t.test('Argon2id envelope vectors', () => assert(false, 'vectors/envelopes-v1-argon2id.json not in the input'))
  }

  t.test('Argon2id round trip, m=64 KiB t=1 p=1 (explicit test policy): passphrase, derived key, context, typed errors', async () => {
    assert(a2, 'no argon2id module')
    const p = argon2idTestPolicy(ks, a2)
    const env = await ks.sealKey('sk-argon2id-small', 'argon2id passphrase', { policy: p, context: 'ctx-a2' })
    const info = ks.inspect(env)
    equal(info.kdf?.kdf, 'argon2id', 'inspect kdf')
    equal(`${info.kdf.memoryKiB}/${info.kdf.passes}/${info.kdf.lanes}`, '64/1/1', 'inspect m/t/p')
    equal(await ks.openKey(env, 'argon2id passphrase', { policy: p, context: 'ctx-a2' }), 'sk-argon2id-small', 'secret')
    await rejectsWithCode(ks, () => ks.openKey(env, 'argon2id passphrasf', { policy: p, context: 'ctx-a2' }), 'AUTH_FAILED', 'wrong passphrase')
    await rejectsWithCode(ks, () => ks.openKey(env, 'argon2id passphrase', { policy: p }), 'AUTH_FAILED', 'missing context')
    await rejectsWithCode(ks, () => ks.openKey(env, 'argon2id passphrase', { policy: policy(), context: 'ctx-a2' }), 'UNSUPPORTED_KDF', 'a PBKDF2-only policy')
    await rejectsWithCode(ks, () => ks.openKey(env, 'argon2id passphrase', { context: 'ctx-a2' }), 'UNSUPPORTED_KDF', 'the default policy')
    const key = await ks.deriveKey('argon2id derived', { policy: p })
    const e1 = await ks.sealKey('sk-a2-derived', key, { policy: p })
    equal(await ks.openKey(e1, key, { policy: p }), 'sk-a2-derived', 'derived key')
    equal(await ks.openKey(e1, 'argon2id derived', { policy: p }), 'sk-a2-derived', 'derived-key envelope via the passphrase')
  })

  t.test('Argon2id round trip at the OWASP default (m=19456 KiB, t=2, p=1): one Argon2id call', async () => {
    // One derivation at OWASP parameters per runtime (the frozen argon2id-owasp vector is the
    // other): deriveKey runs Argon2id with the policy's sealing parameters and a fresh salt; the
    // envelopes sealed with that key carry them and open with it.
    assert(a2, 'no argon2id module')
    const p = argon2idOwaspPolicy(ks, a2)
    const t0 = now()
    const key = await ks.deriveKey('owasp argon2id passphrase', { policy: p })
    const ms = Math.round(now() - t0)
    const env = await ks.sealKey('sk-argon2id-owasp', key, { policy: p, context: 'owasp' })
    const info = ks.inspect(env)
    equal(`${info.kdf?.kdf} ${info.kdf?.memoryKiB}/${info.kdf?.passes}/${info.kdf?.lanes}`, 'argon2id 19456/2/1', 'inspect kdf')
    equal(await ks.openKey(env, key, { policy: p, context: 'owasp' }), 'sk-argon2id-owasp', 'secret')
    await rejectsWithCode(ks, () => ks.openKey(env, key, { policy: p, context: 'other' }), 'AUTH_FAILED', 'wrong context')
    return `derive ${ms} ms`
  })

  // -- round trips --
  t.test('passphrase (string) round trip, with context', async () => {
    const env = await ks.sealKey('sk-proj-abc123', 'correct horse battery staple', { context: 'ctx', policy: policy() })
    assert(typeof env === 'string' && env.startsWith('ks1.'), 'envelope does not start with ks1.')
    equal(await ks.openKey(env, 'correct horse battery staple', { context: 'ctx', policy: policy() }), 'sk-proj-abc123', 'secret')
  })

  t.test('passphrase is NFC-normalised (NFD seal, NFC open)', async () => {
    const env = await ks.sealKey('s', INTEROP.passphraseSeal, { policy: policy() })
    equal(await ks.openKey(env, INTEROP.passphraseOpen, { policy: policy() }), 's', 'secret')
  })

  t.test('passphrase (bytes) round trip; bytes secret via openKeyBytes; NOT_UTF8 via openKey', async () => {
    const pw = fromHex(INTEROP.passphraseBytesHex)
    const secret = binarySecretFor(runtime)
    const env = await ks.sealKey(secret, pw, { policy: policy() })
    bytesEqual(await ks.openKeyBytes(env, pw, { policy: policy() }), secret, 'secret')
    await rejectsWithCode(ks, () => ks.openKey(env, pw, { policy: policy() }), 'NOT_UTF8', 'openKey on binary secret')
  })

  t.test('Unicode secret round trip (astral characters, no normalisation of secrets)', async () => {
    const secret = 'e\u0301 🔑 ключ 鍵'
    const env = await ks.sealKey(secret, 'pw-unicode', { policy: policy() })
    const out = await ks.openKey(env, 'pw-unicode', { policy: policy() })
    equal(out, secret, 'secret')
    bytesEqual(await ks.openKeyBytes(env, 'pw-unicode', { policy: policy() }), enc.encode(secret), 'secret bytes')
  })

  t.test('deriveKey: seal and open with a derived key; re-derived from the envelope it opens but cannot seal', async () => {
    // A derived key carries its KDF parameters; sealing and opening still check them against the
    // policy in force, so the cheap test policy is passed at every step.
    const p = { policy: policy() }
    const key = await ks.deriveKey('derived passphrase', p)
    const env = await ks.sealKey('sk-derived', key, { ...p, context: 'c1' })
    equal(await ks.openKey(env, key, { ...p, context: 'c1' }), 'sk-derived', 'same key')
    equal(await ks.openKey(env, 'derived passphrase', { ...p, context: 'c1' }), 'sk-derived', 'via passphrase')
    const again = await ks.deriveKey('derived passphrase', { ...p, envelope: env })
    equal(await ks.openKey(env, again, { ...p, context: 'c1' }), 'sk-derived', 're-derived key')
    await rejectsWithCode(ks, () => ks.sealKey('x', again, p), 'KEY_USAGE', 'sealing with an open-only key')
    // Two envelopes sealed by the same derived key share salt and parameters.
    const env2 = await ks.sealKey('sk-derived-2', key, p)
    equal(await ks.openKey(env2, again, p), 'sk-derived-2', 're-derived key opens a sibling envelope')
    await rejectsWithCode(ks, () => ks.sealKey('x', key), 'PARAMS_OUT_OF_POLICY', 'a 1000-iteration derived key under the default policy')
  })

  t.test('raw keys: generateKey format, importKey (string and bytes) round trip', async () => {
    const k = await ks.generateKey()
    assert(/^ksk1\.[A-Za-z0-9_-]{43}$/.test(k), 'generateKey format')
    assert(k !== (await ks.generateKey()), 'generateKey returned the same key twice')
    const key = await ks.importKey(k)
    const env = await ks.sealKey('sk-raw', key, { context: 'raw-ctx' })
    equal(await ks.openKey(env, await ks.importKey(k), { context: 'raw-ctx' }), 'sk-raw', 'secret')
    const fixed = fromHex(INTEROP.rawKeyHex)
    const fromBytes = await ks.importKey(fixed)
    const fromString = await ks.importKey('ksk1.' + b64url(fixed))
    const env2 = await ks.sealKey('sk-raw-2', fromBytes, { keyId: 'k2' })
    equal(await ks.openKey(env2, fromString), 'sk-raw-2', 'string form of the same bytes')
  })

  t.test('envelope conversions: inspect, JSON and bytes round trips', async () => {
    const env = await ks.sealKey('sk-conv', 'pw-conv', { policy: policy() })
    const info = ks.inspect(env)
    assert(info && typeof info === 'object', 'inspect returns an object')
    equal(info.kdf?.iterations, 1000, 'inspect shows the iteration count')
    equal(ks.envelopeFromJSON(ks.envelopeToJSON(env)), env, 'JSON round trip')
    equal(ks.envelopeFromJSON(JSON.parse(JSON.stringify(ks.envelopeToJSON(env)))), env, 'JSON text round trip')
    const bytes = ks.envelopeToBytes(env)
    assert(bytes instanceof Uint8Array, 'envelopeToBytes returns bytes')
    equal(ks.envelopeFromBytes(bytes), env, 'bytes round trip')
  })

  t.test('default policy (600,000 PBKDF2 iterations) round trip', async () => {
    const env = await ks.sealKey('sk-default-policy', 'a passphrase under the default policy')
    equal(ks.inspect(env).kdf?.iterations, 600000, 'inspect shows 600000 iterations')
    equal(await ks.openKey(env, 'a passphrase under the default policy'), 'sk-default-policy', 'secret')
  })

  // -- context binding --
  t.test('context binding: wrong or missing context is AUTH_FAILED', async () => {
    const env = await ks.sealKey('sk-ctx', 'pw-ctx', { context: 'tenant-a', policy: policy() })
    const p = { policy: policy() }
    await rejectsWithCode(ks, () => ks.openKey(env, 'pw-ctx', { ...p, context: 'tenant-b' }), 'AUTH_FAILED', 'wrong context')
    await rejectsWithCode(ks, () => ks.openKey(env, 'pw-ctx', p), 'AUTH_FAILED', 'missing context')
    await rejectsWithCode(ks, () => ks.openKey(env, 'pw-ctx', { ...p, context: 'tenant-a ' }), 'AUTH_FAILED', 'context + space')
    const bare = await ks.sealKey('sk-ctx', 'pw-ctx', { policy: policy() })
    await rejectsWithCode(ks, () => ks.openKey(bare, 'pw-ctx', { ...p, context: 'x' }), 'AUTH_FAILED', 'unexpected context')
    const key = await ks.importKey(fromHex(INTEROP.rawKeyHex))
    const raw = await ks.sealKey('sk-ctx', key, { context: enc.encode('bytes-ctx') })
    await rejectsWithCode(ks, () => ks.openKey(raw, key, { context: enc.encode('bytes-cty') }), 'AUTH_FAILED', 'raw key, wrong bytes context')
  })

  t.test('wrong passphrase or wrong raw key is AUTH_FAILED', async () => {
    const env = await ks.sealKey('sk-w', 'right', { policy: policy() })
    await rejectsWithCode(ks, () => ks.openKey(env, 'wrong', { policy: policy() }), 'AUTH_FAILED', 'wrong passphrase')
    const raw = await ks.sealKey('sk-w', await ks.importKey(await ks.generateKey()))
    await rejectsWithCode(ks, async () => ks.openKey(raw, await ks.importKey(await ks.generateKey())), 'AUTH_FAILED', 'wrong raw key')
  })

  // -- tampering: every character of a passphrase and a raw-key envelope --
  t.test('tampering: every single-character change is a typed error, never plaintext', async () => {
    const key = await ks.importKey(fromHex(INTEROP.rawKeyHex))
    const cases = [
      { env: await ks.sealKey('sk-tamper', 'pw-tamper', { context: 'c', policy: policy() }), open: (e) => ks.openKey(e, 'pw-tamper', { context: 'c', policy: policy() }) },
      { env: await ks.sealKey('sk-tamper', key, { context: 'c', keyId: 'kid' }), open: (e) => ks.openKey(e, key, { context: 'c' }) },
    ]
    const TYPED = ['MALFORMED_ENVELOPE', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_KDF', 'PARAMS_OUT_OF_POLICY', 'AUTH_FAILED', 'KEY_MISMATCH']
    for (const { env, open } of cases) {
      const bodyStart = env.lastIndexOf('.') + 1
      for (let i = 0; i < env.length; i++) {
        const c = env[i]
        const alt = c === '.' ? '_' : c === 'A' ? 'B' : 'A'
        const bad = env.slice(0, i) + alt + env.slice(i + 1)
        // Inside the body (but for its last character, whose low bits may be non-canonical
        // base64url) the only possible outcome is the single authentication failure.
        const codes = i >= bodyStart && i < env.length - 1 ? 'AUTH_FAILED' : TYPED
        await rejectsWithCode(ks, () => open(bad), codes, `character ${i} changed`)
      }
      for (const bad of [env.slice(0, -1), env + 'A', env.slice(0, bodyStart), env.replace('ks1.', 'ks2.'), env.replace('ks1.', 'KS1.')]) {
        await rejectsWithCode(ks, () => open(bad), TYPED, 'truncated/extended/prefix-changed envelope')
      }
    }
  })

  t.test('tampered header fields (iterations, KDF id, version) give their specific codes', async () => {
    const env = await ks.sealKey('sk-h', 'pw-h', { policy: policy() })
    const { prefix, head, body } = splitEnvelope(env)
    // Header byte 0: version 1; byte 1: KDF id (2 = PBKDF2-SHA256); bytes 2..5: iterations (big endian).
    equal(head[0], 1, 'version byte')
    equal(head[1], 2, 'KDF id byte')
    const withIterations = (n) => {
      const h = head.slice()
      h[2] = n >>> 24
      h[3] = (n >>> 16) & 255
      h[4] = (n >>> 8) & 255
      h[5] = n & 255
      return joinEnvelope(prefix, h, body)
    }
    const open = (e, p = policy()) => ks.openKey(e, 'pw-h', { policy: p })
    await rejectsWithCode(ks, () => open(withIterations(0xffffffff)), 'PARAMS_OUT_OF_POLICY', 'iterations 2^32-1')
    await rejectsWithCode(ks, () => open(withIterations(999)), 'PARAMS_OUT_OF_POLICY', 'iterations below openMinIterations')
    await rejectsWithCode(ks, () => open(withIterations(1001)), 'AUTH_FAILED', 'iterations changed inside the policy')
    await rejectsWithCode(ks, () => open(env, ks.defaultPolicy), 'PARAMS_OUT_OF_POLICY', '1000 iterations under the default policy')
    const kdf = head.slice()
    kdf[1] = 0x09
    await rejectsWithCode(ks, () => open(joinEnvelope(prefix, kdf, body)), 'UNSUPPORTED_KDF', 'unknown KDF id')
  })

  // -- a sample of bad inputs with their exact codes --
  const pw = 'bad-input passphrase'
  const badInputs = [
    ['openKey: not an envelope', () => ks.openKey('sk-proj-plaintext-key', pw), 'MALFORMED_ENVELOPE'],
    ['openKey: envelope is a number', () => ks.openKey(42, pw), 'MALFORMED_ENVELOPE'],
    ['openKey: empty string', () => ks.openKey('', pw), 'MALFORMED_ENVELOPE'],
    ['openKey: ks2. prefix', () => ks.openKey('ks2.AAAA.AAAA', pw), 'UNSUPPORTED_VERSION'],
    ['openKey: three dots', () => ks.openKey('ks1.AAAA.AAAA.AAAA', pw), 'MALFORMED_ENVELOPE'],
    ['openKey: non-base64url characters', () => ks.openKey('ks1.AA+A.AA/A', pw), 'MALFORMED_ENVELOPE'],
    ['sealKey: empty secret', () => ks.sealKey('', pw, { policy: testPolicy(ks) }), 'INVALID_SECRET'],
    ['sealKey: secret is a number', () => ks.sealKey(42, pw, { policy: testPolicy(ks) }), 'INVALID_SECRET'],
    ['sealKey: secret with a lone surrogate', () => ks.sealKey('ab\ud800', pw, { policy: testPolicy(ks) }), 'INVALID_SECRET'],
    ['sealKey: empty passphrase', () => ks.sealKey('s', '', { policy: testPolicy(ks) }), 'INVALID_KEY'],
    ['sealKey: passphrase with NUL', () => ks.sealKey('s', 'pw\u0000', { policy: testPolicy(ks) }), 'INVALID_KEY'],
    ['sealKey: raw key string used as passphrase', () => ks.sealKey('s', 'ksk1.' + 'A'.repeat(43), { policy: testPolicy(ks) }), 'INVALID_KEY'],
    ['sealKey: key is a number', () => ks.sealKey('s', 7), 'INVALID_KEY'],
    ['sealKey: context is a number', () => ks.sealKey('s', pw, { context: 7, policy: testPolicy(ks) }), 'INVALID_CONTEXT'],
    ['sealKey: context over 1024 bytes', () => ks.sealKey('s', pw, { context: 'c'.repeat(1025), policy: testPolicy(ks) }), 'INVALID_CONTEXT'],
    ['sealKey: policy below the default floor is refused by createPolicy', () => ks.createPolicy({ pbkdf2: { iterations: 1000 } }), 'INVALID_OPTIONS'],
    ['createPolicy: zero iterations', () => ks.createPolicy({ pbkdf2: { iterations: 0 } }), 'INVALID_OPTIONS'],
    ['createPolicy: fractional iterations', () => ks.createPolicy({ pbkdf2: { iterations: 600000.5 } }), 'INVALID_OPTIONS'],
    ['importKey: 31 bytes', () => ks.importKey(new Uint8Array(31)), 'INVALID_KEY'],
    ['importKey: short ksk1. string', () => ks.importKey('ksk1.AAAA'), 'INVALID_KEY'],
  ]
  t.test(`bad inputs: ${badInputs.length} cases with their exact codes`, async () => {
    for (const [what, fn, code] of badInputs) await rejectsWithCode(ks, fn, code, what)
  })

  t.test('key kind mismatch: passphrase vs raw key is KEY_MISMATCH', async () => {
    const key = await ks.importKey(fromHex(INTEROP.rawKeyHex))
    const raw = await ks.sealKey('sk-km', key)
    await rejectsWithCode(ks, () => ks.openKey(raw, 'some passphrase', { policy: testPolicy(ks) }), 'KEY_MISMATCH', 'raw envelope, passphrase')
    const pass = await ks.sealKey('sk-km', 'some passphrase', { policy: testPolicy(ks) })
    await rejectsWithCode(ks, () => ks.openKey(pass, key, { policy: testPolicy(ks) }), 'KEY_MISMATCH', 'passphrase envelope, raw key')
    const derived = await ks.deriveKey('some passphrase', { policy: testPolicy(ks) })
    await rejectsWithCode(ks, () => ks.openKey(pass, derived, { policy: testPolicy(ks) }), 'KEY_MISMATCH', 'derived key with another salt')
    const withId = await ks.sealKey('sk-km', await ks.importKey(fromHex(INTEROP.rawKeyHex), { keyId: 'k-a' }))
    await rejectsWithCode(ks, async () => ks.openKey(withId, await ks.importKey(fromHex(INTEROP.rawKeyHex), { keyId: 'k-b' })), 'KEY_MISMATCH', 'other key id')
  })

  t.test('errors carry fixed messages that never contain the input', async () => {
    const secretish = 'sk-proj-SHOULD-NOT-LEAK-0123456789'
    const err = await rejectsWithCode(ks, () => ks.openKey(secretish, 'pw-SHOULD-NOT-LEAK'), 'MALFORMED_ENVELOPE', 'plaintext key as envelope')
    assert(!String(err.message).includes('SHOULD-NOT-LEAK') && !String(err.stack ?? '').includes('SHOULD-NOT-LEAK'), 'error text contains the input')
    equal(err.name, 'KeysealError', 'error name')
    assert(err instanceof Error, 'KeysealError extends Error')
  })

  // -- interop, phase 1: seal this runtime's envelopes --
  t.test('interop: seal this runtime\'s envelopes', async () => {
    for (const item of await sealInterop(ks, runtime)) sealed.push(item)
  })

  t.test('interop: seal this runtime\'s Argon2id envelopes (m=64 KiB; t=1 p=1 and t=1 p=4)', async () => {
    assert(a2, 'no argon2id module')
    for (const item of await sealInteropArgon2id(ks, a2, runtime)) sealed.push(item)
  })

  // Format v2 (`@org/keyseal/v2`): its own tests and interop envelopes (test/conformance/suite-v2.mjs).
  v2Conformance(t, v2, input, sealed)

  // Issue 11, items 1-2, in every runtime of the matrix: the prototype-pollution sweep
  // (test/conformance/pollution.mjs) against the built package, in quick mode (each name alone with
  // one value, every name at once with each value). Last: it plants on Object.prototype (and removes
  // each plant before the next), so no other test runs while a plant is in place.
  t.test(`prototype pollution sweep, quick (${POLLUTION_NAMES.length} names, ${POLLUTION_NAMES.length + 3} plants)`, async () => {
    const r = await pollutionSweep(ks, a2, POLLUTION_NAMES, { quick: true })
    equal(r.runs, POLLUTION_NAMES.length + 3, 'plants run')
    // A sweep over a scenario that does not work unpolluted proves nothing.
    assert(r.baseline.includes('open passphrase: "sk-fixed-pass"') && r.baseline.includes('open argon2id: "sk-fixed-a2"'), 'the unpolluted scenario did not open its envelopes')
    assert(r.failures.length === 0, `${r.failures.length} plant(s) changed what keyseal does: ${r.failures.slice(0, 3).join(' | ')}`)
    const broken = r.platformBroken.length > 0 ? `; this runtime's own WebCrypto failed under ${r.platformBroken.join(', ')} (keyseal failed closed there)` : ''
    return `${r.runs} plants${broken}`
  })
  const report = await t.run()
  return { report, sealed, argon2idPath }
}

// ---- NIST AES-GCM through WebCrypto ------------------------------------------------------------
const gcmParams = (c) => ({ name: 'AES-GCM', iv: fromHex(c.iv), additionalData: fromHex(c.aad), tagLength: c.tag.length * 4 })
const refusedNote = (what, refused) =>
  refused.size ? `this platform refuses ${what} with tag lengths ${[...refused].sort((a, b) => a - b).join(', ')} (keyseal uses 128 only)` : undefined

async function nistEncrypt(cases, { tolerateRefusal = false } = {}) {
  const subtle = globalThis.crypto.subtle
  const failures = []
  const refused = new Set()
  for (const c of cases) {
    const key = await subtle.importKey('raw', fromHex(c.key), 'AES-GCM', false, ['encrypt'])
    let out
    try {
      out = toHex(new Uint8Array(await subtle.encrypt(gcmParams(c), key, fromHex(c.pt))))
    } catch (error) {
      if (!tolerateRefusal) throw error
      refused.add(c.tag.length * 4)
      continue
    }
    if (out !== c.ct + c.tag) failures.push(c.id)
  }
  assert(failures.length === 0, `${failures.length} encrypt vectors differ, first: ${failures.slice(0, 5).join(', ')}`)
  return refusedNote('encrypt', refused)
}

async function nistDecrypt(cases, { strict }) {
  const subtle = globalThis.crypto.subtle
  const failures = []
  const refused = new Set()
  for (const c of cases) {
    const key = await subtle.importKey('raw', fromHex(c.key), 'AES-GCM', false, ['decrypt'])
    let out = null
    try {
      out = toHex(new Uint8Array(await subtle.decrypt(gcmParams(c), key, fromHex(c.ct + c.tag))))
    } catch {
      out = null
    }
    if (c.fail) {
      // Never plaintext for a forged tag.
      if (out !== null) failures.push(`${c.id} (forged tag accepted)`)
    } else if (out === null) {
      if (strict) failures.push(`${c.id} (refused)`)
      else refused.add(c.tag.length * 4)
    } else if (out !== c.pt) {
      failures.push(`${c.id} (wrong plaintext)`)
    }
  }
  assert(failures.length === 0, `${failures.length} decrypt vectors misbehave, first: ${failures.slice(0, 5).join(', ')}`)
  return refusedNote('decrypt', refused)
}

// ---- envelope vectors (vectors/envelopes-v1.json) ----------------------------------------------
// The project's frozen v1 vectors; the driver passes the parsed file. The vector metadata drives
// the test: a positive vector names its secret, a negative one the exact error code.
function envelopeVectorCases(file) {
  if (!Array.isArray(file.positive) || !Array.isArray(file.negative)) throw new Error('envelopes-v1.json: expected positive[] and negative[]')
  return [...file.positive, ...file.negative].map((v) => ({ ...v, name: v.id }))
}

function vectorPolicy(ks, file, name, a2) {
  if (name === 'default') return ks.defaultPolicy
  const p = file.policies?.[name]
  if (!p) throw new Error(`vector names an unknown policy ${name}`)
  // Argon2id policies are stored without the implementation (it is code): the entry's one is added.
  if (p.argon2id) return ks.createPolicy({ ...p, argon2id: { ...p.argon2id, implementation: a2.argon2id } })
  return ks.createPolicy(p)
}

/** Vectors whose KDF is expensive (600,000 PBKDF2 iterations, Argon2id at >= 4 MiB) are opened once only. */
function expensiveVector(file, v) {
  if (v.policy === 'default') return true
  const a = file.policies?.[v.policy]?.argon2id
  return a !== undefined && a.memoryKiB >= 4096
}

async function vectorKey(ks, v) {
  const { type, value } = v.key
  if (type === 'passphrase') return value
  if (type === 'passphrase-hex') return fromHex(value)
  if (type === 'raw') return ks.importKey(value, v.keyId === undefined ? undefined : { keyId: v.keyId })
  throw new Error(`vector key type not understood: ${type}`)
}

function typedValue(x, what) {
  if (x === null || x === undefined) return undefined
  if (x.type === 'utf8') return x.value
  if (x.type === 'hex') return fromHex(x.value)
  throw new Error(`vector ${what} type not understood: ${x.type}`)
}

async function checkEnvelopeVector(ks, file, v, a2) {
  const policy = vectorPolicy(ks, file, v.policy, a2)
  const options = { policy }
  const context = typedValue(v.context, 'context')
  if (context !== undefined) options.context = context
  const key = await vectorKey(ks, v)
  if (v.code !== undefined) {
    await rejectsWithCode(ks, () => ks.openKeyBytes(v.envelope, key, options), v.code, v.id)
    return
  }
  const open = async (k, opts) =>
    v.secret.type === 'utf8'
      ? equal(await ks.openKey(v.envelope, k, opts), v.secret.value, 'secret')
      : bytesEqual(await ks.openKeyBytes(v.envelope, k, opts), fromHex(v.secret.value), 'secret')
  const t0 = now()
  await open(key, options)
  const ms = Math.round(now() - t0)
  // A passphrase vector must also open with a key re-derived from the envelope (skipped for the
  // default-policy vector and the OWASP Argon2id one, whose KDF cost is paid once per runtime).
  if (v.key.type.startsWith('passphrase') && !expensiveVector(file, v)) {
    const derived = await ks.deriveKey(key, { policy, envelope: v.envelope, ...(v.keyId === undefined ? {} : { keyId: v.keyId }) })
    await open(derived, options)
  }
  // Canonical form: every conversion gives back exactly the vector's string.
  equal(ks.envelopeFromBytes(ks.envelopeToBytes(v.envelope)), v.envelope, 'bytes round trip')
  equal(ks.envelopeFromJSON(JSON.parse(JSON.stringify(ks.envelopeToJSON(v.envelope)))), v.envelope, 'JSON round trip')
  if (expensiveVector(file, v) && file.policies?.[v.policy]?.argon2id) return `open ${ms} ms`
}

// ---- interop ----------------------------------------------------------------------------------

/** Phase 1: what this runtime seals for every other runtime to open. */
export async function sealInterop(ks, runtime) {
  const policy = testPolicy(ks)
  const pwBytes = fromHex(INTEROP.passphraseBytesHex)
  const raw = fromHex(INTEROP.rawKeyHex)
  const derived = await ks.deriveKey(INTEROP.passphraseSeal, { policy })
  const items = [
    { id: 'passphrase', kind: 'passphrase', context: { utf8: INTEROP.context }, secret: secretFor(runtime, 'passphrase') },
    { id: 'passphrase-bytes', kind: 'passphrase-bytes', context: null, secret: secretFor(runtime, 'passphrase-bytes') },
    { id: 'derived', kind: 'derived', context: { hex: INTEROP.contextBytesHex }, secret: secretFor(runtime, 'derived') },
    { id: 'raw', kind: 'raw', context: { utf8: INTEROP.context }, keyId: INTEROP.keyId, secret: secretFor(runtime, 'raw') },
    { id: 'raw-binary', kind: 'raw-string', context: null, secretHex: toHex(binarySecretFor(runtime)) },
  ]
  for (const item of items) {
    const opts = { policy }
    const ctx = contextValue(item.context)
    if (ctx !== undefined) opts.context = ctx
    const secret = item.secretHex ? fromHex(item.secretHex) : item.secret
    let key
    if (item.kind === 'passphrase') key = INTEROP.passphraseSeal
    else if (item.kind === 'passphrase-bytes') key = pwBytes
    else if (item.kind === 'derived') key = derived
    else if (item.kind === 'raw') key = await ks.importKey(raw, { keyId: INTEROP.keyId })
    else key = await ks.importKey('ksk1.' + b64url(raw))
    item.envelope = await ks.sealKey(secret, key, opts)
  }
  return items.map((i) => ({ ...i, from: runtime }))
}

/** The PBKDF2 and raw-key interop envelopes every runtime seals (sealInterop) and every other one opens. */
export const INTEROP_IDS = ['passphrase', 'passphrase-bytes', 'derived', 'raw', 'raw-binary']

/** The Argon2id interop envelopes: every runtime opens them, so native and TypeScript Argon2id must agree. */
export const ARGON2ID_INTEROP_IDS = ['argon2id-passphrase', 'argon2id-derived', 'argon2id-lanes']

async function sealInteropArgon2id(ks, a2, runtime) {
  const p1 = argon2idTestPolicy(ks, a2)
  const p4 = argon2idTestPolicy(ks, a2, 4)
  const derived = await ks.deriveKey(INTEROP.passphraseSeal, { policy: p1 })
  const items = [
    { id: 'argon2id-passphrase', kind: 'argon2id-passphrase', context: { utf8: INTEROP.context }, secret: secretFor(runtime, 'argon2id-passphrase') },
    { id: 'argon2id-derived', kind: 'argon2id-derived', context: { hex: INTEROP.contextBytesHex }, secret: secretFor(runtime, 'argon2id-derived') },
    { id: 'argon2id-lanes', kind: 'argon2id-lanes', context: { utf8: INTEROP.context }, secret: secretFor(runtime, 'argon2id-lanes') },
  ]
  for (const item of items) {
    const policy = item.kind === 'argon2id-lanes' ? p4 : p1
    const opts = { policy, context: contextValue(item.context) }
    const key = item.kind === 'argon2id-derived' ? derived : item.kind === 'argon2id-lanes' ? fromHex(INTEROP.passphraseBytesHex) : INTEROP.passphraseSeal
    item.envelope = await ks.sealKey(item.secret, key, opts)
    const info = ks.inspect(item.envelope).kdf
    equal(`${info.kdf} ${info.memoryKiB}/${info.passes}/${info.lanes}`, `argon2id 64/1/${item.kind === 'argon2id-lanes' ? 4 : 1}`, `${item.id} parameters`)
  }
  return items.map((i) => ({ ...i, from: runtime }))
}

async function openKeyFor(ks, item, policy) {
  const raw = fromHex(INTEROP.rawKeyHex)
  if (item.kind === 'passphrase') return INTEROP.passphraseOpen
  if (item.kind === 'passphrase-bytes') return fromHex(INTEROP.passphraseBytesHex)
  if (item.kind === 'derived' || item.kind === 'argon2id-derived') return ks.deriveKey(INTEROP.passphraseOpen, { policy, envelope: item.envelope })
  if (item.kind === 'argon2id-passphrase') return INTEROP.passphraseOpen
  if (item.kind === 'argon2id-lanes') return fromHex(INTEROP.passphraseBytesHex)
  if (item.kind === 'raw') return ks.importKey('ksk1.' + b64url(raw), { keyId: INTEROP.keyId })
  return ks.importKey(raw)
}

/** Phase 2: open every runtime's envelopes; one test per source runtime. */
async function openPhase(ks, input, a2, v2) {
  const t = createRunner()
  const pbkdf2Policy = testPolicy(ks)
  // Argon2id envelopes open under the small Argon2id test policy (lanes are bounded by maxLanes only).
  const argonPolicy = a2 ? argon2idTestPolicy(ks, a2) : undefined
  const bySource = new Map()
  const v2BySource = new Map()
  for (const item of input.envelopes) {
    const map = item.kind === 'v2' ? v2BySource : bySource
    if (!map.has(item.from)) map.set(item.from, [])
    map.get(item.from).push(item)
  }
  for (const [from, items] of v2BySource) t.test(`opens v2 envelopes sealed in ${from} (${items.length})`, () => v2OpenItems(v2, from, items))
  for (const from of bySource.keys()) if (!v2BySource.has(from)) t.test(`opens v2 envelopes sealed in ${from}`, () => assert(false, `${from} sealed no v2 envelopes`))
  for (const [from, items] of bySource) {
    t.test(`opens envelopes sealed in ${from} (${items.length})`, async () => {
      const ids = items.map((i) => i.id)
      const missing = [...INTEROP_IDS, ...ARGON2ID_INTEROP_IDS].filter((id) => !ids.includes(id))
      assert(missing.length === 0, `${from} sealed no ${missing.join(', ')}`)
      for (const item of items) {
        const isArgon = item.kind.startsWith('argon2id')
        assert(!isArgon || argonPolicy, 'no argon2id module here to open Argon2id envelopes')
        const policy = isArgon ? argonPolicy : pbkdf2Policy
        if (isArgon) equal(ks.inspect(item.envelope).kdf?.kdf, 'argon2id', `${from}/${item.id} kdf`)
        const key = await openKeyFor(ks, item, policy)
        const opts = { policy }
        const ctx = contextValue(item.context)
        if (ctx !== undefined) opts.context = ctx
        // The expected secret is recomputed here from (runtime, id), not taken from the sealer's record.
        if (item.secretHex) {
          bytesEqual(await ks.openKeyBytes(item.envelope, key, opts), binarySecretFor(from), `${from}/${item.id}`)
        } else {
          equal(await ks.openKey(item.envelope, key, opts), secretFor(from, item.id), `${from}/${item.id}`)
        }
        // The context is bound: the same envelope must not open under another context.
        await rejectsWithCode(ks, () => ks.openKey(item.envelope, key, { ...opts, context: 'another-context' }), 'AUTH_FAILED', `${from}/${item.id} wrong context`)
      }
    })
  }
  return { report: await t.run() }
}

// ---- without WebCrypto -------------------------------------------------------------------------
async function noWebCrypto(ks, a2) {
  const t = createRunner()
  t.test('crypto.subtle is really absent here', () => {
    assert(globalThis.crypto?.subtle == null, 'crypto.subtle is present: this is not a no-WebCrypto context')
  })
  t.test('sealKey rejects with WEBCRYPTO_UNAVAILABLE', () =>
    rejectsWithCode(ks, () => ks.sealKey('sk-x', 'a passphrase', { policy: testPolicy(ks) }), 'WEBCRYPTO_UNAVAILABLE', 'sealKey'))
  t.test('openKey, deriveKey, generateKey, importKey reject with WEBCRYPTO_UNAVAILABLE', async () => {
    // A well-formed PBKDF2 envelope (1000 iterations, inside the test policy), so parsing and the
    // policy check pass and the platform is really needed.
    const head = new Uint8Array([1, 2, 0, 0, 0x03, 0xe8, 16, ...new Uint8Array(16).fill(7), 0, ...new Uint8Array(12), ...new Uint8Array(32)])
    const env = joinEnvelope('ks1', head, new Uint8Array(17))
    await rejectsWithCode(ks, () => ks.openKey(env, 'a passphrase', { policy: testPolicy(ks) }), 'WEBCRYPTO_UNAVAILABLE', 'openKey')
    await rejectsWithCode(ks, () => ks.deriveKey('a passphrase', { policy: testPolicy(ks) }), 'WEBCRYPTO_UNAVAILABLE', 'deriveKey')
    await rejectsWithCode(ks, () => ks.generateKey(), 'WEBCRYPTO_UNAVAILABLE', 'generateKey')
    await rejectsWithCode(ks, () => ks.importKey(fromHex(INTEROP.rawKeyHex)), 'WEBCRYPTO_UNAVAILABLE', 'importKey')
  })
  t.test('@org/keyseal/argon2id imports here; an Argon2id seal rejects with WEBCRYPTO_UNAVAILABLE', async () => {
    assert(a2 && a2.argon2id?.name === 'argon2id', 'the argon2id module did not load')
    await rejectsWithCode(ks, () => ks.sealKey('sk-x', 'a passphrase', { policy: argon2idTestPolicy(ks, a2) }), 'WEBCRYPTO_UNAVAILABLE', 'sealKey with Argon2id')
  })
  t.test('pure functions still work: inspect refuses garbage with its own code', () =>
    rejectsWithCode(ks, () => ks.inspect('not an envelope'), 'MALFORMED_ENVELOPE', 'inspect'))
  return { report: await t.run() }
}
