// P-256 key pairs for format v2 (docs/format-v2.md §10). Public keys seal; private keys open (and
// seal to their own public half). The private scalar lives only in a non-extractable CryptoKey
// inside a module-private WeakMap; the objects users hold carry no secret and redact themselves.
import { bytesOf, fromBase64url, toBase64url, wipe } from '../bytes.js'
import { fail } from '../errors.js'
import { redactAndFreeze } from '../inspect.js'
import { checkOptions, optionalKeyId } from '../inputs.js'
import { guard, platform, subtle } from '../webcrypto.js'
import { PRIVATE_KEY_PREFIX, PUBLIC_KEY_PREFIX } from './constants.js'
import { dh, ECDH, importPoint } from './hpke.js'
import { G_HEX, isValidPoint, N, P as P_, POINT_LEN, sumX, toBig } from './p256.js'

/** @internal What a public or private key object holds. */
export interface PointState {
  /** The uncompressed public point (checked, §10). */
  readonly point: Uint8Array<ArrayBuffer>
  /** The private key (private key objects only). */
  readonly sk?: CryptoKey
}

const states = new WeakMap<object, PointState>()
const TOKEN: unique symbol = Symbol('keyseal.v2.key')

/**
 * @internal Each public key object's point as importPublicKey imported it: an ECDH public CryptoKey
 * (non-extractable, and public data only), keyed by the point array of that object's own state,
 * which no caller ever sees or changes, so each seal to the key skips one importKey.
 */
const imported = new WeakMap<Uint8Array, CryptoKey>()
/** @internal The CryptoKey importPublicKey made of this state's point, or undefined. */
export const importedPoint = (point: Uint8Array): CryptoKey | undefined => imported.get(point)

/** @internal The hidden state of a public or private key object, or undefined. */
export function pointState(k: unknown): PointState | undefined {
  return typeof k === 'object' && k !== null ? states.get(k) : undefined
}

/**
 * A P-256 public key from {@link importPublicKey}: it seals (as a recipient of `sealKey`) and
 * cannot open. Safe to embed in a web page. Printing or serializing it shows its kind and key id.
 *
 * @example
 * ```ts
 * import { generateKeyPair, importPublicKey } from '@org/keyseal/v2'
 * const { publicKey } = await generateKeyPair()
 * const server = await importPublicKey(publicKey, { keyId: 'server-2026' })
 * console.log(String(server)) // KeysealPublicKey(p256, server-2026)
 * ```
 */
export class KeysealPublicKey {
  /** Always `p256`. */
  declare readonly kind: 'p256'
  /** The key id written into the stanzas this key seals, if any. */
  declare readonly keyId: string | undefined

  /** @internal Key objects come only from {@link importPublicKey} and {@link importKey}. */
  constructor(token: symbol, keyId: string | undefined, state: unknown) {
    if (token !== TOKEN) fail('INVALID_OPTIONS')
    this.kind = 'p256'
    this.keyId = keyId
    states.set(this, state as PointState)
    redactAndFreeze(this)
  }

  /** A description: kind and key id. */
  toJSON(): { type: 'KeysealPublicKey'; kind: 'p256'; keyId?: string } {
    return { type: 'KeysealPublicKey', kind: 'p256', ...(this.keyId !== undefined && { keyId: this.keyId }) }
  }

  /** A description: kind and key id. */
  toString(): string {
    return `KeysealPublicKey(p256${this.keyId === undefined ? '' : `, ${this.keyId}`})`
  }
}

/**
 * A P-256 private key from {@link importKey} (a `kssk1.` string): it opens the stanzas sealed to its
 * public key, and as a `sealKey` recipient seals to its own public half. It never leaves the server;
 * printing or serializing it never shows key material.
 *
 * @example
 * ```ts
 * import { generateKeyPair, importKey } from '@org/keyseal/v2'
 * const { privateKey } = await generateKeyPair()
 * const server = await importKey(privateKey, { keyId: 'server-2026' })
 * console.log(JSON.stringify(server)) // {"type":"KeysealPrivateKey","kind":"p256","keyId":"server-2026"}
 * ```
 */
export class KeysealPrivateKey {
  /** Always `p256`. */
  declare readonly kind: 'p256'
  /** The key id: this key opens stanzas with this id or without one. */
  declare readonly keyId: string | undefined

  /** @internal Key objects come only from {@link importKey}. */
  constructor(token: symbol, keyId: string | undefined, state: unknown) {
    if (token !== TOKEN) fail('INVALID_OPTIONS')
    this.kind = 'p256'
    this.keyId = keyId
    states.set(this, state as PointState)
    redactAndFreeze(this)
  }

