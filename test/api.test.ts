// Unit tests of the public API (issue 2 §3): passphrase, secret, context and option rules; policy;
// derived keys; key kinds and key ids; raw keys; redaction and non-extractable CryptoKeys;
// WEBCRYPTO_UNAVAILABLE; NOT_UTF8; inspect. One default-policy round trip (600,000 iterations).
import { Buffer } from 'node:buffer'
import { inspect as utilInspect } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createKeyring,
  createPolicy,
  defaultPolicy,
  deriveKey,
  envelopeFromJSON,
  envelopeToJSON,
  generateKey,
  importKey,
  inspect,
  isKeysealError,
  KeysealError,
  KeysealKey,
  openKey,
  openKeyBytes,
  rotateKey,
  sealKey,
  SECRET_MAX,
} from '../src/index'
import { b64u, captureEncodings, expectCode, spySubtle, TEST_POLICY, utf8 } from './helpers'

const PW = 'correct horse battery staple'
const RAW = new Uint8Array(32).map((_, i) => (i * 37 + 11) & 255)
const P = { policy: TEST_POLICY }

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/** Assert a call fails with `code` before any WebCrypto operation. */
async function expectEarly(call: () => Promise<unknown>, code: Parameters<typeof expectCode>[1], sensitive: unknown[] = []): Promise<void> {
  const spy = spySubtle()
  try {
    await expectCode(call(), code, sensitive)
    expect(spy.total()).toBe(0)
  } finally {
    spy.restore()
  }
}

describe('passphrases (docs/format.md §7)', () => {
  const refused: Array<[string, string]> = [
    ['empty', ''],
    ['a lone high surrogate', 'sesame\uD800gate'],
    ['a lone low surrogate', 'sesame\uDC00gate'],
    ['a trailing high surrogate', 'sesamegate\uD83D'],
    ['NUL alone', '\0'],
    ['a trailing NUL ("pw" and "pw\\0" would derive the same key)', 'sesam3gate\0'],
    ['a tab', 'sesame\tgate'],
    ['a newline', 'sesamegate\n'],
    ['U+001F', 'sesame\u001fgate'],
    ['DEL', 'sesame\u007fgate'],
    ['C1 U+0080', 'sesame\u0080gate'],
    ['C1 NEL U+0085', 'sesame\u0085gate'],
    ['C1 U+009F', 'sesame\u009fgate'],
    ['1025 ASCII bytes', 'a'.repeat(1025)],
    ['1025 UTF-8 bytes (512 x é + a)', '\u00e9'.repeat(512) + 'a'],
    ['a ksk1. raw-key string', 'ksk1.' + b64u(RAW)],
    ['anything starting ksk1.', 'ksk1.my sesame'],
  ]

  it.each(refused)('refuses %s: INVALID_KEY from sealKey, openKey and deriveKey, before any WebCrypto work', async (_name, pw) => {
    const env = await sealKey('sk-x', PW, P)
    await expectEarly(() => sealKey('sk-x', pw, P), 'INVALID_KEY', [pw, 'sk-x'])
    await expectEarly(() => openKey(env, pw, P), 'INVALID_KEY', [pw, env])
    await expectEarly(() => deriveKey(pw, P), 'INVALID_KEY', [pw])
  })

  it('refuses a generateKey() string passed as a passphrase', async () => {
    const k = await generateKey()
    await expectEarly(() => sealKey('sk-x', k, P), 'INVALID_KEY', [k])
  })

  it.each([
    ['exactly 1024 ASCII bytes', 'a'.repeat(1024)],
    ['exactly 1024 UTF-8 bytes (512 x é)', '\u00e9'.repeat(512)],
    ['1200 bytes in NFD that are 800 bytes in NFC (the cap applies after normalization)', 'e\u0301'.repeat(400)],
    ['NBSP and other non-control characters', 'pass\u00a0word\u200b\u{1F511}'],
    ['one character', 'x'],
  ])('accepts %s', async (_name, pw) => {
    const env = await sealKey('sk-ok', pw, P)
    expect(await openKey(env, pw, P)).toBe('sk-ok')
  })

  it('byte passphrases are used as given: control bytes and ksk1. text are fine, nothing is normalized', async () => {
    const withControls = Uint8Array.of(0x70, 0x00, 0x01, 0x7f, 0x85, 0xff)
    const env = await sealKey('sk-bytes', withControls, P)
    expect(await openKey(env, Uint8Array.from(withControls), P)).toBe('sk-bytes')
    // Not the same passphrase as the string "p": bytes are not reinterpreted.
    await expectCode(openKey(env, 'p', P), 'AUTH_FAILED')

    const kskBytes = utf8('ksk1.' + b64u(RAW))
    const env2 = await sealKey('sk-bytes2', kskBytes, P)
    expect(await openKey(env2, kskBytes, P)).toBe('sk-bytes2')

    // A string passphrase is its NFC UTF-8 bytes: those bytes open it; the NFD bytes do not.
    const env3 = await sealKey('sk-nfc', '\u00e9t\u00e9', P)
    expect(await openKey(env3, utf8('\u00e9t\u00e9'), P)).toBe('sk-nfc')
    await expectCode(openKey(env3, utf8('e\u0301te\u0301'), P), 'AUTH_FAILED')
    expect(await openKey(env3, 'e\u0301te\u0301', P)).toBe('sk-nfc')
  })

  it('NFC only: compatibility forms are different passphrases (no NFKC, no case or width mapping)', async () => {
    const env = await sealKey('sk-nfkc', '\uFB01le', P) // "ﬁle" with the fi ligature
    await expectCode(openKey(env, 'file', P), 'AUTH_FAILED')
    const env2 = await sealKey('sk-width', '\uFF30\uFF37', P) // full-width "PW"
    await expectCode(openKey(env2, 'PW', P), 'AUTH_FAILED')
    await expectCode(openKey(env2, '\uFF50\uFF57', P), 'AUTH_FAILED') // full-width "pw"
  })

  it('refuses empty and over-long byte passphrases; accepts exactly 1024 bytes', async () => {
    await expectEarly(() => sealKey('sk-x', new Uint8Array(0), P), 'INVALID_KEY')
    await expectEarly(() => sealKey('sk-x', new Uint8Array(1025).fill(1), P), 'INVALID_KEY')
    const pw = new Uint8Array(1024).fill(7)
    expect(await openKey(await sealKey('sk-1024', pw, P), pw, P)).toBe('sk-1024')
  })

  it("never modifies the caller's passphrase or secret bytes", async () => {
    const pw = Uint8Array.of(1, 2, 3, 4, 5)
    const secret = Uint8Array.of(9, 8, 7)
    const env = await sealKey(secret, pw, P)
    expect(pw).toEqual(Uint8Array.of(1, 2, 3, 4, 5))
    expect(secret).toEqual(Uint8Array.of(9, 8, 7))
    await openKeyBytes(env, pw, P)
    expect(pw).toEqual(Uint8Array.of(1, 2, 3, 4, 5))
    const raw = RAW.slice()
    await importKey(raw)
    expect(raw).toEqual(RAW)
  })
})

