// An ES module app that also require()s @org/keyseal (createRequire, as a CommonJS dependency of
// the app would): both must be one copy of the library (issue 11 item 5; one-copy.mjs).
import { createRequire } from 'node:module'
import * as main from '@org/keyseal'
import * as argon2id from '@org/keyseal/argon2id'
import * as testing from '@org/keyseal/testing'
import * as v2 from '@org/keyseal/v2'
import { oneCopy } from './one-copy.mjs'

const require = createRequire(import.meta.url)
const viaRequire = Object.fromEntries(['', '/argon2id', '/v2', '/testing'].map((s) => [`.${s}`, require(`@org/keyseal${s}`)]))
const viaImport = { '.': main, './argon2id': argon2id, './v2': v2, './testing': testing }
console.log(JSON.stringify(await oneCopy(viaImport, viaRequire, 'esm app')))
