// Bad input (issue 2 §4): a table of malformed envelopes for openKey, each built from a valid
// envelope with exactly one defect, each asserting the exact code, a fixed message that holds no
// piece of the input, and that nothing reached WebCrypto (so parameter bombs never reach the KDF).
// Smaller tables follow for inspect, envelopeFromJSON, envelopeFromBytes, importKey, sealKey,
// deriveKey and createPolicy.
import { Buffer } from 'node:buffer'
import vm from 'node:vm'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  createPolicy,
  defaultPolicy,
  deriveKey,
  envelopeFromBytes,
  envelopeFromJSON,
  envelopeToJSON,
  importKey,
  inspect,
  openKey,
  sealKey,
  type KeysealErrorCode,
  type KeysealPolicy,
} from '../src/index'
import {
  b64u,
  binaryOf,
  collidesWithMessages,
  expectCode,
  fields,
  joinEnvelope,
  KDF_ID,
  SECRET_MAX,
  splitEnvelope,
  spySubtle,
  TAG_LEN,
  TEST_POLICY,
  u32be,
  type Fields,
} from './helpers'

const PASSPHRASE = 'correct horse battery staple'
const SECRET = 'sk-proj-0123456789' // 18 bytes: body 34 bytes, 34 % 3 = 1, so the body has padding bits
const RAW = new Uint8Array(32).map((_, i) => i + 1)

// The largest header: argon2id (12 parameter bytes), 64-byte salt, 64-byte key id.
const HEADER_MAX = 1 + 1 + 12 + 1 + 64 + 1 + 64 + 12 + 32
const b64len = (n: number): number => Math.floor(n / 3) * 4 + [0, 2, 3][n % 3]!
/** The string-form size cap, computed here from the layout (src/envelope.ts STRING_MAX). */
const STRING_MAX = 'ks1.'.length + b64len(HEADER_MAX) + 1 + b64len(SECRET_MAX + TAG_LEN)
/**
 * A string form of exactly `length` characters whose first field decodes to a header with KDF id
 * 0x09 (bytes 01 09 00 ...): any parser that decoded it would say UNSUPPORTED_KDF, so only the size
 * cap, checked before decoding, can make it MALFORMED_ENVELOPE.
 */
const overCap = (length: number): string => {
  const head = 'AQkA' + 'A'.repeat(248)
  return 'ks1.' + head + '.' + 'A'.repeat(length - 'ks1.'.length - head.length - 1)
}

interface Base {
  env: string
  f: Fields
  head: string
  body: string
  raw: string
}
let base: Base

/** A valid envelope to edit: sealed until it holds a `-` and a `_` and shares nothing with a fixed message. */
async function sealBase(): Promise<Base> {
  for (let i = 0; i < 200; i++) {
    const env = await sealKey(SECRET, PASSPHRASE, { policy: TEST_POLICY })
    const rawEnv = await sealKey(SECRET, await importKey(RAW))
    if (!env.includes('-') || !env.includes('_') || collidesWithMessages([env, rawEnv])) continue
    const [, head, body] = env.split('.') as [string, string, string]
    return { env, f: splitEnvelope(env), head, body, raw: rawEnv }
  }
  throw new Error('could not seal a base envelope')
}

