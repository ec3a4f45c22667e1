// Packed-package checks: what a user gets from the registry, not what sits in dist/.
//   1. `npm pack` into a temp dir; install the tarball into a temporary consumer project (offline:
//      keyseal has zero dependencies).
//   2. `import` (ESM) and `require` (CJS) both resolve and seal/open, for `@org/keyseal` and the
//      `@org/keyseal/argon2id` subpath (an Argon2id round trip at small parameters).
//   3. TypeScript types resolve and type-check under moduleResolution node16 (ESM and CJS files)
//      and bundler, with the root's tsc; and in a Node project without the DOM lib; both entries.
//   4. publint and `attw --pack` pass, every entrypoint including ./argon2id (accepted exception:
//      test/packed/README.md).
//   5. An esbuild browser bundle of the consumer seals and opens in Chromium.
// The consumer is also where the Node, Deno and Bun runtimes load the package from, by name (scripts/runtimes/runtimes.mjs).
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runChromium } from '../../scripts/runtimes/browsers.mjs'
import { ROOT, RUNTIMES_BIN, runInBrowser, spawnCollect } from '../../scripts/runtimes/runtimes.mjs'

// The Node versions the one-copy check runs on (issue 11 item 5): the machine's (Node 20 in CI) and
// the matrix's extra binaries (test/runtimes/node-versions, installed by .ci/runtimes.sh).
// Deno and Bun load npm packages with the `node` condition too (docs/packaging.md), so the same
// apps run there (binaries from test/runtimes, installed by .ci/runtimes.sh).
const NODES = [
  ['this Node', process.execPath, [], 'test/runtimes/node-versions'],
  ...['node22', 'node24', 'node26'].map((n) => [n, join(ROOT, `test/runtimes/node-versions/node_modules/${n}/bin/node`), [], 'test/runtimes/node-versions']),
  ['Deno', join(ROOT, 'test/runtimes/node_modules/.bin/deno'), ['run', '--allow-all'], 'test/runtimes'],
  ['Bun', join(ROOT, 'test/runtimes/node_modules/.bin/bun'), [], 'test/runtimes'],
]

const TEMPLATE = fileURLToPath(new URL('./consumer/', import.meta.url))
// tsc is the root's (the TypeScript users compile with); publint and attw come from the runtime
// matrix's own package (test/runtimes/package.json).
const BIN = join(ROOT, 'node_modules/.bin')

/** Every `*.tgz` in the repository root, by name, with its SHA-256: the user's, never ours to touch. */
async function rootTarballs() {
  const out = {}
  for (const name of (await readdir(ROOT)).filter((n) => n.endsWith('.tgz')).sort()) {
    out[name] = createHash('sha256').update(await readFile(join(ROOT, name))).digest('hex')
  }
  return out
}

async function sh(command, args, options = {}) {
  const r = await spawnCollect(command, args, options.timeoutMs ?? 180_000, options)
  return { ...r, ok: r.code === 0, output: `${r.stdout}${r.stderr}`.trim() }
}

/** Pack, install into a fresh consumer; resolves to { dir, consumer, tarball, esmPath, cleanup }. */
export async function preparePacked() {
  const dir = await mkdtemp(join(tmpdir(), 'keyseal-packed-'))
  const packed = await sh('npm', ['pack', '--json', '--pack-destination', dir])
  if (!packed.ok) throw new Error(`npm pack failed:\n${packed.output}`)
  const info = JSON.parse(packed.stdout)[0]
  const tarball = join(dir, info.filename)
  // Issue 12: `attw --pack .` used to run `npm pack` in the repository root and delete the tarball
  // afterwards, a user's own `npm pack` output included. The checks now only read the tarball made
  // here. So that the check below can fail, a stand-in for a user's tarball of the same name sits
  // in the root while the checks run (when the user has none), and is removed by cleanup().
  const sentinelPath = join(ROOT, info.filename)
  const sentinel = existsSync(sentinelPath) ? null : randomBytes(32)
  if (sentinel !== null) await writeFile(sentinelPath, sentinel)
  const rootBefore = await rootTarballs()
  const consumer = join(dir, 'consumer')
  await mkdir(consumer)
  await cp(TEMPLATE, consumer, { recursive: true })
  await writeFile(join(consumer, 'package.json'), JSON.stringify({ name: 'keyseal-consumer', private: true, type: 'module' }, null, 2))
  const install = await sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', tarball], { cwd: consumer })
  if (!install.ok) throw new Error(`npm install of the tarball failed:\n${install.output}`)
  // Let Node itself resolve the package's ESM entry from inside the consumer.
  const resolved = await sh(
    process.execPath,
    ['--input-type=module', '-e', "console.log(import.meta.resolve('@org/keyseal'));console.log(import.meta.resolve('@org/keyseal/argon2id'));console.log(import.meta.resolve('@org/keyseal/v2'))"],
    { cwd: consumer },
  )
  if (!resolved.ok) throw new Error(`resolving @org/keyseal in the consumer failed:\n${resolved.output}`)
  const [esmUrl, argon2idUrl, v2Url] = resolved.stdout.trim().split('\n')
  return {
    dir,
    consumer,
    tarball,
    files: info.files.map((f) => f.path),
    esmPath: fileURLToPath(esmUrl),
    argon2idEsmPath: fileURLToPath(argon2idUrl),
    v2EsmPath: fileURLToPath(v2Url),
    rootBefore,
    cleanup: async () => {
      await rm(dir, { recursive: true, force: true })
      // Remove the stand-in only if it is still exactly ours.
      if (sentinel !== null && existsSync(sentinelPath) && Buffer.compare(await readFile(sentinelPath), sentinel) === 0) await rm(sentinelPath)
    },
  }
}