describe('secrets', () => {
  it.each([
    ['an empty string', ''],
    ['empty bytes', new Uint8Array(0)],
    ['a lone surrogate', 'sk-\uD800'],
    ['1 MiB + 1 ASCII characters', 'a'.repeat(SECRET_MAX + 1)],
    ['1 MiB + 1 UTF-8 bytes (2^19 x é + a)', '\u00e9'.repeat(SECRET_MAX / 2) + 'a'],
    ['1 MiB + 1 bytes', new Uint8Array(SECRET_MAX + 1).fill(1)],
    ['a number', 123],
    ['null', null],
    ['an array', [1, 2, 3]],
  ])('refuses %s: INVALID_SECRET, before any WebCrypto work', async (_name, secret) => {
    const key = await importKey(RAW)
    await expectEarly(() => sealKey(secret as string, key), 'INVALID_SECRET', [typeof secret === 'string' ? secret.slice(0, 64) : ''])
    await expectEarly(() => sealKey(secret as string, PW, P), 'INVALID_SECRET')
  })

  it('is exactly SECRET_MAX = 1 MiB', () => {
    expect(SECRET_MAX).toBe(1024 * 1024)
  })

  it('seals exactly 1 MiB (string and bytes) with a raw key', async () => {
    const key = await importKey(RAW)
    const s = 'k'.repeat(SECRET_MAX)
    const env = await sealKey(s, key)
    expect(inspect(env).secretLength).toBe(SECRET_MAX)
    expect(await openKey(env, key)).toBe(s)
    const b = new Uint8Array(SECRET_MAX).map((_, i) => i & 255)
    // Buffer.equals, not toEqual: deep equality over a million elements takes seconds.
    const opened = await openKeyBytes(await sealKey(b, key), key)
    expect(opened.length).toBe(SECRET_MAX)
    expect(Buffer.from(opened).equals(Buffer.from(b))).toBe(true)
    const multi = '\u00e9'.repeat(SECRET_MAX / 2)
    expect(await openKey(await sealKey(multi, key), key)).toBe(multi)
  })

  it('keeps a secret exactly: no normalization, BOM and NUL kept; a subarray seals only its view', async () => {
    const key = await importKey(RAW)
    for (const s of ['e\u0301', '\uFEFFsk-bom', 'sk\0x', ' padded ', '\r\n']) {
      expect(await openKey(await sealKey(s, key), key)).toBe(s)
    }
    const big = Uint8Array.of(1, 2, 3, 4, 5, 6)
    const env = await sealKey(big.subarray(2, 4), key)
    expect(await openKeyBytes(env, key)).toEqual(Uint8Array.of(3, 4))
  })

  it('openKey of a bytes-sealed non-UTF-8 secret is NOT_UTF8; openKeyBytes returns it', async () => {
    const key = await importKey(RAW)
    for (const bytes of [Uint8Array.of(0xff, 0xfe, 0x41), Uint8Array.of(0xed, 0xa0, 0x80), Uint8Array.of(0xc0, 0xaf), Uint8Array.of(0x61, 0xe2, 0x82)]) {
      const env = await sealKey(bytes, key)
      await expectCode(openKey(env, key), 'NOT_UTF8', [bytes, env])
      expect(await openKeyBytes(env, key)).toEqual(bytes)
    }
    // Valid UTF-8 bytes open as text.
    expect(await openKey(await sealKey(utf8('sk-\u00e9'), key), key)).toBe('sk-\u00e9')
  })
})

describe('contexts', () => {
  it('refuses contexts over 1024 bytes, lone surrogates and non-string non-bytes: INVALID_CONTEXT', async () => {
    const key = await importKey(RAW)
    const env = await sealKey('sk-c', key, { context: 'c' })
    for (const context of ['c'.repeat(1025), '\u00e9'.repeat(513), new Uint8Array(1025), 'user:\uDC00', null, 42, { id: 1 }, ['a']]) {
      await expectEarly(() => sealKey('sk-c', key, { context: context as string }), 'INVALID_CONTEXT')
      await expectEarly(() => openKey(env, key, { context: context as string }), 'INVALID_CONTEXT')
    }
  })

  it('accepts exactly 1024 bytes; a string context and its UTF-8 bytes are the same context; empty equals none', async () => {
    const key = await importKey(RAW)
    const c = '\u00e9'.repeat(512)
    const env = await sealKey('sk-c', key, { context: c })
    expect(await openKey(env, key, { context: Buffer.from(c) })).toBe('sk-c')
    await expectCode(openKey(env, key, { context: c.slice(1) }), 'AUTH_FAILED')
    await expectCode(openKey(env, key), 'AUTH_FAILED')
    const env2 = await sealKey('sk-none', key)
    expect(await openKey(env2, key, { context: '' })).toBe('sk-none')
    expect(await openKey(env2, key, { context: new Uint8Array(0) })).toBe('sk-none')
    await expectCode(openKey(env2, key, { context: 'user:1' }), 'AUTH_FAILED')
  })

  it('an envelope copied to another row fails to open', async () => {
    const env = await sealKey('sk-proj-row42', PW, { ...P, context: 'user:42/openai' })
    await expectCode(openKey(env, PW, { ...P, context: 'user:43/openai' }), 'AUTH_FAILED', [env, PW, 'sk-proj-row42'])
    expect(await openKey(env, PW, { ...P, context: 'user:42/openai' })).toBe('sk-proj-row42')
  })
})

