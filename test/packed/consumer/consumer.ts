// Type-level consumer (ESM). Compiled with tsc under moduleResolution node16 and bundler; it must
// type-check against the types shipped in the tarball, and misuse must be a type error.
import {
  createPolicy,
  defaultPolicy,
  deriveKey,
  generateKey,
  importKey,
  inspect,
  isKeysealError,
  KeysealError,
  openKey,
  openKeyBytes,
  sealKey,
  type KeysealErrorCode,
  type KeysealKey,
  type KeysealPolicy,
} from '@org/keyseal'
import { argon2id, type Argon2idImplementation } from '@org/keyseal/argon2id'

export async function demo(): Promise<string> {
  const policy: KeysealPolicy = createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
  const raw: KeysealKey = await importKey(await generateKey())
  const derived: KeysealKey = await deriveKey('passphrase', { policy })
  const envelope: string = await sealKey('sk-123', raw, { context: 'tenant' })
  const bytes: Uint8Array = await openKeyBytes(await sealKey(new Uint8Array([1, 2]), derived), derived)
  void bytes
  void inspect(envelope)
  void defaultPolicy.pbkdf2.iterations
  try {
    return await openKey(envelope, raw, { context: 'tenant' })
  } catch (error) {
    if (error instanceof KeysealError) {
      const code: KeysealErrorCode = error.code
      if (code === 'AUTH_FAILED') return 'auth failed'
    }
    if (isKeysealError(error, 'MALFORMED_ENVELOPE')) return 'malformed'
    throw error
  }
}

// The `@org/keyseal/argon2id` subpath: its implementation fits createPolicy's argon2id option.
export async function demoArgon2id(): Promise<string> {
  const impl: Argon2idImplementation = argon2id
  const policy: KeysealPolicy = createPolicy({ argon2id: { implementation: impl } })
  const envelope = await sealKey('sk-123', 'passphrase', { policy })
  const kdf = inspect(envelope).kdf
  if (kdf.kdf === 'argon2id') void (kdf.memoryKiB + kdf.passes + kdf.lanes)
  return openKey(envelope, 'passphrase', { policy })
}

// @ts-expect-error the implementation is required to enable Argon2id
void createPolicy({ argon2id: { memoryKiB: 19456 } })
// @ts-expect-error a number is not a secret
void sealKey(42, 'passphrase')
// @ts-expect-error not an error code
export const notACode: KeysealErrorCode = 'NOPE'