/** Run every packed-package check; resolves to a report like the suite's. */
export async function runPackedChecks(packed) {
  const results = []
  const check = async (name, fn) => {
    const t0 = Date.now()
    try {
      const note = await fn()
      results.push({ name, status: 'pass', ms: Date.now() - t0, ...(note ? { note } : {}) })
    } catch (error) {
      results.push({ name, status: 'fail', ms: Date.now() - t0, error: String(error.message ?? error) })
    }
  }
  const cwd = packed.consumer
  const expectRoundTrip = (r, what, expected = 3) => {
    if (!r.ok) throw new Error(`${what} exited ${r.code}:\n${r.output}`)
    const out = JSON.parse(r.stdout.trim().split('\n').pop())
    if (out.failed !== 0 || out.passed !== expected) throw new Error(`${what}: ${out.passed}/${expected} passed; ${out.errors.join('; ')}`)
  }

  await check("tarball contents: dist ESM, CJS, Node's ESM wrapper and both .d.ts, for every entry; no src or tests", () => {
    const dist = ['index', 'argon2id', 'v2', 'testing'].flatMap((n) => ['.js', '.cjs', '.node.mjs', '.d.ts', '.d.cts'].map((x) => `dist/${n}${x}`))
    for (const f of ['package.json', ...dist]) {
      if (!packed.files.includes(f)) throw new Error(`${f} missing from the tarball`)
    }
    const stray = packed.files.filter((f) => /^(src|test|scripts|bench|vectors)\//.test(f))
    if (stray.length) throw new Error(`unexpected files in the tarball: ${stray.join(', ')}`)
    return `${packed.files.length} files`
  })
  await check("import (ESM) from the installed tarball, '@org/keyseal' and '@org/keyseal/argon2id'", async () =>
    expectRoundTrip(await sh(process.execPath, ['esm.mjs'], { cwd }), 'esm.mjs', 4))
  await check("require (CJS) from the installed tarball, '@org/keyseal' and '@org/keyseal/argon2id'", async () =>
    expectRoundTrip(await sh(process.execPath, ['cjs.cjs'], { cwd }), 'cjs.cjs', 4))
  // Issue 11 item 5: `import` and `require` of the installed package in ONE process are one copy of
  // the library (every export identical; errors, keys, keyrings, policies and v2 key pairs cross
  // between them), from an ES module app and from a CommonJS app, on every Node the matrix has.
  for (const [label, node, args, prefix] of NODES) {
    await check(`one copy: import + require in one process (ESM app and CJS app), ${label}`, async () => {
      if (!existsSync(node)) throw new Error(`${node} is missing: npm ci --prefix ${prefix}`)
      const version = (await sh(node, ['--version'])).stdout.trim().split('\n')[0]
      for (const app of ['one-copy-esm.mjs', 'one-copy-cjs.cjs']) expectRoundTrip(await sh(node, [...args, app], { cwd }), `${app} on ${label} ${version}`, 12)
      return version
    })
  }
  // What a bundler targeting Node gets (docs/packaging.md): esbuild's defaults include the `module`
  // condition, so `import` and `require` both take the pure ES module build (tree-shakable, one
  // copy); with custom conditions (no `module`) both take the CommonJS build (through the wrapper
  // for `import`), still one copy. Each bundle runs the one-copy check.
  for (const [what, conditions, want] of [
    ['default conditions (module): the ES module build only', undefined, /^dist\/[\w-]+\.js$/],
    ['custom conditions (no module): the CommonJS build only', ['keyseal-none'], /^dist\/[\w-]+\.(cjs|node\.mjs)$/],
  ]) {
    await check(`esbuild bundle for platform node, ${what}, one copy`, async () => {
      const esbuild = await import('esbuild')
      const out = `bundle-node-${conditions ? 'custom' : 'default'}.mjs`
      const r = await esbuild.build({
        absWorkingDir: cwd,
        entryPoints: ['one-copy-bundle.mjs'],
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        outfile: out,
        metafile: true,
        logLevel: 'silent',
        ...(conditions ? { conditions } : {}),
      })
      const prefix = 'node_modules/@org/keyseal/'
      const used = Object.keys(r.metafile.inputs).filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length))
      const entries = used.filter((f) => !/^dist\/chunk-/.test(f))
      const stray = entries.filter((f) => !want.test(f))
      if (entries.length === 0 || stray.length) throw new Error(`bundled ${used.join(', ')}`)
      expectRoundTrip(await sh(process.execPath, [out], { cwd }), out, 12)
      return `bundled ${entries.sort().join(', ')}`
    })
  }
  // Issue 2's acceptance test: the README quick start, pasted as is into a fresh folder that
  // installed the tarball, runs and prints what its comment says.
  await check('README quick start, pasted into the consumer, runs', async () => {
    const md = await readFile(join(ROOT, 'README.md'), 'utf8')
    const block = /## Quick start\n+```js\n([\s\S]*?)\n```/.exec(md)
    if (block === null) throw new Error('README.md has no ```js block under "## Quick start"')
    await writeFile(join(cwd, 'quickstart.mjs'), block[1] + '\n')
    const r = await sh(process.execPath, ['quickstart.mjs'], { cwd })
    if (!r.ok) throw new Error(`quickstart.mjs exited ${r.code}:\n${r.output}`)
    const want = /console\.log\(apiKey\) \/\/ (.+)/.exec(block[1])?.[1]
    if (want === undefined || r.stdout.trim() !== want) throw new Error(`quickstart printed ${JSON.stringify(r.stdout.trim())}, README says ${JSON.stringify(want)}`)
  })
  for (const mode of ['node16', 'bundler']) {
    await check(`TypeScript types resolve and check (moduleResolution ${mode}), both entries`, async () => {
      const r = await sh(join(BIN, 'tsc'), ['-p', `tsconfig.${mode}.json`], { cwd })
      if (!r.ok) throw new Error(r.output)
    })
  }
  await check('TypeScript types check in a Node project without the DOM lib (lib ES2022 + @types/node)', async () => {
    // Many Node projects compile with lib ES2022 and @types/node only, and skipLibCheck false:
    // the published declarations must not need DOM-only names there.
    await writeFile(
      join(cwd, 'tsconfig.node-nodom.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'node16',
          moduleResolution: 'node16',
          lib: ['ES2022'],
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['consumer.ts', 'consumer.cts'],
      }),
    )
    const r = await sh(join(BIN, 'tsc'), ['-p', 'tsconfig.node-nodom.json'], { cwd })
    if (!r.ok) throw new Error(r.output)
  })
  await check('publint', async () => {
    const r = await sh(join(RUNTIMES_BIN, 'publint'), ['run', '--strict', join(cwd, 'node_modules/@org/keyseal')])
    if (!r.ok) throw new Error(r.output)
  })
  await check('are-the-types-wrong (attw on the packed tarball), every entrypoint including ./argon2id', async () => {
    // JSON, so that the entrypoints checked and each problem can be read exactly. No exception:
    // ./argon2id resolves under node10 too, through the argon2id/package.json stub. attw reads the
    // tarball packed above (never `--pack .`, which packs into and deletes from the repository root).
    const r = await sh(join(RUNTIMES_BIN, 'attw'), [packed.tarball, '--format', 'json'], { cwd: packed.dir })
    let out
    try {
      out = JSON.parse(r.stdout)
    } catch {
      throw new Error(`attw printed no JSON (exit ${r.code}):\n${r.output.slice(0, 2000)}`)
    }
    const entrypoints = Object.keys(out.analysis?.entrypoints ?? {})
    for (const e of ['.', './argon2id']) if (!entrypoints.includes(e)) throw new Error(`attw did not check ${e} (checked: ${entrypoints.join(', ')})`)
    const problems = Object.values(out.problems ?? {}).flat()
    if (problems.length) throw new Error(`attw problems: ${JSON.stringify(problems)}`)
    return `checked ${entrypoints.join(', ')}`
  })
  await check('esbuild browser bundle of the consumer seals and opens in Chromium', async () => {
    const esbuild = await import('esbuild')
    await esbuild.build({
      absWorkingDir: cwd,
      entryPoints: ['browser.mjs'],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: 'bundle.js',
      logLevel: 'silent',
    })
    const out = await runInBrowser(runChromium, {}, { path: '/packed/index.html', extraMounts: { '/packed/': cwd } })
    if (out.crash) throw new Error(out.crash)
    if (out.failed !== 0 || out.passed !== 3) throw new Error(out.errors.join('; '))
    return out.browserVersion
  })
  await check('the repository root: no tarball created, changed or removed by these checks', async () => {
    const after = await rootTarballs()
    if (JSON.stringify(after) !== JSON.stringify(packed.rootBefore)) {
      throw new Error(`root *.tgz before ${JSON.stringify(packed.rootBefore)}, after ${JSON.stringify(after)}`)
    }
    return `${Object.keys(after).length} tarball(s) left as they were`
  })
  const count = (s) => results.filter((r) => r.status === s).length
  return { passed: count('pass'), failed: count('fail'), skipped: 0, results }
}
