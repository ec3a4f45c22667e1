// The `argon2id-native` check: the live half of the differential Argon2id test. `npm test` compares
// the TypeScript Argon2id with tags recorded from Node 24 (vectors/argon2id-native-node24.json) and
// opens the frozen Argon2id envelope vectors with it; here the real Node 24 and Node 26 binaries
// (test/runtimes/node-versions) recompute, with node:crypto argon2Sync, every recorded tag and every
// master key M of vectors/envelopes-v1-argon2id.json. Any difference fails the check.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { COUNT, REFERENCE_SCRIPT, SEED, randomCases } from '../../test/argon2id-native-cases.mjs'
import { parseString } from '../../test/reference/reference.mjs'
import { ROOT } from './runtimes.mjs'

const BINARIES = ['node24', 'node26'].map((n) => [n, join(ROOT, 'test/runtimes/node-versions/node_modules', n, 'bin/node')])

function native(bin, cases) {
  const r = spawnSync(bin, ['--no-warnings', '-e', REFERENCE_SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8', timeout: 120_000 })
  if (r.error || r.status !== 0) throw new Error(`${bin} exited ${r.status}: ${r.error ?? r.stderr}`)
  return JSON.parse(r.stdout)
}

function envelopeJobs() {
  const doc = JSON.parse(readFileSync(join(ROOT, 'vectors/envelopes-v1-argon2id.json'), 'utf8'))
  return doc.positive.map((v) => {
    // Parameters and salt from the envelope's header, parsed by the independent reference.
    const e = parseString(v.envelope)
    const { memoryKiB, passes, lanes } = e.params
    return {
      id: v.id,
      job: { password: v.intermediate.passphraseBytes, salt: Buffer.from(e.salt).toString('hex'), memory: memoryKiB, passes, parallelism: lanes, tagLength: 32 },
      want: v.intermediate.master,
    }
  })
}

export const ARGON2ID_NATIVE = {
  name: 'argon2id-native',
  available: () => BINARIES.every(([, b]) => existsSync(b)) || 'Node 24/26 missing (npm ci --prefix test/runtimes/node-versions)',
  run: async () => {
    const file = JSON.parse(readFileSync(join(ROOT, 'vectors/argon2id-native-node24.json'), 'utf8'))
    const results = []
    const check = (name, fn) => {
      try {
        fn()
        results.push({ name, status: 'pass' })
      } catch (error) {
        results.push({ name, status: 'fail', error: String(error?.message ?? error) })
      }
    }
    check('the recorded cases are the seeded ones', () => {
      const want = JSON.stringify(randomCases(SEED, COUNT))
      if (JSON.stringify(file.cases.map(({ tag, ...c }) => c)) !== want) throw new Error('vectors/argon2id-native-node24.json does not hold randomCases(SEED, COUNT)')
    })
    const envelopes = envelopeJobs()
    for (const [name, bin] of BINARIES) {
      check(`${name}: node:crypto argon2Sync gives every recorded tag (${file.cases.length} cases)`, () => {
        const got = native(bin, file.cases.map(({ tag, ...c }) => c))
        const bad = file.cases.map((c, i) => (got[i] === c.tag ? null : i)).filter((i) => i !== null)
        if (bad.length) throw new Error(`cases ${bad.join(', ')} differ`)
      })
      check(`${name}: node:crypto argon2Sync gives the master key M of every frozen Argon2id envelope vector (${envelopes.length})`, () => {
        for (const e of envelopes) if (e.job.memory === undefined || e.job.salt === undefined) throw new Error(`${e.id}: no parameters or salt recorded`)
        const got = native(bin, envelopes.map((e) => e.job))
        const bad = envelopes.filter((e, i) => got[i] !== e.want).map((e) => e.id)
        if (bad.length) throw new Error(`${bad.join(', ')} differ`)
      })
    }
    const passed = results.filter((r) => r.status === 'pass').length
    return { report: { passed, failed: results.length - passed, skipped: 0, results }, version: BINARIES.map(([n]) => n).join('+') }
  },
}
