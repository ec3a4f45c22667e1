// P-256 (secp256r1) public point check, in exact integer arithmetic (docs/format-v2.md §10).
// Platforms differ in which encodings and points they import (compressed, hybrid, off-curve: see
// Wycheproof ecdh_secp256r1_ecpoint_test.json), so keyseal decides itself, identically everywhere,
// before any point reaches WebCrypto. Public data only: nothing here needs to be constant-time.

/** @internal Field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1 (SEC 2 §2.4.2). */
export const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn
/** @internal Curve coefficient b of y^2 = x^3 - 3x + b (SEC 2 §2.4.2). */
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn
/** @internal Group order n (SEC 2 §2.4.2). */
export const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
/** @internal The generator G, uncompressed SEC1 encoding (SEC 2 §2.4.2). */
export const G_HEX =
  '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296' +
  '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5'

/** @internal Length of an uncompressed point: 0x04 || X || Y. */
export const POINT_LEN = 65

/** @internal Big-endian bytes -> bigint. */
export function toBig(b: Uint8Array): bigint {
  let x = 0n
  for (const v of b) x = (x << 8n) | BigInt(v)
  return x
}

/**
 * @internal True when `b` is an uncompressed P-256 point on the curve: 65 bytes, 0x04, both
 * coordinates reduced mod p, y^2 = x^3 - 3x + b (mod p). P-256 has cofactor 1, so this is the full
 * validation RFC 9180 §7.1.4 asks for (SEC1 §3.2.2.1; the identity has no uncompressed encoding).
 * Compressed (0x02/0x03) and hybrid (0x06/0x07) encodings are refused: one encoding, one answer
 * in every runtime.
 */
export function isValidPoint(b: Uint8Array): boolean {
  if (b.length !== POINT_LEN || b[0] !== 0x04) return false
  const x = toBig(b.subarray(1, 33))
  const y = toBig(b.subarray(33, 65))
  if (x >= P || y >= P) return false
  return (y * y - (x * x * x - 3n * x + B)) % P === 0n
}

/** @internal a^-1 mod p (Fermat: a^(p-2)); public data only. */
function inv(a: bigint): bigint {
  let r = 1n
  let e = P - 2n
  for (a %= P; e > 0n; e >>= 1n, a = (a * a) % P) if (e & 1n) r = (r * a) % P
  return r
}

/**
 * @internal The X-coordinate of the sum of two points on the curve, affine (SEC1 §2.2.1), or
 * undefined for the identity. Public points only (the check of a private key's stored public half,
 * keys.ts): nothing here needs to be constant-time.
 */
export function sumX(x1: bigint, y1: bigint, x2: bigint, y2: bigint): bigint | undefined {
  if (x1 === x2 && (y1 + y2) % P === 0n) return undefined
  const l = x1 === x2 ? ((3n * x1 * x1 - 3n) * inv(2n * y1)) % P : (((y2 - y1 + P) % P) * inv((x2 - x1 + P) % P)) % P
  return (((l * l - x1 - x2) % P) + 2n * P) % P
}
