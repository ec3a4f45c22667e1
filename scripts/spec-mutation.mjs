// Mutation harness over the independent reference (docs/format.md §22): for each target
// (test/spec/targets/<name>.mjs), copy its files, break one rule at a time (a text patch), load the
// broken copy and run every vector of the target through test/spec/runner.mjs. A mutant is killed
// when at least one case fails. The unmutated copy must pass every case first.
//   node scripts/spec-mutation.mjs [target ...]      default: every file in test/spec/targets/
//   node scripts/spec-mutation.mjs v1 --only kid-allow-space,pw-nfkc
// Exit status 0 only when the unmutated reference passes, every mutant is killed and every mutant
// listed as equivalent survives. Last line: `spec-mutation: N passed, N failed`.
// To add a target (a v2 reference): drop a file into test/spec/targets/ that exports the same shape
// (files, entry, adapter, vectors, mutants); nothing here changes.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { loadSets, runSets } from '../test/spec/runner.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(',')) : undefined
const names = args.filter((a, i) => !a.startsWith('--') && !(onlyAt >= 0 && i === onlyAt + 1))
const targetDir = join(root, 'test/spec/targets')
const targets = names.length ? names : readdirSync(targetDir).filter((f) => f.endsWith('.mjs')).map((f) => f.slice(0, -4)).sort()
const work = join(root, '.tmp/spec-mutation')

let passed = 0
let failed = 0
const problems = []
let copies = 0

/** Copy the target's files to a fresh folder, with `patch` applied to one of them; returns the entry's URL. */
function materialize(t, patch) {
  const dir = join(work, `${t.name}-${copies++}`)
  for (const f of t.files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true })
    cpSync(join(root, f), join(dir, f))
  }
  if (patch) {
    const path = join(dir, patch.file)
    const text = readFileSync(path, 'utf8')
    const at = text.indexOf(patch.find)
    if (at < 0 || text.indexOf(patch.find, at + 1) >= 0) throw new Error(`mutant ${patch.id}: its text occurs ${at < 0 ? 'nowhere' : 'more than once'} in ${patch.file}`)
    writeFileSync(path, text.slice(0, at) + patch.replace + text.slice(at + patch.find.length))
  }
  return pathToFileURL(join(dir, t.entry)).href
}

rmSync(work, { recursive: true, force: true })
for (const name of targets) {
  const t = (await import(pathToFileURL(join(targetDir, `${name}.mjs`)).href)).default
  const { adapter } = await import(pathToFileURL(join(root, t.adapter)).href)
  const sets = loadSets(t.vectors.map((v) => ({ ...v, file: join(root, v.file) })))
  const total = sets.reduce((n, s) => n + s.cases.length, 0)
  console.log(`== target ${t.name}: ${t.files.join(', ')}; ${sets.length} vector sets, ${total} cases; ${t.mutants.length} mutants`)

  // The unmutated copy passes everything (otherwise a "kill" proves nothing).
  const clean = await runSets(adapter(await import(materialize(t))), sets)
  if (clean.length) {
    failed++
    problems.push(`${t.name}: the unmutated reference fails ${clean.length} cases, e.g. ${clean[0].id}: ${JSON.stringify(clean[0].got).slice(0, 200)}`)
    console.log(`FAIL unmutated reference: ${clean.length} cases fail`)
    continue
  }
  passed++
  console.log(`PASS unmutated reference passes all ${total} cases`)

  const ids = new Set()
  for (const mu of t.mutants) {
    if (ids.has(mu.id)) throw new Error(`duplicate mutant id ${mu.id}`)
    ids.add(mu.id)
    if (only && !only.has(mu.id)) continue
    let killedBy
    try {
      const ns = await import(materialize(t, mu))
      const f = await runSets(adapter(ns), sets, { firstFailure: true })
      killedBy = f.length ? `${f[0].id} (${JSON.stringify(f[0].got).slice(0, 80)})` : undefined
    } catch (e) {
      // A mutant that does not even load is killed by construction; say so.
      killedBy = `load error: ${String(e?.message ?? e).slice(0, 80)}`
      if (/occurs (nowhere|more than once)/.test(String(e?.message))) {
        failed++
        problems.push(String(e.message))
        console.log(`FAIL ${mu.id}: ${e.message}`)
        continue
      }
    }
    if (mu.equivalent) {
      if (killedBy) {
        failed++
        problems.push(`${t.name}/${mu.id} is listed as equivalent but is killed by ${killedBy}`)
        console.log(`FAIL ${mu.id} (listed as equivalent) killed by ${killedBy}`)
      } else {
        passed++
        console.log(`PASS ${mu.id} equivalent, survives as stated: ${mu.equivalent}`)
      }
    } else if (killedBy) {
      passed++
      console.log(`PASS ${mu.id} [${mu.rule}] killed by ${killedBy}`)
    } else {
      failed++
      problems.push(`${t.name}/${mu.id} [${mu.rule}] SURVIVES every vector`)
      console.log(`FAIL ${mu.id} [${mu.rule}] survives every vector`)
    }
  }
}
rmSync(work, { recursive: true, force: true })
for (const p of problems) console.log(`problem: ${p}`)
console.log(`spec-mutation: ${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
