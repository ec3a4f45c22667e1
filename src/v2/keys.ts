// P-256 key pairs for format v2 (docs/format-v2.md §10). Public keys seal; private keys open (and
// seal to their own public half). The private scalar lives only in a non-extractable CryptoKey
// inside a module-private WeakMap; the objects users hold carry no secret and redact themselves.
import { bytesOf, fromBase64url, toBase64url, wipe } from '../bytes.js'
import { fail } from '../errors.js'
import { redactAndFreeze } from '../inspect.js'
import { checkOptions, optionalKeyId } from '../inputs.js'
import { guard, platform, subtle } from '../webcrypto.js'
import { PRIVATE_KEY_PREFIX, PUBLIC_KEY_PREFIX } from './constants.js'
import { dh, importPoint } from './hpke.js'
import { G_HEX, isValidPoint, N, POINT_LEN, toBig } from './p256.js'

/** @internal What a public or private key object holds. */
export interface PointState {
  /** The uncompressed public point (checked, §10). */
  readonly point: Uint8Array<ArrayBuffer>
  /** The private key (private key objects only). */
  readonly sk?: CryptoKey
}

const states = new WeakMap<object, PointState>()
const TOKEN: unique symbol = Symbol('keyseal.v2.key')

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

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const
const hexBytes = (h: string): Uint8Array<ArrayBuffer> => new Uint8Array(h.match(/../g)!.map((x) => parseInt(x, 16)))

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
  await importPoint(point).catch(() => fail('INVALID_KEY'))
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
    // d * G: its X-coordinate must be the stored point's (the pair belongs together).
    const x = await dh(sk, await importPoint(hexBytes(G_HEX)))
    let diff = 0
    for (let i = 0; i < 32; i++) diff |= x[i]! ^ point[1 + i]!
    if (diff !== 0) fail('INVALID_KEY')
    return new KeysealPrivateKey(TOKEN, keyId, { point, sk } satisfies PointState)
  } finally {
    wipe(both)
  }
}

/** @internal The public half of a private key, as a public key object with the same key id. */
export function publicHalf(k: KeysealPrivateKey): KeysealPublicKey {
  return new KeysealPublicKey(TOKEN, k.keyId, { point: pointState(k)!.point })
}
