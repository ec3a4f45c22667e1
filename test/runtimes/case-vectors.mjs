// The case vectors (vectors/README.md "case vectors") in every runtime of the matrix, against the
// BUILT package that runtime loaded, through the same case reader the Node tests use
// (test/spec/cases.mjs): the v1 files (vectors/v1-*.json: open rules, Unicode, seal-side, JSON and
// binary forms, keys and keyrings, policies; docs/format.md §22, as test/spec-vectors.test.ts) against
// `@org/keyseal`, and the v2 files (vectors/v2-*.json: seal-side, one negative per rule, precedence,
// keyring, recipients, points; docs/format-v2.md §16, §17, as test/v2-spec-vectors.test.ts) against
// `@org/keyseal/v2`. Every case must give exactly its expected result (the envelope, the secret, the
// form, the inspect answer, or the error code): one differing case fails its file's test, so the
// runtime, so the matrix. Plain ESM, no imports but the reader and the harness: the same file runs
// in Node, Deno, Bun, workerd, edge-runtime and the browsers.
//
// Randomness is injected as the Node tests do it (docs/format.md §22, format-v2.md §17.3): while a
// seal, derive or rotate case runs, crypto.getRandomValues hands out the case's bytes in order, and
// subtle.generateKey('ECDH') returns the key pair of the case's next ephemeral scalar. The Node test
// builds that pair with node:crypto; here the public point d·G is computed below (P-256, SEC 1
// §2.2.1 / FIPS 186-5 D.1.2.3 parameters) and the pair imported as a JWK, so no runtime API beyond
// WebCrypto is needed. A wrong point cannot make a case pass: the envelope would carry a different
// `enc` and differ.
import { createRunner } from '../conformance/harness.mjs'
import { runCase } from '../spec/cases.mjs'

// NIST P-256 (FIPS 186-5 / SEC 2 §2.4.2): field prime, base point G. The curve's a is -3.
const P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n
const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n
const mod = (a) => ((a % P) + P) % P
function powMod(b, e) {
  let r = 1n
  b = mod(b)
  while (e > 0n) {
    if (e & 1n) r = (r * b) % P
    b = (b * b) % P
    e >>= 1n
  }
  return r
}

/** d·G in affine coordinates, by left-to-right double-and-add in Jacobian coordinates (a = -3). Test data only: not constant-time. */
export function p256BaseMul(d) {
  let X = 0n
  let Y = 1n
  let Z = 0n // the point at infinity
  for (let i = 255; i >= 0; i--) {
    if (Z !== 0n) {
      // Doubling, a = -3 ("dbl-2001-b", Bernstein-Lange Explicit-Formulas Database).
      const delta = mod(Z * Z)
      const gamma = mod(Y * Y)
      const beta = mod(X * gamma)
      const alpha = mod(3n * (X - delta) * (X + delta))
      const X3 = mod(alpha * alpha - 8n * beta)
      const Z3 = mod((Y + Z) * (Y + Z) - gamma - delta)
      Y = mod(alpha * (4n * beta - X3) - 8n * gamma * gamma)
      X = X3
      Z = Z3
    }
    if ((d >> BigInt(i)) & 1n) {
      if (Z === 0n) {
        X = GX
        Y = GY
        Z = 1n
        continue
      }
      // Mixed addition with the affine G ("madd-2004-hmv").
      const z1z1 = mod(Z * Z)
      const h = mod(GX * z1z1 - X)
      const r = mod(GY * Z * z1z1 - Y)
      if (h === 0n) throw new Error('p256BaseMul: doubling case in the addition (d is not a valid scalar)')
      const hh = mod(h * h)
      const hhh = mod(h * hh)
      const v = mod(X * hh)
      const X3 = mod(r * r - hhh - 2n * v)
      Y = mod(r * (v - X3) - Y * hhh)
      X = X3
      Z = mod(Z * h)
    }
  }
  if (Z === 0n) throw new Error('p256BaseMul: d·G is the point at infinity')
  const zi = powMod(Z, P - 2n)
  const zi2 = mod(zi * zi)
  return { x: mod(X * zi2), y: mod(Y * zi2 * zi) }
}

const be32 = (n) => {
  const out = new Uint8Array(32)
  for (let i = 31; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn)
  return out
}
const b64u = (b) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const big = (b) => b.reduce((a, x) => (a << 8n) | BigInt(x), 0n)

/** Replace `obj[name]` with `value` for the duration of `f`; the previous own property (or none) comes back after. */
async function swapped(obj, name, value, f) {
  const had = Object.getOwnPropertyDescriptor(obj, name)
  Object.defineProperty(obj, name, { value, configurable: true, writable: true, enumerable: had?.enumerable ?? false })
  try {
    return await f()
  } finally {
    if (had) Object.defineProperty(obj, name, had)
    else delete obj[name]
  }
}

