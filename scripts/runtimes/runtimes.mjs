// The runtime matrix: how each runtime loads the built package and runs test/conformance/suite.mjs.
// Every `run(input)` resolves to the suite's JSON answer ({ report, sealed? } plus version fields)
// or { crash } when the runtime could not run the suite at all.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { runChromium, runFirefox, runWebKit } from './browsers.mjs'
import { loadEdgeVm, loadMiniflare } from '../../test/runtimes/deps.mjs'
import { startServer } from './server.mjs'

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))
// The no-WebCrypto Node check loads the built ES module files directly (before any package is packed).
const DIST_ESM = join(ROOT, 'dist/index.js')
const DIST_A2_ESM = join(ROOT, 'dist/argon2id.js')
const NODE_VERSIONS = join(ROOT, 'test/runtimes/node-versions/node_modules')
// Deno, Bun, Miniflare, edge-runtime and the browser drivers: test/runtimes/package.json (its own
// lock, installed by `npm run test:runtimes`), never the root package (issue 12: `npm test` downloads
// no platform binaries).
export const RUNTIMES_DIR = join(ROOT, 'test/runtimes')
export const RUNTIMES_BIN = join(RUNTIMES_DIR, 'node_modules/.bin')
const BIN = RUNTIMES_BIN
const entry = (name) => join(ROOT, 'test/runtimes', name)
const pkgVersion = (name) => JSON.parse(readFileSync(join(RUNTIMES_DIR, 'node_modules', name, 'package.json'), 'utf8')).version

/** Run a command that reads <input.json> and writes <output.json>; resolve to the parsed output. */
async function runFileProtocol(command, args, input, { timeoutMs = 300_000, cwd } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'keyseal-rt-'))
  const inputPath = join(dir, 'input.json')
  const outputPath = join(dir, 'output.json')
  try {
    await writeFile(inputPath, JSON.stringify(input))
    const fullArgs = [...(typeof args === 'function' ? args(outputPath) : args), inputPath, outputPath]
    const { code, stderr } = await spawnCollect(command, fullArgs, timeoutMs, cwd ? { cwd } : {})
    if (!existsSync(outputPath)) return { crash: `exit ${code}: ${stderr.trim().split('\n').slice(-15).join('\n')}` }
    return JSON.parse(await readFile(outputPath, 'utf8'))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export function spawnCollect(command, args, timeoutMs, options = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...options })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs / 1000} s]`
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolvePromise({ code: -1, stdout, stderr: `${stderr}\n${error.message}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolvePromise({ code, stdout, stderr })
    })
  })
}

// Node, Deno and Bun load keyseal the way applications there do (issue 14 "Everywhere, proven"):
// package-load.mjs / .cjs, copied into the consumer that installed the packed tarball
// (test/packed/check.mjs), imports or requires `@org/keyseal`, `@org/keyseal/argon2id` and
// `@org/keyseal/v2` by name, so the runtime itself resolves them through package.json `exports`
// with its own conditions. docs/packaging.md says what each gets: `import` the ES module wrapper
// dist/<entry>.node.mjs over the CommonJS build (Node, Deno and Bun match `node`), `require`
// dist/<entry>.cjs. The check below holds the runtime to that, so the conformance that ran is the
// build users load. Browsers, workerd and edge-runtime keep loading the ES module build
// (dist/*.js), which is what their bundlers and loaders pick (the `module` / `import` conditions).
const LOADERS = { import: 'package-load.mjs', require: 'package-load.cjs' }
const PACKAGE_FILES = { '@org/keyseal': 'index', '@org/keyseal/argon2id': 'argon2id', '@org/keyseal/v2': 'v2' }

/** The URL of the loader for `how` ('import' | 'require') inside the packed consumer (copied there once). */
function packageLoader(ctx, how) {
  const target = join(ctx.packed.consumer, LOADERS[how])
  if (!existsSync(target)) copyFileSync(entry(LOADERS[how]), target)
  return pathToFileURL(target).href
}

/**
 * Add to a runtime's answer the check that every specifier resolved inside the installed package
 * to the file its `exports` gives for `how`. Without it a loader that fell back to some other copy
 * (the repository's dist/, a stale install) would pass unnoticed.
 */
function checkResolved(out, ctx, how) {
  if (!out.report) return out
  const base = join(ctx.packed.consumer, 'node_modules/@org/keyseal/dist')
  const want = (e) => join(base, `${e}${how === 'import' ? '.node.mjs' : '.cjs'}`)
  const got = out.resolved ?? {}
  const asPath = (r) => (typeof r === 'string' && r.startsWith('file:') ? fileURLToPath(r) : r)
  const wrong = Object.entries(PACKAGE_FILES).filter(([spec, e]) => asPath(got[spec]) !== want(e)).map(([spec, e]) => `${spec}: ${asPath(got[spec]) ?? 'not resolved'} (want ${want(e)})`)
  const result = wrong.length
    ? { name: `package path: ${how} of @org/keyseal, /argon2id, /v2 resolves through package.json exports to the installed package`, status: 'fail', error: wrong.join('\n') }
    : { name: `package path: ${how} of @org/keyseal, /argon2id, /v2 resolves through package.json exports to the installed package`, status: 'pass', note: `dist/{index,argon2id,v2}${how === 'import' ? '.node.mjs' : '.cjs'} of the installed tarball` }
  const results = [result, ...out.report.results]
  const count = (st) => results.filter((r) => r.status === st).length
  return { ...out, report: { ...out.report, passed: count('pass'), failed: count('fail'), skipped: count('skip'), results } }
}

