// The case vectors (vectors/README.md "case vectors") in every runtime of the matrix, against the
// BUILT package that runtime loaded, through the same case reader the Node tests use
// (test/spec/cases.mjs): the v1 files (vectors/v1-*.json: open rules, Unicode, seal-side, JSON and
// binary forms, keys and keyrings, policies; docs/format.md §22, as test/spec-vectors.test.ts) against
// `@org/keyseal`, and the v2 files (vectors/v2-*.json: seal-side, one negative per rule, precedence,
// keyring, recipients, points; docs/format-v2.md §16, §17, as test/v2-spec-vectors.test.ts) against
// `@org/keyseal/v2`. Every case must give exactly its expected result (the envelope, the secret, the
// form, the inspect answer, or the error code): one differing case fails its file's test, so the
// runtime, so the matrix. Plain ESM, no imports but the reader, the adapter and the harness: the same file runs
// in Node, Deno, Bun, workerd, edge-runtime and the browsers.
//
// The adapter, with the injected randomness (case bytes, HPKE ephemeral scalars), is the one the
// Node tests use too: test/spec/library-adapter.mjs.
import { createRunner } from '../conformance/harness.mjs'
import { runCase } from '../spec/cases.mjs'
import { libraryAdapter } from '../spec/library-adapter.mjs'

const show = (v) => {
  // An opened secret is shown by size only (as the harness does): a case that should have been
  // refused must not print what it opened to.
  if (v && typeof v === 'object' && (typeof v.secretHex === 'string' || typeof v.text === 'string')) v = { opened: `${v.secretHex !== undefined ? v.secretHex.length / 2 : v.text.length} ${v.secretHex !== undefined ? 'bytes' : 'characters'}` }
  const s = JSON.stringify(v)
  return s.length > 160 ? `${s.slice(0, 157)}...` : s
}

/** One test per vector file of `sets` ([{ file, doc }]) against module `m`; a missing list is a failing test. */
function addCaseTests(t, m, a2, sets, version) {
  const files = version === 'v1' ? 'vectors/v1-*.json (the v1 case vectors)' : 'vectors/v2-*.json (the v2 case vectors)'
  if (!Array.isArray(sets) || sets.length === 0) {
    t.test(`${version} case vectors`, () => {
      throw new Error(`${files} not in the input`)
    })
    return
  }
  for (const s of sets) {
    t.test(`${version} case vectors ${s.file} (${s.doc.cases.length} cases): every result exactly as expected`, async () => {
      if (!m || !a2) throw new Error(`the ${version === 'v1' ? '@org/keyseal' : '@org/keyseal/v2'} or argon2id module was not loaded by this runtime's entry point`)
      const impl = libraryAdapter(m, a2.argon2id, version, `built ${version}`)
      const bad = []
      for (const c of s.doc.cases) {
        const r = await runCase(impl, s.doc, c)
        if (!r.pass) bad.push(`${c.id} (${c.rule}): expected ${c.expect.code !== undefined ? show(c.expect) : 'its recorded result'}, got ${show(r.got)}`)
      }
      if (bad.length) throw new Error(`${bad.length} of ${s.doc.cases.length} cases differ:\n${bad.slice(0, 12).join('\n')}${bad.length > 12 ? `\n... and ${bad.length - 12} more` : ''}`)
    })
  }
}

/**
 * The case-vector tests for one runtime: one test per file of `input.v1CaseVectors` (against `ks`)
 * and of `input.v2CaseVectors` (against `v2`), the files the driver read and checked against
 * vectors/v1-cases.sha256.json and v2-cases.sha256.json. Resolves to a harness report.
 */
export async function caseVectorReport(ks, v2, a2, input) {
  const t = createRunner()
  addCaseTests(t, ks, a2, input.v1CaseVectors, 'v1')
  addCaseTests(t, v2, a2, input.v2CaseVectors, 'v2')
  return t.run()
}
