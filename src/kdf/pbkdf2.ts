// PBKDF2-HMAC-SHA256 (RFC 8018 §5.2) through WebCrypto.
import { fail } from '../errors.js'
import { deriveBytes, dict, importRaw, sha256 } from '../webcrypto.js'
import { U32_MAX } from '../constants.js'

/**
 * @internal PBKDF2-HMAC-SHA256 -> `length` bytes.
 *
 * The iteration count must already be a checked integer: WebCrypto coerces `1.9`, `"1"`, `true` and
 * `[1]` to 1 (SECURITY-NOTES), so the guard below is a second line of defence, not the policy check.
 * keyseal always asks for 32 bytes: PBKDF2 runs the whole iteration count once per 32-byte output
 * block, so asking for 64 would double the defender's cost and not the attacker's.
 */
export async function pbkdf2Sha256(
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > U32_MAX) fail('PARAMS_OUT_OF_POLICY')
  const base = await importRaw(password, 'PBKDF2', ['deriveBits'])
  // Pbkdf2Params (WebCrypto §PBKDF2): name, hash, salt, iterations, every member given, no prototype.
  return deriveBytes(dict({ name: 'PBKDF2', hash: sha256(), salt, iterations }), base, length)
}