beforeAll(async () => {
  base = await sealBase()
  // The base really opens, and the builder reproduces it byte for byte: every row below differs
  // from a working envelope in exactly the one place it names.
  expect(await openKey(base.env, PASSPHRASE, { policy: TEST_POLICY })).toBe(SECRET)
  expect(joinEnvelope(base.f)).toBe(base.env)
  expect(base.f.kdfId).toBe(KDF_ID.pbkdf2)
  expect(base.f.params).toEqual(u32be(1000))
  expect(base.head.length).toBe(91) // 68 header bytes: 2 padding bits in the last character
  expect(base.body.length).toBe(46) // 34 body bytes: 4 padding bits in the last character
  expect(collidesWithMessages([PASSPHRASE, SECRET])).toBe(false)
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** Edit one field of the base envelope and re-encode canonically. */
function edit(change: Partial<Fields>): string {
  return joinEnvelope({ ...base.f, ...change })
}
function withIterations(n: number): string {
  return edit({ params: u32be(n) })
}
function replaceAt(s: string, i: number, ch: string): string {
  return s.slice(0, i) + ch + s.slice(i + 1)
}
/** The base64url character one step up, so the value changes only in its unused low bits. */
function bumpLastChar(field: string): string {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const v = A.indexOf(field[field.length - 1]!)
  return field.slice(0, -1) + A[v + 1]!
}

interface OpenRow {
  name: string
  input: () => unknown
  code: KeysealErrorCode
  /** The key to open with (default: the passphrase). */
  key?: () => Promise<unknown> | unknown
  policy?: KeysealPolicy
  /** What inspect says: the same format code, or 'ok' when only the policy or key refuses it. */
  inspect?: KeysealErrorCode | 'ok'
}

const FORMAT_CODES: readonly KeysealErrorCode[] = ['MALFORMED_ENVELOPE', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_KDF']

const openRows: OpenRow[] = [
  // Not strings at all.
  { name: 'a number', input: () => 42, code: 'MALFORMED_ENVELOPE' },
  { name: 'null', input: () => null, code: 'MALFORMED_ENVELOPE' },
  { name: 'undefined', input: () => undefined, code: 'MALFORMED_ENVELOPE' },
  { name: 'an object', input: () => ({ envelope: base.env }), code: 'MALFORMED_ENVELOPE' },
  { name: 'an array holding the envelope', input: () => [base.env], code: 'MALFORMED_ENVELOPE' },
  { name: 'a Buffer of the envelope text', input: () => Buffer.from(base.env), code: 'MALFORMED_ENVELOPE' },
  { name: 'a String object', input: () => new String(base.env), code: 'MALFORMED_ENVELOPE' },
  { name: 'the binary form (bytes are not the string form)', input: () => binaryOf(base.f), code: 'MALFORMED_ENVELOPE' },
  // Empty and huge.
  { name: 'the empty string', input: () => '', code: 'MALFORMED_ENVELOPE' },
  // Size bombs are built so that only the cap can give their code: their first field decodes to a
  // header with KDF id 0x09, which any decoding would report as UNSUPPORTED_KDF.
  { name: 'one character over the size cap', input: () => overCap(STRING_MAX + 1), code: 'MALFORMED_ENVELOPE' },
  // The cap comes before the prefix (§6 step 1): an over-long ks2. string is not a later version.
  { name: 'a ks2. prefix over the size cap', input: () => 'ks2.' + 'A'.repeat(STRING_MAX - 3), code: 'MALFORMED_ENVELOPE' },
  { name: 'a 64 MiB string of valid base64url', input: () => overCap(64 << 20), code: 'MALFORMED_ENVELOPE' },
  // Not an envelope: an unencrypted API key left in the column, as text and as JSON text.
  { name: 'a plaintext OpenAI key', input: () => 'sk-proj-Zx8QmW4tLr2Vb7Nc1Kd9Fg3Hj6Ps0Ty5Ua', code: 'MALFORMED_ENVELOPE' },
  { name: 'a JSON document holding a key', input: () => '{"apiKey":"sk-proj-Zx8QmW4tLr2Vb7Nc1Kd9Fg3Hj6Ps0Ty5Ua"}', code: 'MALFORMED_ENVELOPE' },
  { name: 'the JSON form as text', input: () => JSON.stringify(envelopeToJSON(base.env)), code: 'MALFORMED_ENVELOPE' },
  // Prefix.
  { name: 'prefix ks0.', input: () => 'ks0.' + base.head + '.' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'prefix KS1.', input: () => 'KS1.' + base.head + '.' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'prefix ks01.', input: () => 'ks01.' + base.head + '.' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'prefix ks2. (a later version)', input: () => 'ks2.' + base.head + '.' + base.body, code: 'UNSUPPORTED_VERSION' },
  { name: 'prefix ks10.', input: () => 'ks10.' + base.head + '.' + base.body, code: 'UNSUPPORTED_VERSION' },
  { name: 'prefix ks1 without its dot', input: () => 'ks1' + base.head + '.' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'a leading space', input: () => ' ' + base.env, code: 'MALFORMED_ENVELOPE' },
  // Fields.
  { name: 'ks1.a', input: () => 'ks1.a', code: 'MALFORMED_ENVELOPE' },
  { name: 'ks1.a.b.c', input: () => 'ks1.a.b.c', code: 'MALFORMED_ENVELOPE' },
  { name: 'the header alone', input: () => 'ks1.' + base.head, code: 'MALFORMED_ENVELOPE' },
  { name: 'a third field', input: () => base.env + '.' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'a trailing dot', input: () => base.env + '.', code: 'MALFORMED_ENVELOPE' },
  { name: 'an empty header field', input: () => 'ks1..' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'an empty body field', input: () => 'ks1.' + base.head + '.', code: 'MALFORMED_ENVELOPE' },
  // Encoding.
  { name: 'a padded header (=)', input: () => 'ks1.' + base.head + '=.' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'a padded body (==)', input: () => base.env + '==', code: 'MALFORMED_ENVELOPE' },
  { name: 'standard base64 + for -', input: () => replaceAt(base.env, base.env.indexOf('-'), '+'), code: 'MALFORMED_ENVELOPE' },
  { name: 'standard base64 / for _', input: () => replaceAt(base.env, base.env.indexOf('_'), '/'), code: 'MALFORMED_ENVELOPE' },
  { name: 'a space inside the header', input: () => 'ks1.' + base.head.slice(0, 40) + ' ' + base.head.slice(40) + '.' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'a newline inside the body', input: () => 'ks1.' + base.head + '.' + base.body.slice(0, 20) + '\n' + base.body.slice(20), code: 'MALFORMED_ENVELOPE' },
  { name: 'a trailing newline', input: () => base.env + '\n', code: 'MALFORMED_ENVELOPE' },
  { name: 'a full-width letter in the header', input: () => replaceAt(base.env, 10, '\uFF21'), code: 'MALFORMED_ENVELOPE' },
  { name: 'non-canonical trailing bits in the header', input: () => 'ks1.' + bumpLastChar(base.head) + '.' + base.body, code: 'MALFORMED_ENVELOPE' },
  { name: 'non-canonical trailing bits in the body', input: () => 'ks1.' + base.head + '.' + bumpLastChar(base.body), code: 'MALFORMED_ENVELOPE' },
  { name: 'a header of 4k+1 characters', input: () => 'ks1.' + base.head + 'AA.' + base.body, code: 'MALFORMED_ENVELOPE' },
  // Header bytes: version and KDF.
  { name: 'version byte 2 inside a ks1 header', input: () => edit({ version: 2 }), code: 'MALFORMED_ENVELOPE' },
  { name: 'version byte 0 inside a ks1 header', input: () => edit({ version: 0 }), code: 'MALFORMED_ENVELOPE' },
  { name: 'KDF id 0x00', input: () => edit({ kdfId: 0x00 }), code: 'UNSUPPORTED_KDF' },
  { name: 'KDF id 0x04', input: () => edit({ kdfId: 0x04 }), code: 'UNSUPPORTED_KDF' },
  { name: 'KDF id 0xff', input: () => edit({ kdfId: 0xff }), code: 'UNSUPPORTED_KDF' },
  {
    name: 'KDF id argon2id with valid parameters (reserved, not implemented for opening)',
    input: () => edit({ kdfId: KDF_ID.argon2id, params: Uint8Array.from([...u32be(19456), ...u32be(2), ...u32be(1)]) }),
    code: 'UNSUPPORTED_KDF',
    inspect: 'ok',
  },
  // Iterations.
  { name: 'iterations 0', input: () => withIterations(0), code: 'MALFORMED_ENVELOPE' },
  { name: 'iterations 999, below the policy', input: () => withIterations(999), code: 'PARAMS_OUT_OF_POLICY', inspect: 'ok' },
  { name: 'iterations 1, below the policy', input: () => withIterations(1), code: 'PARAMS_OUT_OF_POLICY', inspect: 'ok' },
  {
    name: 'iterations 99,999 under the default policy',
    input: () => withIterations(99_999),
    code: 'PARAMS_OUT_OF_POLICY',
    policy: defaultPolicy,
    inspect: 'ok',
  },
  { name: 'iterations 10,000,001, above the maximum', input: () => withIterations(10_000_001), code: 'PARAMS_OUT_OF_POLICY', inspect: 'ok' },
  { name: 'iterations 2^31', input: () => withIterations(2 ** 31), code: 'PARAMS_OUT_OF_POLICY', inspect: 'ok' },
  { name: 'iterations 2^32-1', input: () => withIterations(2 ** 32 - 1), code: 'PARAMS_OUT_OF_POLICY', inspect: 'ok' },
  {
    name: 'iterations 2^31 under the default policy',
    input: () => withIterations(2 ** 31),
    code: 'PARAMS_OUT_OF_POLICY',
    policy: defaultPolicy,
    inspect: 'ok',
  },
  {
    name: 'iterations 2^31 opened with a raw key (bounds come before the key kind)',
    input: () => withIterations(2 ** 31),
    code: 'PARAMS_OUT_OF_POLICY',
    key: () => importKey(RAW),
    inspect: 'ok',
  },
  // Salt.
  { name: 'salt length 15', input: () => edit({ saltLen: 15, salt: base.f.salt.slice(0, 15) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'salt length 65', input: () => edit({ saltLen: 65, salt: Uint8Array.from([...base.f.salt, ...new Uint8Array(49).fill(7)]) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'salt length 0', input: () => edit({ saltLen: 0, salt: new Uint8Array(0) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a salt length byte that disagrees with the salt (17 for 16)', input: () => edit({ saltLen: 17 }), code: 'MALFORMED_ENVELOPE' },
  // Key id.
  { name: 'key id length 65', input: () => edit({ keyIdLen: 65, keyId: new Uint8Array(65).fill(0x6b) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a key id with a space', input: () => edit({ keyIdLen: 5, keyId: Buffer.from('pr od') }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a key id with a non-ASCII byte', input: () => edit({ keyIdLen: 4, keyId: Uint8Array.from([0x70, 0xe9, 0x72, 0x65]) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a key id with DEL', input: () => edit({ keyIdLen: 2, keyId: Uint8Array.from([0x70, 0x7f]) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a key id with NUL', input: () => edit({ keyIdLen: 2, keyId: Uint8Array.from([0x70, 0x00]) }), code: 'MALFORMED_ENVELOPE' },
  // Nonce, commitment.
  { name: 'an 11-byte nonce (header truncated)', input: () => edit({ nonce: base.f.nonce.slice(0, 11) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a 13-byte nonce', input: () => edit({ nonce: Uint8Array.from([...base.f.nonce, 0]) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a 31-byte commitment', input: () => edit({ commitment: base.f.commitment.slice(0, 31) }), code: 'MALFORMED_ENVELOPE' },
  // Body.
  { name: 'a 16-byte body (tag only, empty secret)', input: () => edit({ body: base.f.body.slice(-16) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a 15-byte body (truncated tag)', input: () => edit({ body: base.f.body.slice(0, 15) }), code: 'MALFORMED_ENVELOPE' },
  { name: 'a 1-byte body', input: () => edit({ body: base.f.body.slice(0, 1) }), code: 'MALFORMED_ENVELOPE' },
  {
    name: 'a body one byte over the cap (1 MiB + 16 + 1)',
    input: () => edit({ body: new Uint8Array(SECRET_MAX + TAG_LEN + 1).fill(0x41) }),
    code: 'MALFORMED_ENVELOPE',
  },
  // Field boundaries.
  {
    name: 'the last 3 header bytes moved into the body field',
    input: () => {
      const h = Buffer.from(base.head, 'base64url')
      return 'ks1.' + b64u(h.subarray(0, -3)) + '.' + b64u(Buffer.concat([h.subarray(-3), base.f.body]))
    },
    code: 'MALFORMED_ENVELOPE',
  },
  {
    name: 'the first 3 body bytes moved into the header field',
    input: () => {
      const h = Buffer.from(base.head, 'base64url')
      return 'ks1.' + b64u(Buffer.concat([h, base.f.body.subarray(0, 3)])) + '.' + b64u(base.f.body.subarray(3))
    },
    code: 'MALFORMED_ENVELOPE',
  },
  { name: 'header and body swapped', input: () => 'ks1.' + base.body + '.' + base.head, code: 'MALFORMED_ENVELOPE' },
  // Prototype traps.
  { name: '"__proto__"', input: () => '__proto__', code: 'MALFORMED_ENVELOPE' },
  { name: '"constructor"', input: () => 'constructor', code: 'MALFORMED_ENVELOPE' },
  { name: '"toString"', input: () => 'toString', code: 'MALFORMED_ENVELOPE' },
  { name: '"ks1.__proto__.constructor"', input: () => 'ks1.__proto__.constructor', code: 'MALFORMED_ENVELOPE' },
  { name: '"ks1.constructor.toString"', input: () => 'ks1.constructor.toString', code: 'MALFORMED_ENVELOPE' },
  // Key kind.
  { name: 'a raw-key envelope opened with a passphrase', input: () => base.raw, code: 'KEY_MISMATCH', inspect: 'ok' },
]

describe('openKey: malformed envelopes (one defect each)', () => {
  it('has at least 40 rows', () => {
    expect(openRows.length).toBeGreaterThanOrEqual(40)
    expect(new Set(openRows.map((r) => r.name)).size).toBe(openRows.length)
  })

  it.each(openRows)('$name -> $code', async (row) => {
    const input = row.input()
    const key = row.key === undefined ? PASSPHRASE : await row.key()
    const sensitive = [input, PASSPHRASE, SECRET]
    const spy = spySubtle()
    try {
      const call = openKey(input as string, key as string, { policy: row.policy ?? TEST_POLICY })
      await expectCode(call, row.code, sensitive)
      // Nothing reached WebCrypto: no KDF, no import, no AES-GCM. For parameter bombs this is the
      // point (2^31 PBKDF2 iterations take minutes); for the rest it proves the order of checks.
      expect(spy.calls('deriveBits')).toHaveLength(0)
      expect(spy.calls('importKey')).toHaveLength(0)
      expect(spy.total()).toBe(0)
    } finally {
      spy.restore()
    }
    // inspect runs the same parser, with no key and no policy.
    const expectedInspect = row.inspect ?? (FORMAT_CODES.includes(row.code) ? row.code : 'ok')
    if (expectedInspect === 'ok') expect(() => inspect(input as string)).not.toThrow()
    else await expectCode(() => inspect(input as string), expectedInspect, sensitive)
  })

  it('the size cap is exact: an envelope of exactly the maximum length parses', () => {
    const f = fields({
      kdfId: KDF_ID.argon2id,
      params: Uint8Array.from([...u32be(19456), ...u32be(2), ...u32be(1)]),
      salt: new Uint8Array(64).fill(1),
      keyId: 'k'.repeat(64),
      body: new Uint8Array(SECRET_MAX + TAG_LEN).fill(2),
    })
    const env = joinEnvelope(f)
    expect(env.length).toBe(STRING_MAX)
    const info = inspect(env)
    expect(info.secretLength).toBe(SECRET_MAX)
    expect(info.keyId).toBe('k'.repeat(64))
  })
})

// ---------------------------------------------------------------------------------------------
// The JSON form takes objects, not JSON text. JSON text such as `{"iterations":0600000}` never gets
// here: JSON.parse itself rejects leading zeros (and a SyntaxError from JSON.parse quotes the start
// of its input, which is why keyseal never parses JSON text). The rows below are objects.
// ---------------------------------------------------------------------------------------------

describe('envelopeFromJSON: malformed objects', () => {
  const valid = (): Record<string, unknown> => ({ ...envelopeToJSON(base.env) })
  const withField = (k: string, v: unknown): Record<string, unknown> => ({ ...valid(), [k]: v })
  const without = (k: string): Record<string, unknown> => {
    const o = valid()
    delete o[k]
    return o
  }

  it('the JSON text 0600000 is refused by JSON.parse itself', () => {
    expect(() => JSON.parse('{"iterations":0600000}')).toThrow(SyntaxError)
  })

  const rows: Array<{ name: string; input: () => unknown; code: KeysealErrorCode }> = [
    { name: 'null', input: () => null, code: 'MALFORMED_ENVELOPE' },
    { name: 'an array', input: () => [valid()], code: 'MALFORMED_ENVELOPE' },
    { name: 'the envelope string', input: () => base.env, code: 'MALFORMED_ENVELOPE' },
    { name: 'a number', input: () => 1, code: 'MALFORMED_ENVELOPE' },
    { name: 'JSON text of a valid object', input: () => JSON.stringify(valid()), code: 'MALFORMED_ENVELOPE' },
    { name: 'an own "__proto__" key from JSON.parse', input: () => JSON.parse(JSON.stringify(valid()).replace('{', '{"__proto__":{"v":1},')), code: 'MALFORMED_ENVELOPE' },
    { name: 'an own "constructor" key', input: () => withField('constructor', 'Object'), code: 'MALFORMED_ENVELOPE' },
    { name: 'an own "toString" key', input: () => withField('toString', 'x'), code: 'MALFORMED_ENVELOPE' },
    { name: 'fields inherited through the prototype', input: () => Object.create(valid()), code: 'MALFORMED_ENVELOPE' },
    { name: 'a class instance', input: () => Object.assign(new (class Doc {})(), valid()), code: 'MALFORMED_ENVELOPE' },
    { name: 'a getter for iterations', input: () => Object.defineProperty(without('iterations'), 'iterations', { get: () => 1000, enumerable: true }), code: 'MALFORMED_ENVELOPE' },
    { name: 'an extra symbol key', input: () => ({ ...valid(), [Symbol('x')]: 1 }), code: 'MALFORMED_ENVELOPE' },
    { name: 'an extra key', input: () => withField('aad', 'x'), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations on a raw envelope', input: () => ({ ...envelopeToJSON(base.raw), iterations: 1000 }), code: 'MALFORMED_ENVELOPE' },
    { name: 'a missing tag', input: () => without('tag'), code: 'MALFORMED_ENVELOPE' },
    { name: 'missing iterations', input: () => without('iterations'), code: 'MALFORMED_ENVELOPE' },
    { name: 'a missing v', input: () => without('v'), code: 'MALFORMED_ENVELOPE' },
    { name: 'a missing kdf', input: () => without('kdf'), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations 600000.5', input: () => withField('iterations', 600000.5), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations -1', input: () => withField('iterations', -1), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations "600000"', input: () => withField('iterations', '600000'), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations 2^32', input: () => withField('iterations', 2 ** 32), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations 2^53', input: () => withField('iterations', 2 ** 53), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations NaN', input: () => withField('iterations', NaN), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations Infinity (JSON 1e400)', input: () => withField('iterations', JSON.parse('1e400')), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations 0', input: () => withField('iterations', 0), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations true', input: () => withField('iterations', true), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations [1000]', input: () => withField('iterations', [1000]), code: 'MALFORMED_ENVELOPE' },
    { name: 'iterations 1000n', input: () => withField('iterations', 1000n), code: 'MALFORMED_ENVELOPE' },
    { name: 'v 2', input: () => withField('v', 2), code: 'UNSUPPORTED_VERSION' },
    { name: 'v "1"', input: () => withField('v', '1'), code: 'MALFORMED_ENVELOPE' },
    { name: 'v 1.5', input: () => withField('v', 1.5), code: 'MALFORMED_ENVELOPE' },
    // §14: any integer other than 1 is another version, beyond one byte too.
    { name: 'v 256', input: () => withField('v', 256), code: 'UNSUPPORTED_VERSION' },
    { name: 'v -1', input: () => withField('v', -1), code: 'UNSUPPORTED_VERSION' },
    { name: 'v 2^32', input: () => withField('v', 2 ** 32), code: 'UNSUPPORTED_VERSION' },
    { name: 'v NaN', input: () => withField('v', NaN), code: 'MALFORMED_ENVELOPE' },
    { name: 'kdf "scrypt"', input: () => withField('kdf', 'scrypt'), code: 'UNSUPPORTED_KDF' },
    { name: 'kdf "__proto__"', input: () => withField('kdf', '__proto__'), code: 'UNSUPPORTED_KDF' },
    { name: 'kdf "constructor"', input: () => withField('kdf', 'constructor'), code: 'UNSUPPORTED_KDF' },
    { name: 'kdf 2 (the binary id)', input: () => withField('kdf', 2), code: 'MALFORMED_ENVELOPE' },
    { name: 'a padded salt', input: () => withField('salt', (valid()['salt'] as string) + '=='), code: 'MALFORMED_ENVELOPE' },
    { name: 'a 15-byte salt', input: () => withField('salt', b64u(base.f.salt.slice(0, 15))), code: 'MALFORMED_ENVELOPE' },
    { name: 'an 11-byte nonce', input: () => withField('nonce', b64u(base.f.nonce.slice(0, 11))), code: 'MALFORMED_ENVELOPE' },
    { name: 'a 15-byte tag', input: () => withField('tag', b64u(base.f.body.slice(-15))), code: 'MALFORMED_ENVELOPE' },
    { name: 'a non-canonical commitment', input: () => withField('commitment', bumpLastChar(valid()['commitment'] as string)), code: 'MALFORMED_ENVELOPE' },
    { name: 'an empty ciphertext', input: () => withField('ciphertext', ''), code: 'MALFORMED_ENVELOPE' },
    { name: 'ciphertext with + instead of base64url', input: () => withField('ciphertext', '+' + (valid()['ciphertext'] as string).slice(1)), code: 'MALFORMED_ENVELOPE' },
    { name: 'an empty key id', input: () => withField('keyId', ''), code: 'MALFORMED_ENVELOPE' },
    { name: 'a key id with a space', input: () => withField('keyId', 'pr od'), code: 'MALFORMED_ENVELOPE' },
    { name: 'a key id of 65 characters', input: () => withField('keyId', 'k'.repeat(65)), code: 'MALFORMED_ENVELOPE' },
    { name: 'a key id with é (U+00E9)', input: () => withField('keyId', 'caf\u00e9'), code: 'MALFORMED_ENVELOPE' },
    // U+0141 is not ASCII; its low byte is 0x41 ('A'). It must be refused, not stored as 'A'.
    { name: 'a key id with Ł (U+0141)', input: () => withField('keyId', '\u0141'), code: 'MALFORMED_ENVELOPE' },
    { name: 'a key id with U+FF41 (low byte "A")', input: () => withField('keyId', 'prod-\uFF41'), code: 'MALFORMED_ENVELOPE' },
    { name: 'a numeric key id', input: () => withField('keyId', 42), code: 'MALFORMED_ENVELOPE' },
    { name: 'a null key id', input: () => withField('keyId', null), code: 'MALFORMED_ENVELOPE' },
  ]

  it.each(rows)('$name -> $code', async (row) => {
    const input = row.input()
    // The sensitive parts are the values (and the envelope they came from), not the field names.
    const values = typeof input === 'object' && input !== null ? Object.values(input).filter((v) => typeof v === 'string') : [input]
    await expectCode(() => envelopeFromJSON(input), row.code, [...values, base.env, PASSPHRASE, SECRET])
  })

  it('a valid object, with keys in any order and a null prototype, is accepted', () => {
    const v = valid()
    expect(envelopeFromJSON(v)).toBe(base.env)
    expect(envelopeFromJSON(Object.assign(Object.create(null), v))).toBe(base.env)
  })

  it('a plain object from another realm (vm context, iframe) is accepted; its class instances are not', () => {
    const other = vm.runInNewContext('(s) => JSON.parse(s)') as (s: string) => unknown
    expect(envelopeFromJSON(other(JSON.stringify(valid())))).toBe(base.env)
    const otherClass = vm.runInNewContext('(o) => Object.assign(new (class Doc {})(), o)') as (o: unknown) => unknown
    expect(() => envelopeFromJSON(otherClass(valid()))).toThrow(expect.objectContaining({ code: 'MALFORMED_ENVELOPE' }))
  })
})

describe('envelopeFromBytes: malformed bytes', () => {
  const rows: Array<{ name: string; input: () => unknown; code: KeysealErrorCode }> = [
    { name: 'empty', input: () => new Uint8Array(0), code: 'MALFORMED_ENVELOPE' },
    { name: 'one byte', input: () => Uint8Array.of(1), code: 'MALFORMED_ENVELOPE' },
    // The version byte is read first (§14): one byte of another version is UNSUPPORTED_VERSION.
    { name: 'one byte, version 2', input: () => Uint8Array.of(2), code: 'UNSUPPORTED_VERSION' },
    { name: 'version 2', input: () => Uint8Array.of(2, 1), code: 'UNSUPPORTED_VERSION' },
    { name: 'version 0 in a full envelope', input: () => binaryOf({ ...base.f, version: 0 }), code: 'UNSUPPORTED_VERSION' },
    { name: 'KDF id 0x09', input: () => binaryOf({ ...base.f, kdfId: 9 }), code: 'UNSUPPORTED_KDF' },
    { name: 'a truncated tag', input: () => binaryOf({ ...base.f, body: base.f.body.slice(0, 15) }), code: 'MALFORMED_ENVELOPE' },
    { name: 'a plain array of numbers', input: () => Array.from(binaryOf(base.f)), code: 'MALFORMED_ENVELOPE' },
    { name: 'a DataView', input: () => new DataView(binaryOf(base.f).buffer), code: 'MALFORMED_ENVELOPE' },
    { name: 'an ArrayBuffer', input: () => binaryOf(base.f).buffer, code: 'MALFORMED_ENVELOPE' },
    { name: 'a Uint16Array', input: () => new Uint16Array(40), code: 'MALFORMED_ENVELOPE' },
    // Brand checks, not instanceof or constructor names (src/bytes.ts bytesOf).
    { name: 'Object.create(Uint8Array.prototype)', input: () => Object.create(Uint8Array.prototype), code: 'MALFORMED_ENVELOPE' },
    { name: 'a Proxy of a valid binary envelope', input: () => new Proxy(binaryOf(base.f), {}), code: 'MALFORMED_ENVELOPE' },
    { name: 'a Float64Array subclass named Uint8Array', input: () => new (class Uint8Array extends Float64Array {})(80), code: 'MALFORMED_ENVELOPE' },
    {
      name: 'a Uint8Array subclass whose length lies (over the cap)',
      input: () => new (class extends Uint8Array { override get length() { return 10 } })(HEADER_MAX + SECRET_MAX + TAG_LEN + 1),
      code: 'MALFORMED_ENVELOPE',
    },
    { name: 'the string form', input: () => base.env, code: 'MALFORMED_ENVELOPE' },
    { name: 'over the binary cap', input: () => new Uint8Array(HEADER_MAX + SECRET_MAX + TAG_LEN + 1).fill(1), code: 'MALFORMED_ENVELOPE' },
  ]
  it.each(rows)('$name -> $code', async (row) => {
    const input = row.input()
    await expectCode(() => envelopeFromBytes(input as Uint8Array), row.code, [PASSPHRASE, SECRET])
  })

  it('a Buffer holding a valid binary envelope is accepted', () => {
    expect(envelopeFromBytes(Buffer.from(binaryOf(base.f)))).toBe(base.env)
  })
})

describe('inspect: a few more', () => {
  const rows: Array<{ name: string; input: () => unknown; code: KeysealErrorCode }> = [
    { name: 'a number', input: () => 1, code: 'MALFORMED_ENVELOPE' },
    { name: 'a plaintext key', input: () => 'sk-ant-api03-Qw7Er9Ty2Ui4Op6As8Df', code: 'MALFORMED_ENVELOPE' },
    { name: 'ks3.', input: () => 'ks3.' + base.head + '.' + base.body, code: 'UNSUPPORTED_VERSION' },
    { name: 'KDF id 0x80', input: () => edit({ kdfId: 0x80 }), code: 'UNSUPPORTED_KDF' },
    { name: '__proto__', input: () => '__proto__', code: 'MALFORMED_ENVELOPE' },
  ]
  it.each(rows)('$name -> $code', async (row) => {
    const input = row.input()
    await expectCode(() => inspect(input as string), row.code, [input])
  })

  it('reports a parameter bomb without running anything', () => {
    const spy = spySubtle()
    try {
      expect(inspect(withIterations(2 ** 32 - 1)).kdf).toEqual({ kdf: 'pbkdf2-sha256', iterations: 2 ** 32 - 1 })
      expect(spy.total()).toBe(0)
    } finally {
      spy.restore()
    }
  })
})

describe('importKey, sealKey, deriveKey, createPolicy: bad input', () => {
  const good = 'ksk1.' + b64u(RAW)
  const importRows: Array<{ name: string; input: () => unknown; options?: unknown; code: KeysealErrorCode }> = [
    { name: '31 bytes', input: () => RAW.slice(0, 31), code: 'INVALID_KEY' },
    { name: '33 bytes', input: () => Uint8Array.from([...RAW, 1]), code: 'INVALID_KEY' },
    { name: '32 zero bytes', input: () => new Uint8Array(32), code: 'INVALID_KEY' },
    { name: 'the zero key as a string', input: () => 'ksk1.' + b64u(new Uint8Array(32)), code: 'INVALID_KEY' },
    { name: 'a padded string', input: () => good + '=', code: 'INVALID_KEY' },
    { name: 'non-canonical trailing bits', input: () => bumpLastChar(good), code: 'INVALID_KEY' },
    { name: 'standard base64', input: () => 'ksk1.' + Buffer.from(RAW).toString('base64').replace(/=+$/, '').replace(/[A-Za-z0-9]/, '+'), code: 'INVALID_KEY' },
    { name: 'prefix ksk2.', input: () => 'ksk2.' + good.slice(5), code: 'INVALID_KEY' },
    { name: 'prefix KSK1.', input: () => 'KSK1.' + good.slice(5), code: 'INVALID_KEY' },
    { name: 'no prefix', input: () => good.slice(5), code: 'INVALID_KEY' },
    { name: 'a passphrase', input: () => PASSPHRASE, code: 'INVALID_KEY' },
    { name: 'an ArrayBuffer', input: () => RAW.slice().buffer, code: 'INVALID_KEY' },
    { name: 'a number array', input: () => Array.from(RAW), code: 'INVALID_KEY' },
    { name: 'null', input: () => null, code: 'INVALID_KEY' },
    { name: 'Object.create(Uint8Array.prototype)', input: () => Object.create(Uint8Array.prototype), code: 'INVALID_KEY' },
    { name: 'a Proxy of 32 key bytes', input: () => new Proxy(RAW.slice(), {}), code: 'INVALID_KEY' },
    // Values 257.9 would become byte 1 in a Uint8Array copy: a silent different key.
    { name: 'a Float64Array subclass named Uint8Array', input: () => new (class Uint8Array extends Float64Array {})(32).fill(257.9), code: 'INVALID_KEY' },
    { name: 'a bad keyId option', input: () => RAW, options: { keyId: 'a b' }, code: 'INVALID_OPTIONS' },
    { name: 'an unknown option', input: () => RAW, options: { keyid: 'a' }, code: 'INVALID_OPTIONS' },
  ]
  it.each(importRows)('importKey: $name -> $code', async (row) => {
    const input = row.input()
    // Fakes (a Proxy, Object.create(Uint8Array.prototype)) hold no bytes to look for in the error.
    const fake = typeof input === 'object' && input !== null && Object.getPrototypeOf(input) === Uint8Array.prototype && !ArrayBuffer.isView(input)
    const sensitive = fake ? [good] : [input, good]
    await expectCode(importKey(input as Uint8Array, row.options as never), row.code, sensitive)
  })

  it.each([
    { name: 'secret null', call: () => sealKey(null as never, PASSPHRASE, { policy: TEST_POLICY }), code: 'INVALID_SECRET' as const },
    { name: 'secret 42', call: () => sealKey(42 as never, PASSPHRASE, { policy: TEST_POLICY }), code: 'INVALID_SECRET' as const },
    { name: 'a plain object as key', call: () => sealKey(SECRET, { kind: 'raw' } as never, { policy: TEST_POLICY }), code: 'INVALID_KEY' as const },
    { name: 'options as a string', call: () => sealKey(SECRET, PASSPHRASE, 'user:1' as never), code: 'INVALID_OPTIONS' as const },
    { name: 'a policy of {}', call: () => sealKey(SECRET, PASSPHRASE, { policy: {} as never }), code: 'INVALID_OPTIONS' as const },
    { name: 'a context of 42', call: () => sealKey(SECRET, PASSPHRASE, { context: 42 as never, policy: TEST_POLICY }), code: 'INVALID_CONTEXT' as const },
    { name: 'a context of Object.create(Uint8Array.prototype)', call: () => sealKey(SECRET, PASSPHRASE, { context: Object.create(Uint8Array.prototype), policy: TEST_POLICY }), code: 'INVALID_CONTEXT' as const },
    { name: 'a secret that is a Proxy of bytes', call: () => sealKey(new Proxy(new Uint8Array(4).fill(1), {}), PASSPHRASE, { policy: TEST_POLICY }), code: 'INVALID_SECRET' as const },
    { name: 'a passphrase that is a Float64Array named Uint8Array', call: () => sealKey(SECRET, new (class Uint8Array extends Float64Array {})(4).fill(256) as never, { policy: TEST_POLICY }), code: 'INVALID_KEY' as const },
  ])('sealKey: $name -> $code', async ({ call, code }) => {
    const spy = spySubtle()
    try {
      await expectCode(call(), code, [SECRET, PASSPHRASE])
      expect(spy.total()).toBe(0)
    } finally {
      spy.restore()
    }
  })

  it.each([
    { name: 'an empty passphrase', call: () => deriveKey('', { policy: TEST_POLICY }), code: 'INVALID_KEY' as const },
    { name: 'a malformed envelope', call: () => deriveKey(PASSPHRASE, { policy: TEST_POLICY, envelope: 'ks1.a.b' }), code: 'MALFORMED_ENVELOPE' as const },
    { name: 'a ks2 envelope', call: () => deriveKey(PASSPHRASE, { policy: TEST_POLICY, envelope: 'ks2.' + base.head + '.' + base.body }), code: 'UNSUPPORTED_VERSION' as const },
    { name: 'an envelope asking for 2^31 iterations', call: () => deriveKey(PASSPHRASE, { policy: TEST_POLICY, envelope: withIterations(2 ** 31) }), code: 'PARAMS_OUT_OF_POLICY' as const },
    { name: 'a raw-key envelope', call: () => deriveKey(PASSPHRASE, { policy: TEST_POLICY, envelope: base.raw }), code: 'KEY_MISMATCH' as const },
    { name: 'an unknown option', call: () => deriveKey(PASSPHRASE, { salt: 'x' } as never), code: 'INVALID_OPTIONS' as const },
  ])('deriveKey: $name -> $code (no WebCrypto work)', async ({ call, code }) => {
    const spy = spySubtle()
    try {
      await expectCode(call(), code, [PASSPHRASE, base.env])
      expect(spy.total()).toBe(0)
    } finally {
      spy.restore()
    }
  })

  it.each([
    { name: 'null', options: null },
    { name: 'pbkdf2 null', options: { pbkdf2: null } },
    { name: 'pbkdf2 5', options: { pbkdf2: 5 } },
    { name: 'iterations 0', options: { pbkdf2: { iterations: 0 } } },
    { name: 'iterations 1000.5', options: { pbkdf2: { iterations: 1000.5, minIterations: 1000, openMinIterations: 1000 } } },
    { name: 'iterations "700000"', options: { pbkdf2: { iterations: '700000' } } },
    { name: 'iterations NaN', options: { pbkdf2: { iterations: NaN } } },
    { name: 'maxIterations Infinity', options: { pbkdf2: { maxIterations: Infinity } } },
    { name: 'maxIterations 2^32', options: { pbkdf2: { maxIterations: 2 ** 32 } } },
    { name: 'openMinIterations -1', options: { pbkdf2: { openMinIterations: -1 } } },
    { name: 'iterations below the default minimum (order)', options: { pbkdf2: { iterations: 1000 } } },
    { name: 'openMinIterations above minIterations (order)', options: { pbkdf2: { openMinIterations: 700_000 } } },
    { name: 'iterations above maxIterations (order)', options: { pbkdf2: { iterations: 20_000_000 } } },
  ])('createPolicy: $name -> INVALID_OPTIONS', async ({ options }) => {
    await expectCode(() => createPolicy(options as never), 'INVALID_OPTIONS', [])
  })
})
