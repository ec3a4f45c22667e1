// The case-vector adapter (test/spec/runner.mjs's contract) for keyseal itself: `@org/keyseal` or
// `@org/keyseal/v2`, as src/ (test/spec/vector-suite.ts, under vitest) or as the built package in
// every runtime of the matrix (test/runtimes/case-vectors.mjs). Plain ESM with nothing but the
// language and WebCrypto, so one copy serves both.
//
// Randomness is injected as docs/format.md §22 and format-v2.md §17.3 describe: while a seal,
// derive or rotate case runs, crypto.getRandomValues hands out the case's bytes in order, and
// subtle.generateKey('ECDH') returns the key pair of the case's next ephemeral scalar. The public
// point d·G is computed below (P-256, SEC 1 §2.2.1 / FIPS 186-5 D.1.2.3 parameters) and the pair
// imported as a JWK, so no runtime API beyond WebCrypto is needed. A wrong point cannot make a
// case pass: the envelope would carry a different `enc` and differ.

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

/**
 * Feed crypto.getRandomValues from `random` (in order: v1 salt then nonce; v2 §17.3's file key,
 * envelope salt, each symmetric stanza's salt and nonce) and ECDH key generation from `ephemeral`
 * (HPKE ephemeral scalars, v2) while `f` runs. Running out of either is a crash, not a code.
 */
export async function withRandom(random, ephemeral, f) {
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

/**
 * The members both versions share, over module `m` (`createPolicy`, `importKey`, `deriveKey`,
 * `createKeyring`, `sealKey`, `openKeyBytes`, `openKey`, `inspect` by their names there).
 * `argon2id` is the implementation a policy gets when a vector names Argon2id settings without
 * one (v1 §17.2: "Argon2id enabled").
 */
export function baseAdapter(m, argon2id, name = 'library') {
  return {
    name,
    createPolicy: (s) => {
      const a = s && typeof s === 'object' && s.argon2id && typeof s.argon2id === 'object' ? { ...s.argon2id, implementation: argon2id } : undefined
      return m.createPolicy(a ? { ...s, argon2id: a } : s)
    },
    importKey: (k, o) => m.importKey(k, o),
    deriveKey: (p, o, random) => withRandom(random, undefined, () => m.deriveKey(p, o)),
    createKeyring: (e) => m.createKeyring(e),
    seal: (s, k, o, random, eph) => withRandom(random, eph, () => m.sealKey(s, k, o)),
    openBytes: (e, k, o) => m.openKeyBytes(e, k, o),
    openString: (e, k, o) => m.openKey(e, k, o),
    inspect: (e) => m.inspect(e),
  }
}

/** The full adapter for `@org/keyseal` (version 'v1': with its JSON and binary forms) or `@org/keyseal/v2` ('v2': public keys and rotateRecipient; no forms). */
export function libraryAdapter(m, argon2id, version, name) {
  if (version === 'v1') {
    return { ...baseAdapter(m, argon2id, name), toJSON: (e) => m.envelopeToJSON(e), fromJSON: (j) => m.envelopeFromJSON(j), toBytes: (e) => m.envelopeToBytes(e), fromBytes: (b) => m.envelopeFromBytes(b) }
  }
  const notV2 = () => Promise.reject(new Error('not in v2'))
  return {
    ...baseAdapter(m, argon2id, name),
    importPublicKey: (k, o) => m.importPublicKey(k, o),
    rotate: (e, o, random, eph) => withRandom(random, eph, () => m.rotateRecipient(e, o)),
    toJSON: notV2,
    fromJSON: notV2,
    toBytes: notV2,
    fromBytes: notV2,
  }
}
