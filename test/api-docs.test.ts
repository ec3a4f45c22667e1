// Every public export is documented with TSDoc, an @example, and (for functions) @throws: checked
// on the published declarations (dist/index.d.ts), which is what users' editors show.
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const files = ['index', 'argon2id', 'v2'].map((n) => new URL(`../dist/${n}.d.ts`, import.meta.url))

describe('public API documentation', () => {
  it.each(files.map((f) => [f.pathname.split('/').pop(), f]))('%s: every exported value has TSDoc with @example, and every function @throws', (_n, file) => {
    expect(existsSync(file), 'dist/ is missing: run npm run build (npm test does)').toBe(true)
    const entry = readFileSync(file, 'utf8')
    // tsup puts declarations shared by several entries into chunk files (`./stream-*.js`) that the
    // entry re-exports (`export { Y as sealKey } from './stream-….js'`): read those chunks too.
    const chunks = [...entry.matchAll(/from '\.\/([\w-]+)\.js';$/gm)].map((m) => m[1]!).filter((c) => c !== 'index')
    const dts = [entry, ...new Set(chunks)].map((c, i) => (i === 0 ? c : readFileSync(new URL(`../dist/${c}.d.ts`, import.meta.url), 'utf8'))).join('\n')
    // Exported values: every `export { … }` of the entry, by their public names, types left out.
    const exported = [...entry.matchAll(/^export \{ ([^}]*) \}(?: from '[^']*')?;$/gm)]
      .flatMap((m) => m[1]!.split(',').map((s) => s.trim()))
      .filter((s) => s !== '' && !s.startsWith('type '))
      .map((s) => s.split(' as ').pop()!)
      // A re-export loses its `type` marker: a name declared as an interface or type alias is a type.
      .filter((n) => !new RegExp(`^(?:export )?(?:declare )?(?:interface|type) ${n}\\b`, 'm').test(dts))
    expect(exported.length).toBeGreaterThanOrEqual(String(file).endsWith('index.d.ts') ? 18 : 1)
    // v2.d.ts imports the v1 declarations from ./index.js (checked with index.d.ts): skip those.
    const imported = new Set([...entry.matchAll(/^(?:import|export) \{ ([^}]*) \} from '\.\/index\.js';$/gm)].flatMap((m) => m[1]!.split(',').map((s) => s.trim().replace(/^type /, ''))))
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
