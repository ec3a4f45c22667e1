// Tests written to kill the mutants StrykerJS left alive (issue 11 item 10; docs/mutation.md lists
// each module's run, the mutants these tests kill and the ones that are equivalent, with the
// reason). Each test states the behaviour it pins; the comment above it names the mutant
// (file:line, original -> mutated) that passed every other test.
import { Buffer } from 'node:buffer'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createPolicy,
  deriveKey,
  envelopeFromJSON,
  envelopeToJSON,
  generateKey,
  importKey,
  inspect,
  needsRotation,
  rotateKey,
  rotateMany,
  openKey,
  sealKey,
  type Argon2idImplementation,
} from '../src/index.js'
import { expectCode, TEST_POLICY } from './helpers'

const P = { policy: TEST_POLICY }

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('src/open.ts', () => {
  // open.ts:46 `platform()` removed from openWithKey: a derived key's material is cached, so without
  // the check a wrong key of the right kind reached the commitment and failed AUTH_FAILED although
  // the platform has no WebCrypto at all.
  it('without WebCrypto, a key object of the right kind but the wrong passphrase is WEBCRYPTO_UNAVAILABLE, not AUTH_FAILED', async () => {
    const env = await sealKey('sk-open', 'the right passphrase', P)
    const wrong = await deriveKey('a wrong passphrase', { ...P, envelope: env })
    const right = await deriveKey('the right passphrase', { ...P, envelope: env })
    await expectCode(openKey(env, wrong, P), 'AUTH_FAILED')
    vi.stubGlobal('crypto', undefined)
    await expectCode(openKey(env, wrong, P), 'WEBCRYPTO_UNAVAILABLE', [env])
    await expectCode(openKey(env, right, P), 'WEBCRYPTO_UNAVAILABLE', [env])
    vi.unstubAllGlobals()
    expect(await openKey(env, right, P)).toBe('sk-open')
  })
})

describe('src/seal.ts', () => {
  // seal.ts:66 `platform()` removed from sealWithKey: without it an open-only derived key got as far
  // as its own KEY_USAGE check. docs/format.md §19.2 puts WEBCRYPTO_UNAVAILABLE (step 8) before the
  // derived key's checks (step 9), and the key's material is cached, so nothing else reaches the
  // platform before that check.
  it('without WebCrypto, sealing with an open-only derived key is WEBCRYPTO_UNAVAILABLE (§19.2 step 8 before step 9)', async () => {
    const env = await sealKey('sk-seal', 'the passphrase', P)
    const openOnly = await deriveKey('the passphrase', { ...P, envelope: env })
    await expectCode(sealKey('sk-seal', openOnly, P), 'KEY_USAGE')
    vi.stubGlobal('crypto', undefined)
    await expectCode(sealKey('sk-seal', openOnly, P), 'WEBCRYPTO_UNAVAILABLE')
  })
})

// Argon2id settings on either side of each ordering rule of createPolicy (src/policy.ts): `a <= b`
// holds at equality and fails one step past it. A fake implementation keeps every KDF free: these
// tests are about which parameters are let through, not about Argon2id itself.
const fakeArgon2id: Argon2idImplementation = { name: 'argon2id', derive: async () => new Uint8Array(32).fill(7) }
const A = {
  implementation: fakeArgon2id,
  memoryKiB: 64, passes: 2, lanes: 2, minMemoryKiB: 32, minPasses: 2,
  openMinMemoryKiB: 16, openMinPasses: 1, maxMemoryKiB: 128, maxPasses: 4, maxLanes: 4,
}
const argonPolicy = (over: Partial<typeof A> = {}) => createPolicy({ pbkdf2: TEST_POLICY.pbkdf2, argon2id: { ...A, ...over } })
const b64 = (n: number, fill = 1) => Buffer.from(new Uint8Array(n).fill(fill)).toString('base64url')
/** A well-formed envelope with these KDF parameters (it opens with no key: the tests stop earlier). */
const withParams = (params: Record<string, unknown>) =>
  envelopeFromJSON({ v: 1, ...params, salt: b64(16), nonce: b64(12), commitment: b64(32), ciphertext: b64(1), tag: b64(16) } as never)

