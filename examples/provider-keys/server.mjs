#!/usr/bin/env node
// The Provider Keys server. `npm run app` (repository root) or `node server.mjs`:
//   --data DIR            database and server key files (default examples/provider-keys/data)
//   --port N              default 8787; 0 picks a free port
//   --provider-url URL    the providers' API base; default: a fake provider started on 127.0.0.1
//   --job-interval SEC    run the scheduled job every SEC seconds (default 300; 0: never)
// Prints `Provider keys: http://127.0.0.1:<port>` when it is listening.
import { parseOptions, openData } from './lib/config.mjs'
import { createApp } from './lib/app.mjs'
import { scheduleJob } from './lib/job.mjs'
import { startFakeProvider } from './lib/fake-provider.mjs'

const opts = parseOptions(process.argv.slice(2), {
  port: { type: 'string', default: process.env.PORT ?? '8787' },
  'provider-url': { type: 'string' },
  'job-interval': { type: 'string', default: '300' },
})
if (opts.help) {
  console.log('usage: node server.mjs [--data DIR] [--port N] [--provider-url URL] [--job-interval SEC]')
  process.exit(0)
}
const data = await openData(opts.data)
const { store, keys, log } = data
let providerUrl = opts['provider-url']
let fake = null
if (!providerUrl) {
  fake = await startFakeProvider()
  providerUrl = fake.url
  log('provider.fake', { url: providerUrl })
}
const server = createApp({ store, keys, log })
await new Promise((resolve, reject) => server.once('error', reject).listen(Number(opts.port), '127.0.0.1', resolve))
const interval = Number(opts['job-interval'])
const stopJob = interval > 0 ? scheduleJob({ store, keys, providerUrl, log }, interval * 1000) : () => {}
log('server.start', { driver: store.driver, serverKey: keys.snapshot().current.key_id, jobInterval: interval })
console.log(`Provider keys: http://127.0.0.1:${server.address().port}`)

const stop = () => {
  stopJob()
  server.close()
  server.closeAllConnections?.()
  fake?.close()
  store.close()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
