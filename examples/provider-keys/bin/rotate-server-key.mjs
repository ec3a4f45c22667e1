#!/usr/bin/env node
// Server key rotation: `node bin/rotate-server-key.mjs [--data DIR]`. Begins a rotation (a new key
// pair) or resumes the one in progress, moves every row's server stanza to the new key with
// compare-and-swap, then promotes the new key and deletes the old private key. Safe to run while
// the server is up and safe to re-run after a crash (lib/rotate.mjs). Exits 0 when the rotation
// completed, 2 when rows are left (changed meanwhile too often, or unopenable: see the log).
import { parseOptions, openData } from '../lib/config.mjs'
import { rotateServerKey } from '../lib/rotate.mjs'

const opts = parseOptions(process.argv.slice(2))
if (opts.help) {
  console.log('usage: node bin/rotate-server-key.mjs [--data DIR]')
  process.exit(0)
}
const data = await openData(opts.data)
const result = await rotateServerKey({ store: data.store, keys: data.keys, dataDir: data.dir, log: data.log })
data.store.close()
process.exitCode = result.promoted ? 0 : 2
