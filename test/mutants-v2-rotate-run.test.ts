// Tests written to kill the mutants StrykerJS left alive in src/v2/rotate.ts lines 262–526 (`verify`,
// `reseal`, `rotateOneV2`, `rotateKey`, `rotateRecipient`, `rotateMany`, `rotateStream`; issue 11
// item 10; docs/mutation.md lists the run, the mutants these tests kill and the ones that are
// equivalent, with the reason). Each test states the behaviour it pins; the comment above it names
// the mutant (file:line, original -> mutated) that passed every other test of the run's test set.
// Lines 1–261 of the same file are test/mutants-v2-rotate.test.ts.
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  createKeyring,
  createPolicy,
  generateKey,
  generateKeyPair,
  importKey,
  importPublicKey,
  inspect,
  KeysealError,
  openKey,
  rotateKey,
  rotateMany,
  rotateRecipient,
  rotateStream,
  sealKey,
  type Argon2idImplementation,
  type RotateStreamResult,
} from '../src/v2/index.js'
import * as v1 from '../src/index.js'
import { captureDecrypts, captureEncodings, expectCode, TEST_POLICY } from './helpers.js'

afterEach(() => {
  vi.restoreAllMocks()
})

const policy = TEST_POLICY
const CTX = 'row:7'
const o = { context: CTX, policy }
const PW = 'the old pass phrase'
const PW2 = 'the new pass phrase'

async function pair(keyId?: string) {
  const p = await generateKeyPair()
  const opts = keyId === undefined ? {} : { keyId }
  return { pub: await importPublicKey(p.publicKey, opts), priv: await importKey(p.privateKey, opts) }
}

async function collect(s: AsyncIterable<RotateStreamResult>): Promise<RotateStreamResult[]> {
  const out: RotateStreamResult[] = []
  for await (const r of s) out.push(r)
  return out.sort((a, b) => a.index - b.index)
}

/**
 * Make `subtle.decrypt` misbehave on the n-th call whose ciphertext is `len` bytes long (a payload:
 * the secret's length plus the 16-byte tag): `flip` changes the first plaintext byte, `throw`
 * rejects as a failed decryption does. Counts those calls.
 */
function onPayloadDecrypt(len: number, n: number, how: 'flip' | 'throw'): { count: () => number } {
  const subtle = globalThis.crypto.subtle
  const real = subtle.decrypt.bind(subtle)
  let calls = 0
  vi.spyOn(subtle, 'decrypt').mockImplementation(async (...args: Parameters<SubtleCrypto['decrypt']>) => {
    const data = args[2] as ArrayBufferView
    const hit = data.byteLength === len + 16 && ++calls === n
    if (hit && how === 'throw') throw new DOMException('The operation failed for an operation-specific reason', 'OperationError')
    const out = new Uint8Array(await real(...args))
    if (hit) out[0]! ^= 1
    return out.buffer
  })
  return { count: () => calls }
}

const zero = (b: ArrayBuffer | Uint8Array): boolean => new Uint8Array(b instanceof Uint8Array ? b.buffer : b).every((x) => x === 0)

/**
 * A deterministic stand-in for Argon2id (SHA-256 of the password and salt) that records the
 * password arrays it was given and can be told to throw on a given call.
 */
function recording(throwOn?: { call: number; error: () => Error }) {
  const passwords: Uint8Array[] = []
  const impl: Argon2idImplementation = {
    name: 'argon2id',
    derive: async (password, salt) => {
      passwords.push(password)
      if (throwOn && passwords.length === throwOn.call) throw throwOn.error()
      return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', new Uint8Array([...password, ...salt])))
    },
  }
  const p = createPolicy({ argon2id: { implementation: impl, memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 8, openMinPasses: 1 } })
  return { passwords, policy: p }
}

