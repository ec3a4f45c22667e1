// Every JavaScript/TypeScript block in README.md and every TSDoc @example in src/ runs against the
// BUILT package (dist/, through the package's own name), so a copy-pasted example cannot rot.
// A line `console.log(args) // expected` must print exactly `expected` (whitespace folded), and
// every such line must actually run at least once.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const tmp = `${root}.tmp/docs/`

interface Example {
  name: string
  code: string
}

function readmeExamples(): Example[] {
  const md = readFileSync(`${root}README.md`, 'utf8')
  const out: Example[] = []
  const re = /^```(js|javascript|ts|typescript|mjs)\n([\s\S]*?)^```$/gm
  let m: RegExpExecArray | null
  while ((m = re.exec(md)) !== null) {
    const line = md.slice(0, m.index).split('\n').length
    out.push({ name: `README.md:${line}`, code: m[2]! })
  }
  return out
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

const examples = [...readmeExamples(), ...tsdocExamples()]

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
    expect(e.code).toMatch(/from '@org\/keyseal(\/v2)?'/)
  })
})
