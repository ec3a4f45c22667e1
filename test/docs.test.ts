// Every JavaScript/TypeScript block in README.md and docs/*.md and every TSDoc @example in src/
// runs against the BUILT package (dist/, through the package's own name), so a copy-pasted example
// cannot rot. A line `console.log(args) // expected` must print exactly `expected` (whitespace
// folded), and every such line must actually run at least once.
// Every one of them also type-checks (issue 12) as a TypeScript file of a consumer project that
// installed the PACKED package (`npm pack`, the tarball a user gets), under `strict` and
// `exactOptionalPropertyTypes`, with moduleResolution `bundler` and `node16`; so do the type-level
// tests in test/types/ (rotation results narrow by `status`, `rotateMany` keeps the row type,
// options take an explicit `undefined`).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const tmp = `${root}.tmp/docs/`

interface Example {
  name: string
  code: string
}

function markdownExamples(relPath: string): Example[] {
  const md = readFileSync(`${root}${relPath}`, 'utf8')
  const out: Example[] = []
  const re = /^```(js|javascript|ts|typescript|mjs)\n([\s\S]*?)^```$/gm
  let m: RegExpExecArray | null
  while ((m = re.exec(md)) !== null) {
    const line = md.slice(0, m.index).split('\n').length
    out.push({ name: `${relPath}:${line}`, code: m[2]! })
  }
  return out
}

function readmeExamples(): Example[] {
  return markdownExamples('README.md')
}

/** The guides in docs/ (the generated API site, docs/api/, is not a source). */
function docsExamples(): Example[] {
  return readdirSync(`${root}docs/`)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .flatMap((f) => markdownExamples(`docs/${f}`))
}

function tsdocExamples(): Example[] {
  const out: Example[] = []
  // Public API files only (src/*.ts, and src/v2/*.ts for `@org/keyseal/v2`); internal building
  // blocks under src/kdf/ are not user-facing.
  const files = ['src/', 'src/v2/'].flatMap((d) => readdirSync(`${root}${d}`).filter((f) => f.endsWith('.ts')).map((f) => `${root}${d}${f}`))
  for (const file of files) {
    const text = readFileSync(file, 'utf8')
    const re = /@example\s*\n\s*\*\s*```ts\n([\s\S]*?)\n\s*\*\s*```/g
    let m: RegExpExecArray | null
    while ((m = re.exec(text)) !== null) {
      const line = text.slice(0, m.index).split('\n').length
      const code = m[1]!.split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n')
      out.push({ name: `${file.slice(root.length)}:${line}`, code })
    }
  }
  return out
}

const PRELUDE = `import { format as __format } from 'node:util'
const __ran = new Set()
globalThis.__expect = (id, expected, ...args) => {
  __ran.add(id)
  const got = __format(...args).replace(/\\s+/g, ' ').trim()
  const want = expected.replace(/\\s+/g, ' ').trim()
  console.log(...args)
  if (got !== want) { console.error('EXPECTED: ' + want + '\\nGOT:      ' + got); process.exitCode = 1 }
}
process.on('beforeExit', () => { if (__ran.size !== __EXPECTED_COUNT) { console.error('ran ' + __ran.size + ' of __EXPECTED_COUNT checked lines'); process.exitCode = 1 } })
`

/** Rewrite `console.log(args) // expected` into a checked call; returns the code and the count. */
function instrument(code: string): { code: string; checks: number } {
  let checks = 0
  const lines = code.split('\n').map((l) => {
    const m = /^(.*?)console\.log\((.*)\)\s*\/\/\s*(.+)$/.exec(l)
    if (m === null) return l
    checks++
    return `${m[1]}__expect(${checks}, ${JSON.stringify(m[3])}, ${m[2]})`
  })
  return { code: lines.join('\n'), checks }
}

const examples = [...readmeExamples(), ...docsExamples(), ...tsdocExamples()]

/**
 * Blocks with a file name (```js title="keyseal-worker.js"```) are files of a multi-file recipe
 * (docs/argon2id-worker.md): they import each other and run in a browser (the runtime matrix runs
 * that recipe in Chromium), so they are not run here one by one, but they are type-checked, under
 * their own names and together, in the same strict consumer project as every other example.
 */
function titledFiles(): Array<{ name: string; file: string; code: string }> {
  const out: Array<{ name: string; file: string; code: string }> = []
  for (const relPath of ['README.md', ...readdirSync(`${root}docs/`).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)]) {
    const md = readFileSync(`${root}${relPath}`, 'utf8')
    for (const m of md.matchAll(/^```(?:js|javascript|ts|typescript|mjs) title="([^"]+)"\n([\s\S]*?)^```$/gm)) {
      const line = md.slice(0, m.index).split('\n').length
      out.push({ name: `${relPath}:${line} (${m[1]!})`, file: m[1]!, code: m[2]! })
    }
  }
  return out
}
const titled = titledFiles()

