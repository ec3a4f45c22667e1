// The format v2 part of the conformance suite (`@org/keyseal/v2`, docs/format-v2.md), run by every
// runtime of the matrix beside the v1 suite. Plain ESM, no imports but the harness. `v2` is the
// built `@org/keyseal/v2` module the runtime's entry point loaded; the suite fails, never skips,
// when it is missing.
import { assert, equal, fromHex, rejectsWithCode, toHex } from './harness.mjs'

/**
 * Fixed v2 interop material, identical in every runtime: a P-256 key pair made once with
 * generateKeyPair (test material only; never use it for anything else), a passphrase in NFD when
 * sealing and NFC when opening, and a raw key.
 */
export const INTEROP_V2 = Object.freeze({
  publicKey: 'kspk1.BBwoiqImNlTWVxIgA9PGD6mAkmJxx-ma3_AyJVeUlMKTzvEneZ2DB-tRKz5-fU9s-SETAiusRqBCXdqQLr8hUdM',
  privateKey: 'kssk1.UzYf1OWFOPWYJmBynokDwQODsvplPYisG2gpFSRv8_AEHCiKoiY2VNZXEiAD08YPqYCSYnHH6Zrf8DIlV5SUwpPO8Sd5nYMH61ErPn59T2z5IRMCK6xGoEJd2pAuvyFR0w',
  keyId: 'interop-server',
  passphraseSeal: 'cafe\u0301 user passphrase for v2',
  passphraseOpen: 'caf\u00e9 user passphrase for v2',
  rawKeyHex: '0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff0',
  context: 'user:42/openai',
  label: 'openai · sk-…v2',
})
export const V2_INTEROP_IDS = ['v2-passphrase-and-server', 'v2-raw-and-server-trial']
const secretFor = (runtime, id) => `sk-${runtime}-${id}-ключ-🔑`

function testPolicy(ks) {
  return ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
}

const EXPORTS = ['generateKeyPair', 'importPublicKey', 'importKey', 'sealKey', 'openKey', 'openKeyBytes', 'inspect', 'rotateRecipient', 'KeysealPublicKey', 'KeysealPrivateKey', 'createPolicy', 'isKeysealError']

/** Keys of the vector file's `open` / `key` entries. */
async function vectorKey(v2, k) {
  const opts = k.keyId === undefined ? {} : { keyId: k.keyId }
  if (k.type === 'passphrase') return k.value
  if (k.type === 'public') return v2.importPublicKey(k.value, opts)
  return v2.importKey(k.value, opts)
}
const decode = (c) => (c == null ? undefined : c.type === 'hex' ? fromHex(c.value) : c.value)

