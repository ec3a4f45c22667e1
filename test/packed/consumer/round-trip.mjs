// What a consumer does first: seal and open with a raw key and with a passphrase, and see a typed
// error; with `a2` (the `@org/keyseal/argon2id` module) also an Argon2id passphrase round trip at
// small parameters. Shared by the ESM, CJS and browser-bundle consumers; returns
// { passed, failed, errors }.
export async function roundTrip(ks, label, a2) {
  const errors = []
  const check = async (name, fn) => {
    try {
      await fn()
    } catch (error) {
      errors.push(`${label}: ${name}: ${error && error.message}`)
    }
  }
  const policy = ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })
  await check('raw key', async () => {
    const key = await ks.importKey(await ks.generateKey())
    const env = await ks.sealKey('sk-consumer', key, { context: 'consumer' })
    if ((await ks.openKey(env, key, { context: 'consumer' })) !== 'sk-consumer') throw new Error('wrong secret')
  })
  await check('passphrase', async () => {
    const env = await ks.sealKey('sk-consumer-pw', 'consumer passphrase', { policy })
    if ((await ks.openKey(env, 'consumer passphrase', { policy })) !== 'sk-consumer-pw') throw new Error('wrong secret')
  })
  await check('typed error', async () => {
    try {
      await ks.openKey('not-an-envelope', 'consumer passphrase')
    } catch (error) {
      if (error instanceof ks.KeysealError && error.code === 'MALFORMED_ENVELOPE') return
      throw new Error(`unexpected error ${error && error.code}`)
    }
    throw new Error('no error')
  })
  let total = 3
  if (a2 !== undefined) {
    total++
    await check('argon2id passphrase (m=64 KiB, t=1, p=1)', async () => {
      const argon = ks.createPolicy({
        argon2id: { implementation: a2.argon2id, memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 64, openMinPasses: 1 },
      })
      const env = await ks.sealKey('sk-consumer-argon2id', 'consumer passphrase', { policy: argon })
      if (ks.inspect(env).kdf.kdf !== 'argon2id') throw new Error('not sealed with argon2id')
      if ((await ks.openKey(env, 'consumer passphrase', { policy: argon })) !== 'sk-consumer-argon2id') throw new Error('wrong secret')
    })
  }
  return { passed: total - errors.length, failed: errors.length, total, errors }
}