describe('src/v2/rotate.ts: verify (§14.3, issue 11 item 8)', () => {
  // v2/rotate.ts:263 `let same = false` -> `true`: a check that throws (here the payload's AES-GCM
  // decryption fails) must be CRYPTO_FAILURE, for the file-key check (a public-key `to`) and for
  // the check with a new private key alike; the mutant returned the unchecked envelope.
  it('a verifying open that throws is CRYPTO_FAILURE, with a public-key and with a private-key `to`', async () => {
    const secret = 'sk-verify-throws'
    const [a, b] = [await pair(), await pair()]
    const env = await sealKey(secret, [PW, a.pub], o)
    for (const to of [b.pub, b.priv]) {
      const spy = onPayloadDecrypt(secret.length, 2, 'throw')
      await expectCode(rotateKey(env, { from: a.priv, to, ...o }), 'CRYPTO_FAILURE', [secret])
      expect(spy.count()).toBe(2)
      vi.restoreAllMocks()
    }
  })

  // v2/rotate.ts:295 `if (!ok) fail('CRYPTO_FAILURE')` -> `if (false)`: the independent check of a
  // passphrase `to` (a fresh KDF from the passphrase) must compare what it decrypted with the
  // secret. The third payload decryption (open, check with the sealing key, independent check) is
  // made to return another plaintext: CRYPTO_FAILURE for a re-seal and for a replace.
  it('an independent check that decrypts another plaintext is CRYPTO_FAILURE (re-seal and replace)', async () => {
    const secret = 'sk-independent'
    const s = await pair()
    const env = await sealKey(secret, [s.pub], o)
    for (const to of [[PW2, s.pub], PW2]) {
      const spy = onPayloadDecrypt(secret.length, 3, 'flip')
      await expectCode(rotateKey(env, { from: s.priv, to, ...o }), 'CRYPTO_FAILURE', [secret])
      expect(spy.count()).toBe(3)
      vi.restoreAllMocks()
    }
    // Unchanged, the same rotations succeed with the same three decryptions.
    for (const to of [[PW2, s.pub], PW2]) {
      const spy = onPayloadDecrypt(secret.length, 99, 'flip')
      const r = await rotateKey(env, { from: s.priv, to, ...o })
      expect(spy.count()).toBe(3)
      vi.restoreAllMocks()
      expect(await openKey(r.envelope, PW2, o)).toBe(secret)
    }
  })

  // v2/rotate.ts:297 `isKeysealError(e) && e.code !== 'AUTH_FAILED' ? e.code : 'CRYPTO_FAILURE'` ->
  // `false ? …` (and the forms that always give CRYPTO_FAILURE): only AUTH_FAILED (the two
  // derivations disagree) becomes CRYPTO_FAILURE; another code of the independent check (here
  // KDF_BUSY from the KDF) is passed on as it is.
  it('the independent check passes a code other than AUTH_FAILED on unchanged', async () => {
    const secret = 'sk-other-code'
    const raw = await importKey(await generateKey())
    // Call 1: the passphrase `to` derived for sealing; call 2: the independent check.
    const { policy: busy, passwords } = recording({ call: 2, error: () => new KeysealError('KDF_BUSY') })
    const env = await sealKey(secret, [raw], { context: CTX, policy: busy })
    await expectCode(rotateKey(env, { from: raw, to: PW2, context: CTX, policy: busy }), 'KDF_BUSY', [secret])
    expect(passwords.length).toBe(2)
    // A plain Error from the implementation is CRYPTO_FAILURE (guard), as is a disagreement.
    const { policy: broken } = recording({ call: 2, error: () => new Error('boom') })
    await expectCode(rotateKey(env, { from: raw, to: PW2, context: CTX, policy: broken }), 'CRYPTO_FAILURE', [secret])
  })

  // v2/rotate.ts:299 `finally { wipe(pw) }` emptied / its call removed: the copy of the passphrase
  // that the independent check derives from is zero once the call has returned (the KDF
  // implementation is handed that very array, and records it).
  it('the passphrase copy of the independent check is wiped', async () => {
    const raw = await importKey(await generateKey())
    const { policy: rec, passwords } = recording()
    const env = await sealKey('sk-pw-copy', [raw], { context: CTX, policy: rec })
    const r = await rotateKey(env, { from: raw, to: PW2, context: CTX, policy: rec })
    expect(passwords.length).toBe(2)
    for (const p of passwords) expect(zero(p)).toBe(true)
    expect(await openKey(r.envelope, PW2, { context: CTX, policy: rec })).toBe('sk-pw-copy')
  })

  // v2/rotate.ts:269 `wipe(got)` (file-key check), :273 `wipe(got.plaintext)`, :274 `wipe(got.fk)`
  // (check with a key), :293-294 the same in the independent check, each removed: every plaintext
  // and file key the rotation decrypted is zero once rotateKey has returned.
  it('every plaintext and file key decrypted during a v2 rotation is wiped', async () => {
    const secret = 'sk-decrypted-and-wiped'
    const [a, b] = [await pair(), await pair()]
    const env = await sealKey(secret, [PW, a.pub], o)
    const cases: [string, object, number][] = [
      ['public key: file-key check', { from: a.priv, to: b.pub }, 3],
      ['private key: check with it', { from: a.priv, to: b.priv }, 4],
      ['passphrase: independent check', { from: PW, to: PW2 }, 6],
      ['re-seal', { from: PW, to: [b.priv, PW2] }, 6],
    ]
    for (const [name, opts, n] of cases) {
      const outputs = captureDecrypts()
      const r = await rotateKey(env, { ...(opts as { from: string; to: string }), ...o })
      vi.restoreAllMocks()
      expect(outputs.length, name).toBe(n)
      for (const out of outputs) expect(zero(out), name).toBe(true)
      expect(await openKey(r.envelope, b.priv, o).catch(() => openKey(r.envelope, PW2, o)), name).toBe(secret)
    }
  })
})

