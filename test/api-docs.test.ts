// Every public export is documented with TSDoc, an @example, and (for functions) @throws: checked
// on the published declarations (dist/index.d.ts), which is what users' editors show.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const files = ['index', 'argon2id', 'v2'].map((n) => new URL(`../dist/${n}.d.ts`, import.meta.url))

describe('public API documentation', () => {
  it.each(files.map((f) => [f.pathname.split('/').pop(), f]))('%s: every exported value has TSDoc with @example, and every function @throws', (_n, file) => {
    expect(existsSync(file), 'dist/ is missing: run npm run build (npm test does)').toBe(true)
    const dts = readFileSync(file, 'utf8')
    const exported = /^export \{ ([^}]*) \};$/m.exec(dts)![1]!.split(',').map((s) => s.trim()).filter((s) => !s.startsWith('type '))
    expect(exported.length).toBeGreaterThanOrEqual(String(file).endsWith('index.d.ts') ? 18 : 1)
    // v2.d.ts imports the v1 declarations from ./index.js (checked with index.d.ts): skip those.
    const imported = new Set([...dts.matchAll(/^import \{ ([^}]*) \} from '\.\/index\.js';$/gm)].flatMap((m) => m[1]!.split(',').map((s) => s.trim().replace(/^type /, ''))))
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
