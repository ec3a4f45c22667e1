// Competitor adapters. Each is loaded lazily from bench/node_modules so a missing package fails
// with its name. Every adapter takes the same inputs as keyseal and is cross-checked before timing.
export async function loadCompetitors() {
  const [jose, cloak, iron, nobleAes, nobleSalsa, noblePbkdf2, nobleSha2, hashWasm, sodiumMod, sodiumSumoMod] =
    await Promise.all([
      import('jose'),
      import('@47ng/cloak'),
      import('iron-webcrypto'),
      import('@noble/ciphers/aes.js'),
      import('@noble/ciphers/salsa.js'),
      import('@noble/hashes/pbkdf2.js'),
      import('@noble/hashes/sha2.js'),
      import('hash-wasm'),
      import('libsodium-wrappers'),
      import('libsodium-wrappers-sumo'),
    ])
  const sodium = sodiumMod.default ?? sodiumMod
  await sodium.ready
  const sodiumSumo = sodiumSumoMod.default ?? sodiumSumoMod
  await sodiumSumo.ready
  return {
    jose,
    cloak: cloak.default && !cloak.encryptString ? cloak.default : cloak,
    iron,
    gcm: nobleAes.gcm,
    xsalsa20poly1305: nobleSalsa.xsalsa20poly1305,
    pbkdf2Async: noblePbkdf2.pbkdf2Async,
    sha256: nobleSha2.sha256,
    hashWasm,
    sodium,
    sodiumSumo,
  }
}