describe('src/forms.ts', () => {
  const json = (over: Record<string, unknown> = {}) => ({
    v: 1, kdf: 'pbkdf2-sha256', iterations: 1000, salt: b64(16), nonce: b64(12), commitment: b64(32), ciphertext: b64(1), tag: b64(16), ...over,
  })

  // forms.ts:104 `(v as number) <= max` -> `true`: DataView.setUint32 keeps a number modulo 2^32, so
  // 2^32 + 1000 iterations became a valid envelope with 1000; and -> `< max`: 2^32 - 1 (a u32 the
  // binary form allows) was refused.
  it('envelopeFromJSON: integers are taken in 0..2^32-1 exactly, never modulo 2^32', async () => {
    await expectCode(() => envelopeFromJSON(json({ iterations: 2 ** 32 + 1000 })), 'MALFORMED_ENVELOPE')
    await expectCode(() => envelopeFromJSON(json({ iterations: 2 ** 32 })), 'MALFORMED_ENVELOPE')
    const top = envelopeFromJSON(json({ iterations: 2 ** 32 - 1 }))
    expect(inspect(top).kdf).toEqual({ kdf: 'pbkdf2-sha256', iterations: 2 ** 32 - 1 })
    expect(envelopeToJSON(top)).toEqual(json({ iterations: 2 ** 32 - 1 }))
  })

  // forms.ts:109 `typeof v !== 'string'` removed (three mutants): a String object has a length and
  // charCodeAt, so it decoded like the string it wraps and converted.
  it('envelopeFromJSON: a base64url field must be a string primitive (a String object is MALFORMED_ENVELOPE)', async () => {
    expect(typeof envelopeFromJSON(json())).toBe('string')
    for (const k of ['salt', 'nonce', 'commitment', 'ciphertext', 'tag']) {
      const j = json()
      await expectCode(() => envelopeFromJSON({ ...j, [k]: new String(j[k as keyof typeof j]) }), 'MALFORMED_ENVELOPE')
    }
  })

  // forms.ts:109 the length cap (`v.length > Math.ceil((len * 4) / 3)`) removed (`|| false`) or
  // widened (`len * 4 * 3`): an over-long field was decoded in full before the length checks refused
  // it. The outcome is MALFORMED_ENVELOPE either way; what the cap guarantees is that no character
  // of an over-long field is read, which is counted here (no timing).
  it('envelopeFromJSON: an over-long base64url field is refused before a character of it is decoded', async () => {
    const cases: Array<[string, string]> = [
      ['salt', 'A'.repeat(341)], // the salt's cap: 255 bytes, 340 characters
      ['salt', 'A'.repeat(1000)],
      ['nonce', 'A'.repeat(17)], // 12 bytes, 16 characters
      ['commitment', 'A'.repeat(100_000)],
    ]
    for (const [k, v] of cases) {
      const spy = vi.spyOn(String.prototype, 'charCodeAt')
      let error: unknown
      try {
        envelopeFromJSON(json({ [k]: v }))
      } catch (e) {
        error = e
      }
      const reads = spy.mock.calls.length
      spy.mockRestore()
      await expectCode(() => Promise.reject(error), 'MALFORMED_ENVELOPE')
      // Fields before it are short (salt 22 characters, nonce 16): at most 22 + 16 reads.
      expect(reads, k + ' ' + v.length).toBeLessThanOrEqual(38)
    }
  })

  // forms.ts:134 guarded(…, 'MALFORMED_ENVELOPE') -> guarded(…, ''): a revoked Proxy (or a throwing
  // trap) became a KeysealError with an empty code.
  it('envelopeFromJSON: a revoked Proxy or a throwing trap is MALFORMED_ENVELOPE', async () => {
    const { proxy, revoke } = Proxy.revocable(json(), {})
    revoke()
    await expectCode(() => envelopeFromJSON(proxy), 'MALFORMED_ENVELOPE')
    const throwing = new Proxy(json(), { ownKeys: () => { throw new Error('trap with a secret') } })
    await expectCode(() => envelopeFromJSON(throwing), 'MALFORMED_ENVELOPE', ['trap with a secret'])
  })

  // forms.ts:138 `typeof json !== 'object'` removed (four mutants): a function with a null
  // prototype, its own `length` and `name` deleted and the fields assigned, passed every later check.
  it('envelopeFromJSON: a function is not a JSON object, even with a null prototype and exactly the fields', async () => {
    const f = (() => undefined) as unknown as Record<string, unknown>
    delete f['length']
    delete f['name']
    Object.setPrototypeOf(f, null)
    Object.assign(f, json())
    expect(Reflect.ownKeys(f).sort()).toEqual(Object.keys(json()).sort())
    await expectCode(() => envelopeFromJSON(f), 'MALFORMED_ENVELOPE')
    const o = Object.assign(Object.create(null) as object, json())
    expect(typeof envelopeFromJSON(o)).toBe('string') // the same fields on a null-prototype object
  })
})

