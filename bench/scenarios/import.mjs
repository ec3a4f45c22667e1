// Scenario `import` (issue 6): cold import time of each library in a fresh process. Each sample is a
// new `node` process that times `await import(...)` (plus `await ready` where the library needs it
// before first use) with performance.now(); the parent also times the whole process, next to a node
// process that imports nothing. Libraries are interleaved, shuffled per round.
import { spawnSync } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { BENCH_DIR, DIST_ENTRY, keysealVersion, libVersion, writeScenario, log, DEV_NO_KEYSEAL } from '../lib/common.mjs'
import { summarize, fmtMs } from '../lib/harness.mjs'
import { runIfMain } from '../lib/scenario.mjs'

const TARGETS = [
  { id: 'node', label: 'node, nothing imported (baseline process)', specs: [], group: 'baseline' },
  { id: 'keyseal', label: () => `keyseal ${keysealVersion()} (dist/index.js)`, specs: [pathToFileURL(DIST_ENTRY).href], group: 'keyseal' },
  { id: 'jose', label: () => `jose ${libVersion('jose')}`, specs: ['jose'], group: 'competitor' },
  { id: 'cloak', label: () => `@47ng/cloak ${libVersion('@47ng/cloak')}`, specs: ['@47ng/cloak'], group: 'competitor' },
  { id: 'iron', label: () => `iron-webcrypto ${libVersion('iron-webcrypto')}`, specs: ['iron-webcrypto'], group: 'competitor' },
  { id: 'noble', label: () => `@noble/ciphers ${libVersion('@noble/ciphers')} aes + @noble/hashes ${libVersion('@noble/hashes')} pbkdf2, sha2`, specs: ['@noble/ciphers/aes.js', '@noble/hashes/pbkdf2.js', '@noble/hashes/sha2.js'], group: 'competitor' },
  { id: 'noble-argon2', label: () => `@noble/hashes ${libVersion('@noble/hashes')} argon2`, specs: ['@noble/hashes/argon2.js'], group: 'competitor' },
  { id: 'hash-wasm', label: () => `hash-wasm ${libVersion('hash-wasm')}`, specs: ['hash-wasm'], group: 'competitor' },
  { id: 'sodium', label: () => `libsodium-wrappers ${libVersion('libsodium-wrappers')} (+ await ready)`, specs: ['libsodium-wrappers'], ready: true, group: 'competitor' },
  { id: 'sodium-sumo', label: () => `libsodium-wrappers-sumo ${libVersion('libsodium-wrappers-sumo')} (+ await ready)`, specs: ['libsodium-wrappers-sumo'], ready: true, group: 'competitor' },
  { id: 'argon2', label: () => `argon2 ${libVersion('argon2')} (native addon)`, specs: ['argon2'], group: 'competitor' },
]

function childSource(t) {
  const imports = t.specs.map((s) => `await import(${JSON.stringify(s)})`).join(', ')
  const ready = t.ready ? 'for (const m of mods) await (m.default ?? m).ready;' : ''
  return `const t0 = performance.now(); const mods = [${imports}]; ${ready} const t1 = performance.now(); process.stdout.write(JSON.stringify({ ms: t1 - t0 }))`
}

function sample(t) {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', childSource(t)], { cwd: BENCH_DIR, encoding: 'utf8' })
  const wall = performance.now() - t0
  if (r.status !== 0) throw new Error(`import of ${t.id} failed: ${r.stderr}`)
  return { importMs: JSON.parse(r.stdout).ms, wallMs: wall }
}

export async function run({ rounds = Number(process.env.BENCH_ROUNDS) || 15 } = {}) {
  const targets = TARGETS.filter((t) => !(DEV_NO_KEYSEAL && t.id === 'keyseal'))
  for (const t of targets) sample(t) // warm the file system cache; also proves each import works
  const data = new Map(targets.map((t) => [t.id, { importMs: [], wallMs: [] }]))
  for (let r = 0; r < rounds; r++) {
    const order = targets.slice().sort(() => Math.random() - 0.5)
    for (const t of order) {
      const s = sample(t)
      data.get(t.id).importMs.push(s.importMs)
      data.get(t.id).wallMs.push(s.wallMs)
    }
  }
  const base = summarize(data.get('node').wallMs)
  const cases = targets.map((t) => {
    const im = summarize(data.get(t.id).importMs)
    const wall = summarize(data.get(t.id).wallMs)
    return {
      id: t.id,
      label: typeof t.label === 'function' ? t.label() : t.label,
      group: t.group,
      specs: t.specs.map((s) => (s.startsWith('file:') ? 'dist/index.js' : s)),
      ...im,
      wall,
      wallOverBaselineMs: wall.median - base.median,
    }
  })
  console.log('\nimport: cold import in a fresh node process (median of', rounds, 'processes)')
  for (const c of cases) {
    console.log(`  ${c.label.padEnd(70)} import ${fmtMs(c.median).padStart(9)} (${fmtMs(c.min)} – ${fmtMs(c.max)})   process ${fmtMs(c.wall.median)} (+${fmtMs(Math.max(0, c.wallOverBaselineMs))})`)
  }
  return writeScenario({
    scenario: 'import',
    title: 'Cold import time in a fresh process',
    description: `Each sample is a new node process (${rounds} per library, interleaved). "import" is await import() (and await ready for libsodium) timed inside the process; "process" is the whole process wall time measured by the parent, next to a node process that imports nothing.`,
    result: { unit: 'ms', rounds, cases },
    budgets: [],
    checks: [],
    notes: [],
  })
}

runIfMain(import.meta.url, run)