describe('src/v2/rotate.ts: reseal and rotateOneV2 (§14.1, §14.2, §17.5)', () => {
  // v2/rotate.ts:316 `finally { wipe(fk) }` emptied / its call removed: the fresh file key a re-seal
  // draws (the only 32-byte getRandomValues call of a re-seal) is zero once rotateKey returns.
  it("a re-seal's fresh file key is wiped", async () => {
    const s = await pair()
    const env = await sealKey('sk-fresh-fk', [s.pub], o)
    for (const input of [env, await v1.sealKey('sk-fresh-fk', PW, o)]) {
      const drawn: Uint8Array[] = []
      const real = globalThis.crypto.getRandomValues.bind(globalThis.crypto)
      vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
        const v = real(a as never) as unknown as T
        if ((a as ArrayBufferView).byteLength === 32) drawn.push(new Uint8Array((a as ArrayBufferView).buffer, (a as ArrayBufferView).byteOffset, 32))
        return v
      })
      const r = await rotateKey(input, { from: input === env ? s.priv : PW, to: [s.pub], ...o })
      vi.restoreAllMocks()
      expect(drawn.length).toBe(1)
      expect(zero(drawn[0]!)).toBe(true)
      expect(await openKey(r.envelope, s.priv, o)).toBe('sk-fresh-fk')
    }
  })

  // v2/rotate.ts:333 `finally { wipe(secret) }` emptied / its call removed (a v1 envelope moved to
  // v2), and :351 `wipe(opened.fk)` / :352 `wipe(opened.plaintext)` removed (a v2 envelope): the
  // secret and the file key opened from the old envelope are zero once the call returns.
  it('the opened secret and file key are wiped: a v1 envelope moved to v2, a v2 replace and re-seal', async () => {
    const secret = 'sk-opened-then-wiped'
    const s = await pair()
    const v1env = await v1.sealKey(secret, PW, o)
    const v2env = await sealKey(secret, [PW, s.pub], o)
    // The decryptions: the old envelope (v1: the payload; v2: the stanza's file key, the payload),
    // then the file-key check of the new one (the payload).
    const cases: [string, string, object, number][] = [
      ['v1 to v2', v1env, { from: PW, to: [s.pub] }, 2],
      ['v1 to one public key', v1env, { from: PW, to: s.pub }, 2],
      ['v2 replace', v2env, { from: s.priv, to: (await pair()).pub }, 3],
      ['v2 re-seal', v2env, { from: s.priv, to: [s.pub] }, 3],
    ]
    for (const [name, env, opts, n] of cases) {
      const outputs = captureDecrypts()
      await rotateKey(env, { ...(opts as { from: string; to: string }), ...o })
      vi.restoreAllMocks()
      expect(outputs.length, name).toBe(n)
      for (const out of outputs) expect(zero(out), name).toBe(true)
    }
  })
})

