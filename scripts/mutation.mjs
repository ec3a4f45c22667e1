#!/usr/bin/env node
// `npm run test:mutation [-- stryker args]`: StrykerJS 10 needs Node 22 or later. Use the current
// node if it is new enough, else the Node 22/24/26 that the runtime matrix installs under
// test/runtimes/node-versions, else say what to install. Runs at a lower CPU priority (nice 10).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const major = Number(process.versions.node.split('.')[0])
let node = process.execPath
if (major < 22) {
  const found = ['node26', 'node24', 'node22']
    .map((n) => join(root, 'test/runtimes/node-versions/node_modules', n, 'bin/node'))
    .find((p) => existsSync(p))
  if (!found) {
    console.error(
      `test:mutation: StrykerJS 10 needs Node >= 22 (this is ${process.version}). Install one, e.g. ` +
        '`npm ci --prefix test/runtimes/node-versions`, or run with Node 22+.',
    )
    process.exit(1)
  }
  node = found
}
const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js')
if (!existsSync(stryker)) {
  console.error('test:mutation: @stryker-mutator/core is not installed; run `npm ci` first.')
  process.exit(1)
}
// test/api.test.ts imports dist/ once (the no-WebCrypto case), so the initial run needs a build.
if (!existsSync(join(root, 'dist/index.js'))) {
  const b = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
  if (b.status !== 0) process.exit(b.status ?? 1)
}
const args = [stryker, 'run', ...process.argv.slice(2)]
const useNice = process.platform !== 'win32' && spawnSync('nice', ['true']).status === 0
const r = useNice
  ? spawnSync('nice', ['-n', '10', node, ...args], { cwd: root, stdio: 'inherit' })
  : spawnSync(node, args, { cwd: root, stdio: 'inherit' })
process.exit(r.status ?? 1)
