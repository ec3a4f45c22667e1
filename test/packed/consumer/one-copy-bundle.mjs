// The one-copy check (one-copy.mjs) as a bundler for Node sees it: `import` and `require` of every
// subpath in one file, bundled by esbuild with platform 'node' (test/packed/check.mjs). Both kinds
// of specifier must resolve to the same built file, or the bundle carries two copies.
import * as main from '@org/keyseal'
import * as argon2id from '@org/keyseal/argon2id'
import * as testing from '@org/keyseal/testing'
import * as v2 from '@org/keyseal/v2'
import { oneCopy } from './one-copy.mjs'

const viaRequire = {
  '.': require('@org/keyseal'),
  './argon2id': require('@org/keyseal/argon2id'),
  './v2': require('@org/keyseal/v2'),
  './testing': require('@org/keyseal/testing'),
}
const viaImport = { '.': main, './argon2id': argon2id, './v2': v2, './testing': testing }
oneCopy(viaImport, viaRequire, 'node bundle').then((r) => console.log(JSON.stringify(r)))