describe('options', () => {
  it('reads each option once, and never from a (polluted) prototype', async () => {
    const key = await importKey(RAW)
    const proto = Object.prototype as Record<string, unknown>
    proto['context'] = 'polluted-context'
    proto['keyId'] = 'polluted-id'
    try {
      const env = await sealKey('sk-p', key)
      expect(inspect(env).keyId).toBeUndefined()
      expect(await openKey(env, key, { context: undefined })).toBe('sk-p')
      await expectCode(openKey(env, key, { context: 'polluted-context' }), 'AUTH_FAILED')
    } finally {
      delete proto['context']
      delete proto['keyId']
    }
    // A getter answers once: the context sealed is the context validated.
    let reads = 0
    const options = Object.defineProperty({}, 'context', { enumerable: true, get: () => (reads++ === 0 ? 'user:1' : 42) })
    const env = await sealKey('sk-g', key, options)
    expect(reads).toBe(1)
    expect(await openKey(env, key, { context: 'user:1' })).toBe('sk-g')
  })

  it('refuses unknown option keys rather than ignoring them (a typo would seal without a context)', async () => {
    const key = await importKey(RAW)
    const env = await sealKey('sk-o', key)
    await expectEarly(() => sealKey('sk-o', key, { contxt: 'x' } as never), 'INVALID_OPTIONS')
    await expectEarly(() => openKey(env, key, { contxt: 'x' } as never), 'INVALID_OPTIONS')
    await expectEarly(() => openKeyBytes(env, key, { keyId: 'a' } as never), 'INVALID_OPTIONS') // sealing-only option
    await expectEarly(() => deriveKey(PW, { ...P, iterations: 5 } as never), 'INVALID_OPTIONS')
    await expectEarly(() => sealKey('sk-o', key, { [Symbol('context')]: 'x' } as never), 'INVALID_OPTIONS')
    for (const options of [null, 'x', 5, [], true]) {
      await expectEarly(() => sealKey('sk-o', key, options as never), 'INVALID_OPTIONS')
      await expectEarly(() => openKey(env, key, options as never), 'INVALID_OPTIONS')
    }
    await expectCode(importKey(RAW, { keyid: 'x' } as never), 'INVALID_OPTIONS')
  })

  it.each([['empty', ''], ['a space', 'a b'], ['65 characters', 'k'.repeat(65)], ['non-ASCII', 'cl\u00e9'], ['a number', 7], ['a tab', 'a\tb']])(
    'refuses a key id that is %s: INVALID_OPTIONS',
    async (_name, keyId) => {
      await expectEarly(() => sealKey('sk-k', PW, { ...P, keyId: keyId as string }), 'INVALID_OPTIONS')
      await expectEarly(() => deriveKey(PW, { ...P, keyId: keyId as string }), 'INVALID_OPTIONS')
      await expectEarly(() => importKey(RAW, { keyId: keyId as string }), 'INVALID_OPTIONS')
    },
  )
})