/** A Node binary running the suite on keyseal loaded through the packed package (`how`: 'import' or 'require'). */
function nodeRuntime(name, nodeBin, { how = 'import' } = {}) {
  return {
    name,
    needsPacked: true,
    available: () => existsSync(nodeBin) || `${nodeBin} missing (npm ci --prefix test/runtimes/node-versions)`,
    run: async (input, ctx) =>
      checkResolved(
        await runFileProtocol(nodeBin, ['--no-warnings', entry('node.mjs')], { ...input, format: how === 'require' ? 'cjs' : 'esm', packageLoader: packageLoader(ctx, how) }),
        ctx,
        how,
      ),
  }
}

async function runWorkerd(input) {
  const { Miniflare } = await loadMiniflare()
  // Pitfall 4: Miniflare's module walker refuses dynamic import(x): list every module explicitly.
  // dist/chunk-*.js: the v1 code shared by dist/index.js and dist/v2.js (tsup splitting).
  const chunks = readdirSync(join(ROOT, 'dist')).filter((f) => /^chunk-.*\.js$/.test(f)).map((f) => `dist/${f}`)
  const files = ['test/runtimes/workerd.mjs', 'test/runtimes/phase.mjs', 'test/runtimes/case-vectors.mjs', 'test/spec/cases.mjs', 'test/spec/library-adapter.mjs', 'dist/index.js', 'dist/argon2id.js', 'dist/v2.js', ...chunks, 'test/conformance/suite.mjs', 'test/conformance/suite-v2.mjs', 'test/conformance/harness.mjs', 'test/conformance/pollution.mjs', 'test/conformance/pollution-names.mjs']
  const mf = new Miniflare({
    compatibilityDate: '2026-04-01',
    compatibilityFlags: ['nodejs_compat'],
    modulesRoot: ROOT,
    modules: files.map((f) => ({ type: 'ESModule', path: join(ROOT, f), contents: readFileSync(join(ROOT, f), 'utf8') })),
  })
  try {
    const res = await mf.dispatchFetch('http://localhost/', { method: 'POST', body: JSON.stringify(input) })
    const out = await res.json()
    return { ...out, version: `workerd ${pkgVersion('workerd')} (Miniflare ${pkgVersion('miniflare')})` }
  } finally {
    await mf.dispose()
  }
}

let edgeBundle = null
async function runEdge(input) {
  if (!edgeBundle) {
    const esbuild = await import('esbuild')
    // Unminified bundle of the entry, the built dist/index.js and dist/argon2id.js and the suite:
    // EdgeVM runs scripts.
    const built = await esbuild.build({
      entryPoints: [entry('edge.mjs')],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'neutral',
      target: 'es2022',
      logLevel: 'silent',
    })
    edgeBundle = built.outputFiles[0].text
  }
  const { EdgeVM } = await loadEdgeVm()
  const vm = new EdgeVM()
  vm.evaluate(edgeBundle)
  const json = await vm.evaluate(`__keysealConformance(${JSON.stringify(JSON.stringify(input))})`)
  return { ...JSON.parse(json), version: `@edge-runtime/vm ${pkgVersion('@edge-runtime/vm')} on Node ${process.version}` }
}

/** Serve the repository to a browser and run one phase there. */
export async function runInBrowser(
  launch,
  input,
  {
    origin = 'http://localhost',
    path = '/test/runtimes/browser.html',
    extraMounts = {},
    moduleUrl = '/dist/index.js',
    argon2idModuleUrl = '/dist/argon2id.js',
    headers = {},
    v2ModuleUrl = '/dist/v2.js',
    ...opts
  } = {},
) {
  const server = await startServer({
    mounts: { '/dist/': join(ROOT, 'dist'), '/test/conformance/': join(ROOT, 'test/conformance'), '/test/runtimes/': join(ROOT, 'test/runtimes'), '/test/spec/': join(ROOT, 'test/spec'), ...extraMounts },
    input: { ...input, module: moduleUrl, argon2idModule: argon2idModuleUrl, v2Module: v2ModuleUrl },
    headers,
  })
  try {
    return await launch(`${origin}:${server.port}${path}`, server.result, opts)
  } finally {
    await server.close()
  }
}

