// Type-level consumer (CommonJS, node16): must pick up the .d.cts types through "require",
// for the main entry and the `@org/keyseal/argon2id` subpath.
import keyseal = require('@org/keyseal')
import a2 = require('@org/keyseal/argon2id')

export async function demo(): Promise<string> {
  const key: keyseal.KeysealKey = await keyseal.importKey(await keyseal.generateKey())
  return keyseal.openKey(await keyseal.sealKey('sk-123', key), key)
}

export async function demoArgon2id(): Promise<string> {
  const impl: a2.Argon2idImplementation = a2.argon2id
  const policy: keyseal.KeysealPolicy = keyseal.createPolicy({ argon2id: { implementation: impl, memoryKiB: 64, minMemoryKiB: 64, openMinMemoryKiB: 64 } })
  return keyseal.openKey(await keyseal.sealKey('sk-123', 'passphrase', { policy }), 'passphrase', { policy })
}
