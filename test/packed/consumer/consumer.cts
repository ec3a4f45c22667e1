// Type-level consumer (CommonJS, node16): must pick up the .d.cts types through "require".
import keyseal = require('@org/keyseal')

export async function demo(): Promise<string> {
  const key: keyseal.KeysealKey = await keyseal.importKey(await keyseal.generateKey())
  return keyseal.openKey(await keyseal.sealKey('sk-123', key), key)
}
