// The CommonJS twin of package-load.mjs: `require('@org/keyseal')` and its subpaths, resolved by
// Node through the installed package's `exports` (the `require` conditions). Copied into the packed
// consumer by scripts/runtimes/runtimes.mjs; it does not resolve where it sits.
const names = ['@org/keyseal', '@org/keyseal/argon2id', '@org/keyseal/v2']
const [ks, a2, v2] = names.map((n) => require(n))
module.exports = { ks, a2, v2, resolved: Object.fromEntries(names.map((n) => [n, require.resolve(n)])) }
