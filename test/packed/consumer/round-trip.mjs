// What a consumer does first: seal and open with a raw key and with a passphrase, and see a typed
// error. Shared by the ESM, CJS and browser-bundle consumers; returns { passed, failed, errors }.
export async function roundTrip(ks, label) {
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
  return { passed: 3 - errors.length, failed: errors.length, errors }
}
