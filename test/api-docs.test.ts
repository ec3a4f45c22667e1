// Every public export is documented with TSDoc, an @example, and (for functions) @throws: checked
// on the published declarations (dist/index.d.ts), which is what users' editors show.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const files = ['index', 'argon2id', 'v2'].map((n) => new URL(`../dist/${n}.d.ts`, import.meta.url))

describe('public API documentation', () => {
  it.each(files.map((f) => [f.pathname.split('/').pop(), f]))('%s: every exported value has TSDoc with @example, and every function @throws', (_n, file) => {
    expect(existsSync(file), 'dist/ is missing: run npm run build (npm test does)').toBe(true)
    const own = readFileSync(file, 'utf8')
    // With code splitting (tsup `splitting: true`) declarations can live in shared chunks
    // (`./stream-<hash>.js` -> `stream-<hash>.d.ts`) that the entry re-exports under aliases: read
    // those chunks too, and take each export's public name (after `as`). The v1 entry's own
    // declarations are checked through index.d.ts; v2.d.ts imports them from ./index.js.
    const chunks = [...own.matchAll(/from '\.\/((?!index\.js)[\w-]+)\.js'/g)].map((m) => readFileSync(new URL(`../dist/${m[1]}.d.ts`, import.meta.url), 'utf8'))
    const dts = [own, ...chunks].join('\n')
    const exported = [...own.matchAll(/^export \{ ([^}]*) \}(?: from '([^']*)')?;$/gm)]
      .filter((m) => m[2] !== './index.js')
      .flatMap((m) => m[1]!.split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('type '))
      .map((s) => s.split(' as ').pop()!)
      .filter((n) => !new RegExp(`(interface|type) ${n}\\b`).test(dts))
    expect(exported.length).toBeGreaterThanOrEqual(String(file).endsWith('index.d.ts') ? 18 : 1)
    const imported = new Set([...own.matchAll(/^import \{ ([^}]*) \} from '\.\/index\.js';$/gm)].flatMap((m) => m[1]!.split(',').map((s) => s.trim().replace(/^type /, '').split(' as ').pop()!)))
    const problems: string[] = []
    for (const name of exported.filter((n) => !imported.has(n))) {
      const decl = new RegExp(`(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\s*declare (function|class|const) ${name}\\b`).exec(dts)
      if (decl === null) {
        problems.push(`${name}: no TSDoc`)
        continue
      }
      const doc = decl[1]!
      if (!doc.includes('@example')) problems.push(`${name}: no @example`)
      if (decl[2] === 'function' && !doc.includes('@throws')) problems.push(`${name}: no @throws`)
    }
    expect(problems).toEqual([])
  })
})

// The API site's landing page (docs/api-index.md, typedoc's `readme`) carries an error table for
// new users; it must name every code of the KeysealErrorCode union exactly once, so a code added
// to src/errors.ts without a row here fails this test.
describe('API site landing page', () => {
  const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8')

  it('its error table lists every KeysealErrorCode exactly once', () => {
    const union = /export type KeysealErrorCode =([^;]*?)\n\n/.exec(read('src/errors.ts'))
    expect(union).not.toBeNull()
    const codes = [...union![1]!.matchAll(/\| '([A-Z0-9_]+)'/g)].map((m) => m[1]!).sort()
    expect(codes.length).toBeGreaterThanOrEqual(16)
    const page = read('docs/api-index.md')
    const table = page.slice(page.indexOf('## Error codes'))
    const rows = [...table.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]!).sort()
    expect(rows).toEqual(codes)
  })

  // The README's error table may group related codes in one row; together its rows name every code
  // of the union exactly once.
  it("the README's error table names every KeysealErrorCode exactly once", () => {
    const union = /export type KeysealErrorCode =([^;]*?)\n\n/.exec(read('src/errors.ts'))
    const codes = [...union![1]!.matchAll(/\| '([A-Z0-9_]+)'/g)].map((m) => m[1]!).sort()
    const readme = read('README.md')
    const start = readme.indexOf('| code | meaning |')
    expect(start).toBeGreaterThan(0)
    const table = readme.slice(start, readme.indexOf('\n\n', start))
    const named = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((m) => [...m[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((c) => c[1]!)).sort()
    expect(named).toEqual(codes)
  })

  it('typedoc uses it as the landing page and publishes the format specifications', () => {
    const config = JSON.parse(read('typedoc.json')) as { readme?: string; projectDocuments?: string[] }
    expect(config.readme).toBe('docs/api-index.md')
    expect(config.projectDocuments).toEqual(expect.arrayContaining(['docs/format.md', 'docs/format-v2.md', 'docs/argon2id-worker.md']))
    expect(read('docs/api-index.md')).toMatch(/\]\(format\.md\)/)
  })
})