describe('src/v2/rotate.ts: rotateOneV2, what is rotated and the reasons', () => {
  // v2/rotate.ts:324 `typeof envelope !== 'string' || …` -> `false || …` (and the `&&` form): an
  // envelope that is not a string is MALFORMED_ENVELOPE (v1's parser says so), not a TypeError from
  // `startsWith` (which failed rotateMany's whole call instead of the one item).
  it('an envelope that is not a string is MALFORMED_ENVELOPE, alone in a batch', async () => {
    const [s, t] = [await pair(), await pair()]
    const env = await sealKey('sk-row', [s.pub], o)
    for (const bad of [42, null, { toString: () => env }]) {
      await expectCode(rotateKey(bad as never, { from: s.priv, to: t.pub, ...o }), 'MALFORMED_ENVELOPE')
      await expectCode(rotateKey(bad as never, { from: PW, to: PW2, ...o }), 'MALFORMED_ENVELOPE')
      await expectCode(rotateRecipient(bad as never, { from: s.priv, to: t.pub, ...o }), 'MALFORMED_ENVELOPE')
    }
    const many = await rotateMany([env, { envelope: 42 as never }, env], { from: s.priv, to: t.pub, ...o, concurrency: 1 })
    expect(many.map((r) => [r.status, r.code])).toEqual([['ok', undefined], ['failed', 'MALFORMED_ENVELOPE'], ['ok', undefined]])
  })

  // v2/rotate.ts:337 `stanzaReasons(p, r.keyring, r.policy, false)` -> `true`: rotation reads the
  // reasons without the opening bounds; only the stanza that is opened must be within them. A
  // passphrase stanza sealed with more iterations than the rotating policy opens does not stop
  // the server's rotation of its own stanza (replace or re-seal); needsRotation refuses it.
  it('a passphrase stanza outside the opening bounds does not stop the rotation of another stanza', async () => {
    const [s, t] = [await pair(), await pair()]
    const strong = createPolicy({ pbkdf2: { iterations: 5000, minIterations: 1000, openMinIterations: 1000 } })
    const capped = createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000, maxIterations: 2000 } })
    const env = await sealKey('sk-capped', [PW, s.pub], { context: CTX, policy: strong })
    const replaced = await rotateKey(env, { from: s.priv, to: t.pub, context: CTX, policy: capped })
    expect(replaced).toMatchObject({ rotated: true, reasons: [] })
    expect(await openKey(replaced.envelope, t.priv, { context: CTX, policy: capped })).toBe('sk-capped')
    const resealed = await rotateKey(env, { from: s.priv, to: [t.pub], context: CTX, policy: capped })
    expect(resealed.rotated).toBe(true)
    expect(await openKey(resealed.envelope, t.priv, { context: CTX, policy: capped })).toBe('sk-capped')
    expect(await rotateRecipient(env, { from: s.priv, to: t.pub, context: CTX, policy: capped })).toMatch(/^ks2\./)
    // The opened stanza itself is checked: PARAMS_OUT_OF_POLICY.
    await expectCode(rotateKey(env, { from: PW, to: PW2, context: CTX, policy: capped }), 'PARAMS_OUT_OF_POLICY')
  })

  // v2/rotate.ts:338 `if (r.list) out.reasons = …` -> `if (false)`, and `freeze(union(per))` ->
  // `union(per)`; :344 `freeze(per[opened.index]!)` -> `per[…]`; :328 `freeze(reasonsFor(…))` ->
  // `reasonsFor(…)` and its `dict({ keyring: r.keyring })` -> `dict({})`: a re-seal reports the
  // union of every stanza's reasons, a replace those of the opened stanza, a v1 envelope moved to
  // v2 its own (with the keyring reasons of a keyring `to`); each frozen.
  it('the reasons of a re-seal, a replace and a v1 envelope moved to v2, frozen', async () => {
    const weak = createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
    const strong = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000 } })
    const s = await pair('srv-1')
    const env = await sealKey('sk-reasons', [PW, s.pub], { context: CTX, policy: weak })
    const so = { context: CTX, policy: strong }
    const resealed = await rotateKey(env, { from: s.priv, to: [PW, s.pub], ...so })
    expect(resealed.reasons).toEqual(['KDF_BELOW_POLICY'])
    expect(Object.isFrozen(resealed.reasons)).toBe(true)
    const replaced = await rotateKey(env, { from: s.priv, to: (await pair()).pub, ...so })
    expect(replaced.reasons).toEqual([])
    expect(Object.isFrozen(replaced.reasons)).toBe(true)
    const pwReplaced = await rotateKey(env, { from: PW, to: PW2, ...so })
    expect(pwReplaced.reasons).toEqual(['KDF_BELOW_POLICY'])
    expect(Object.isFrozen(pwReplaced.reasons)).toBe(true)
    // A v1 envelope with the key id 'srv-1' moved to a keyring of private keys whose primary is 'srv-2'.
    const next = await pair('srv-2')
    const ring = createKeyring([{ id: 'srv-2', key: next.priv, primary: true }])
    const v1env = await v1.sealKey('sk-reasons', PW, { context: CTX, policy: weak, keyId: 'srv-1' })
    const moved = await rotateKey(v1env, { from: PW, to: ring, ...so })
    expect(moved.reasons).toEqual(['KDF_BELOW_POLICY', 'KEY_NOT_PRIMARY', 'UNKNOWN_KEY_ID'])
    expect(Object.isFrozen(moved.reasons)).toBe(true)
    expect(await openKey(moved.envelope, next.priv, so)).toBe('sk-reasons')
    const [m] = await rotateMany([v1env], { from: PW, to: ring, ...so })
    expect(m!.reasons).toEqual(['KDF_BELOW_POLICY', 'KEY_NOT_PRIMARY', 'UNKNOWN_KEY_ID'])
    const [mr] = await rotateMany([env], { from: s.priv, to: [PW, s.pub], ...so })
    expect(mr!.reasons).toEqual(['KDF_BELOW_POLICY'])
  })

  // v2/rotate.ts:345 `!r.add && reasons.length === 0 && alreadyFor(…)` -> `!r.add && true && …`:
  // `to` already being the opened stanza's key is not enough to skip when that stanza has a reason
  // (a skipped result has no reasons). A derived key (fixed salt and parameters) opens its own
  // stanza sealed under a weaker policy: KDF_BELOW_POLICY, so the stanza is sealed again with it,
  // which the stronger policy refuses (PARAMS_OUT_OF_POLICY, as v1's rotateKey does); the mutant
  // skipped it as `rotated: false` with a reason. In rotateMany the item fails with the reason.
  it('a replace with `to` the key of the opened stanza is skipped only when that stanza has no reason', async () => {
    const weak = createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
    const strong = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000 } })
    const k = await v1.deriveKey(PW, { policy: weak })
    const s = await pair()
    const env = await sealKey('sk-derived', [k, s.pub], { context: CTX, policy: weak })
    expect(await rotateKey(env, { from: k, to: k, context: CTX, policy: weak })).toEqual({ envelope: env, rotated: false, reasons: [] })
    await expectCode(rotateKey(env, { from: k, to: k, context: CTX, policy: strong }), 'PARAMS_OUT_OF_POLICY')
    await expectCode(rotateRecipient(env, { from: k, to: k, context: CTX, policy: strong }), 'PARAMS_OUT_OF_POLICY')
    const [m] = await rotateMany([env], { from: k, to: k, context: CTX, policy: strong })
    expect(m).toMatchObject({ status: 'failed', code: 'PARAMS_OUT_OF_POLICY', reasons: ['KDF_BELOW_POLICY'] })
    // v1 does the same with a v1 envelope of that key.
    const v1env = await v1.sealKey('sk-derived', k, { context: CTX, policy: weak })
    await expectCode(v1.rotateKey(v1env, { from: k, to: k, context: CTX, policy: strong }), 'PARAMS_OUT_OF_POLICY')
  })

  // v2/rotate.ts:338 `if (r.list)` -> `if (true)`: a replace knows its reasons only once a stanza
  // opened (they are that stanza's); an item whose open fails has none. A re-seal's reasons (every
  // stanza's) are known before the open, and a failed re-seal item carries them.
  it('a failed replace item has no reasons; a failed re-seal item has the union', async () => {
    const weak = createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
    const strong = createPolicy({ pbkdf2: { iterations: 2000, minIterations: 2000, openMinIterations: 1000 } })
    const [s, stranger] = [await pair(), await pair()]
    const env = await sealKey('sk-no-open', [PW, s.pub], { context: CTX, policy: weak })
    const so = { context: CTX, policy: strong }
    const [replace] = await rotateMany([env], { from: stranger.priv, to: s.pub, ...so })
    expect(replace).toMatchObject({ status: 'failed', code: 'AUTH_FAILED' })
    expect(Object.hasOwn(replace!, 'reasons')).toBe(false)
    const [reseal] = await rotateMany([env], { from: stranger.priv, to: [s.pub], ...so })
    expect(reseal).toMatchObject({ status: 'failed', code: 'AUTH_FAILED', reasons: ['KDF_BELOW_POLICY'] })
  })
})

