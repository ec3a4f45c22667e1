// Issue 11 item 5: an app that loads @org/keyseal through BOTH `import` and `require` in one process
// must get one copy of the library. With two copies (dist/*.js and dist/*.cjs loaded side by side)
// each has its own KeysealError class and its own WeakMaps of key, keyring and policy state, so
// `isKeysealError` is false across them and keys, keyrings and policies made by one are refused by
// the other (INVALID_KEY / INVALID_OPTIONS). Shared by one-copy-esm.mjs (static import +
// createRequire) and one-copy-cjs.cjs (require + dynamic import()); returns { passed, failed, errors }.
//
// `viaImport` and `viaRequire` map each subpath ('.', './argon2id', './v2', './testing') to the
// module namespace / module.exports that way of loading gave.
export async function oneCopy(viaImport, viaRequire, label) {
  const errors = []
  let passed = 0
  const check = async (name, fn) => {
    try {
      await fn()
      passed++
    } catch (error) {
      errors.push(`${label}: ${name}: ${error && error.message}`)
    }
  }
  const I = viaImport['.']
  const R = viaRequire['.']
  const expectCode = async (promise, code, isKeysealError, KeysealError, what) => {
    try {
      await promise
    } catch (error) {
      if (!isKeysealError(error)) throw new Error(`${what}: isKeysealError is false for ${error && error.name} ${error && error.code}`)
      if (!(error instanceof KeysealError)) throw new Error(`${what}: not an instance of the other entry's KeysealError`)
      if (error.code !== code) throw new Error(`${what}: code ${error.code}, expected ${code}`)
      return
    }
    throw new Error(`${what}: resolved`)
  }
  const policyOf = (ks) => ks.createPolicy({ pbkdf2: { iterations: 1000, minIterations: 1000, openMinIterations: 1000 } })

  for (const sub of Object.keys(viaImport)) {
    await check(`${sub}: the same export names, and every export the same object`, () => {
      const a = Object.keys(viaImport[sub]).filter((k) => k !== 'default').sort()
      const b = Object.keys(viaRequire[sub]).filter((k) => k !== '__esModule' && k !== 'default').sort()
      if (a.join() !== b.join()) throw new Error(`import gives [${a}], require gives [${b}]`)
      const differ = a.filter((k) => viaImport[sub][k] !== viaRequire[sub][k])
      if (differ.length) throw new Error(`different objects through import and require: ${differ.join(', ')}`)
    })
  }
  await check("'.' and './v2' share one KeysealError whichever way each is loaded", () => {
    const classes = new Set([I.KeysealError, R.KeysealError, viaImport['./v2'].KeysealError, viaRequire['./v2'].KeysealError])
    if (classes.size !== 1) throw new Error(`${classes.size} KeysealError classes`)
  })
  await check("an error from the import copy is a KeysealError to the require copy, and back", async () => {
    const key = await I.importKey(await I.generateKey())
    const other = await I.importKey(await I.generateKey())
    const env = await I.sealKey('sk-one-copy', key, { context: 'one-copy' })
    await expectCode(I.openKey(env, other, { context: 'one-copy' }), 'AUTH_FAILED', R.isKeysealError, R.KeysealError, 'import error, require isKeysealError')
    await expectCode(R.openKey(env, key, { context: 'elsewhere' }), 'AUTH_FAILED', I.isKeysealError, I.KeysealError, 'require error, import isKeysealError')
  })
  await check('a raw key imported through one entry seals and opens through the other', async () => {
    for (const [make, use] of [[I, R], [R, I]]) {
      const key = await make.importKey(await make.generateKey(), { keyId: 'k1' })
      const env = await use.sealKey('sk-raw', key, { context: 'c' })
      if ((await make.openKey(env, key, { context: 'c' })) !== 'sk-raw') throw new Error('wrong secret')
      if ((await use.openKey(env, key, { context: 'c' })) !== 'sk-raw') throw new Error('wrong secret')
    }
  })
  await check('a derived key (deriveKey) from one entry is accepted by the other', async () => {
    for (const [make, use] of [[I, R], [R, I]]) {
      const policy = policyOf(make)
      const derived = await make.deriveKey('one copy passphrase', { policy })
      const env = await use.sealKey('sk-derived', derived, { policy })
      if ((await use.openKey(env, 'one copy passphrase', { policy })) !== 'sk-derived') throw new Error('wrong secret')
    }
  })
  await check('a policy created through one entry is accepted by the other', async () => {
    for (const [make, use] of [[I, R], [R, I]]) {
      const policy = policyOf(make)
      const env = await use.sealKey('sk-policy', 'one copy passphrase', { policy })
      if ((await use.openKey(env, 'one copy passphrase', { policy })) !== 'sk-policy') throw new Error('wrong secret')
    }
  })
  await check('a keyring created through one entry opens through the other', async () => {
    for (const [make, use] of [[I, R], [R, I]]) {
      const key = await make.importKey(await make.generateKey())
      const ring = make.createKeyring([{ id: 'k1', key }])
      const env = await use.sealKey('sk-ring', ring, { context: 'c' })
      if ((await use.openKey(env, ring, { context: 'c' })) !== 'sk-ring') throw new Error('wrong secret')
    }
  })
  await check("'./argon2id' through one entry drives a policy of the other", async () => {
    for (const [make, a2] of [[I, viaRequire['./argon2id']], [R, viaImport['./argon2id']]]) {
      const policy = make.createPolicy({
        argon2id: { implementation: a2.argon2id, memoryKiB: 64, passes: 1, lanes: 1, minMemoryKiB: 64, minPasses: 1, openMinMemoryKiB: 64, openMinPasses: 1 },
      })
      const env = await make.sealKey('sk-a2', 'one copy passphrase', { policy })
      if ((await make.openKey(env, 'one copy passphrase', { policy })) !== 'sk-a2') throw new Error('wrong secret')
    }
  })
  await check("'./v2': a key pair imported through one entry opens what the other sealed", async () => {
    const [vi, vr] = [viaImport['./v2'], viaRequire['./v2']]
    for (const [make, use] of [[vi, vr], [vr, vi]]) {
      const pair = await make.generateKeyPair()
      const pub = await make.importPublicKey(pair.publicKey)
      const priv = await make.importKey(pair.privateKey)
      const env = await use.sealKey('sk-v2', [pub], { context: 'c' })
      if ((await use.openKey(env, priv, { context: 'c' })) !== 'sk-v2') throw new Error('wrong secret')
    }
  })
  return { passed, failed: errors.length, errors }
}
