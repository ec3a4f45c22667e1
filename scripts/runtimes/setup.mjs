#!/usr/bin/env node
// `npm run test:runtimes` runs this first: installs what the runtime matrix needs and `npm test`
// does not (issue 12), then builds the package the matrix tests.
//   - test/runtimes/            Deno, Bun, Miniflare/workerd, edge-runtime, playwright-core,
//                               puppeteer-core, publint, attw (its own package.json and lock)
//   - test/runtimes/node-versions/  Node 22, 24 and 26 (linux-x64 binaries from the npm registry;
//                               a separate folder: RUNTIMES.md pitfall 1)
// Each folder is installed with `npm ci --prefix <folder>` when its lock is newer than its
// node_modules or a binary is missing; nothing happens otherwise. The browsers come from the system
// (Debian: chromium, firefox-esr, webkit2gtk-driver, xvfb; .ci/runtimes.sh installs them in CI).
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './runtimes.mjs'

const folders = [
  { dir: 'test/runtimes', want: ['node_modules/.bin/deno', 'node_modules/.bin/bun', 'node_modules/.bin/attw', 'node_modules/.bin/publint', 'node_modules/miniflare/package.json'] },
  { dir: 'test/runtimes/node-versions', want: ['node_modules/node22/bin/node', 'node_modules/node24/bin/node', 'node_modules/node26/bin/node'] },
]
const run = (cmd, args) => spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' }).status === 0

let ok = true
for (const { dir, want } of folders) {
  const abs = join(ROOT, dir)
  const installed = join(abs, 'node_modules/.package-lock.json')
  const fresh = want.every((w) => existsSync(join(abs, w))) && existsSync(installed) && statSync(installed).mtimeMs >= statSync(join(abs, 'package-lock.json')).mtimeMs
  if (fresh) continue
  const t0 = Date.now()
  console.log(`test:runtimes: npm ci --prefix ${dir}`)
  // Miniflare 4 declares `engines.node >= 22`, so on Node 20 npm prints one EBADENGINE warning for
  // it (a warning: the install still succeeds, and the workerd row passes under Node 20 in CI).
  // Said here so the warning is not a surprise; the README says which Node the command needs.
  if (dir === 'test/runtimes' && Number(process.versions.node.split('.')[0]) < 22) {
    console.log(`test:runtimes: on Node ${process.versions.node} npm warns EBADENGINE for miniflare (it declares Node >= 22); expected, not an error`)
  }
  if (!run('npm', ['ci', '--prefix', dir, '--no-audit', '--no-fund'])) {
    console.error(`test:runtimes: npm ci --prefix ${dir} failed`)
    ok = false
  } else console.log(`test:runtimes: ${dir} installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}
if (!run('npm', ['run', 'build'])) ok = false
process.exit(ok ? 0 : 1)
