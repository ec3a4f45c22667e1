// HKDF-SHA256 (RFC 5869) through WebCrypto. keyseal uses it to split a master key into the
// envelope's AES key and its key commitment (docs/format.md §5).
import { guard, subtle } from '../webcrypto.js'

/** @internal Import key material as a non-extractable HKDF base key. */
export async function importHkdfKey(ikm: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return guard(() => subtle().importKey('raw', ikm, 'HKDF', false, ['deriveBits']))
}

/** @internal HKDF-SHA256(IKM = base, salt, info) -> `length` bytes. */
export async function hkdfSha256(
  base: CryptoKey,
  salt: Uint8Array<ArrayBuffer>,
  info: Uint8Array<ArrayBuffer>,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const s = subtle()
  const bits = await guard(() => s.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, base, length * 8))
  return new Uint8Array(bits)
}