/** Add the v2 tests to the conformance runner `t`; push this runtime's v2 interop envelopes into `sealed`. */
export function v2Conformance(t, v2, input, sealed) {
  const runtime = input.runtime
  t.test('@org/keyseal/v2 loads and exports its API', () => {
    assert(v2 && typeof v2 === 'object', "the v2 module was not loaded by this runtime's entry point")
    for (const name of EXPORTS) assert(name in v2, `missing v2 export ${name}`)
  })
  if (!v2) return

  const wp = input.wycheproof
  t.test(`v2: Wycheproof ECDH P-256 points (${wp ? wp.length : 0}): exactly the uncompressed on-curve ones are accepted, and can be sealed to`, async () => {
    assert(Array.isArray(wp) && wp.length === 216, 'vectors/wycheproof/ecdh_secp256r1_ecpoint_test.json not in the input')
    let accepted = 0
    for (const c of wp) {
      const point = fromHex(c.public)
      if (c.accept) {
        const pub = await v2.importPublicKey(point)
        const env = await v2.sealKey('s', [pub])
        assert(env.startsWith('ks2.'), `tcId ${c.tcId}: sealing to an accepted point`)
        accepted++
      } else {
        await rejectsWithCode(v2, () => v2.importPublicKey(point), 'INVALID_KEY', `tcId ${c.tcId}`)
      }
    }
    equal(accepted, 191, 'accepted points')
  })

  t.test('v2: the private key check (§10) refuses the same strings here: the public half is d·G exactly, 0 < d < n', async () => {
    const b64d = (x) => Uint8Array.from(atob(x.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (x.length % 4)) % 4)), (c) => c.charCodeAt(0))
    const b64e = (b) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
    const big = (b) => BigInt('0x' + toHex(b))
    const be32 = (x) => fromHex(x.toString(16).padStart(64, '0'))
    const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n
    const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551')
    const k = b64d(INTEROP_V2.privateKey.slice(6))
    const d = k.subarray(0, 32)
    const pt = k.subarray(32)
    const s = (dd, ptt) => 'kssk1.' + b64e(new Uint8Array([...dd, ...ptt]))
    await v2.importKey(s(d, pt)) // the string as generated
    const negY = new Uint8Array([...pt.subarray(0, 33), ...be32(P - big(pt.subarray(33)))])
    await rejectsWithCode(v2, () => v2.importKey(s(d, negY)), 'INVALID_KEY', '(X, p - Y): d·G has that X, not that Y')
    await rejectsWithCode(v2, () => v2.importKey(s(new Uint8Array(32), pt)), 'INVALID_KEY', 'd = 0')
    await rejectsWithCode(v2, () => v2.importKey(s(be32(N), pt)), 'INVALID_KEY', 'd = n')
    await rejectsWithCode(v2, () => v2.importKey(s(be32(big(d) === 1n ? 2n : 1n), pt)), 'INVALID_KEY', 'another d')
  })

  const vec = input.v2Vectors
  if (vec) {
    const policies = Object.fromEntries(Object.entries(vec.policies).map(([k, v]) => [k, v2.createPolicy(v)]))
    for (const v of vec.positive) {
      t.test(`v2 envelope vector ${v.id}: opens with every listed key`, async () => {
        const secret = v.secret.type === 'hex' ? fromHex(v.secret.value) : new TextEncoder().encode(v.secret.value)
        const ctx = decode(v.context)
        for (const k of v.open) {
          const got = await v2.openKeyBytes(v.envelope, await vectorKey(v2, k), { ...(ctx === undefined ? {} : { context: ctx }), policy: policies.test })
          equal(toHex(got), toHex(secret), `${v.id} with ${k.type}`)
        }
        equal(v2.inspect(v.envelope).label, v.label ?? undefined, `${v.id} label`)
      })
    }
    t.test(`v2 negative vectors (${vec.negative.length}): each refused with its exact code`, async () => {
      for (const n of vec.negative) {
        const ctx = decode(n.context)
        await rejectsWithCode(v2, async () => v2.openKeyBytes(n.envelope, await vectorKey(v2, n.key), { ...(ctx === undefined ? {} : { context: ctx }), policy: policies[n.policy] }), n.code, n.id)
      }
    })
  } else {
    t.test('v2 envelope vectors', () => assert(false, 'vectors/envelopes-v2.json not in the input'))
  }

  t.test('v2 round trip: key pair, passphrase + public key, label, each opens alone, context bound, rotation', async () => {
    const policy = testPolicy(v2)
    const pair = await v2.generateKeyPair()
    assert(/^kspk1\.[A-Za-z0-9_-]{87}$/.test(pair.publicKey) && /^kssk1\.[A-Za-z0-9_-]{130}$/.test(pair.privateKey), 'key pair strings')
    const pub = await v2.importPublicKey(pair.publicKey, { keyId: 's1' })
    const priv = await v2.importKey(pair.privateKey, { keyId: 's1' })
    const opts = { context: 'c:1', policy }
    const env = await v2.sealKey('sk-round', ['pass phrase one', pub], { ...opts, label: 'lbl' })
    equal(await v2.openKey(env, priv, opts), 'sk-round', 'private key opens')
    equal(await v2.openKey(env, 'pass phrase one', opts), 'sk-round', 'passphrase opens')
    equal(v2.inspect(env).label, 'lbl', 'label')
    equal(v2.inspect(env).recipients.map((r) => r.kind).join(','), 'passphrase,p256', 'recipients')
    await rejectsWithCode(v2, () => v2.openKey(env, priv, { ...opts, context: 'c:2' }), 'AUTH_FAILED', 'wrong context')
    await rejectsWithCode(v2, () => v2.openKey(env, pub, opts), 'KEY_USAGE', 'a public key cannot open')
    const next = await v2.generateKeyPair()
    const rotated = await v2.rotateRecipient(env, { from: priv, to: await v2.importPublicKey(next.publicKey), context: 'c:1', policy })
    equal(await v2.openKey(rotated, await v2.importKey(next.privateKey), opts), 'sk-round', 'rotated: new private key opens')
    equal(await v2.openKey(rotated, 'pass phrase one', opts), 'sk-round', 'rotated: passphrase still opens')
    // One symmetric key without a label is still v1.
    assert((await v2.sealKey('x', 'pass phrase one', opts)).startsWith('ks1.'), 'single passphrase seals v1')
  })

  t.test('v2 rotateStream: a ks1. and a ks2. row in one stream, passphrase to passphrase, the server stanza kept', async () => {
    const policy = testPolicy(v2)
    const pair = await v2.generateKeyPair()
    const pub = await v2.importPublicKey(pair.publicKey)
    const rows = [
      { id: 'v1', context: 'row:v1', envelope: await v2.sealKey('sk-stream-v1', 'stream pass old', { context: 'row:v1', policy }) },
      { id: 'v2', context: 'row:v2', envelope: await v2.sealKey('sk-stream-v2', ['stream pass old', pub], { context: 'row:v2', policy }) },
    ]
    const got = new Map()
    for await (const r of v2.rotateStream(rows, { from: 'stream pass old', to: 'stream pass new', policy, concurrency: 2 })) got.set(r.id, r)
    for (const row of rows) {
      const r = got.get(row.id)
      equal(r && r.status, 'ok', `${row.id} row rotated`)
      equal(r.previous, row.envelope, `${row.id} row: previous`)
      equal(v2.inspect(r.envelope).version, v2.inspect(row.envelope).version, `${row.id} row keeps its version`)
      equal(await v2.openKey(r.envelope, 'stream pass new', { context: row.context, policy }), `sk-stream-${row.id}`, `${row.id} row opens with the new passphrase`)
    }
    equal(await v2.openKey(got.get('v2').envelope, await v2.importKey(pair.privateKey), { context: 'row:v2', policy }), 'sk-stream-v2', 'v2 row still opens with the private key')
  })

  t.test('v2: seal interop envelopes (passphrase + public key; raw key + public key without key id)', async () => {
    const policy = testPolicy(v2)
    const server = await v2.importPublicKey(INTEROP_V2.publicKey, { keyId: INTEROP_V2.keyId })
    const a = await v2.sealKey(secretFor(runtime, V2_INTEROP_IDS[0]), [INTEROP_V2.passphraseSeal, server], { context: INTEROP_V2.context, label: INTEROP_V2.label, policy })
    const raw = await v2.importKey(fromHex(INTEROP_V2.rawKeyHex))
    const b = await v2.sealKey(secretFor(runtime, V2_INTEROP_IDS[1]), [raw, await v2.importPublicKey(INTEROP_V2.publicKey)], { context: INTEROP_V2.context, policy })
    sealed.push({ from: runtime, id: V2_INTEROP_IDS[0], kind: 'v2', envelope: a }, { from: runtime, id: V2_INTEROP_IDS[1], kind: 'v2', envelope: b })
  })
}

