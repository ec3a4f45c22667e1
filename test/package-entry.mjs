// test/db has a package.json of its own (its database client), so `@org/keyseal` does not resolve
// there by self-reference. This file is in the root package's scope, where `@org/keyseal` resolves
// exactly as an app's import does (in Node, the `node` condition's wrapper of the CJS build): the
// database tests and the example adapters in examples/storage then share one copy of the library.
export * from '@org/keyseal'
