// What the case-vector generators share (scripts/gen-spec-vectors-v1.mjs, -v2.mjs): the
// deterministic random stream of a case, and the last step, in which every case must be met by the
// independent reference before the files are written (or, with --check, compared with vectors/).
//   node scripts/gen-spec-vectors-v<N>.mjs --out DIR   write the files into DIR instead of vectors/
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runCase } from '../../test/spec/runner.mjs'

const vectorsDir = fileURLToPath(new URL('../../vectors/', import.meta.url))

/** Deterministic "random" bytes for a case: SHA-256 counter stream over `${domain}/${id}/${i}`. */
export function caseStream(domain) {
  return (id, n) => {
    const out = []
    for (let i = 0; out.length * 32 < n; i++) out.push(createHash('sha256').update(`${domain}/${id}/${i}`).digest())
    return Buffer.concat(out).subarray(0, n)
  }
}

export const hexOf = (b) => Buffer.from(b).toString('hex')

/**
 * The documents to write, from `files` (name -> [what the file holds, its cases]): `head(name, what)`
 * gives each document's members before its cases. Throws when a file's cases repeat an id.
 */
export function documents(files, head) {
  const docs = {}
  for (const [name, [what, cases]] of Object.entries(files)) {
    const ids = new Set()
    for (const c of cases) {
      if (ids.has(c.id)) throw new Error(`${name}: duplicate id ${c.id}`)
      ids.add(c.id)
    }
    docs[name] = { ...head(name, what), cases }
  }
  return docs
}

/** Runs every case of every file through `impl` (the reference's adapter); prints and counts those it does not meet. */
export async function disagreements(impl, docs) {
  let bad = 0
  for (const [name, doc] of Object.entries(docs)) {
    for (const c of doc.cases) {
      const r = await runCase(impl, doc, c)
      if (!r.pass) {
        bad++
        console.error(`${name} ${c.id}: the reference gives ${JSON.stringify(r.got).slice(0, 300)}, expected ${JSON.stringify(c.expect).slice(0, 300)}`)
      }
    }
  }
  return bad
}

/**
 * Writes the files (`docs`: name -> document, one space of indent and a final newline) unless
 * `bad` cases disagree with the reference (exit 1, nothing written); with --check, compares them
 * with vectors/ instead (exit 1 on any difference). `pattern` names the files in the check's message.
 */
export function writeOrCheck(docs, bad, pattern) {
  const out = {}
  for (const [name, doc] of Object.entries(docs)) out[name] = JSON.stringify(doc, null, 1) + '\n'
  if (bad) {
    console.error(`${bad} cases disagree with the reference; nothing written`)
    process.exit(1)
  }
  const argv = process.argv
  const check = argv.includes('--check')
  const outAt = argv.indexOf('--out')
  const dir = outAt >= 0 ? argv[outAt + 1] : vectorsDir
  if (outAt >= 0 && !check) mkdirSync(dir, { recursive: true })
  let differ = 0
  for (const [name, text] of Object.entries(out)) {
    if (check) {
      let old = ''
      try {
        old = readFileSync(join(vectorsDir, name), 'utf8')
      } catch {}
      if (old !== text) {
        differ++
        console.error(`vectors/${name} differs from what the script makes`)
      }
    } else writeFileSync(join(dir, name), text)
  }
  if (check) {
    if (differ) process.exit(1)
    console.log(`${pattern}: ${Object.keys(out).length} files as generated`)
  } else console.log(`wrote ${Object.entries(docs).map(([n, d]) => `${n} (${d.cases.length})`).join(', ')}`)
}