describe('src/v2/rotate.ts: rotateKey and rotateRecipient', () => {
  // v2/rotate.ts:390 `freeze({ … })` -> `{ … }`, `next ?? envelope` -> `next && envelope`,
  // `rotated: next !== undefined` -> `true` / `false`: the result is frozen, has the new envelope
  // when rotated and the input when not.
  it("rotateKey's result: frozen, the new envelope when rotated, the input when nothing needed doing", async () => {
    const [s, t] = [await pair('srv'), await pair('srv-2')]
    const env = await sealKey('sk-result', [s.pub], o)
    const moved = await rotateKey(env, { from: s.priv, to: t.pub, ...o })
    expect(Object.isFrozen(moved)).toBe(true)
    expect(moved.rotated).toBe(true)
    expect(moved.envelope).not.toBe(env)
    expect(await openKey(moved.envelope, t.priv, o)).toBe('sk-result')
    const kept = await rotateKey(env, { from: s.priv, to: s.pub, ...o })
    expect(Object.isFrozen(kept)).toBe(true)
    expect(kept).toEqual({ envelope: env, rotated: false, reasons: [] })
  })

  // v2/rotate.ts:439 `(await rotateOneV2(…)) ?? envelope` -> `… && envelope`: rotateRecipient gives
  // the new envelope, and the input only when `to` already is the opened stanza's recipient.
  it('rotateRecipient returns the new envelope, or the input when nothing needed doing', async () => {
    const [s, t] = [await pair('srv'), await pair('srv-2')]
    const env = await sealKey('sk-recipient', [PW, s.pub], o)
    const next = await rotateRecipient(env, { from: s.priv, to: t.pub, ...o })
    expect(next).not.toBe(env)
    expect(await openKey(next, t.priv, o)).toBe('sk-recipient')
    await expectCode(openKey(next, s.priv, o), 'KEY_MISMATCH')
    expect(await rotateRecipient(env, { from: s.priv, to: s.pub, ...o })).toBe(env)
  })

  // v2/rotate.ts:431 `o.to === null || Array.isArray(o.to)` (each side -> `false`, `&&`) and its
  // code -> `""`: rotateRecipient refuses `to: null` and an array with INVALID_OPTIONS (an array
  // went on as a re-seal, `null` failed as INVALID_KEY).
  it('rotateRecipient refuses `to: null` and an array `to` with INVALID_OPTIONS', async () => {
    const s = await pair()
    const env = await sealKey('sk-to', [PW, s.pub], o)
    await expectCode(rotateRecipient(env, { from: s.priv, to: null as never, ...o }), 'INVALID_OPTIONS')
    await expectCode(rotateRecipient(env, { from: s.priv, to: [s.pub] as never, ...o }), 'INVALID_OPTIONS')
    await expectCode(rotateRecipient(env, { from: s.priv, to: [PW2, s.pub] as never, ...o }), 'INVALID_OPTIONS')
  })

  // v2/rotate.ts:385 and :432 `checkSignal(o.signal)` removed: a `signal` that is not an
  // AbortSignal is INVALID_OPTIONS even when the rotation runs no KDF (private and public keys
  // only), where nothing else would ever read it.
  it('rotateKey and rotateRecipient refuse a signal that is not an AbortSignal, with no KDF to wait for', async () => {
    const [s, t] = [await pair(), await pair()]
    const env = await sealKey('sk-signal', [s.pub], o)
    for (const signal of ['stop', 42, {}, { aborted: false }]) {
      await expectCode(rotateKey(env, { from: s.priv, to: t.pub, ...o, signal: signal as never }), 'INVALID_OPTIONS')
      await expectCode(rotateRecipient(env, { from: s.priv, to: t.pub, ...o, signal: signal as never }), 'INVALID_OPTIONS')
    }
    const ok = await rotateRecipient(env, { from: s.priv, to: t.pub, ...o, signal: new AbortController().signal })
    expect(await openKey(ok, t.priv, o)).toBe('sk-signal')
  })

  // v2/rotate.ts:435 `typeof envelope === 'string' && !envelope.startsWith(V2_PREFIX)` (-> `false`,
  // `true && …`, `… && true`, `||`), :436 `inspectV1(envelope)` removed, :437 the code -> `""`: a v1
  // envelope is UNSUPPORTED_VERSION (rotateRecipient is for v2: it was moved to v2 instead), a
  // malformed `ks1.` string or another string MALFORMED_ENVELOPE (as inspect says), a v2 string
  // is rotated.
  it('rotateRecipient: a v1 envelope is UNSUPPORTED_VERSION, a malformed string MALFORMED_ENVELOPE', async () => {
    const s = await pair()
    const v1env = await v1.sealKey('sk-v1', PW, o)
    await expectCode(rotateRecipient(v1env, { from: PW, to: s.pub, ...o }), 'UNSUPPORTED_VERSION')
    await expectCode(rotateRecipient(v1env, { from: PW, to: PW2, ...o }), 'UNSUPPORTED_VERSION')
    for (const bad of ['ks1.AAAA.BBBB', 'ks1.', 'not an envelope', '']) {
      await expectCode(() => v1.inspect(bad), 'MALFORMED_ENVELOPE')
      await expectCode(rotateRecipient(bad, { from: PW, to: s.pub, ...o }), 'MALFORMED_ENVELOPE')
    }
    await expectCode(rotateRecipient('ks2.broken', { from: PW, to: s.pub, ...o }), 'MALFORMED_ENVELOPE')
  })

  // v2/rotate.ts:392 and :441 `release(r)` removed: the copies of the `from` and `to` passphrases
  // (and of `add`'s) are zero once rotateKey / rotateRecipient has returned.
  it('rotateKey and rotateRecipient leave no copy of a passphrase', async () => {
    const [from, to, extra] = ['a from pass phrase to forget', 'a to pass phrase to forget', 'an added pass phrase to forget']
    const s = await pair()
    const env = await sealKey('sk-copies', [from, s.pub], o)
    const calls: [string, () => Promise<unknown>][] = [
      ['rotateKey replace', () => rotateKey(env, { from, to, add: [extra], ...o })],
      ['rotateKey re-seal', () => rotateKey(env, { from, to: [to, extra], ...o })],
      ['rotateRecipient', () => rotateRecipient(env, { from, to, add: [extra], ...o })],
    ]
    for (const [name, call] of calls) {
      const copies = captureEncodings(from, to, extra)
      await call()
      vi.restoreAllMocks()
      expect(copies.length, name).toBeGreaterThanOrEqual(3)
      for (const c of copies) expect(c.every((x) => x === 0), name).toBe(true)
    }
  })
})

