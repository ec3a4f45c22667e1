// `@org/keyseal/testing` through the package's exports, for test/db (see test/package-entry.mjs).
export * from '@org/keyseal/testing'
