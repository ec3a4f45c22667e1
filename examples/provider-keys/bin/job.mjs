#!/usr/bin/env node
// The scheduled job, once: `node bin/job.mjs [--data DIR] --provider-url URL`.
// Exits 0 when every key reached its provider with status 200, 1 otherwise.
import { parseOptions, openData } from '../lib/config.mjs'
import { runJob } from '../lib/job.mjs'
import { startFakeProvider } from '../lib/fake-provider.mjs'

const opts = parseOptions(process.argv.slice(2), { 'provider-url': { type: 'string' } })
if (opts.help) {
  console.log('usage: node bin/job.mjs [--data DIR] [--provider-url URL]   (default: a fake provider on 127.0.0.1)')
  process.exit(0)
}
const { store, keys, log } = await openData(opts.data)
const fake = opts['provider-url'] ? null : await startFakeProvider()
const { failed } = await runJob({ store, keys, providerUrl: opts['provider-url'] ?? fake.url, log })
await fake?.close()
store.close()
process.exitCode = failed === 0 ? 0 : 1