describe('policy', () => {
  it('the default policy is 600,000 / 600,000 / 100,000 / 1,200,000 and frozen', () => {
    // issue 11: the default opening bound is twice the default sealing work (was 10,000,000).
    expect(defaultPolicy.pbkdf2).toEqual({ iterations: 600_000, minIterations: 600_000, openMinIterations: 100_000, maxIterations: 1_200_000 })
    expect(Object.isFrozen(defaultPolicy)).toBe(true)
    expect(Object.isFrozen(defaultPolicy.pbkdf2)).toBe(true)
    expect(createPolicy()).toEqual(defaultPolicy)
    expect(createPolicy({})).toEqual(defaultPolicy)
  })

  it('a policy admits exactly its maxIterations when sealing and opening, and not one more', async () => {
    const edge = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 1000, openMinIterations: 1000, maxIterations: 2000 } })
    const env = await sealKey('sk-max', PW, { policy: edge })
    expect(await openKey(env, PW, { policy: edge })).toBe('sk-max')
    const over = envelopeFromJSON({ ...envelopeToJSON(env), iterations: 2001 })
    await expectEarly(() => openKey(over, PW, { policy: edge }), 'PARAMS_OUT_OF_POLICY')
  })

  it('createPolicy merges overrides, validates the order and freezes the result', () => {
    const p = createPolicy({ pbkdf2: { iterations: 1_000_000 } })
    expect(p.pbkdf2).toEqual({ ...defaultPolicy.pbkdf2, iterations: 1_000_000 })
    expect(Object.isFrozen(p) && Object.isFrozen(p.pbkdf2)).toBe(true)
    expect(TEST_POLICY.pbkdf2).toEqual({ iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 1_200_000 })
    // Equal bounds are allowed; each strict inversion is refused.
    expect(createPolicy({ pbkdf2: { iterations: 5, minIterations: 5, openMinIterations: 5, maxIterations: 5 } }).pbkdf2.maxIterations).toBe(5)
    // docs/format.md §17.2: no policy admits more than 2^31 - 1 iterations (platforms cannot run them).
    expect(createPolicy({ pbkdf2: { maxIterations: 2 ** 31 - 1 } }).pbkdf2.maxIterations).toBe(2 ** 31 - 1)
    expect(() => createPolicy({ pbkdf2: { maxIterations: 2 ** 31 } })).toThrow(KeysealError)
    expect(() => createPolicy({ pbkdf2: { maxIterations: 2 ** 32 - 1 } })).toThrow(KeysealError)
    for (const pbkdf2 of [
      { iterations: 5, minIterations: 6, openMinIterations: 5, maxIterations: 10 },
      { iterations: 6, minIterations: 5, openMinIterations: 6 + 1, maxIterations: 10 },
      { iterations: 11, minIterations: 5, openMinIterations: 5, maxIterations: 10 },
      { iterations: 1.5, minIterations: 1, openMinIterations: 1, maxIterations: 10 },
      { iterations: 2, minIterations: 1, openMinIterations: 0, maxIterations: 10 },
      { iterations: 2, minIterations: 1, openMinIterations: 1, maxIterations: 2 ** 53 },
      { iterations: true, minIterations: 1, openMinIterations: 1, maxIterations: 10 },
    ]) {
      expect(() => createPolicy({ pbkdf2: pbkdf2 as never })).toThrow(KeysealError)
    }
  })

  it('refuses unknown policy keys (a typo such as `minIteration` must not silently keep the default)', async () => {
    await expectCode(() => createPolicy({ pbkdf2: { minIteration: 2_000_000 } } as never), 'INVALID_OPTIONS')
    await expectCode(() => createPolicy({ pbkdf: { iterations: 2_000_000 } } as never), 'INVALID_OPTIONS')
  })

  it('only policies made by createPolicy (or defaultPolicy) are accepted: plain objects, even well-formed ones, are INVALID_OPTIONS', async () => {
    const bad = { pbkdf2: { iterations: 1000.5, minIterations: 1000, openMinIterations: 1000, maxIterations: 2000 } }
    await expectEarly(() => sealKey('sk-p', PW, { policy: bad as never }), 'INVALID_OPTIONS')
    const env = await sealKey('sk-p', PW, P)
    await expectEarly(() => openKey(env, PW, { policy: bad as never }), 'INVALID_OPTIONS')
    // A structural copy of a valid policy is not the policy: it was never validated and is not frozen.
    // TypeScript refuses it too (KeysealPolicy carries a type-level mark): `tsc -p tsconfig.test.json`
    // fails if these @ts-expect-error lines stop being errors.
    const copy = { kdf: 'pbkdf2-sha256' as const, pbkdf2: { ...TEST_POLICY.pbkdf2 } }
    // @ts-expect-error a structural copy is not a KeysealPolicy
    await expectEarly(() => openKey(env, PW, { policy: copy }), 'INVALID_OPTIONS')
    // @ts-expect-error a structural copy is not a KeysealPolicy
    await expectEarly(() => sealKey('sk-p', PW, { policy: copy }), 'INVALID_OPTIONS')
    // @ts-expect-error a structural copy is not a KeysealPolicy
    await expectEarly(() => deriveKey(PW, { policy: copy }), 'INVALID_OPTIONS')
    await expectEarly(() => openKey(env, PW, { policy: Object.create(TEST_POLICY) as never }), 'INVALID_OPTIONS')
    // The real ones work, and are frozen all the way down.
    expect(await openKey(env, PW, { policy: TEST_POLICY })).toBe('sk-p')
    expect(await openKey(await sealKey('sk-q', PW), PW, { policy: defaultPolicy })).toBe('sk-q')
    expect(Object.isFrozen(TEST_POLICY) && Object.isFrozen(TEST_POLICY.pbkdf2) && Object.isFrozen(defaultPolicy)).toBe(true)
  })

  it('sealing with the default policy refuses a key derived under the cheap policy; opening its envelopes too', async () => {
    const cheap = await deriveKey(PW, P)
    const env = await sealKey('sk-cheap', cheap, P)
    await expectEarly(() => sealKey('sk-cheap', cheap), 'PARAMS_OUT_OF_POLICY', [PW])
    await expectEarly(() => openKey(env, cheap), 'PARAMS_OUT_OF_POLICY', [PW, env])
    await expectEarly(() => openKey(env, PW), 'PARAMS_OUT_OF_POLICY', [PW, env])
    await expectEarly(() => deriveKey(PW, { envelope: env }), 'PARAMS_OUT_OF_POLICY', [PW, env])
    expect(await openKey(env, cheap, P)).toBe('sk-cheap')
  })

  it('a policy with a higher floor refuses to seal with a key derived under a lower one', async () => {
    const key = await deriveKey(PW, P)
    const strict = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000 } })
    await expectEarly(() => sealKey('sk', key, { policy: strict }), 'PARAMS_OUT_OF_POLICY')
  })
})

describe('derived keys', () => {
  it('deriveKey(pw, { envelope }) opens the siblings of that envelope, cannot seal, keeps the key id', async () => {
    const key = await deriveKey(PW, { ...P, keyId: 'team-a' })
    expect(key.canSeal).toBe(true)
    expect(key.kind).toBe('pbkdf2-sha256')
    const a = await sealKey('sk-a', key, { ...P, context: 'a' })
    const b = await sealKey('sk-b', key, { ...P, context: 'b' })
    expect(inspect(a).salt).toBe(inspect(b).salt)
    const again = await deriveKey(PW, { ...P, envelope: a })
    expect(again.canSeal).toBe(false)
    expect(again.keyId).toBe('team-a')
    expect(await openKey(a, again, { ...P, context: 'a' })).toBe('sk-a')
    expect(await openKey(b, again, { ...P, context: 'b' })).toBe('sk-b')
    await expectEarly(() => sealKey('sk-c', again, P), 'KEY_USAGE', [PW])
    // And every one of them opens with the passphrase alone.
    expect(await openKey(b, PW, { ...P, context: 'b' })).toBe('sk-b')
  })

  it('a key re-derived for one passphrase envelope does not open another one (another salt): KEY_MISMATCH', async () => {
    const e1 = await sealKey('sk-1', PW, P)
    const e2 = await sealKey('sk-2', PW, P)
    expect(inspect(e1).salt).not.toBe(inspect(e2).salt)
    const k1 = await deriveKey(PW, { ...P, envelope: e1 })
    expect(await openKey(e1, k1, P)).toBe('sk-1')
    await expectEarly(() => openKey(e2, k1, P), 'KEY_MISMATCH', [PW, e2])
    // Two keys freshly derived from one passphrase have two salts.
    const f1 = await deriveKey(PW, P)
    const f2 = await deriveKey(PW, P)
    const fEnv = await sealKey('sk-f', f1, P)
    expect(await openKey(fEnv, f1, P)).toBe('sk-f')
    await expectEarly(() => openKey(fEnv, f2, P), 'KEY_MISMATCH', [fEnv])
  })

  it('deriveKey refuses raw-key envelopes: KEY_MISMATCH', async () => {
    const raw = await sealKey('sk-raw', await importKey(RAW))
    await expectEarly(() => deriveKey(PW, { ...P, envelope: raw }), 'KEY_MISMATCH', [raw, PW])
  })

  it('a key of one kind never opens an envelope of the other: KEY_MISMATCH, before any WebCrypto work', async () => {
    const rawKey = await importKey(RAW)
    const derived = await deriveKey(PW, P)
    const rawEnv = await sealKey('sk-raw', rawKey)
    const pwEnv = await sealKey('sk-pw', PW, P)
    const dEnv = await sealKey('sk-d', derived, P)
    await expectEarly(() => openKey(rawEnv, PW, P), 'KEY_MISMATCH', [rawEnv, PW])
    await expectEarly(() => openKey(rawEnv, utf8(PW), P), 'KEY_MISMATCH', [rawEnv])
    await expectEarly(() => openKey(rawEnv, derived, P), 'KEY_MISMATCH', [rawEnv])
    await expectEarly(() => openKey(pwEnv, rawKey, P), 'KEY_MISMATCH', [pwEnv])
    await expectEarly(() => openKey(dEnv, rawKey, P), 'KEY_MISMATCH', [dEnv])
  })
})

