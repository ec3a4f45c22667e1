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
import { fail } from './errors.js'
import { hkdfSha256, importHkdfKey } from './kdf/hkdf.js'
import { pbkdf2Sha256 } from './kdf/pbkdf2.js'
import type { KeysealPolicy } from './policy.js'
import { guard, subtle } from './webcrypto.js'

/** @internal HKDF info for v1: ASCII, fixed, domain-separates keyseal from any other HKDF use of M. */
export const HKDF_INFO = utf8('keyseal v1 aes-256-gcm key and commitment', 'CRYPTO_FAILURE')

/** @internal Import a raw 256-bit key as the HKDF input key (non-extractable). */
export function masterFromRaw(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return importHkdfKey(raw)
}

/**
 * @internal Run the passphrase KDF (PBKDF2, or Argon2id through the policy's implementation) and
 * import its 32-byte output as the HKDF input key; wipes M. Parameters are already checked
 * against the policy by the caller.
 */
export async function masterFromPassphrase(
  pw: Uint8Array<ArrayBuffer>,
  params: KdfParams,
  salt: Uint8Array<ArrayBuffer>,
  policy: KeysealPolicy,
): Promise<CryptoKey> {
  let m: Uint8Array<ArrayBuffer>
  if (params.kdf === 'pbkdf2-sha256') {
    m = await pbkdf2Sha256(pw, salt, params.iterations, 32)
  } else if (params.kdf === 'argon2id' && policy.argon2id !== undefined) {
    const impl = policy.argon2id.implementation
    const { memoryKiB, passes, lanes } = params
    const s = subtle()
    const out = await guard(() => impl.derive(pw, salt, { memoryKiB, passes, lanes }, s))
    if (!(out instanceof Uint8Array) || out.length !== 32) return fail('CRYPTO_FAILURE')
    m = new Uint8Array(out)
    wipe(out)
    // An all-zero output is what some Argon2 bindings return when allocation fails (SECURITY-NOTES:
    // memory-hard KDF DoS). It is never a key.
    let any = 0
    for (let i = 0; i < 32; i++) any |= m[i]!
    if (any === 0) return fail('CRYPTO_FAILURE')
  } else {
    return fail('UNSUPPORTED_KDF')
  }
  try {
    return await importHkdfKey(m)
  } finally {
    wipe(m)
  }
}

/** @internal Expand a master key into the envelope's AES-256-GCM key and its 32-byte commitment. */
export async function aesGcmKeyAndCommitment(
  master: CryptoKey,
  salt: Uint8Array<ArrayBuffer>,
): Promise<{ aes: CryptoKey; commitment: Uint8Array<ArrayBuffer> }> {
  const okm = await hkdfSha256(master, salt, HKDF_INFO, 64)
  const enc = okm.slice(0, 32)
  const commitment = okm.slice(32, 64)
  wipe(okm)
  try {
    return { aes: await importAesGcmKey(enc), commitment }
  } finally {
    wipe(enc)
  }
}
