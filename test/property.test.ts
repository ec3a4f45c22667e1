// Property tests for the core (issue 2 §4): round trips for any secret, context and key; any single
// changed byte or character fails with a typed error and never returns plaintext; wrong key or
// context is AUTH_FAILED (a key of the wrong kind is KEY_MISMATCH); the three forms convert
// losslessly both ways; nonces (and raw-key salts) never repeat; NFC; key commitment.
// A modest number of runs by default; KEYSEAL_SLOW=1 runs many more (STYLE.md habit 7).
import { fc, test } from '@fast-check/vitest'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createPolicy,
  deriveKey,
  envelopeFromBytes,
  envelopeFromJSON,
  envelopeToBytes,
  envelopeToJSON,
  importKey,
  inspect,
  isKeysealError,
  openKey,
  openKeyBytes,
  sealKey,
  type KeyInput,
  type KeysealErrorCode,
} from '../src/index'
import {
  b64u,
  binaryOf,
  collidesWithMessages,
  COMMITMENT_LEN,
  expectCode,
  fields,
  isValidPassphraseString,
  joinEnvelope,
  KDF_ID,
  NONCE_LEN,
  paramsLength,
  runs,
  SLOW,
  splitEnvelope,
  spySubtle,
  strictUtf8,
  TAG_LEN,
  TEST_POLICY,
  u32be,
  utf8,
} from './helpers'

// Opening tampered envelopes: the test policy with a tight upper bound, so an envelope whose
// iteration count was changed into range costs at most 20,000 PBKDF2 iterations instead of 10^7.
// The bounds are part of the model below (PARAMS_OUT_OF_POLICY outside them).
const OPEN_POLICY = createPolicy({
  pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 20_000 },
})

const TIMEOUT = SLOW ? 600_000 : 30_000

type Kind = 'passphrase' | 'bytes' | 'derived' | 'raw'
const KINDS: readonly Kind[] = ['passphrase', 'bytes', 'derived', 'raw']

const passphraseArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter(isValidPassphraseString)
const bytePassphraseArb = fc.uint8Array({ minLength: 1, maxLength: 80 })
const rawKeyArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((b) => b.some((x) => x !== 0))
const keyIdArb = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 64 })

const secretArb = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }), // any code point, well-formed UTF-16
  fc.uint8Array({ minLength: 1, maxLength: 64 }),
  fc.constantFrom('\uFEFFsk-bom', 'e\u0301', '\u0000', 'sk-proj-' + 'x'.repeat(40)),
)
const contextArb = fc.oneof(
  fc.constant(undefined),
  fc.string({ unit: 'grapheme', maxLength: 16 }),
  fc.uint8Array({ maxLength: 32 }),
)

interface KeyMaterial {
  pw: string
  pwBytes: Uint8Array
  raw: Uint8Array
}
const materialArb = fc.record({ pw: passphraseArb, pwBytes: bytePassphraseArb, raw: rawKeyArb })

/** The key a kind seals with, and the key it opens with. Derived keys seal and open themselves. */
async function keyFor(kind: Kind, m: KeyMaterial, keyId?: string): Promise<KeyInput> {
  const opts = keyId === undefined ? {} : { keyId }
  switch (kind) {
    case 'passphrase':
      return m.pw
    case 'bytes':
      return m.pwBytes
    case 'derived':
      return deriveKey(m.pw, { policy: TEST_POLICY, ...opts })
    case 'raw':
      return importKey(m.raw, opts)
  }
}

/** Seal `secret` under `kind`; the key id goes on the key object, or into the options for passphrases. */
async function sealWith(
  kind: Kind,
  key: KeyInput,
  secret: string | Uint8Array,
  context: string | Uint8Array | undefined,
  keyId?: string,
): Promise<string> {
  const options: Record<string, unknown> = { policy: TEST_POLICY }
  if (context !== undefined) options['context'] = context
  if (keyId !== undefined && (kind === 'passphrase' || kind === 'bytes')) options['keyId'] = keyId
  return sealKey(secret, key, options)
}

function ctxOpt(context: string | Uint8Array | undefined, policy = TEST_POLICY): { context?: string | Uint8Array; policy: typeof policy } {
  return context === undefined ? { policy } : { context, policy }
}

