// Command-line options shared by the server and the commands. Defaults are the embedded setup
// `npm run app` uses: data in examples/provider-keys/data/, the server on 127.0.0.1:8787.
import { mkdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { openStore } from './store.mjs'
import { serverKeySet } from './server-keys.mjs'
import { createLogger } from './log.mjs'

export const EXAMPLE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

export function parseOptions(argv, extra = {}) {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string', default: process.env.APP_DATA ?? join(EXAMPLE_ROOT, 'data') },
      ...extra,
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  return values
}

/** Open the data folder (0700), the database and the server's key set. */
export async function openData(dataDir, log = createLogger()) {
  const dir = resolve(dataDir)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const store = await openStore(join(dir, 'app.db'))
  const keys = serverKeySet(store, dir)
  await keys.ensure()
  return { dir, store, keys, log }
}