  /** A redacted description: never key material. */
  toJSON(): { type: 'KeysealPrivateKey'; kind: 'p256'; keyId?: string } {
    return { type: 'KeysealPrivateKey', kind: 'p256', ...(this.keyId !== undefined && { keyId: this.keyId }) }
  }

  /** A redacted description: never key material. */
  toString(): string {
    return `KeysealPrivateKey(p256${this.keyId === undefined ? '' : `, ${this.keyId}`})`
  }
}

/** @internal True for a private key object. */
export function isPrivateKey(k: unknown): k is KeysealPrivateKey {
  return pointState(k)?.sk !== undefined
}

/** A new key pair, as storable strings. */
export interface KeyPairStrings {
  /** `kspk1.` + 87 base64url characters: give it to the browser. */
  readonly publicKey: string
  /** `kssk1.` + 130 base64url characters: keep it on the server, in a secrets manager. */
  readonly privateKey: string
}

const hexBytes = (h: string): Uint8Array<ArrayBuffer> => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)))
/** @internal DER of a P-256 PrivateKeyInfo (RFC 5208) holding an ECPrivateKey (RFC 5915) without its optional parameters and public key, up to the 32 bytes of d. */
const G = /* @__PURE__ */ hexBytes(G_HEX)
const PKCS8_PREFIX = /* @__PURE__ */ hexBytes('3041020100301306072a8648ce3d020106082a8648ce3d030107042730250201010420')

/**
 * Make a new P-256 key pair for public-key sealing (docs/format-v2.md §10), as strings: the public
 * key (`kspk1.…`) is safe to publish; the private key (`kssk1.…`) opens. Load them with
 * {@link importPublicKey} and {@link importKey}.
 *
 * @throws {KeysealError} `WEBCRYPTO_UNAVAILABLE`, `CRYPTO_FAILURE`.
 * @example
 * ```ts
 * import { generateKeyPair } from '@org/keyseal/v2'
 * const { publicKey, privateKey } = await generateKeyPair()
 * console.log(publicKey.startsWith('kspk1.'), publicKey.length) // true 93
 * console.log(privateKey.startsWith('kssk1.'), privateKey.length) // true 136
 * ```
 */
export async function generateKeyPair(): Promise<KeyPairStrings> {
  platform()
  // Extractable once, to write the private key string; the CryptoKeys are then dropped.
  const pair = (await guard(() => subtle().generateKey(ECDH, true, ['deriveBits']))) as CryptoKeyPair
  const point = new Uint8Array(await guard(() => subtle().exportKey('raw', pair.publicKey)))
  const jwk = await guard(() => subtle().exportKey('jwk', pair.privateKey))
  const d = fromBase64url(jwk.d ?? fail('CRYPTO_FAILURE'), 'CRYPTO_FAILURE')
  if (d.length !== 32 || !isValidPoint(point)) fail('CRYPTO_FAILURE')
  const both = new Uint8Array(32 + POINT_LEN)
  both.set(d)
  both.set(point, 32)
  const privateKey = PRIVATE_KEY_PREFIX + toBase64url(both)
  wipe(d)
  wipe(both)
  jwk.d = ''
  return { publicKey: PUBLIC_KEY_PREFIX + toBase64url(point), privateKey }
}

/** @internal A checked point from a `kspk1.` string or 65 bytes, or INVALID_KEY. */
function pointFrom(material: unknown): Uint8Array<ArrayBuffer> {
  let point: Uint8Array<ArrayBuffer>
  if (typeof material === 'string') {
    if (material.length !== PUBLIC_KEY_PREFIX.length + 87 || !material.startsWith(PUBLIC_KEY_PREFIX)) fail('INVALID_KEY')
    point = fromBase64url(material.slice(PUBLIC_KEY_PREFIX.length), 'INVALID_KEY')
  } else {
    // Bytes: exactly the 65-byte uncompressed point (a copy; brand-checked like every byte input).
    point = bytesOf(material, POINT_LEN) ?? fail('INVALID_KEY')
  }
  if (!isValidPoint(point)) fail('INVALID_KEY')
  return point
}

/** Options for {@link importPublicKey} and the private-key form of {@link importKey}. */
export interface ImportPublicKeyOptions {
  /** Key id written into the stanzas this key seals (1–64 printable ASCII characters). */
  keyId?: string
}

/**
 * Load a P-256 public key: the `kspk1.` string from {@link generateKeyPair}, or the 65-byte
 * uncompressed point `0x04 || X || Y`. The point is checked by keyseal itself, identically in every
 * runtime (docs/format-v2.md §10): off-curve points, coordinates not below p, compressed and
 * hybrid encodings, the identity and any other length are refused with `INVALID_KEY`.
 *
 * @throws {KeysealError} `INVALID_KEY`, `INVALID_OPTIONS`, `WEBCRYPTO_UNAVAILABLE`.
 * @example
 * ```ts
 * import { generateKeyPair, importPublicKey, isKeysealError } from '@org/keyseal/v2'
 * const { publicKey } = await generateKeyPair()
 * console.log(String(await importPublicKey(publicKey))) // KeysealPublicKey(p256)
 * try {
 *   await importPublicKey('kspk1.not-a-point')
 * } catch (error) {
 *   if (isKeysealError(error)) console.log(error.code) // INVALID_KEY
 * }
 * ```
 */
