// Runs keyseal's case vectors (docs/format.md §22, vectors/v1-*.json) against any implementation
// through a small adapter. Used by test/spec-vectors.test.ts (src/ and the reference) and by the
// mutation harness (scripts/spec-mutation.mjs), which runs it against broken copies of the reference.
// The file format is described in vectors/README.md ("case vectors"); this file is its reader.
//
// An adapter has, each possibly async: createPolicy(settings), importKey(material, options),
// deriveKey(passphrase, options, random), createKeyring(entries), seal(secret, key, options, random),
// openBytes(envelope, key, options), openString(envelope, key, options), inspect(envelope),
// toJSON(envelope), fromJSON(object), toBytes(envelope), fromBytes(bytes); for v2 also
// importPublicKey(material, options) and rotate(envelope, options, random, ephemeral), and seal takes
// `ephemeral` (the HPKE ephemeral scalars, in order) after `random`. Errors are thrown objects
// with a string `code`. `random` is a Uint8Array the operation must draw its random bytes from, in order.
import { readFileSync } from 'node:fs'
import { casesFromFrozen, runCase } from './cases.mjs'

// The case reader itself (data descriptors, keys, options, the operations, the comparison) is in
// ./cases.mjs, which needs nothing from Node, so that the runtime matrix runs the same reader.
export { data, runCase, casesFromFrozen } from './cases.mjs'

/** Load vector sets: [{ file, frozen? }] -> [{ file, doc, cases }]. */
export function loadSets(files) {
  return files.map(({ file, frozen }) => {
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    return { file, doc, cases: frozen ? casesFromFrozen(doc) : doc.cases }
  })
}

/** Run every case of every set; stops at the first failing case when `firstFailure`. Returns the failures. */
export async function runSets(impl, sets, { firstFailure = false } = {}) {
  const failures = []
  for (const s of sets) {
    for (const c of s.cases) {
      const r = await runCase(impl, s.doc, c)
      if (!r.pass) {
        failures.push({ file: s.file, id: c.id, expect: c.expect, got: r.got })
        if (firstFailure) return failures
      }
    }
  }
  return failures
}