function contextBytes(c: string | Uint8Array | undefined): Uint8Array {
  return c === undefined ? new Uint8Array(0) : typeof c === 'string' ? utf8(c) : c
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('round trip', () => {
  test.prop([secretArb, contextArb, fc.constantFrom(...KINDS), materialArb, fc.option(keyIdArb, { nil: undefined })], {
    numRuns: runs(100),
  })(
    'any secret x any context x any key kind opens to exactly the secret',
    async (secret, context, kind, m, keyId) => {
      const key = await keyFor(kind, m, keyId)
      const env = await sealWith(kind, key, secret, context, keyId)
      expect(env.startsWith('ks1.')).toBe(true)
      const expectedBytes = typeof secret === 'string' ? utf8(secret) : secret
      expect(await openKeyBytes(env, key, ctxOpt(context))).toEqual(new Uint8Array(expectedBytes))
      if (typeof secret === 'string') {
        expect(await openKey(env, key, ctxOpt(context))).toBe(secret)
      } else {
        const text = strictUtf8(secret)
        if (text === undefined) await expectCode(openKey(env, key, ctxOpt(context)), 'NOT_UTF8', [])
        else expect(await openKey(env, key, ctxOpt(context))).toBe(text)
      }
      // The context is its bytes: a string and its UTF-8 bytes are the same context.
      if (typeof context === 'string') {
        expect(await openKeyBytes(env, key, ctxOpt(utf8(context)))).toEqual(new Uint8Array(expectedBytes))
      }
      // A derived key's envelope still opens with the passphrase alone (issue 2 §3).
      if (kind === 'derived') {
        expect(await openKeyBytes(env, m.pw, ctxOpt(context))).toEqual(new Uint8Array(expectedBytes))
      }
      // The header records what sealed it.
      const info = inspect(env)
      expect(info.kdf.kdf).toBe(kind === 'raw' ? 'raw' : 'pbkdf2-sha256')
      expect(info.keyId).toBe(keyId)
      expect(info.secretLength).toBe(expectedBytes.length)
    },
    TIMEOUT,
  )
})

// ---------------------------------------------------------------------------------------------
// Tampering. A model of the expected code for a single changed byte of the binary form, by field:
// it is exact wherever the field's meaning does not depend on the layout, and a set (LAYOUT) where
// the changed byte is a length or a KDF id that re-frames everything after it.
// ---------------------------------------------------------------------------------------------

const LAYOUT: readonly KeysealErrorCode[] = [
  'MALFORMED_ENVELOPE',
  'UNSUPPORTED_KDF',
  'PARAMS_OUT_OF_POLICY',
  'KEY_MISMATCH',
  'AUTH_FAILED',
]

interface Expectation {
  /** Where the failure must appear: at parsing (envelopeFromBytes), only when opening, or either. */
  stage: 'parse' | 'open' | 'either'
  codes: readonly KeysealErrorCode[]
}

function modelByteChange(kind: Kind, keyIdOnKey: boolean, env: string, index: number, value: number): Expectation {
  const f = splitEnvelope(env)
  const p = paramsLength(f.kdfId)
  const saltLenAt = 2 + p
  const saltAt = saltLenAt + 1
  const keyIdLenAt = saltAt + f.salt.length
  const keyIdAt = keyIdLenAt + 1
  const nonceAt = keyIdAt + f.keyId.length
  if (index === 0) return { stage: 'parse', codes: ['UNSUPPORTED_VERSION'] }
  if (index === 1) {
    if (value !== KDF_ID.raw && value !== KDF_ID.pbkdf2 && value !== KDF_ID.argon2id) return { stage: 'parse', codes: ['UNSUPPORTED_KDF'] }
    return { stage: 'either', codes: LAYOUT }
  }
  if (index < saltLenAt) {
    // The PBKDF2 iteration count (raw envelopes have no parameters).
    const params = f.params.slice()
    params[index - 2] = value
    const it = new DataView(params.buffer).getUint32(0)
    if (it === 0) return { stage: 'parse', codes: ['MALFORMED_ENVELOPE'] }
    if (it < OPEN_POLICY.pbkdf2.openMinIterations || it > OPEN_POLICY.pbkdf2.maxIterations) {
      return { stage: 'open', codes: ['PARAMS_OUT_OF_POLICY'] }
    }
    // A derived key knows its own parameters: another count is another key. A passphrase runs the
    // KDF with the changed count and the commitment no longer matches.
    return { stage: 'open', codes: [kind === 'derived' ? 'KEY_MISMATCH' : 'AUTH_FAILED'] }
  }
  if (index === saltLenAt || index === keyIdLenAt) return { stage: 'either', codes: LAYOUT }
  if (index < keyIdLenAt) return { stage: 'open', codes: [kind === 'derived' ? 'KEY_MISMATCH' : 'AUTH_FAILED'] }
  if (index < nonceAt) {
    if (value < 0x21 || value > 0x7e) return { stage: 'parse', codes: ['MALFORMED_ENVELOPE'] }
    // The key id is in the AAD (not in the commitment); a key object with an id refuses another id.
    return { stage: 'open', codes: [keyIdOnKey ? 'KEY_MISMATCH' : 'AUTH_FAILED'] }
  }
  // Nonce, commitment, ciphertext, tag.
  return { stage: 'open', codes: ['AUTH_FAILED'] }
}

describe('tampering', () => {
  const setupArb = fc.record({
    kind: fc.constantFrom(...KINDS),
    m: materialArb,
    secret: secretArb,
    context: contextArb,
    keyId: fc.option(keyIdArb, { nil: undefined }),
  })

  test.prop([setupArb, fc.nat(), fc.integer({ min: 1, max: 255 })], { numRuns: runs(150) })(
    'any single changed byte of the binary form fails with the modelled code, never plaintext',
    async ({ kind, m, secret, context, keyId }, at, delta) => {
      const key = await keyFor(kind, m, keyId)
      const env = await sealWith(kind, key, secret, context, keyId)
      const bytes = envelopeToBytes(env)
      const index = at % bytes.length
      const tampered = bytes.slice()
      tampered[index] = (tampered[index]! + delta) & 255
      const keyIdOnKey = keyId !== undefined && (kind === 'derived' || kind === 'raw')
      const model = modelByteChange(kind, keyIdOnKey, env, index, tampered[index]!)
      const sensitive = [tampered, m.pw, m.pwBytes, secret, context]
      fc.pre(!collidesWithMessages(sensitive, model.codes))

      let str: string
      try {
        str = envelopeFromBytes(tampered)
      } catch (e) {
        expect(isKeysealError(e), String(e)).toBe(true)
        expect(model.stage, `parse failed with ${(e as { code: string }).code} at byte ${index}`).not.toBe('open')
        await expectCode(() => envelopeFromBytes(tampered), (e as { code: KeysealErrorCode }).code, sensitive)
        expect(model.codes).toContain((e as { code: string }).code)
        return
      }
      expect(model.stage, `byte ${index} should have been refused by the parser`).not.toBe('parse')
      let code: KeysealErrorCode | undefined
      try {
        const out = await openKeyBytes(str, key, ctxOpt(context, OPEN_POLICY))
        expect.fail(`tampered envelope opened (byte ${index}) to ${out.length} bytes`)
      } catch (e) {
        if (!isKeysealError(e)) throw e
        code = e.code
      }
      expect(model.codes, `byte ${index}: got ${code}`).toContain(code)
      await expectCode(openKey(str, key, ctxOpt(context, OPEN_POLICY)), code!, [str, ...sensitive])
    },
    TIMEOUT,
  )

  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const charArb = fc.oneof(
    fc.constantFrom(...ALPHABET.split('')),
    fc.constantFrom('.', '=', '+', '/', ' ', '\n', '\t', '\u00e9', '\u0000', 'A\u0301', '\uD83D\uDE00'),
  )
  const mutationArb = fc.record({
    op: fc.constantFrom('replace', 'insert', 'delete'),
    at: fc.nat(),
    ch: charArb,
  })

  test.prop([setupArb, mutationArb], { numRuns: runs(150) })(
    'any changed, inserted or deleted character of the string form fails with a typed error, never plaintext',
    async ({ kind, m, secret, context, keyId }, { op, at, ch }) => {
      const key = await keyFor(kind, m, keyId)
      const env = await sealWith(kind, key, secret, context, keyId)
      const i = at % (env.length + (op === 'insert' ? 1 : 0))
      let mutated: string
      if (op === 'replace') {
        fc.pre(env[i] !== ch)
        mutated = env.slice(0, i) + ch + env.slice(i + 1)
      } else if (op === 'insert') {
        mutated = env.slice(0, i) + ch + env.slice(i)
      } else {
        mutated = env.slice(0, i) + env.slice(i + 1)
      }
      expect(mutated).not.toBe(env)
      const sensitive = [mutated, m.pw, m.pwBytes, secret, context]
      fc.pre(!collidesWithMessages(sensitive))

      // What the parser alone says (no key needed).
      let parseCode: KeysealErrorCode | undefined
      try {
        const b = envelopeToBytes(mutated)
        // Accepted by the parser: then it is canonical (decode-then-encode gives the input back).
        expect(envelopeFromBytes(b)).toBe(mutated)
      } catch (e) {
        if (!isKeysealError(e)) throw e
        parseCode = e.code
        expect(['MALFORMED_ENVELOPE', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_KDF']).toContain(parseCode)
      }
      let code: KeysealErrorCode | undefined
      try {
        await openKeyBytes(mutated, key, ctxOpt(context, OPEN_POLICY))
        expect.fail(`mutated envelope (${op} at ${i}) opened`)
      } catch (e) {
        if (!isKeysealError(e)) throw e
        code = e.code
      }
      if (parseCode !== undefined) expect(code).toBe(parseCode)
      else expect(['UNSUPPORTED_KDF', 'PARAMS_OUT_OF_POLICY', 'KEY_MISMATCH', 'AUTH_FAILED']).toContain(code)
      await expectCode(openKey(mutated, key, ctxOpt(context, OPEN_POLICY)), code!, sensitive)
    },
    TIMEOUT,
  )
})

// ---------------------------------------------------------------------------------------------
// Wrong key, wrong context. For pbkdf2 envelopes (sealed by a passphrase, its bytes or a derived
// key): another passphrase, or a key re-derived from another passphrase for this envelope, is the
// right kind and fails the commitment: AUTH_FAILED, before AES-GCM. A freshly derived key has
// another salt (even from the same passphrase) and a raw key is another kind: KEY_MISMATCH.
// For raw envelopes: another raw key is AUTH_FAILED; anything passphrase-based is KEY_MISMATCH.
// The right key with another context passes the commitment and fails AES-GCM: AUTH_FAILED.
// ---------------------------------------------------------------------------------------------

type WrongKey =
  | 'other-passphrase'
  | 'other-passphrase-bytes'
  | 'rederived-other'
  | 'fresh-derived-same-passphrase'
  | 'other-raw'
  | 'raw'
  | 'passphrase'
  | 'derived'

const WRONG_FOR_PBKDF2: readonly WrongKey[] = ['other-passphrase', 'other-passphrase-bytes', 'rederived-other', 'fresh-derived-same-passphrase', 'raw']
const WRONG_FOR_RAW: readonly WrongKey[] = ['other-raw', 'passphrase', 'derived']

const EXPECTED_WRONG: Readonly<Record<WrongKey, KeysealErrorCode>> = {
  'other-passphrase': 'AUTH_FAILED',
  'other-passphrase-bytes': 'AUTH_FAILED',
  'rederived-other': 'AUTH_FAILED',
  'fresh-derived-same-passphrase': 'KEY_MISMATCH',
  'other-raw': 'AUTH_FAILED',
  raw: 'KEY_MISMATCH',
  passphrase: 'KEY_MISMATCH',
  derived: 'KEY_MISMATCH',
}

describe('wrong key or context', () => {
  test.prop(
    [
      fc.constantFrom(...KINDS),
      materialArb,
      materialArb,
      secretArb,
      contextArb,
      fc.nat(),
    ],
    { numRuns: runs(100) },
  )(
    'a wrong key of the right kind is AUTH_FAILED (commitment, no AES-GCM); a key of the wrong kind is KEY_MISMATCH',
    async (kind, m, other, secret, context, pick) => {
      // The wrong material really is different (as bytes after NFC for strings).
      fc.pre(other.pw.normalize('NFC') !== m.pw.normalize('NFC'))
      fc.pre(!sameBytes(utf8(other.pw.normalize('NFC')), kind === 'bytes' ? m.pwBytes : utf8(m.pw.normalize('NFC'))))
      fc.pre(!sameBytes(other.pwBytes, kind === 'bytes' ? m.pwBytes : utf8(m.pw.normalize('NFC'))))
      fc.pre(!sameBytes(other.raw, m.raw))
      const key = await keyFor(kind, m)
      const env = await sealWith(kind, key, secret, context)
      const choices = kind === 'raw' ? WRONG_FOR_RAW : WRONG_FOR_PBKDF2
      const wrong = choices[pick % choices.length]!
      let wrongKey: KeyInput
      switch (wrong) {
        case 'other-passphrase':
          wrongKey = other.pw
          break
        case 'other-passphrase-bytes':
          wrongKey = other.pwBytes
          break
        case 'rederived-other':
          wrongKey = await deriveKey(other.pw, { policy: TEST_POLICY, envelope: env })
          break
        case 'fresh-derived-same-passphrase':
          wrongKey = await deriveKey(kind === 'bytes' ? m.pwBytes : m.pw, { policy: TEST_POLICY })
          break
        case 'other-raw':
        case 'raw':
          wrongKey = await importKey(other.raw)
          break
        case 'passphrase':
          wrongKey = m.pw
          break
        case 'derived':
          wrongKey = await deriveKey(m.pw, { policy: TEST_POLICY })
          break
      }
      const sensitive = [env, m.pw, m.pwBytes, other.pw, other.pwBytes, secret, context]
      fc.pre(!collidesWithMessages(sensitive, ['AUTH_FAILED', 'KEY_MISMATCH']))
      const spy = spySubtle()
      try {
        await expectCode(openKey(env, wrongKey, ctxOpt(context)), EXPECTED_WRONG[wrong], sensitive)
        // Neither a wrong key nor a wrong kind of key ever reaches AES-GCM.
        expect(spy.calls('decrypt')).toHaveLength(0)
      } finally {
        spy.restore()
      }
    },
    TIMEOUT,
  )

  test.prop([fc.constantFrom(...KINDS), materialArb, secretArb, contextArb, contextArb], { numRuns: runs(100) })(
    'the right key with another context is AUTH_FAILED (after the commitment, in AES-GCM)',
    async (kind, m, secret, context, wrongContext) => {
      fc.pre(!sameBytes(contextBytes(context), contextBytes(wrongContext)))
      const key = await keyFor(kind, m)
      const env = await sealWith(kind, key, secret, context)
      const sensitive = [env, m.pw, m.pwBytes, secret, context, wrongContext]
      fc.pre(!collidesWithMessages(sensitive, ['AUTH_FAILED']))
      const spy = spySubtle()
      try {
        await expectCode(openKey(env, key, ctxOpt(wrongContext)), 'AUTH_FAILED', sensitive)
        expect(spy.calls('decrypt')).toHaveLength(1)
      } finally {
        spy.restore()
      }
    },
    TIMEOUT,
  )
})

// ---------------------------------------------------------------------------------------------
// Forms: string <-> JSON object <-> bytes, both ways, over sealed envelopes and over arbitrary
// format-valid envelopes built field by field (every KDF id, salt 16..64, key ids 0..64).
// ---------------------------------------------------------------------------------------------

const u32Arb = (min: number, max = 0xffffffff): fc.Arbitrary<number> => fc.integer({ min, max })
const validFieldsArb = fc
  .record({
    kdf: fc.oneof(
      fc.constant({ kdfId: KDF_ID.raw, params: new Uint8Array(0), json: {} as Record<string, number> }),
      u32Arb(1).map((iterations) => ({ kdfId: KDF_ID.pbkdf2, params: u32be(iterations), json: { iterations } })),
      fc
        .record({ lanes: u32Arb(1, 0xffffff), passes: u32Arb(1) })
        .chain(({ lanes, passes }) =>
          u32Arb(8 * lanes).map((memoryKiB) => ({
            kdfId: KDF_ID.argon2id,
            params: Uint8Array.from([...u32be(memoryKiB), ...u32be(passes), ...u32be(lanes)]),
            json: { memoryKiB, passes, lanes },
          })),
        ),
    ),
    salt: fc.uint8Array({ minLength: 16, maxLength: 64 }),
    keyId: fc.option(keyIdArb, { nil: undefined }),
    nonce: fc.uint8Array({ minLength: NONCE_LEN, maxLength: NONCE_LEN }),
    commitment: fc.uint8Array({ minLength: COMMITMENT_LEN, maxLength: COMMITMENT_LEN }),
    ciphertext: fc.uint8Array({ minLength: 1, maxLength: 200 }),
    tag: fc.uint8Array({ minLength: TAG_LEN, maxLength: TAG_LEN }),
  })
  .map((r) => ({
    ...r,
    fields: fields({
      kdfId: r.kdf.kdfId,
      params: r.kdf.params,
      salt: r.salt,
      ...(r.keyId === undefined ? {} : { keyId: r.keyId }),
      nonce: r.nonce,
      commitment: r.commitment,
      body: Uint8Array.from([...r.ciphertext, ...r.tag]),
    }),
  }))

const KDF_NAME: Record<number, string> = { [KDF_ID.raw]: 'raw', [KDF_ID.pbkdf2]: 'pbkdf2-sha256', [KDF_ID.argon2id]: 'argon2id' }

describe('forms', () => {
  test.prop([validFieldsArb], { numRuns: runs(200) })(
    'any format-valid envelope: bytes -> string -> JSON -> string -> bytes is lossless and matches the layout',
    (r) => {
      const bytes = binaryOf(r.fields)
      const str = joinEnvelope(r.fields)
      // Bytes to string and back.
      expect(envelopeFromBytes(bytes)).toBe(str)
      expect(envelopeToBytes(str)).toEqual(bytes)
      // The JSON form, written out independently from the layout (docs/format.md §10).
      const expected: Record<string, unknown> = { v: 1, kdf: KDF_NAME[r.kdf.kdfId], ...r.kdf.json, salt: b64u(r.salt) }
      if (r.keyId !== undefined) expected['keyId'] = r.keyId
      Object.assign(expected, { nonce: b64u(r.nonce), commitment: b64u(r.commitment), ciphertext: b64u(r.ciphertext), tag: b64u(r.tag) })
      const json = envelopeToJSON(str)
      expect(json).toStrictEqual(expected)
      // JSON back to the same string, also after a trip through JSON text and with keys reordered
      // (document stores reorder keys).
      expect(envelopeFromJSON(json)).toBe(str)
      expect(envelopeFromJSON(JSON.parse(JSON.stringify(json)))).toBe(str)
      const reordered = Object.fromEntries(Object.entries(json).reverse())
      expect(envelopeFromJSON(reordered)).toBe(str)
      expect(envelopeToBytes(envelopeFromJSON(json))).toEqual(bytes)
      // inspect reads the same header.
      const info = inspect(str)
      expect(info.version).toBe(1)
      expect(info.kdf).toStrictEqual({ kdf: KDF_NAME[r.kdf.kdfId], ...r.kdf.json })
      expect(info.keyId).toBe(r.keyId)
      expect(info.salt).toBe(b64u(r.salt))
      expect(info.secretLength).toBe(r.ciphertext.length)
      expect(info.byteLength).toBe(bytes.length)
    },
  )

  test.prop([validFieldsArb, fc.oneof(keyIdArb, fc.string({ unit: 'binary', maxLength: 70 }), fc.string({ unit: 'grapheme', maxLength: 70 }))], {
    numRuns: runs(200),
  })(
    'the JSON form accepts only canonical input: any key id string either is refused or comes back exactly',
    async (r, keyId) => {
      const json = { ...envelopeToJSON(joinEnvelope(r.fields)), keyId }
      let out: string
      try {
        out = envelopeFromJSON(json)
      } catch (e) {
        if (!isKeysealError(e)) throw e
        expect(e.code).toBe('MALFORMED_ENVELOPE')
        return
      }
      // Accepted: decode then encode gives back exactly the input, and the key id is 1-64 printable ASCII.
      expect(envelopeToJSON(out)).toStrictEqual(json)
      expect(keyId).toMatch(/^[\x21-\x7e]{1,64}$/)
    },
  )

  test.prop([secretArb, contextArb, fc.constantFrom(...KINDS), materialArb], { numRuns: runs(50) })(
    'sealed envelopes: string -> JSON -> string and string -> bytes -> string give back the input; the results still open',
    async (secret, context, kind, m) => {
      const key = await keyFor(kind, m)
      const env = await sealWith(kind, key, secret, context)
      const json = envelopeToJSON(env)
      const bytes = envelopeToBytes(env)
      expect(envelopeFromJSON(json)).toBe(env)
      expect(envelopeFromBytes(bytes)).toBe(env)
      expect(envelopeToJSON(envelopeFromBytes(bytes))).toStrictEqual(json)
      expect(envelopeToBytes(envelopeFromJSON(json))).toEqual(bytes)
      expect(bytes).toEqual(binaryOf(splitEnvelope(env)))
      const expected = typeof secret === 'string' ? utf8(secret) : secret
      expect(await openKeyBytes(envelopeFromJSON(JSON.parse(JSON.stringify(json))), key, ctxOpt(context))).toEqual(
        new Uint8Array(expected),
      )
    },
    TIMEOUT,
  )
})

// ---------------------------------------------------------------------------------------------
// Nonces and salts never repeat (SP 800-38D §8.2.2 random IVs; SECURITY-NOTES nonce wear-out).
// ---------------------------------------------------------------------------------------------

describe('nonce uniqueness', () => {
  const N = runs(2500, 25_000)

  it(
    `a derived key: ${N} seals, ${N} distinct nonces (all under one salt, so this is what keeps GCM safe)`,
    async () => {
      const key = await deriveKey('nonce test passphrase', { policy: TEST_POLICY })
      const nonces = new Set<string>()
      const salts = new Set<string>()
      for (let i = 0; i < N; i++) {
        const j = envelopeToJSON(await sealKey('s', key, { policy: TEST_POLICY }))
        expect(j.nonce).toMatch(/^[A-Za-z0-9_-]{16}$/)
        nonces.add(j.nonce)
        salts.add(j.salt)
      }
      expect(nonces.size).toBe(N)
      expect(salts.size).toBe(1)
    },
    TIMEOUT,
  )

  it(
    `a raw key: ${N} seals, ${N} distinct nonces and ${N} distinct salts (a fresh subkey per envelope)`,
    async () => {
      const key = await importKey(new Uint8Array(32).fill(0x5a))
      const nonces = new Set<string>()
      const salts = new Set<string>()
      const commitments = new Set<string>()
      for (let i = 0; i < N; i++) {
        const j = envelopeToJSON(await sealKey('s', key))
        nonces.add(j.nonce)
        salts.add(j.salt)
        commitments.add(j.commitment)
      }
      expect(nonces.size).toBe(N)
      expect(salts.size).toBe(N)
      expect(commitments.size).toBe(N)
    },
    TIMEOUT,
  )
})

// ---------------------------------------------------------------------------------------------
// NFC (docs/format.md §7, RFC 8265 OpaqueString): string passphrases are normalized to NFC; bytes
// are used as given.
// ---------------------------------------------------------------------------------------------

const composable = fc.constantFrom(
  'e\u0301', // e + combining acute: NFC é
  'a\u030A', // a + ring: NFC å
  'o\u0308',
  'n\u0303',
  'c\u0327',
  '\u00e9', // precomposed é: NFD e + U+0301
  '\u1e9b\u0323', // long s with dot above + dot below (reordering)
  '\uD55C', // Hangul syllable: NFD is three jamo
  '\u212B', // ANGSTROM SIGN: NFC and NFD both map it to A + ring
  'x',
  'Z',
)

describe('NFC', () => {
  test.prop([fc.array(composable, { minLength: 1, maxLength: 6 }).map((a) => a.join(''))], { numRuns: runs(30, 300) })(
    'a passphrase in NFD opens what NFC sealed and vice versa; bytes are used as given',
    async (pw) => {
      const nfc = pw.normalize('NFC')
      const nfd = pw.normalize('NFD')
      fc.pre(nfc !== nfd)
      const env = await sealKey('sk-nfc', nfc, { policy: TEST_POLICY })
      expect(await openKey(env, nfd, { policy: TEST_POLICY })).toBe('sk-nfc')
      expect(await openKey(env, pw, { policy: TEST_POLICY })).toBe('sk-nfc')
      const env2 = await sealKey('sk-nfd', nfd, { policy: TEST_POLICY })
      expect(await openKey(env2, nfc, { policy: TEST_POLICY })).toBe('sk-nfd')
      // Bytes are not normalized: the NFC bytes are the passphrase, the NFD bytes are another one.
      expect(await openKey(env2, utf8(nfc), { policy: TEST_POLICY })).toBe('sk-nfd')
      await expectCode(openKey(env2, utf8(nfd), { policy: TEST_POLICY }), 'AUTH_FAILED', [])
    },
    TIMEOUT,
  )
})

// ---------------------------------------------------------------------------------------------
// Key commitment (docs/format.md §6; Len–Grubbs–Ristenpart 2021): the commitment is checked before
// AES-GCM, and an envelope opens under at most one key.
// ---------------------------------------------------------------------------------------------

/** Seal with the first random draw (the salt) forced to `salt`; nonces stay random. */
async function sealWithSalt(salt: Uint8Array, secret: string, key: KeyInput): Promise<string> {
  const spy = vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementationOnce(<T extends ArrayBufferView | null>(a: T): T => {
    const out = a as unknown as Uint8Array
    expect(out.length).toBe(salt.length)
    out.set(salt)
    return a
  })
  try {
    return await sealKey(secret, key, { policy: TEST_POLICY })
  } finally {
    spy.mockRestore()
  }
}

describe('key commitment', () => {
  test.prop([fc.uint8Array({ minLength: COMMITMENT_LEN, maxLength: COMMITMENT_LEN }), fc.constantFrom<Kind>('passphrase', 'raw', 'derived')], {
    numRuns: runs(30),
  })(
    'a replaced commitment (re-encoded canonically) is AUTH_FAILED and AES-GCM is never reached',
    async (commitment, kind) => {
      const m: KeyMaterial = { pw: 'commitment test', pwBytes: utf8('x'), raw: new Uint8Array(32).fill(9) }
      const key = await keyFor(kind, m)
      const env = await sealWith(kind, key, 'sk-commit', undefined)
      const f = splitEnvelope(env)
      fc.pre(!sameBytes(f.commitment, commitment))
      const forged = joinEnvelope({ ...f, commitment })
      expect(envelopeFromBytes(envelopeToBytes(forged))).toBe(forged) // canonical, parses
      fc.pre(!collidesWithMessages([forged], ['AUTH_FAILED']))
      const spy = spySubtle()
      try {
        await expectCode(openKey(forged, key, { policy: TEST_POLICY }), 'AUTH_FAILED', [forged, 'sk-commit', m.pw])
        expect(spy.calls('decrypt')).toHaveLength(0)
        // The unmodified envelope does reach AES-GCM (so the spy can see it).
        expect(await openKey(env, key, { policy: TEST_POLICY })).toBe('sk-commit')
        expect(spy.calls('decrypt')).toHaveLength(1)
      } finally {
        spy.restore()
      }
    },
    TIMEOUT,
  )

  it.each(['raw', 'passphrase'] as const)(
    'an envelope opens under at most one key (%s): B’s commitment on A’s ciphertext opens under neither',
    async (kind) => {
      const salt = new Uint8Array(16).map((_, i) => 200 - i)
      const [keyA, keyB]: KeyInput[] =
        kind === 'raw'
          ? [await importKey(new Uint8Array(32).fill(1)), await importKey(new Uint8Array(32).fill(2))]
          : ['passphrase A for commitment', 'passphrase B for commitment']
      const envA = await sealWithSalt(salt, 'sk-secret-of-A', keyA)
      const envB = await sealWithSalt(salt, 'sk-secret-of-B', keyB)
      const a = splitEnvelope(envA)
      const b = splitEnvelope(envB)
      // Same salt and parameters: the headers differ only in nonce and commitment.
      expect(a.salt).toEqual(salt)
      expect(b.salt).toEqual(salt)
      expect(a.commitment).not.toEqual(b.commitment)
      // A's ciphertext, nonce and header, with B's commitment.
      const forged = joinEnvelope({ ...a, commitment: b.commitment })
      const sensitive = [forged, 'sk-secret-of-A', 'sk-secret-of-B', typeof keyA === 'string' ? keyA : '', typeof keyB === 'string' ? keyB : '']
      expect(collidesWithMessages(sensitive, ['AUTH_FAILED'])).toBe(false)
      const spy = spySubtle()
      try {
        // Under A the commitment no longer matches: rejected before AES-GCM.
        await expectCode(openKey(forged, keyA, { policy: TEST_POLICY }), 'AUTH_FAILED', sensitive)
        expect(spy.calls('decrypt')).toHaveLength(0)
        // Under B the commitment matches, so AES-GCM runs, and fails: B's key did not seal this.
        await expectCode(openKey(forged, keyB, { policy: TEST_POLICY }), 'AUTH_FAILED', sensitive)
        expect(spy.calls('decrypt')).toHaveLength(1)
      } finally {
        spy.restore()
      }
      // The originals open under their own keys only.
      expect(await openKey(envA, keyA, { policy: TEST_POLICY })).toBe('sk-secret-of-A')
      expect(await openKey(envB, keyB, { policy: TEST_POLICY })).toBe('sk-secret-of-B')
      await expectCode(openKey(envA, keyB, { policy: TEST_POLICY }), 'AUTH_FAILED', [])
    },
  )
})