describe('derived keys', () => {
  it('refuse an envelope whose salt extends theirs or whose iterations differ: KEY_MISMATCH before any crypto', async () => {
    const d = await deriveKey(PW, P)
    const j = envelopeToJSON(await sealKey('sk-d', d, P)) as ReturnType<typeof envelopeToJSON> & { iterations: number }
    const longerSalt = envelopeFromJSON({ ...j, salt: b64u(Uint8Array.from([...Buffer.from(j.salt, 'base64url'), 0])) })
    const moreIterations = envelopeFromJSON({ ...j, iterations: j.iterations + 1 })
    for (const e of [longerSalt, moreIterations]) await expectEarly(() => openKey(e, d, P), 'KEY_MISMATCH')
  })
})

describe('key ids', () => {
  it('records the key id; a key with another id is KEY_MISMATCH even with the right bytes; no id on either side is fine', async () => {
    const k1 = await importKey(RAW, { keyId: 'prod-2026' })
    const env = await sealKey('sk-id', k1)
    expect(inspect(env).keyId).toBe('prod-2026')
    expect(envelopeToJSON(env).keyId).toBe('prod-2026')
    const k2 = await importKey(RAW, { keyId: 'prod-2027' })
    await expectEarly(() => openKey(env, k2), 'KEY_MISMATCH', [env])
    expect(await openKey(env, await importKey(RAW))).toBe('sk-id')
    expect(await openKey(env, k1)).toBe('sk-id')
    // The option names an id for a key without one; one that contradicts the key's own id is
    // refused (the envelope would not open with its own key). Envelopes without an id record none.
    await expectEarly(() => sealKey('sk-id', k1, { keyId: 'other' }), 'INVALID_OPTIONS')
    expect(inspect(await sealKey('sk-id', k1, { keyId: 'prod-2026' })).keyId).toBe('prod-2026')
    expect(inspect(await sealKey('sk-id', await importKey(RAW), { keyId: 'other' })).keyId).toBe('other')
    expect(inspect(await sealKey('sk-id', await importKey(RAW))).keyId).toBeUndefined()
    expect('keyId' in envelopeToJSON(await sealKey('sk-id', await importKey(RAW)))).toBe(false)
    // Passphrase and derived keys record ids too.
    expect(inspect(await sealKey('sk-id', PW, { ...P, keyId: 'pw-1' })).keyId).toBe('pw-1')
    const d = await deriveKey(PW, { ...P, keyId: 'd-1' })
    const dEnv = await sealKey('sk-id', d, P)
    expect(inspect(dEnv).keyId).toBe('d-1')
    const d2 = await deriveKey(PW, { ...P, envelope: dEnv, keyId: 'd-2' })
    await expectEarly(() => openKey(dEnv, d2, P), 'KEY_MISMATCH')
  })
})