describe('src/v2/rotate.ts: the option names of rotateKey, rotateRecipient, rotateMany, rotateStream', () => {
  // v2/rotate.ts:356 ROTATE_OPTIONS, :445 MANY_OPTIONS, :488 STREAM_OPTIONS: each name -> `""` (and
  // each array -> `[]`): every option each entry point documents is accepted, given all at once.
  it('each documented option is accepted', async () => {
    const [s, t, u] = [await pair(), await pair(), await pair()]
    const env = await sealKey('sk-options', [s.pub], o)
    const signal = new AbortController().signal
    const all = { from: s.priv, to: t.pub, add: [u.pub], context: CTX, policy, signal }
    const r = await rotateKey(env, all)
    expect(inspect(r.envelope).recipients.length).toBe(2)
    expect(await openKey(r.envelope, u.priv, o)).toBe('sk-options')
    expect(await openKey(await rotateRecipient(env, all), u.priv, o)).toBe('sk-options')
    const progress: number[] = []
    const [m] = await rotateMany([env], { ...all, concurrency: 1, onProgress: (p) => progress.push(p.done) })
    expect(m!.status).toBe('ok')
    expect(progress).toEqual([1])
    expect(await openKey(m!.envelope!, u.priv, o)).toBe('sk-options')
    const [st] = await collect(rotateStream([env], { ...all, concurrency: 1 }))
    expect(st!.status).toBe('ok')
    expect(await openKey((st as { envelope: string }).envelope, u.priv, o)).toBe('sk-options')
    // An unknown name is refused by each.
    await expectCode(rotateKey(env, { ...all, concurrency: 1 } as never), 'INVALID_OPTIONS')
    await expectCode(rotateRecipient(env, { ...all, onProgress: () => {} } as never), 'INVALID_OPTIONS')
    await expectCode(rotateMany([env], { ...all, kdf: 'keep' } as never), 'INVALID_OPTIONS')
    await expectCode(() => rotateStream([env], { ...all, onProgress: () => {} } as never), 'INVALID_OPTIONS')
  })
})