/** Phase 2: open every runtime's v2 interop envelopes with each of their recipients. */
export async function v2OpenItems(v2, from, items) {
  assert(v2, "the v2 module was not loaded by this runtime's entry point")
  const ids = items.map((i) => i.id)
  const missing = V2_INTEROP_IDS.filter((id) => !ids.includes(id))
  assert(missing.length === 0, `${from} sealed no ${missing.join(', ')}`)
  const policy = testPolicy(v2)
  const opts = { context: INTEROP_V2.context, policy }
  const priv = await v2.importKey(INTEROP_V2.privateKey, { keyId: INTEROP_V2.keyId })
  const privNoId = await v2.importKey(INTEROP_V2.privateKey)
  for (const item of items) {
    const expected = secretFor(from, item.id)
    if (item.id === V2_INTEROP_IDS[0]) {
      equal(v2.inspect(item.envelope).label, INTEROP_V2.label, `${from}/${item.id} label`)
      equal(await v2.openKey(item.envelope, priv, opts), expected, `${from}/${item.id} with the private key`)
      equal(await v2.openKey(item.envelope, INTEROP_V2.passphraseOpen, opts), expected, `${from}/${item.id} with the passphrase (NFC)`)
    } else {
      equal(await v2.openKey(item.envelope, privNoId, opts), expected, `${from}/${item.id} with the private key (trial)`)
      equal(await v2.openKey(item.envelope, await v2.importKey(fromHex(INTEROP_V2.rawKeyHex)), opts), expected, `${from}/${item.id} with the raw key`)
    }
    await rejectsWithCode(v2, () => v2.openKey(item.envelope, privNoId, { ...opts, context: 'another-context' }), 'AUTH_FAILED', `${from}/${item.id} wrong context`)
  }
}
