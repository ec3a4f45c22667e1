#!/usr/bin/env node
// What `npm run app` and `npm run app:test` do first, so that both work from a fresh clone after
// the root `npm ci`:
//   1. build the package (the example runs the repository's dist/, never a registry copy) when
//      dist/ is missing or older than src/;
//   2. install the example's own dependencies (`npm ci` in examples/provider-keys, from its own
//      lock file) when they are missing or older than the lock file; on Node 20 this compiles
//      better-sqlite3 from source (a few minutes, once);
//   3. with --browsers: install Debian's chromium and firefox-esr when they are missing (as root,
//      with apt-get, as the repository's runtime matrix does), or say which command would.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { EXAMPLE_ROOT } from '../lib/config.mjs'

const REPO = join(EXAMPLE_ROOT, '..', '..')
const run = (cmd, args, cwd) => {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`setup: \`${cmd} ${args.join(' ')}\` failed (exit ${r.status})`)
    process.exit(1)
  }
}
const newest = (dir) => {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

// 1.
const dist = join(REPO, 'dist', 'index.js')
if (!existsSync(dist) || newest(join(REPO, 'src')) > statSync(dist).mtimeMs) {
  console.log('setup: building the package (npm run build)')
  run('npm', ['run', 'build'], REPO)
}

// 2.
const installed = join(EXAMPLE_ROOT, 'node_modules', '.package-lock.json')
if (!existsSync(installed) || statSync(join(EXAMPLE_ROOT, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs) {
  console.log('setup: installing the example\'s dependencies (npm ci in examples/provider-keys)')
  run('npm', ['ci', '--no-audit', '--no-fund'], EXAMPLE_ROOT)
}

// 3.
if (process.argv.includes('--browsers')) {
  const wanted = { chromium: '/usr/bin/chromium', 'firefox-esr': '/usr/bin/firefox-esr' }
  const missing = Object.entries(wanted).filter(([, bin]) => !existsSync(bin)).map(([pkg]) => pkg)
  if (missing.length) {
    const isRoot = process.getuid?.() === 0
    if (!isRoot) {
      console.error(`setup: missing ${missing.join(', ')}: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`)
      process.exit(1)
    }
    console.log(`setup: installing ${missing.join(', ')} from Debian`)
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  }
}