const browserVersioned = (out) => ({ ...out, version: out.browserVersion ?? out.version })

/**
 * The matrix, in run order. `ctx` is shared state from the driver (for example the packed
 * consumer prepared by test/packed/check.mjs).
 */
// The machine's own Node (20 here and in CI) runs ESM and, separately, the CJS build.
export const HOST_NODE = `node${process.versions.node.split('.')[0]}`

export const RUNTIMES = [
  nodeRuntime(HOST_NODE, process.execPath),
  // The same Node, an application that require()s the package (the CommonJS build).
  nodeRuntime(`${HOST_NODE}-cjs`, process.execPath, { how: 'require' }),
  nodeRuntime('node22', join(NODE_VERSIONS, 'node22/bin/node')),
  nodeRuntime('node24', join(NODE_VERSIONS, 'node24/bin/node')),
  nodeRuntime('node26', join(NODE_VERSIONS, 'node26/bin/node')),
  {
    name: 'deno',
    needsPacked: true,
    available: () => existsSync(join(BIN, 'deno')) || 'test/runtimes/node_modules/.bin/deno missing (npm ci --prefix test/runtimes)',
    run: async (input, ctx) =>
      checkResolved(
        await runFileProtocol(
          join(BIN, 'deno'),
          (out) => ['run', '--no-lock', '--no-prompt', '--allow-read', `--allow-write=${out}`, entry('deno.mjs')],
          { ...input, packageLoader: packageLoader(ctx, 'import') },
          { cwd: ctx.packed.consumer },
        ),
        ctx,
        'import',
      ),
  },
  {
    name: 'bun',
    needsPacked: true,
    available: () => existsSync(join(BIN, 'bun')) || 'test/runtimes/node_modules/.bin/bun missing (npm ci --prefix test/runtimes)',
    run: async (input, ctx) => checkResolved(await runFileProtocol(join(BIN, 'bun'), [entry('bun.mjs')], { ...input, packageLoader: packageLoader(ctx, 'import') }), ctx, 'import'),
  },
  { name: 'workerd', available: () => true, run: runWorkerd },
  { name: 'edge-runtime', available: () => true, run: runEdge },
  {
    name: 'chromium',
    available: () => existsSync('/usr/bin/chromium') || '/usr/bin/chromium missing (apt-get install chromium)',
    run: async (input) => browserVersioned(await runInBrowser(runChromium, input)),
  },
  {
    // Issue 17: the same suite in a page whose Content-Security-Policy allows only its own scripts,
    // without 'wasm-unsafe-eval', so Chromium refuses to compile WebAssembly: the Argon2id path
    // test then requires the TypeScript fallback (and that derive tried WebAssembly and was refused).
    name: 'chromium-csp',
    available: () => existsSync('/usr/bin/chromium') || '/usr/bin/chromium missing (apt-get install chromium)',
    run: async (input) =>
      browserVersioned(await runInBrowser(runChromium, input, { headers: { 'content-security-policy': "default-src 'self'; script-src 'self'" } })),
  },
  {
    name: 'firefox',
    available: () => existsSync('/usr/bin/firefox-esr') || '/usr/bin/firefox-esr missing (apt-get install firefox-esr)',
    run: async (input) => browserVersioned(await runInBrowser(runFirefox, input)),
  },
  {
    name: 'webkit',
    available: () =>
      (existsSync('/usr/bin/WebKitWebDriver') && existsSync('/usr/bin/Xvfb')) || 'WebKitWebDriver or Xvfb missing (apt-get install webkit2gtk-driver xvfb)',
    run: async (input) => browserVersioned(await runInBrowser(runWebKit, input)),
  },
]

/** The no-WebCrypto checks: importing must not throw; calls reject with WEBCRYPTO_UNAVAILABLE. */
export const NO_WEBCRYPTO = [
  {
    name: 'no-webcrypto-node',
    available: () => true,
    // A child of the machine's Node that deletes globalThis.crypto before importing dist/index.js
    // and dist/argon2id.js.
    run: () =>
      runFileProtocol(process.execPath, ['--no-warnings', entry('node.mjs')], {
        phase: 'no-webcrypto',
        deleteCrypto: true,
        module: pathToFileURL(DIST_ESM).href,
        argon2idModule: pathToFileURL(DIST_A2_ESM).href,
      }),
  },
  {
    name: 'no-webcrypto-chromium',
    available: () => existsSync('/usr/bin/chromium') || '/usr/bin/chromium missing',
    // Pitfall 10 turned around: a host name that is not localhost is not a secure context, so
    // crypto.subtle is undefined there. The name is mapped to 127.0.0.1 inside Chromium only.
    run: async () =>
      browserVersioned(
        await runInBrowser(runChromium, { phase: 'no-webcrypto' }, { origin: 'http://keyseal-insecure.test', hostRules: 'MAP keyseal-insecure.test 127.0.0.1' }),
      ),
  },
]