describe('src/policy.ts', () => {
  it('createPolicy (Argon2id): every ordering rule holds at equality and fails one past it', async () => {
    const ok: Array<Partial<typeof A>> = [
      { openMinMemoryKiB: 32 }, // openMinMemoryKiB == minMemoryKiB
      { minMemoryKiB: 64 }, // minMemoryKiB == memoryKiB
      { memoryKiB: 128 }, // memoryKiB == maxMemoryKiB
      { openMinPasses: 2 }, // openMinPasses == minPasses
      { minPasses: 2, passes: 2 }, // minPasses == passes
      { passes: 4 }, // passes == maxPasses
      { lanes: 4 }, // lanes == maxLanes
      { maxLanes: 0xffffff }, // maxLanes == ARGON2_LANES_MAX (docs/format.md §17.2)
      { memoryKiB: 32, lanes: 4 }, // memoryKiB == 8 * lanes (RFC 9106 §3.1)
      { openMinMemoryKiB: 8 }, // the smallest opening floor, 8 KiB
      { maxPasses: 0xffffffff }, // a setting at 2^32 - 1
      { openMinPasses: 1, minPasses: 1, passes: 1, lanes: 1 }, // settings at 1
    ]
    for (const over of ok) expect(argonPolicy(over).argon2id, JSON.stringify(over)).toMatchObject(over)
    const bad: Array<Partial<typeof A>> = [
      { openMinMemoryKiB: 33 },
      { minMemoryKiB: 65 },
      { memoryKiB: 129 },
      { openMinPasses: 3 },
      { minPasses: 3 },
      { passes: 5 },
      { lanes: 5 },
      { maxLanes: 0x1000000 },
      { memoryKiB: 31, minMemoryKiB: 16, lanes: 4 }, // below 8 KiB per lane
      { openMinMemoryKiB: 7 },
      { maxPasses: 0x100000000 },
      { openMinPasses: 0 },
      { lanes: 0 },
    ]
    for (const over of bad) await expectCode(() => argonPolicy(over), 'INVALID_OPTIONS')
  })

  it('opening: Argon2id and PBKDF2 parameters at each bound are let through, one past it is PARAMS_OUT_OF_POLICY before any KDF', async () => {
    const p = argonPolicy()
    const argon = (q: Record<string, number>) => withParams({ kdf: 'argon2id', memoryKiB: 64, passes: 2, lanes: 2, ...q })
    // Inside: the fake KDF runs and the commitment does not match (AUTH_FAILED).
    for (const q of <Array<Record<string, number>>>[{ memoryKiB: 16, lanes: 1 }, { memoryKiB: 128 }, { passes: 1 }, { passes: 4 }, { lanes: 4 }]) {
      await expectCode(openKey(argon(q), 'pw', { policy: p }), 'AUTH_FAILED')
    }
    for (const q of <Array<Record<string, number>>>[{ memoryKiB: 15, lanes: 1 }, { memoryKiB: 129 }, { passes: 5 }, { lanes: 5 }]) {
      await expectCode(openKey(argon(q), 'pw', { policy: p }), 'PARAMS_OUT_OF_POLICY')
    }
    // The passes floor for opening (0 passes is not a well-formed envelope, so the floor is raised).
    const p2 = argonPolicy({ openMinPasses: 2 })
    await expectCode(openKey(argon({ passes: 2 }), 'pw', { policy: p2 }), 'AUTH_FAILED')
    await expectCode(openKey(argon({ passes: 1 }), 'pw', { policy: p2 }), 'PARAMS_OUT_OF_POLICY')
    const pb = createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 1500 } })
    const pbkdf2 = (iterations: number) => withParams({ kdf: 'pbkdf2-sha256', iterations })
    await expectCode(openKey(pbkdf2(1000), 'pw', { policy: pb }), 'AUTH_FAILED')
    await expectCode(openKey(pbkdf2(1500), 'pw', { policy: pb }), 'AUTH_FAILED')
    await expectCode(openKey(pbkdf2(999), 'pw', { policy: pb }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(openKey(pbkdf2(1501), 'pw', { policy: pb }), 'PARAMS_OUT_OF_POLICY')
  })

  it('sealing with a derived Argon2id key: its parameters against the sealing bounds of the policy given, at each bound and one past it', async () => {
    const key = await deriveKey('pw', { policy: argonPolicy() }) // memoryKiB 64, passes 2, lanes 2
    const seals = async (over: Partial<typeof A>) => inspect(await sealKey('s', key, { policy: argonPolicy(over) })).kdf
    expect(await seals({ minMemoryKiB: 64 })).toEqual({ kdf: 'argon2id', memoryKiB: 64, passes: 2, lanes: 2 })
    expect(await seals({ memoryKiB: 32, maxMemoryKiB: 64 })).toMatchObject({ memoryKiB: 64 })
    expect(await seals({ minPasses: 2 })).toMatchObject({ passes: 2 })
    expect(await seals({ passes: 2, maxPasses: 2 })).toMatchObject({ passes: 2 })
    expect(await seals({ lanes: 1, maxLanes: 2 })).toMatchObject({ lanes: 2 })
    await expectCode(seals({ memoryKiB: 65, minMemoryKiB: 65 }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(seals({ memoryKiB: 32, maxMemoryKiB: 63 }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(seals({ passes: 3, minPasses: 3 }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(seals({ openMinPasses: 1, minPasses: 1, passes: 1, maxPasses: 1 }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(seals({ lanes: 1, maxLanes: 1 }), 'PARAMS_OUT_OF_POLICY')
    // The opening floors do not apply to sealing: a sealing minimum above the key's memory refuses
    // it although the opening floor is below.
    await expectCode(seals({ openMinMemoryKiB: 16, memoryKiB: 128, minMemoryKiB: 128 }), 'PARAMS_OUT_OF_POLICY')
  })

  it('needsRotation: below the sealing floor only strictly below it (PBKDF2 iterations, Argon2id memory and passes)', () => {
    const pb = createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 500 } })
    expect(needsRotation(withParams({ kdf: 'pbkdf2-sha256', iterations: 1000 }), pb)).toEqual([])
    expect(needsRotation(withParams({ kdf: 'pbkdf2-sha256', iterations: 999 }), pb)).toEqual(['KDF_BELOW_POLICY'])
    const p = argonPolicy()
    const argon = (q: Record<string, number>) => withParams({ kdf: 'argon2id', memoryKiB: 64, passes: 2, lanes: 2, ...q })
    expect(needsRotation(argon({ memoryKiB: 32 }), p)).toEqual([])
    expect(needsRotation(argon({ memoryKiB: 31 }), p)).toEqual(['KDF_BELOW_POLICY'])
    expect(needsRotation(argon({ passes: 2 }), p)).toEqual([])
    expect(needsRotation(argon({ passes: 1 }), p)).toEqual(['KDF_BELOW_POLICY'])
  })

  // policy.ts:174, 176, 177: the code given to plainObject / guarded -> "": a non-plain settings
  // object, a throwing ownKeys trap and a throwing getter became a KeysealError with an empty code.
  it('createPolicy: bad settings objects, throwing traps and getters are INVALID_OPTIONS (the code, not just the class)', async () => {
    const trap = new Proxy({}, { ownKeys: () => { throw new Error('trap') } })
    const getter = { get iterations(): number { throw new Error('getter') } }
    for (const pbkdf2 of [[], new Map(), 5, 'x', trap, getter]) {
      await expectCode(() => createPolicy({ pbkdf2: pbkdf2 as never }), 'INVALID_OPTIONS')
      await expectCode(() => createPolicy({ argon2id: pbkdf2 as never }), 'INVALID_OPTIONS')
    }
  })

  // policy.ts:217 `impl === null` -> false (null then threw a TypeError reading `name`), and
  // `typeof impl.derive !== 'function'` -> false (an implementation without derive was accepted).
  it('createPolicy: an Argon2id implementation must be an object named argon2id with a derive function', async () => {
    for (const implementation of [null, { name: 'argon2id' }, { name: 'argon2id', derive: 'not a function' }, { name: 'Argon2id', derive: async () => new Uint8Array(32) }]) {
      await expectCode(() => createPolicy({ argon2id: { implementation: implementation as never } }), 'INVALID_OPTIONS')
    }
    expect(createPolicy({ argon2id: { implementation: fakeArgon2id } }).kdf).toBe('argon2id')
  })

  // policy.ts:226 `Object.freeze(a)` removed: the Argon2id settings of a policy stayed writable.
  it('createPolicy: the Argon2id settings are frozen like the rest of the policy', () => {
    const p = argonPolicy()
    expect(Object.isFrozen(p)).toBe(true)
    expect(Object.isFrozen(p.pbkdf2)).toBe(true)
    expect(Object.isFrozen(p.argon2id)).toBe(true)
    expect(() => {
      ;(p.argon2id as { maxMemoryKiB: number }).maxMemoryKiB = 1 << 22
    }).toThrow(TypeError)
    expect(p.argon2id?.maxMemoryKiB).toBe(128)
  })

  // policy.ts:230 `kdf === 'argon2id' && a` -> `true && a`: with Argon2id settings any `kdf` string
  // was accepted (and became the policy's sealing KDF).
  it('createPolicy: kdf is pbkdf2-sha256 or argon2id, whatever else is given', async () => {
    for (const kdf of ['scrypt', 'raw', 'ARGON2ID', '']) {
      await expectCode(() => createPolicy({ kdf: kdf as never, argon2id: { ...A } }), 'INVALID_OPTIONS')
    }
    expect(createPolicy({ kdf: 'pbkdf2-sha256', argon2id: { ...A } }).kdf).toBe('pbkdf2-sha256')
  })

  // policy.ts:290 `policies.get(policy)?.below` -> `.below`: rotation computes the reasons before
  // the opening bounds (so a refused item still says why it needs rotating), and an Argon2id
  // envelope under a policy without Argon2id then threw a TypeError instead of UNSUPPORTED_KDF.
  it('rotation of an Argon2id envelope under a policy without Argon2id is UNSUPPORTED_KDF, not a TypeError', async () => {
    const env = withParams({ kdf: 'argon2id', memoryKiB: 64, passes: 2, lanes: 2 })
    await expectCode(rotateKey(env, { from: 'pw', to: 'pw2', policy: TEST_POLICY }), 'UNSUPPORTED_KDF')
    const [r] = await rotateMany([{ envelope: env }], { from: 'pw', to: 'pw2', policy: TEST_POLICY })
    expect(r).toMatchObject({ status: 'failed', code: 'UNSUPPORTED_KDF' })
  })
})

describe('src/keys.ts', () => {
  // keys.ts:53 keyIdOf `keyState(k) !== undefined ? … : undefined` -> `true ? …`: a passphrase's
  // bytes then read `keyId` through Uint8Array.prototype, i.e. from a polluted prototype.
  it('a polluted Uint8Array.prototype.keyId / Object.prototype.keyId is never recorded for a passphrase', async () => {
    for (const proto of [Uint8Array.prototype, Object.prototype]) {
      Object.defineProperty(proto, 'keyId', { value: 'polluted', configurable: true, writable: true })
      try {
        const env = await sealKey('sk-kid', 'the passphrase', P)
        expect(inspect(env).keyId).toBeUndefined()
      } finally {
        delete (proto as { keyId?: unknown }).keyId
      }
    }
  })

  // keys.ts:103 toJSON `this.keyId !== undefined && { keyId }` -> `true && …`: a key without an id
  // got an own `keyId: undefined` member (JSON.stringify hides it; Object.keys does not).
  it('toJSON of a key without an id has no keyId member at all', async () => {
    const key = await deriveKey('the passphrase', P)
    expect(Object.keys(key.toJSON())).toEqual(['type', 'kind', 'canSeal'])
    const withId = await deriveKey('the passphrase', { ...P, keyId: 'k1' })
    expect(Object.keys(withId.toJSON())).toEqual(['type', 'kind', 'keyId', 'canSeal'])
  })

  // keys.ts:158 `platform()` in deriveKey removed: with an `envelope` option the envelope's own
  // checks (MALFORMED_ENVELOPE, KEY_MISMATCH, PARAMS_OUT_OF_POLICY) then won over the missing platform.
  it('deriveKey without WebCrypto is WEBCRYPTO_UNAVAILABLE before the envelope option is looked at', async () => {
    const raw = await sealKey('s', await importKey(new Uint8Array(32).fill(9)))
    vi.stubGlobal('crypto', undefined)
    for (const envelope of ['ks1.garbage', raw, withParams({ kdf: 'pbkdf2-sha256', iterations: 1 })]) {
      await expectCode(deriveKey('the passphrase', { ...P, envelope }), 'WEBCRYPTO_UNAVAILABLE')
    }
  })

  // keys.ts:209 `wipe(raw)` in generateKey removed: the random key bytes stayed in memory.
  it('generateKey wipes the random bytes it encoded', async () => {
    const seen: Uint8Array[] = []
    const real = globalThis.crypto
    const getRandomValues = (a: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => (seen.push(a), real.getRandomValues(a))
    vi.stubGlobal('crypto', { subtle: real.subtle, getRandomValues })
    const s = await generateKey()
    expect(s).toMatch(/^ksk1\.[A-Za-z0-9_-]{43}$/)
    expect(seen).toHaveLength(1)
    expect(seen[0]!.length).toBe(32)
    expect(seen[0]!.every((x) => x === 0)).toBe(true)
  })

  // keys.ts:239 the string length check (`material.length === 5 + 43`) -> `true`: a long `ksk1.`
  // string was then decoded in full before the byte-length check refused it. Counted, not timed.
  it('importKey refuses a ksk1. string of the wrong length before decoding a character of it', async () => {
    for (const s of ['ksk1.' + 'A'.repeat(44), 'ksk1.' + 'A'.repeat(100_000)]) {
      const spy = vi.spyOn(String.prototype, 'charCodeAt')
      const pending = importKey(s)
      const reads = spy.mock.calls.length
      spy.mockRestore()
      await expectCode(pending, 'INVALID_KEY', [s])
      expect(reads).toBe(0)
    }
  })
})
