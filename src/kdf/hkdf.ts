// HKDF-SHA256 (RFC 5869) through WebCrypto. keyseal uses it to split a master key into the
// envelope's AES key and its key commitment (docs/format.md §5).
import { deriveBytes, dict, importRaw, sha256 } from '../webcrypto.js'

/** @internal Import key material as a non-extractable HKDF base key. */
export function importHkdfKey(ikm: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return importRaw(ikm, 'HKDF', ['deriveBits'])
}

/** @internal HKDF-SHA256(IKM = base, salt, info) -> `length` bytes. */
export function hkdfSha256(
  base: CryptoKey,
  salt: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  // HkdfParams (WebCrypto §HKDF): name, hash, salt, info, every member given, no prototype.
  return deriveBytes(dict({ name: 'HKDF', hash: sha256(), salt, info }), base, length)
}