describe('raw keys', () => {
  it('generateKey gives ksk1. + 43 canonical base64url characters of 32 fresh random bytes', async () => {
    const seen = new Set<string>()
    for (let i = 0; i < 50; i++) {
      const k = await generateKey()
      expect(k).toMatch(/^ksk1\.[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/)
      const bytes = Buffer.from(k.slice(5), 'base64url')
      expect(bytes.length).toBe(32)
      expect(bytes.toString('base64url')).toBe(k.slice(5))
      seen.add(k)
    }
    expect(seen.size).toBe(50)
    const key = await importKey(await generateKey())
    expect(await openKey(await sealKey('sk-gen', key), key)).toBe('sk-gen')
  })

  it('importKey takes the string form or exactly 32 bytes (Uint8Array or Buffer): the same key', async () => {
    const fromString = await importKey('ksk1.' + b64u(RAW))
    const fromBuffer = await importKey(Buffer.from(RAW))
    const env = await sealKey('sk-same', fromString)
    expect(await openKey(env, fromBuffer)).toBe('sk-same')
    expect(await openKey(env, await importKey(RAW))).toBe('sk-same')
  })

  it.each([
    ['31 bytes', RAW.slice(0, 31)],
    ['33 bytes', Uint8Array.from([...RAW, 0])],
    ['all-zero bytes', new Uint8Array(32)],
    ['the all-zero string', 'ksk1.' + 'A'.repeat(43)],
    ['a padded string', 'ksk1.' + b64u(RAW) + '='],
    ['a non-canonical string', 'ksk1.' + b64u(RAW).slice(0, 42) + 'B'],
    ['a string with +', 'ksk1.+' + b64u(RAW).slice(1)],
    ['wrong prefix ksk0.', 'ksk0.' + b64u(RAW)],
    ['wrong prefix KSK1.', 'KSK1.' + b64u(RAW)],
    ['a ks1 envelope prefix', 'ks1.' + b64u(RAW)],
    ['hex', Buffer.from(RAW).toString('hex')],
    ['an empty string', ''],
  ])('importKey refuses %s: INVALID_KEY', async (_name, material) => {
    await expectEarly(() => importKey(material), 'INVALID_KEY', [material])
  })
})

describe('key objects never expose key material', () => {
  const hexRaw = Buffer.from(RAW).toString('hex')
  const b64Raw = b64u(RAW)

  function printed(key: KeysealKey): string[] {
    return [
      JSON.stringify(key),
      String(key),
      `${key}`,
      utilInspect(key),
      utilInspect(key, { showHidden: true, depth: Infinity }),
      utilInspect(key, { showHidden: true, depth: Infinity, customInspect: false }),
      utilInspect({ nested: [key] }, { depth: Infinity }),
      JSON.stringify(Object.keys(key)),
      JSON.stringify(Object.getOwnPropertyNames(key)),
    ]
  }

  // Own properties: exactly kind, keyId and canSeal, plus the two inspector hooks (symbol keys,
  // non-enumerable) whose values are functions printing the redacted String(key).
  const INSPECTORS = [Symbol.for('nodejs.util.inspect.custom'), Symbol.for('Deno.customInspect')]
  function expectOnlyPublicOwnProps(key: object) {
    const own = Reflect.ownKeys(key)
    expect(own.filter((k) => typeof k === 'string').sort()).toEqual(['canSeal', 'keyId', 'kind'])
    const symbols = own.filter((k) => typeof k === 'symbol')
    expect(symbols.length).toBe(2)
    for (const sym of INSPECTORS) {
      expect(symbols).toContain(sym)
      const d = Object.getOwnPropertyDescriptor(key, sym)!
      expect(d.enumerable).toBe(false)
      expect(typeof d.value).toBe('function')
      expect(d.value()).toBe(String(key))
    }
  }

  it('raw key: JSON, String, util.inspect and own keys show only kind, id and canSeal', async () => {
    const key = await importKey(RAW, { keyId: 'prod' })
    expect(JSON.stringify(key)).toBe('{"type":"KeysealKey","kind":"raw","keyId":"prod","canSeal":true}')
    expect(String(key)).toBe('KeysealKey(raw, prod)')
    expect(utilInspect(key)).toBe('KeysealKey(raw, prod)')
    expect(Object.keys(key).sort()).toEqual(['canSeal', 'keyId', 'kind'])
    expectOnlyPublicOwnProps(key)
    expect(Object.isFrozen(key)).toBe(true)
    for (const out of printed(key)) {
      expect(out).not.toContain(hexRaw.slice(0, 16))
      expect(out).not.toContain(b64Raw.slice(0, 12))
      expect(out).not.toMatch(/CryptoKey|Uint8Array|ArrayBuffer/)
    }
    for (const v of Object.values(key)) {
      expect(v instanceof CryptoKey || v instanceof Uint8Array || v instanceof ArrayBuffer).toBe(false)
    }
    expect(JSON.stringify(await importKey(RAW))).toBe('{"type":"KeysealKey","kind":"raw","canSeal":true}')
  })

  it('derived key: the passphrase, salt and CryptoKeys never show', async () => {
    const key = await deriveKey(PW, P)
    expect(JSON.stringify(key)).toBe('{"type":"KeysealKey","kind":"pbkdf2-sha256","canSeal":true}')
    expect(String(key)).toBe('KeysealKey(pbkdf2-sha256)')
    expectOnlyPublicOwnProps(key)
    for (const out of printed(key)) {
      expect(out).not.toContain('horse')
      expect(out).not.toMatch(/CryptoKey|Uint8Array|ArrayBuffer|salt|commitment/)
    }
  })

  it('key objects cannot be forged or constructed by callers', async () => {
    await expectCode(() => new KeysealKey(Symbol('x'), 'raw', undefined, true, {} as never), 'INVALID_OPTIONS')
    const forged = Object.create(KeysealKey.prototype) as KeysealKey
    const env = await sealKey('sk-f', await importKey(RAW))
    await expectEarly(() => openKey(env, forged), 'INVALID_KEY', [env])
    await expectEarly(() => sealKey('sk-f', { kind: 'raw', keyId: undefined, canSeal: true } as never), 'INVALID_KEY')
  })

  it('every CryptoKey keyseal makes is non-extractable, and no key is ever exported (seen at the platform door)', async () => {
    const spy = spySubtle()
    try {
      const raw = await importKey(RAW)
      const derived = await deriveKey(PW, P)
      for (const key of [raw, derived, PW]) {
        const env = await sealKey('sk-x', key, P)
        expect(await openKey(env, key, P)).toBe('sk-x')
      }
      const imports = spy.calls('importKey')
      expect(imports.length).toBeGreaterThanOrEqual(8)
      for (const call of imports) expect(call[3]).toBe(false)
      const made = await Promise.all(
        (vi.mocked(globalThis.crypto.subtle.importKey).mock.results as Array<{ value: Promise<CryptoKey> }>).map((r) => r.value),
      )
      expect(made.length).toBe(imports.length)
      for (const k of made) expect(k.extractable).toBe(false)
      expect(spy.calls('exportKey')).toHaveLength(0)
      expect(spy.calls('wrapKey')).toHaveLength(0)
      expect(spy.calls('deriveKey')).toHaveLength(0)
    } finally {
      spy.restore()
    }
  })
})

describe('wiping', () => {
  it('deriveKey wipes its passphrase copy when a later check fails (bad envelope, policy, no WebCrypto)', async () => {
    const pw = 'a passphrase that must not linger'
    const want = new TextEncoder().encode(pw)
    const copies = captureEncodings(pw)
    const env = await sealKey('sk-w', PW, P)
    await expectCode(deriveKey(pw, { policy: P.policy, envelope: 'ks1.not-an-envelope' }), 'MALFORMED_ENVELOPE', [pw])
    await expectCode(deriveKey(pw, { envelope: env }), 'PARAMS_OUT_OF_POLICY', [pw]) // 1,000 iterations < the default floor
    vi.stubGlobal('crypto', undefined)
    await expectCode(deriveKey(pw, P), 'WEBCRYPTO_UNAVAILABLE', [pw])
    vi.unstubAllGlobals()
    expect(copies.length).toBe(3)
    for (const c of copies) {
      expect(c.length).toBe(want.length)
      expect(c.every((x) => x === 0)).toBe(true)
    }
  })
})

describe('wiping (sealKey)', () => {
  it('sealKey wipes its secret and passphrase copies whichever check fails', async () => {
    const secret = 'sk-a-secret-that-must-not-linger'
    const pw = 'a passphrase that must not linger'
    const copies = captureEncodings(secret, pw)
    const ring = createKeyring([{ id: 'a', key: await importKey(RAW) }])
    const raw = await importKey(RAW, { keyId: 'own' })
    await expectCode(sealKey(secret, 42 as never), 'INVALID_KEY', [secret])
    await expectCode(sealKey(secret, ring, { keyId: 'b' }), 'INVALID_OPTIONS', [secret])
    await expectCode(sealKey(secret, raw, { keyId: 'other' }), 'INVALID_OPTIONS', [secret])
    // Without WebCrypto the call fails after both copies are made.
    vi.stubGlobal('crypto', undefined)
    await expectCode(sealKey(secret, pw, P), 'WEBCRYPTO_UNAVAILABLE', [secret, pw])
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
    // The key, ring and key-id failures each made a copy of the secret; the last call copied the
    // secret and the passphrase. Every copy is all zero once the call has failed.
    expect(copies.length).toBe(5)
    for (const c of copies) expect(c.every((x) => x === 0)).toBe(true)
  })
})

describe('wiping (success paths)', () => {
  it('openKey, deriveKey and rotateKey leave no passphrase copy, master key, HKDF output or plaintext behind', async () => {
    const pw = 'a passphrase for the success path'
    const secret = 'sk-success-path-secret'
    const env = await sealKey(secret, pw, P)
    const copies = captureEncodings(pw)
    // Every buffer WebCrypto hands back for a KDF or a decryption (keyseal wraps them without copying).
    const buffers: ArrayBuffer[] = []
    const subtle = globalThis.crypto.subtle
    for (const m of ['deriveBits', 'decrypt'] as const) {
      const real = (subtle[m] as (...a: unknown[]) => Promise<ArrayBuffer>).bind(subtle)
      vi.spyOn(subtle, m).mockImplementation((async (...args: unknown[]) => {
        const b = await real(...args)
        buffers.push(b)
        return b
      }) as never)
    }
    expect(await openKey(env, pw, P)).toBe(secret)
    await deriveKey(pw, P)
    const r = await rotateKey(env, { from: pw, to: 'another passphrase', ...P })
    vi.restoreAllMocks()
    expect(r.rotated).toBe(true)
    expect(copies.length).toBe(3)
    for (const c of copies) expect(c.every((x) => x === 0)).toBe(true)
    // openKey: PBKDF2, HKDF, decrypt; deriveKey: PBKDF2, HKDF; rotateKey: from and to, and the check.
    expect(buffers.length).toBeGreaterThanOrEqual(10)
    for (const b of buffers) expect(new Uint8Array(b).every((x) => x === 0)).toBe(true)
  })
})

describe('wiping (importKey)', () => {
  it('importKey wipes its copy of the key bytes when it refuses them or the import fails', async () => {
    const wiped: number[] = []
    const real = Uint8Array.prototype.fill
    vi.spyOn(Uint8Array.prototype, 'fill').mockImplementation(function (this: Uint8Array, ...args: Parameters<Uint8Array['fill']>) {
      if (args[0] === 0 && args.length === 1) wiped.push(this.length)
      return real.apply(this, args)
    })
    await expectCode(importKey(new Uint8Array(31).fill(7)), 'INVALID_KEY')
    expect(wiped).toContain(31)
    vi.stubGlobal('crypto', undefined)
    wiped.length = 0
    await expectCode(importKey(RAW), 'WEBCRYPTO_UNAVAILABLE')
    expect(wiped).toContain(32)
    vi.unstubAllGlobals()
  })
})

describe('platform failures', () => {
  // WebCrypto implementations throw synchronously for some bad arguments and reject for others,
  // and their messages can quote the input: keyseal must map both to its own codes.
  const LEAK = 'platform error quoting sk-proj-secret-input'
  for (const mode of ['throws', 'rejects'] as const) {
    it(`a WebCrypto call that ${mode} becomes CRYPTO_FAILURE (AUTH_FAILED for decrypt), never the platform error`, async () => {
      const env = await sealKey('sk-w', PW, P)
      const key = await importKey(RAW)
      const rawEnv = await sealKey('sk-w', key)
      const subtle = globalThis.crypto.subtle
      const fail = (): never | Promise<never> => {
        if (mode === 'throws') throw new TypeError(LEAK)
        return Promise.reject(new TypeError(LEAK))
      }
      for (const method of ['importKey', 'deriveBits', 'encrypt', 'decrypt'] as const) {
        const spy = vi.spyOn(subtle, method).mockImplementation(fail as never)
        try {
          // Sealing never decrypts; opening never encrypts.
          if (method !== 'decrypt') await expectCode(sealKey('sk-w', PW, P), 'CRYPTO_FAILURE', [LEAK])
          if (method !== 'encrypt') {
            const code = method === 'decrypt' ? 'AUTH_FAILED' : 'CRYPTO_FAILURE'
            await expectCode(openKey(env, PW, P), code, [LEAK])
            await expectCode(openKey(rawEnv, key), code, [LEAK])
          }
        } finally {
          spy.mockRestore()
        }
      }
      expect(await openKey(env, PW, P)).toBe('sk-w')
    })
  }
})

describe('WEBCRYPTO_UNAVAILABLE', () => {
  it('every call that needs WebCrypto rejects with WEBCRYPTO_UNAVAILABLE when globalThis.crypto is missing', async () => {
    const env = await sealKey('sk-w', PW, P)
    const key = await importKey(RAW)
    const derived = await deriveKey(PW, P)
    const rawEnv = await sealKey('sk-w', key)
    vi.stubGlobal('crypto', undefined)
    expect(globalThis.crypto).toBeUndefined()
    await expectCode(sealKey('sk-w', PW, P), 'WEBCRYPTO_UNAVAILABLE', [PW])
    await expectCode(sealKey('sk-w', key), 'WEBCRYPTO_UNAVAILABLE')
    await expectCode(sealKey('sk-w', derived, P), 'WEBCRYPTO_UNAVAILABLE')
    await expectCode(openKey(env, PW, P), 'WEBCRYPTO_UNAVAILABLE', [env, PW])
    await expectCode(openKeyBytes(rawEnv, key), 'WEBCRYPTO_UNAVAILABLE', [rawEnv])
    await expectCode(deriveKey(PW, P), 'WEBCRYPTO_UNAVAILABLE', [PW])
    await expectCode(generateKey(), 'WEBCRYPTO_UNAVAILABLE')
    // Key-free functions keep working.
    expect(inspect(env).version).toBe(1)
    expect(envelopeToJSON(env).v).toBe(1)
    vi.unstubAllGlobals()
    expect(typeof globalThis.crypto.subtle.importKey).toBe('function')
    expect(await openKey(env, PW, P)).toBe('sk-w')
  })

  it('importKey rejects with WEBCRYPTO_UNAVAILABLE (not CRYPTO_FAILURE) when globalThis.crypto is missing', async () => {
    vi.stubGlobal('crypto', undefined)
    await expectCode(importKey(RAW), 'WEBCRYPTO_UNAVAILABLE', [RAW])
    await expectCode(importKey('ksk1.' + b64u(RAW)), 'WEBCRYPTO_UNAVAILABLE', ['ksk1.' + b64u(RAW)])
  })

  it('a crypto object without subtle, or without getRandomValues, is unavailable too', async () => {
    const real = globalThis.crypto
    vi.stubGlobal('crypto', { getRandomValues: real.getRandomValues.bind(real) })
    await expectCode(sealKey('sk-w', PW, P), 'WEBCRYPTO_UNAVAILABLE')
    await expectCode(deriveKey(PW, P), 'WEBCRYPTO_UNAVAILABLE')
    vi.stubGlobal('crypto', { subtle: real.subtle })
    await expectCode(generateKey(), 'WEBCRYPTO_UNAVAILABLE')
    await expectCode(sealKey('sk-w', PW, P), 'WEBCRYPTO_UNAVAILABLE')
  })

  it('importing the built module without WebCrypto does not throw; its calls then reject with the code', async () => {
    vi.stubGlobal('crypto', undefined)
    const mod = (await import(/* @vite-ignore */ `../dist/index.js?no-webcrypto=${Date.now()}`)) as typeof import('../src/index')
    expect(typeof mod.sealKey).toBe('function')
    expect(mod.KeysealError).not.toBe(KeysealError) // really a fresh copy of the build
    await expectCode(mod.sealKey('sk-w', PW), 'WEBCRYPTO_UNAVAILABLE', [PW], mod.KeysealError)
    await expectCode(mod.generateKey(), 'WEBCRYPTO_UNAVAILABLE', [], mod.KeysealError)
  })
})

describe('inspect', () => {
  it('reports version, KDF and parameters, key id, salt and sizes, with no key; the result is frozen', async () => {
    const env = await sealKey('\u00e9', PW, { ...P, keyId: 'prod-2026' })
    const info = inspect(env)
    expect(info).toEqual({
      version: 1,
      kdf: { kdf: 'pbkdf2-sha256', iterations: 1000 },
      keyId: 'prod-2026',
      salt: envelopeToJSON(env).salt,
      secretLength: 2,
      // 2 + 4 (iterations) + 1 + 16 (salt) + 1 + 9 (key id) + 12 (nonce) + 32 (commitment), then 2 + 16 (tag)
      byteLength: 77 + 18,
    })
    expect(info.salt).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Object.isFrozen(info)).toBe(true)
    expect(Object.isFrozen(info.kdf)).toBe(true)
    const raw = inspect(await sealKey(new Uint8Array(100).fill(1), await importKey(RAW)))
    expect(raw).toEqual({ version: 1, kdf: { kdf: 'raw' }, keyId: undefined, salt: raw.salt, secretLength: 100, byteLength: 64 + 116 })
  })
})

describe('errors', () => {
  it('isKeysealError tells keyseal errors and codes apart', async () => {
    const e = await expectCode(openKey('ks1.x', PW, P), 'MALFORMED_ENVELOPE')
    expect(isKeysealError(e)).toBe(true)
    expect(isKeysealError(e, 'MALFORMED_ENVELOPE')).toBe(true)
    expect(isKeysealError(e, 'AUTH_FAILED')).toBe(false)
    expect(isKeysealError(new Error('keyseal: malformed envelope'))).toBe(false)
    expect(isKeysealError({ code: 'AUTH_FAILED', name: 'KeysealError' })).toBe(false)
    expect(e).toBeInstanceOf(Error)
  })
})

describe('the default policy, end to end (the one slow test: 600,000 PBKDF2 iterations)', () => {
  it('seals with 600,000 iterations and opens with the passphrase alone', async () => {
    const env = await sealKey('sk-proj-default-policy', PW, { context: 'user:1/openai' })
    expect(inspect(env).kdf).toEqual({ kdf: 'pbkdf2-sha256', iterations: 600_000 })
    expect(await openKey(env, PW, { context: 'user:1/openai' })).toBe('sk-proj-default-policy')
  })
})
