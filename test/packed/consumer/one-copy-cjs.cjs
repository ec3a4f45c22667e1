// A CommonJS app that also import()s @org/keyseal (as an ES module dependency of the app would):
// both must be one copy of the library (issue 11 item 5; one-copy.mjs).
const subpaths = ['', '/argon2id', '/v2', '/testing']
const viaRequire = Object.fromEntries(subpaths.map((s) => [`.${s}`, require(`@org/keyseal${s}`)]))

Promise.all(subpaths.map((s) => import(`@org/keyseal${s}`)))
  .then(async (mods) => {
    const viaImport = Object.fromEntries(subpaths.map((s, i) => [`.${s}`, mods[i]]))
    const { oneCopy } = await import('./one-copy.mjs')
    console.log(JSON.stringify(await oneCopy(viaImport, viaRequire, 'cjs app')))
  })
  .catch((error) => {
    console.log(JSON.stringify({ passed: 0, failed: 1, errors: [`cjs app: ${error && error.stack}`] }))
  })
