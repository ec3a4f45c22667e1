// The only AES-GCM calls (STYLE.md). One fixed suite: AES-256-GCM, 96-bit nonce, 128-bit tag.
// Nonce and tag lengths are constants, never taken from input: Node's WebCrypto accepts a 4-byte tag
// when asked for `tagLength: 32` (SECURITY-NOTES), so nothing here lets anyone ask.
import { fail, KeysealError } from './errors.js'
import { dict, guard, importRaw, subtle } from './webcrypto.js'
import { AES_KEY_LEN, NONCE_LEN, TAG_LEN } from './constants.js'

/** @internal Import 32 bytes as a non-extractable AES-256-GCM key. */
export async function importAesGcmKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (raw.length !== AES_KEY_LEN) fail('CRYPTO_FAILURE')
  return importRaw(raw, 'AES-GCM', ['encrypt', 'decrypt'])
}

const bytes = (b: ArrayBuffer): Uint8Array<ArrayBuffer> => new Uint8Array(b)

/**
 * AesGcmParams (WebCrypto §AES-GCM) with every member given, `tagLength` included, on a
 * null-prototype object ({@link dict}): left out, `tagLength` would be read from a polluted
 * Object.prototype, and `Object.prototype.tagLength = 32` made every runtime seal with 4-byte tags.
 */
const gcm = (iv: Uint8Array<ArrayBuffer>, additionalData: Uint8Array<ArrayBuffer>): AesGcmParams =>
  dict({ name: 'AES-GCM', iv, additionalData, tagLength: TAG_LEN * 8 })

/** @internal AES-GCM encrypt: returns ciphertext || 128-bit tag. */
export function aesGcmSeal(
  key: CryptoKey,
  nonce: Uint8Array<ArrayBuffer>,
  plaintext: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  return guard(() => {
    if (nonce.length !== NONCE_LEN) fail('CRYPTO_FAILURE')
    return subtle().encrypt(gcm(nonce, aad), key, plaintext)
  }).then(bytes)
}

/**
 * @internal AES-GCM decrypt of ciphertext || tag. Any failure (wrong key, wrong AAD, tampering) is
 * AUTH_FAILED; no plaintext is ever released before the tag has been verified (WebCrypto's decrypt
 * verifies before returning anything).
 */
export function aesGcmOpen(
  key: CryptoKey,
  nonce: Uint8Array<ArrayBuffer>,
  sealed: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  // A body shorter than the tag cannot be an AES-GCM output: malformed, not an authentication failure.
  if (nonce.length !== NONCE_LEN || sealed.length < TAG_LEN) return Promise.reject(new KeysealError('MALFORMED_ENVELOPE'))
  return guard(
    () => subtle().decrypt(gcm(nonce, aad), key, sealed),
    'AUTH_FAILED',
  ).then(bytes)
}
