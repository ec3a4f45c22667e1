// The library build shortens the property names of scripts/mangle-props.mjs in dist/ (tsup.config.ts,
// esbuild mangleProps). That is only safe for names that are internal: a public member of one of
// those names would be renamed in dist/ and missing at run time, while its declaration (from the
// TypeScript sources) still promised it. This test walks every type reachable from what the entry
// points export (members, call and construct signatures, parameters, return types, type arguments,
// union members) and fails when one of them has a member of a mangled name.
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'
import { MANGLE_PROPS_RE, MANGLED_PROPS } from '../scripts/mangle-props.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const ENTRIES = ['src/index.ts', 'src/argon2id.ts', 'src/testing.ts', 'src/v2/index.ts']

/** Every member name of every public type, with where it was reached from. */
function publicMembers(): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!
  const program = ts.createProgram(ENTRIES.map((e) => root + e), config.options)
  const checker = program.getTypeChecker()
  const seen = new Set<ts.Type>()
  const names = new Map<string, string>()
  // Built-in types (lib.*.d.ts, @types/node) are the platform's, not keyseal's.
  const isBuiltin = (t: ts.Type): boolean =>
    (t.getSymbol()?.declarations ?? []).some((d) => /node_modules/.test(d.getSourceFile().fileName))
  const visit = (t: ts.Type, path: string, depth: number): void => {
    if (seen.has(t) || depth > 12) return
    seen.add(t)
    if (t.isUnionOrIntersection()) return t.types.forEach((u) => visit(u, path, depth + 1))
    for (const a of checker.getTypeArguments(t as ts.TypeReference) ?? []) visit(a, `${path}<>`, depth + 1)
    if (isBuiltin(t)) return
    for (const p of t.getProperties()) {
      if (!names.has(p.name)) names.set(p.name, `${path}.${p.name}`)
      const decl = p.valueDeclaration ?? p.declarations?.[0]
      if (decl) visit(checker.getTypeOfSymbolAtLocation(p, decl), `${path}.${p.name}`, depth + 1)
    }
    for (const s of [...t.getCallSignatures(), ...t.getConstructSignatures()]) {
      for (const param of s.getParameters()) {
        const decl = param.valueDeclaration ?? param.declarations?.[0]
        if (decl) visit(checker.getTypeOfSymbolAtLocation(param, decl), `${path}(${param.name})`, depth + 1)
      }
      visit(s.getReturnType(), `${path}()`, depth + 1)
    }
  }
  for (const entry of ENTRIES) {
    const file = program.getSourceFile(root + entry)!
    for (const sym of checker.getExportsOfModule(checker.getSymbolAtLocation(file)!)) {
      const s = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym
      const decl = s.valueDeclaration ?? s.declarations?.[0]
      if (!decl) continue
      const where = `${entry}:${sym.name}`
      if (s.flags & ts.SymbolFlags.Value) visit(checker.getTypeOfSymbolAtLocation(s, decl), where, 0)
      if (s.flags & (ts.SymbolFlags.Type | ts.SymbolFlags.Class)) visit(checker.getDeclaredTypeOfSymbol(s), where, 0)
    }
  }
  return names
}

describe('the property names dist/ shortens are internal', () => {
  const members = publicMembers()

  it('the walk reaches the public members (it would pass vacuously otherwise)', () => {
    for (const name of ['keyId', 'kdf', 'iterations', 'memoryKiB', 'primaryId', 'status', 'envelope', 'reasons', 'code', 'secretLength']) {
      expect(members.has(name), name).toBe(true)
    }
  })

  it('no public type has a member of a mangled name', () => {
    const clashes = MANGLED_PROPS.filter((n) => members.has(n)).map((n) => members.get(n))
    expect(clashes).toEqual([])
  })

  it('the regular expression matches exactly the listed names', () => {
    for (const n of MANGLED_PROPS) expect(MANGLE_PROPS_RE.test(n)).toBe(true)
    for (const n of ['headers', 'xbody', 'keyId', 'single1', '']) expect(MANGLE_PROPS_RE.test(n)).toBe(false)
  })
})