export async function importPublicKey(material: string | Uint8Array, options?: ImportPublicKeyOptions): Promise<KeysealPublicKey> {
  const o = checkOptions<ImportPublicKeyOptions>(options, ['keyId'])
  const keyId = optionalKeyId(o.keyId)
  const point = pointFrom(material)
  platform()
  // The platform must take every point keyseal accepts; if one does not, the key is unusable here.
  imported.set(point, await importPoint(point).catch(() => fail('INVALID_KEY')))
  return new KeysealPublicKey(TOKEN, keyId, { point } satisfies PointState)
}

/** @internal True when the big-endian 32-byte scalar is in [1, n - 1] (import-time range check, §10). */
function scalarInRange(d: Uint8Array): boolean {
  const x = toBig(d)
  return x > 0n && x < N
}

/**
 * @internal Load a `kssk1.` private key string (§10): d || point. The public half passes the point
 * check, d is in [1, n - 1], and ECDH(d, G) has the point's X-coordinate (computed by WebCrypto,
 * so d is never used outside it after import).
 */
export async function importPrivateKey(material: string, options?: ImportPublicKeyOptions): Promise<KeysealPrivateKey> {
  const o = checkOptions<ImportPublicKeyOptions>(options, ['keyId'])
  const keyId = optionalKeyId(o.keyId)
  if (material.length !== PRIVATE_KEY_PREFIX.length + 130) fail('INVALID_KEY')
  const both = fromBase64url(material.slice(PRIVATE_KEY_PREFIX.length), 'INVALID_KEY')
  const d = both.subarray(0, 32)
  const point = both.slice(32)
  try {
    if (!isValidPoint(point) || !scalarInRange(d)) fail('INVALID_KEY')
    platform()
    const jwk: JsonWebKey = { kty: 'EC', crv: 'P-256', d: toBase64url(d), x: toBase64url(point.subarray(1, 33)), y: toBase64url(point.subarray(33)), ext: false }
    const sk = await subtle().importKey('jwk', jwk, ECDH, false, ['deriveBits']).catch(() => fail('INVALID_KEY'))
    jwk.d = ''
    // The public half must be d·G, both coordinates (§10: HPKE's kem_context holds pkRm). ECDH gives
    // only X, and platforms differ in whether a JWK import checks x and y against d (Deno, Firefox
    // and WebKit do not), so keyseal decides: with t = 1 (t = -1 for d = n - 1, so that d + t != 0),
    // X(d·G) from the JWK key, and X((d + t)·G) from a PKCS #8 key of d + t, which the platform
    // imports from the scalar alone (RFC 5915, no public key); the stored point P then passes when
    // X(P) = X(d·G) and X(P + t·G) = X((d + t)·G). (X, p - Y) fails the second: X(-Q + G) = X(Q + G)
    // only when Q or G is the identity. d enters integer arithmetic only for its range and d + t.
    const gx = toBig(G.subarray(1, 33))
    const gy = toBig(G.subarray(33))
    const px = toBig(point.subarray(1, 33))
    const py = toBig(point.subarray(33))
    const dn = toBig(d)
    const t = dn === N - 1n ? -1n : 1n
    const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32)
    pkcs8.set(PKCS8_PREFIX)
    let e = (dn + t) % N
    for (let i = 31; i >= 0; i--, e >>= 8n) pkcs8[PKCS8_PREFIX.length + i] = Number(e & 255n)
    try {
      const gk = await importPoint(G)
      const probe = await subtle().importKey('pkcs8', pkcs8, ECDH, false, ['deriveBits']).catch(() => fail('INVALID_KEY'))
      const x1 = toBig(await dh(sk, gk))
      const x2 = toBig(await dh(probe, gk))
      if (x1 !== px || sumX(px, py, gx, t > 0n ? gy : P_ - gy) !== x2) fail('INVALID_KEY')
    } finally {
      wipe(pkcs8)
    }
    return new KeysealPrivateKey(TOKEN, keyId, { point, sk } satisfies PointState)
  } finally {
    wipe(both)
  }
}

/** @internal The public half of a private key, as a public key object with the same key id. */
export function publicHalf(k: KeysealPrivateKey): KeysealPublicKey {
  return new KeysealPublicKey(TOKEN, k.keyId, { point: pointState(k)!.point })
}
