// Issue 11 item 5: in Node, `import` and `require` of @org/keyseal are one copy of the library.
// package.json sends Node's `import` to dist/<entry>.node.mjs, a generated wrapper that re-exports
// dist/<entry>.cjs (docs/packaging.md). Checked here against dist/ through the package's own name
// (self-reference, as in test/docs.test.ts), in a child Node process; the same apps run from the
// installed tarball on Node 20, 22, 24 and 26 and inside esbuild bundles in test/packed/check.mjs.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { wrapperSource, wrapperTargets } from '../scripts/node-wrappers.mjs'

const root = new URL('..', import.meta.url).pathname
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }

type Leaf = { types: string; default: string }
type Entry = { module: Leaf; node: { import: Leaf; require: Leaf }; import: Leaf; require: Leaf }

describe('package.json exports: one implementation per Node process', () => {
  const subpaths = Object.entries(pkg.exports).filter(([, e]) => typeof e === 'object') as [string, Entry][]

  it('every subpath with an ES module and a CommonJS build has the module > node > import > require layout', () => {
    expect(subpaths.map(([s]) => s).sort()).toEqual(['.', './argon2id', './testing', './v2'])
    for (const [sub, e] of subpaths) {
      const stem = sub === '.' ? 'index' : sub.slice(2)
      // Condition order matters (the first match wins): `module` for bundlers (ES module build for
      // both import and require), then `node` (Node, Deno and Bun: the wrapper and the CommonJS
      // build), then the plain pair for everything else.
      expect(Object.keys(e), sub).toEqual(['module', 'node', 'import', 'require'])
      expect(Object.keys(e.node), sub).toEqual(['import', 'require'])
      const esm = { types: `./dist/${stem}.d.ts`, default: `./dist/${stem}.js` }
      const cjs = { types: `./dist/${stem}.d.cts`, default: `./dist/${stem}.cjs` }
      expect(e.module, sub).toEqual(esm)
      expect(e.import, sub).toEqual(esm)
      expect(e.require, sub).toEqual(cjs)
      expect(e.node.require, sub).toEqual(cjs)
      expect(e.node.import, sub).toEqual({ types: esm.types, default: `./dist/${stem}.node.mjs` })
    }
    expect(wrapperTargets(pkg).map((t) => t.file).sort()).toEqual(subpaths.map(([, e]) => e.node.import.default).sort())
  })
})

describe('the built wrappers (dist/*.node.mjs)', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist/index.node.mjs'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does)')
  })

  it('are what the generator writes for the export names of both builds (never stale)', () => {
    for (const t of wrapperTargets(pkg)) {
      const names = execFileSync(process.execPath, ['-p', `JSON.stringify(Object.keys(require(${JSON.stringify(join(root, t.cjs))})).filter((k) => k !== '__esModule').sort())`], { encoding: 'utf8' })
      expect(readFileSync(join(root, t.file), 'utf8'), t.file).toBe(wrapperSource(t.cjs, JSON.parse(names) as string[]))
    }
  })

  it('an ES module app and a CommonJS app that load keyseal both ways get one copy (every export identical; errors, keys, keyrings, policies cross)', () => {
    for (const app of ['one-copy-esm.mjs', 'one-copy-cjs.cjs']) {
      const out = execFileSync(process.execPath, [join(root, 'test/packed/consumer', app)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 })
      const r = JSON.parse(out.trim().split('\n').pop()!) as { passed: number; failed: number; errors: string[] }
      expect(r.errors, app).toEqual([])
      expect(r.passed, app).toBe(12)
    }
  }, 90_000)
})
