#!/usr/bin/env node
// Records Node 24's native Argon2id tags (node:crypto argon2Sync) for the differential cases of
// test/argon2id-native-cases.mjs into vectors/argon2id-native-node24.json, so that `npm test` can
// check the TypeScript Argon2id against native answers on any Node without downloading Node 24.
// Run once, under Node 24:
//   test/runtimes/node-versions/node_modules/node24/bin/node scripts/gen-argon2id-native.mjs
// The runtime matrix (`argon2id-native` check) recomputes every tag with Node 24 and 26 and fails on
// any difference, so the file cannot drift from what the native implementation says.
import { argon2Sync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { COUNT, SEED, randomCases } from '../test/argon2id-native-cases.mjs'

if (typeof argon2Sync !== 'function') throw new Error('run this under Node >= 24 (node:crypto argon2Sync)')
const h = (s) => Buffer.from(s, 'hex')
const cases = randomCases(SEED, COUNT).map((c) => {
  const p = { message: h(c.password), nonce: h(c.salt), parallelism: c.parallelism, tagLength: c.tagLength, memory: c.memory, passes: c.passes }
  if (c.secret !== undefined) p.secret = h(c.secret)
  if (c.associatedData !== undefined) p.associatedData = h(c.associatedData)
  return { ...c, tag: argon2Sync('argon2id', p).toString('hex') }
})
const doc = {
  description:
    'Argon2id (RFC 9106, version 0x13) tags computed by Node.js native node:crypto argon2Sync (OpenSSL) for the seeded differential cases of test/argon2id-native-cases.mjs. Hex strings; memory in KiB; tagLength in bytes.',
  generatedBy: `scripts/gen-argon2id-native.mjs under Node ${process.version} (OpenSSL ${process.versions.openssl}), ${new Date().toISOString().slice(0, 10)}`,
  seed: SEED,
  count: COUNT,
  cases,
}
writeFileSync(new URL('../vectors/argon2id-native-node24.json', import.meta.url), JSON.stringify(doc, null, 2) + '\n')
console.log(`wrote ${cases.length} cases`)
