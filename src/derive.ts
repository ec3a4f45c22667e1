// The key schedule of format v1 (docs/format.md §5):
//   master M = PBKDF2-HMAC-SHA256(passphrase, salt, iterations, 32)   for kdf 0x02
//            = the 32-byte raw key                                      for kdf 0x01
//   OKM      = HKDF-SHA256(IKM = M, salt = salt, info = INFO, L = 64)
//   AES key  = OKM[0..32),  commitment = OKM[32..64)
// The commitment is stored in the header and compared before decrypting: because it is a
// collision-resistant function of M (HMAC-SHA256), no envelope can open under two different keys
// (Len, Grubbs, Ristenpart, "Partitioning Oracle Attacks", USENIX Security 2021). The same idea
// as the AWS Encryption SDK's key commitment (HKDF-derived commit key compared before decrypting).
import { utf8, wipe } from './bytes.js'
import { importAesGcmKey } from './aead.js'
import type { KdfParams } from './envelope.js'
import type { Material } from './keys.js'
import { fail } from './errors.js'
import { hkdfSha256, importHkdfKey } from './kdf/hkdf.js'
import { limited } from './kdf/limit.js'
import { pbkdf2Sha256 } from './kdf/pbkdf2.js'
import { argon2idHooks, type KeysealPolicy } from './policy.js'
import { guard, subtle } from './webcrypto.js'

/** @internal HKDF info for v1: ASCII, fixed, domain-separates keyseal from any other HKDF use of M. */
export const HKDF_INFO = utf8('keyseal v1 aes-256-gcm key and commitment', 'CRYPTO_FAILURE')

/** @internal Import a raw 256-bit key as the HKDF input key (non-extractable). */
export function masterFromRaw(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return importHkdfKey(raw)
}

/**
 * @internal The AES key and commitment for a passphrase (already normalized bytes) under an
 * envelope's KDF parameters (already checked against the policy) and salt: M, then
 * {@link aesGcmKeyAndCommitment}. PBKDF2 runs in WebCrypto; Argon2id in the policy's
 * implementation (from `@org/keyseal/argon2id`), which must return exactly 32 bytes, not all zero.
 * `signal` aborts the wait for a KDF slot (ABORTED).
 */
export async function passphraseMaterial(
  pw: Uint8Array<ArrayBuffer>,
  params: KdfParams,
  salt: Uint8Array<ArrayBuffer>,
  policy: KeysealPolicy,
  signal?: AbortSignal,
): Promise<Material> {
  const a = argon2idHooks(policy)
  const s = subtle()
  // Every passphrase KDF runs inside the process-wide limit (src/kdf/limit.ts, issue 11).
  const out: unknown =
    params.kdf === 'pbkdf2-sha256'
      ? await limited(0, signal, () => pbkdf2Sha256(pw, salt, params.iterations, 32))
      : params.kdf === 'argon2id' && a
        ? await limited(params.memoryKiB, signal, () => guard(() => a.derive(pw, params, salt, s)))
        : fail('UNSUPPORTED_KDF')
  if (!(out instanceof Uint8Array)) return fail('CRYPTO_FAILURE')
  const m = new Uint8Array(out)
  try {
    // An all-zero output is what some Argon2 bindings return when allocation fails (SECURITY-NOTES:
    // memory-hard KDF DoS). It is never a key.
    if (m.length !== 32 || m.every((x) => x === 0)) fail('CRYPTO_FAILURE')
    return aesGcmKeyAndCommitment(await importHkdfKey(m), salt)
  } finally {
    wipe(m)
    wipe(out)
  }
}

/**
 * @internal M -> (AES-256-GCM key, 32-byte commitment) for one salt. The OKM copy is wiped as
 * soon as the AES key is imported; the commitment is not secret (it is stored in the header).
 */
export async function aesGcmKeyAndCommitment(
  master: CryptoKey,
  salt: Uint8Array<ArrayBuffer>,
): Promise<Material> {
  const okm = await hkdfSha256(master, salt, HKDF_INFO, 64)
  try {
    return { aes: await importAesGcmKey(okm.subarray(0, 32)), commitment: okm.slice(32) }
  } finally {
    wipe(okm)
  }
}