/** Feed crypto.getRandomValues from `random` and ECDH key generation from `ephemeral` while `f` runs. */
async function withRandom(random, ephemeral, f) {
  if (random === undefined && ephemeral === undefined) return f()
  const c = globalThis.crypto
  const subtle = c.subtle
  const generateKey = subtle.generateKey.bind(subtle)
  let o = 0
  let e = 0
  const getRandomValues = (a) => {
    const view = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
    if (random === undefined || o + view.length > random.length) throw new Error('the case supplies too few random bytes')
    view.set(random.subarray(o, (o += view.length)))
    return a
  }
  const fakeGenerateKey = async (alg, extractable, usages) => {
    if (alg?.name !== 'ECDH') return generateKey(alg, extractable, usages)
    const d = ephemeral?.[e++]
    if (d === undefined) throw new Error('the case supplies too few ephemeral keys')
    const { x, y } = p256BaseMul(big(d))
    const jwk = { kty: 'EC', crv: 'P-256', d: b64u(d), x: b64u(be32(x)), y: b64u(be32(y)) }
    return {
      privateKey: await subtle.importKey('jwk', jwk, alg, extractable, usages),
      publicKey: await subtle.importKey('raw', new Uint8Array([4, ...be32(x), ...be32(y)]), alg, true, []),
    }
  }
  return swapped(c, 'getRandomValues', getRandomValues, () => swapped(subtle, 'generateKey', fakeGenerateKey, f))
}

/** Vectors name Argon2id settings without the implementation ("Argon2id enabled"): the built `@org/keyseal/argon2id` is it, as in the Node tests. */
const withArgon2id = (a2, s) => {
  const a = s && typeof s === 'object' && s.argon2id && typeof s.argon2id === 'object' ? { ...s.argon2id, implementation: a2.argon2id } : undefined
  return a ? { ...s, argon2id: a } : s
}

/** The case adapter (test/spec/runner.mjs's contract) over a built module: `@org/keyseal` (v1) or `@org/keyseal/v2`. */
function adapter(m, a2, version) {
  const notV2 = () => Promise.reject(new Error('not in v2'))
  return {
    name: `built ${version}`,
    createPolicy: (s) => m.createPolicy(withArgon2id(a2, s)),
    importKey: (k, o) => m.importKey(k, o),
    ...(version === 'v2' ? { importPublicKey: (k, o) => m.importPublicKey(k, o), rotate: (e, o, random, eph) => withRandom(random, eph, () => m.rotateRecipient(e, o)) } : {}),
    deriveKey: (p, o, random) => withRandom(random, undefined, () => m.deriveKey(p, o)),
    createKeyring: (e) => m.createKeyring(e),
    seal: (s, k, o, random, eph) => withRandom(random, eph, () => m.sealKey(s, k, o)),
    openBytes: (e, k, o) => m.openKeyBytes(e, k, o),
    openString: (e, k, o) => m.openKey(e, k, o),
    inspect: (e) => m.inspect(e),
    toJSON: version === 'v2' ? notV2 : (e) => m.envelopeToJSON(e),
    fromJSON: version === 'v2' ? notV2 : (j) => m.envelopeFromJSON(j),
    toBytes: version === 'v2' ? notV2 : (e) => m.envelopeToBytes(e),
    fromBytes: version === 'v2' ? notV2 : (b) => m.envelopeFromBytes(b),
  }
}

const show = (v) => {
  // An opened secret is shown by size only (as the harness does): a case that should have been
  // refused must not print what it opened to.
  if (v && typeof v === 'object' && (typeof v.secretHex === 'string' || typeof v.text === 'string')) v = { opened: `${v.secretHex !== undefined ? v.secretHex.length / 2 : v.text.length} ${v.secretHex !== undefined ? 'bytes' : 'characters'}` }
  const s = JSON.stringify(v)
  return s.length > 160 ? `${s.slice(0, 157)}...` : s
}

/** One test per vector file of `sets` ([{ file, doc }]) against module `m`; a missing list is a failing test. */
function addCaseTests(t, m, a2, sets, version) {
  const files = version === 'v1' ? 'vectors/v1-*.json (the v1 case vectors)' : 'vectors/v2-*.json (the v2 case vectors)'
  if (!Array.isArray(sets) || sets.length === 0) {
    t.test(`${version} case vectors`, () => {
      throw new Error(`${files} not in the input`)
    })
    return
  }
  for (const s of sets) {
    t.test(`${version} case vectors ${s.file} (${s.doc.cases.length} cases): every result exactly as expected`, async () => {
      if (!m || !a2) throw new Error(`the ${version === 'v1' ? '@org/keyseal' : '@org/keyseal/v2'} or argon2id module was not loaded by this runtime's entry point`)
      const impl = adapter(m, a2, version)
      const bad = []
      for (const c of s.doc.cases) {
        const r = await runCase(impl, s.doc, c)
        if (!r.pass) bad.push(`${c.id} (${c.rule}): expected ${c.expect.code !== undefined ? show(c.expect) : 'its recorded result'}, got ${show(r.got)}`)
      }
      if (bad.length) throw new Error(`${bad.length} of ${s.doc.cases.length} cases differ:\n${bad.slice(0, 12).join('\n')}${bad.length > 12 ? `\n... and ${bad.length - 12} more` : ''}`)
    })
  }
}

/**
 * The case-vector tests for one runtime: one test per file of `input.v1CaseVectors` (against `ks`)
 * and of `input.v2CaseVectors` (against `v2`), the files the driver read and checked against
 * vectors/v1-cases.sha256.json and v2-cases.sha256.json. Resolves to a harness report.
 */
export async function caseVectorReport(ks, v2, a2, input) {
  const t = createRunner()
  addCaseTests(t, ks, a2, input.v1CaseVectors, 'v1')
  addCaseTests(t, v2, a2, input.v2CaseVectors, 'v2')
  return t.run()
}