describe('documentation examples run against the built package', () => {
  beforeAll(() => {
    if (!existsSync(`${root}dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)')
    mkdirSync(tmp, { recursive: true })
  })

  it('finds the examples', () => {
    expect(readmeExamples().length).toBeGreaterThanOrEqual(7)
    expect(tsdocExamples().length).toBeGreaterThanOrEqual(12)
  })

  it.each(examples.map((e) => [e.name, e]))('%s', (_name, e) => {
    const { code, checks } = instrument(e.code)
    // Examples are TypeScript-compatible; strip types the same way a user's bundler would.
    const js = transformSync(code, { loader: 'ts', format: 'esm', target: 'es2022' }).code
    const file = `${tmp}${e.name.replace(/[^A-Za-z0-9]+/g, '_')}.mjs`
    writeFileSync(file, PRELUDE.replaceAll('__EXPECTED_COUNT', String(checks)) + js)
    // The file lives inside the package folder, so `import '@org/keyseal'` resolves to dist/ via the
    // package's own `exports` (package self-reference), exactly like an installed copy.
    const res = (() => {
      try {
        return { out: execFileSync(process.execPath, [file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), err: '' }
      } catch (error) {
        const x = error as { stdout?: string; stderr?: string }
        return { out: x.stdout ?? '', err: x.stderr ?? String(error) }
      }
    })()
    expect(res.err, `${e.name} failed:\n${res.out}`).toBe('')
    // Through the package's own name: the main entry or a published subpath (`/v2`, `/argon2id`, `/testing`).
    expect(e.code).toMatch(/from '@org\/keyseal(\/v2|\/argon2id|\/testing)?'/)
  })
})

// ---------------------------------------------------------------------------------------------
// Type-checking against the packed package.

const TSC = `${root}node_modules/typescript/bin/tsc`
const typeTests = readdirSync(`${root}test/types/`)
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .map((f) => ({ name: `test/types/${f}`, code: readFileSync(`${root}test/types/${f}`, 'utf8') }))

/** A consumer project with the packed tarball unpacked as node_modules/@org/keyseal. */
function packedConsumer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyseal-docs-types-'))
  // `npm pack` makes exactly what the registry would serve (the `files` list, the package.json).
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' })) as { filename: string }[]
  const tarball = join(dir, packed[0]!.filename)
  mkdirSync(join(dir, 'node_modules', '@org'), { recursive: true })
  execFileSync('tar', ['-xzf', tarball, '-C', join(dir, 'node_modules', '@org')])
  renameSync(join(dir, 'node_modules', '@org', 'package'), join(dir, 'node_modules', '@org', 'keyseal'))
  // ESM, as the examples are (top-level await); node16 reads this to treat .ts files as ESM.
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'keyseal-docs-consumer', private: true, type: 'module' }))
  return dir
}

function tsconfig(mode: 'bundler' | 'node16', files: string[]): string {
  return JSON.stringify({
    compilerOptions: {
      // The titled recipe files are JavaScript: check them too, with the same strict options.
      allowJs: true,
      checkJs: true,
      target: 'ES2022',
      module: mode === 'bundler' ? 'ESNext' : 'node16',
      moduleResolution: mode,
      lib: ['ES2022', 'DOM'],
      // @types/node too: README examples run in Node and browsers both (console, TextEncoder).
      types: ['node'],
      typeRoots: [`${root}node_modules/@types`],
      strict: true,
      exactOptionalPropertyTypes: true,
      // The published declarations are checked too, as a strict user's build would.
      skipLibCheck: false,
      noEmit: true,
    },
    files,
  })
}

describe('documentation examples type-check against the packed package (strict, exactOptionalPropertyTypes)', () => {
  let dir = ''
  const all = [...examples, ...typeTests]
  const fileOf = (e: Example): string => `${e.name.replace(/[^A-Za-z0-9]+/g, '_')}.ts`
  beforeAll(() => {
    if (!existsSync(`${root}dist/index.js`)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)')
    dir = packedConsumer()
    for (const e of all) writeFileSync(join(dir, fileOf(e)), e.code)
    for (const t of titled) writeFileSync(join(dir, t.file), t.code)
  }, 120_000)
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true })
  })

  it('the packed package is what the consumer resolves, and there is something to check', () => {
    expect(JSON.parse(readFileSync(join(dir, 'node_modules/@org/keyseal/package.json'), 'utf8')).name).toBe('@org/keyseal')
    expect(existsSync(join(dir, 'node_modules/@org/keyseal/src'))).toBe(false)
    expect(typeTests.length).toBeGreaterThanOrEqual(1)
    expect(all.length).toBe(examples.length + typeTests.length)
    // The worker recipe's three files, each name once (they import each other by name).
    expect(titled.map((t) => t.file)).toEqual(expect.arrayContaining(['keyseal-worker.js', 'keyseal-client.js', 'page.js']))
    expect(new Set(titled.map((t) => t.file)).size).toBe(titled.length)
  })

  for (const mode of ['bundler', 'node16'] as const) {
    it(`tsc --strict --exactOptionalPropertyTypes, moduleResolution ${mode}: no errors`, () => {
      writeFileSync(join(dir, `tsconfig.${mode}.json`), tsconfig(mode, [...all.map(fileOf), ...titled.map((t) => t.file)]))
      const res = (() => {
        try {
          return { code: 0, out: execFileSync(process.execPath, [TSC, '-p', `tsconfig.${mode}.json`, '--pretty', 'false'], { cwd: dir, encoding: 'utf8' }) }
        } catch (error) {
          const x = error as { status?: number; stdout?: string; stderr?: string }
          return { code: x.status ?? -1, out: `${x.stdout ?? ''}${x.stderr ?? ''}` }
        }
      })()
      // Name each failing file by its source (README.md:123, src/rotate.ts:45, test/types/...).
      const byFile = new Map([...all.map((e) => [fileOf(e), e.name] as const), ...titled.map((t) => [t.file, t.name] as const)])
      const report = res.out.replace(/^([\w.-]+\.[jt]s)\((\d+),(\d+)\)/gm, (_m, f: string, l: string) => `${byFile.get(f) ?? f} (block line ${l})`)
      expect(report, report).toBe('')
      expect(res.code).toBe(0)
    }, 120_000)
  }
})
