#!/usr/bin/env node
// `npm run app:test` (repository root) or `npm test` here: the server checks (test/unit.mjs) on
// this Node, again on a Node with node:sqlite when one is installed (the repository's
// test/runtimes/node-versions), then the end-to-end scenario (test/e2e.mjs) in Debian's Chromium
// and Firefox ESR. Screenshots go to <repo>/.tmp/app/screenshots/<browser>/, results to
// <repo>/.tmp/app/results.json. Last line: `app: N passed, N failed`. Exit 1 on any failure.
//   --browser chromium|firefox   only that browser (default: both)
//   --update-screenshot          copy the Chromium "revealed" screenshot to docs/screenshot.png
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { EXAMPLE_ROOT } from '../lib/config.mjs'
import { BROWSERS, browserAvailable } from './browsers.mjs'
import { runScenario } from './e2e.mjs'
import { createRunner } from './harness.mjs'
import { runUnit } from './unit.mjs'

const { values: opts } = parseArgs({ options: { browser: { type: 'string', multiple: true }, 'update-screenshot': { type: 'boolean', default: false }, 'skip-unit': { type: 'boolean', default: false } } })
const REPO = join(EXAMPLE_ROOT, '..', '..')
const OUT = join(REPO, '.tmp', 'app')
mkdirSync(OUT, { recursive: true })
const workDir = mkdtempSync(join(OUT, 'run-'))
const runner = createRunner(join(OUT, 'results.json'))
const started = Date.now()

if (!opts['skip-unit']) {
  console.log(`== server checks (Node ${process.versions.node})`)
  await runUnit(runner.group(`server (node ${process.versions.node.split('.')[0]})`, { independent: true }))

  // The other SQLite driver: on Node 20 the checks above ran on better-sqlite3; run them again
  // on node:sqlite with the newest extra Node the repository's runtime matrix installed.
  const candidates = ['node24', 'node22', 'node26'].map((n) => join(REPO, 'test/runtimes/node-versions/node_modules', n, 'bin/node'))
  const other = candidates.find((p) => existsSync(p))
  const thisHasSqlite = await import('node:sqlite').then(() => true, () => false)
  if (other && !thisHasSqlite) {
    console.log(`== server checks on node:sqlite (${other.split('/').at(-3)})`)
    const code = await new Promise((resolve) => {
      const child = spawn(other, ['--no-warnings', join(EXAMPLE_ROOT, 'test/unit.mjs')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, APP_SQLITE_DRIVER: 'node:sqlite' } })
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        process.stdout.write(d)
      })
      child.once('exit', (c) => resolve({ c, out }))
    })
    const m = /^unit: (\d+) passed, (\d+) failed$/m.exec(code.out)
    const name = `server (${other.split('/').at(-3)}, node:sqlite)`
    if (!m) runner.results.push({ name, ok: false, error: `no result line (exit ${code.c})` })
    else {
      for (let i = 0; i < Number(m[1]); i++) runner.results.push({ name: `${name} #${i + 1}`, ok: true })
      for (let i = 0; i < Number(m[2]); i++) runner.results.push({ name: `${name} failure #${i + 1}`, ok: false })
    }
  } else if (!thisHasSqlite) {
    console.log('== (no Node with node:sqlite found in test/runtimes/node-versions: the node:sqlite driver is not exercised)')
  }
}

const browsers = opts.browser ?? Object.keys(BROWSERS)
for (const b of browsers) {
  console.log(`== end to end in ${b}`)
  const step = runner.group(b)
  if (!BROWSERS[b]) {
    await step('known browser', () => {
      throw new Error(`unknown browser ${b}`)
    })
    continue
  }
  if (!browserAvailable(b)) {
    // Missing browser: a failure, not a skip (CI installs them; see .ci/steps/50-app.sh).
    await step('browser installed', () => {
      throw new Error(`${BROWSERS[b].executable} not found: apt-get install -y --no-install-recommends ${b === 'firefox' ? 'firefox-esr' : 'chromium'}`)
    })
    continue
  }
  await runScenario(b, step, { shotsDir: join(OUT, 'screenshots', b), workDir }).catch(async (error) => {
    await step('scenario', () => {
      throw error
    })
  })
}

if (opts['update-screenshot']) {
  const src = join(OUT, 'screenshots', 'chromium', '03-revealed.png')
  if (existsSync(src)) {
    copyFileSync(src, join(EXAMPLE_ROOT, 'docs', 'screenshot.png'))
    console.log('updated docs/screenshot.png')
  }
}

runner.write()
rmSync(workDir, { recursive: true, force: true })
const failed = runner.results.filter((r) => !r.ok).length
console.log(`\napp: wall time ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots in .tmp/app/screenshots/`)
console.log(`app: ${runner.results.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
