#!/usr/bin/env node
// Builds floor.ts, prints its sealKey + openKey bundle size next to keyseal's (same esbuild
// settings as bench/size.mjs), and checks it against the frozen passphrase vectors and against
// keyseal's dist/ (each seals, the other opens). Exits 1 on any mismatch.
import * as esbuild from 'esbuild'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..')
const bundle = async (entry, minify) => {
  const r = await esbuild.build({ stdin: { contents: `export { sealKey, openKey } from ${JSON.stringify(entry)}`, resolveDir: here, loader: 'js' }, bundle: true, minify, format: 'esm', platform: 'browser', target: 'es2022', write: false, legalComments: 'none', logLevel: 'error' })
  return r.outputFiles[0].contents
}
for (const [name, entry] of [['size floor (floor.ts)', join(here, 'floor.ts')], ['keyseal (dist/index.js)', join(root, 'dist', 'index.js')]]) {
  const min = await bundle(entry, true)
  console.log(`${name}: ${min.length} B minified, ${gzipSync(min, { level: 9 }).length} B gzip -9`)
}

const out = join(here, '.floor.mjs')
await esbuild.build({ entryPoints: [join(here, 'floor.ts')], bundle: true, format: 'esm', outfile: out, logLevel: 'error' })
const F = await import(pathToFileURL(out).href)
const K = await import(pathToFileURL(join(root, 'dist', 'index.js')).href)

const v = JSON.parse(readFileSync(join(root, 'vectors', 'envelopes-v1.json'), 'utf8'))
const floorPolicy = {}
for (const [name, p] of Object.entries(v.policies)) {
  const o = Object.freeze({ kdf: 'pbkdf2-sha256', pbkdf2: Object.freeze({ ...p.pbkdf2 }) })
  F.policies.set(o, undefined)
  floorPolicy[name] = o
}
const value = (x) => (x === undefined ? undefined : x.type === 'utf8' ? x.value : Uint8Array.from(Buffer.from(x.value, 'hex')))
let ok = 0
const bad = []
for (const t of [...v.positive, ...v.negative]) {
  if (t.key?.type !== 'passphrase' || (t.secret && t.secret.type !== 'utf8')) continue
  const opts = { policy: floorPolicy[t.policy ?? 'default'] }
  if (t.context) opts.context = value(t.context)
  let got
  try {
    got = await F.openKey(t.envelope, t.key.value, opts)
  } catch (e) {
    got = `error ${e.code}`
  }
  const want = t.code ? `error ${t.code}` : t.secret.value
  if (got === want) ok++
  else bad.push(`${t.id}: got ${got}, want ${want}`)
}
console.log(`frozen passphrase vectors: ${ok} of ${ok + bad.length} as expected`)

const p = v.policies.test.pbkdf2
const policy = K.createPolicy({ pbkdf2: p })
const fp = Object.freeze({ kdf: 'pbkdf2-sha256', pbkdf2: policy.pbkdf2 })
F.policies.set(fp, undefined)
let interop = 0
for (const [secret, pw, context] of [['sk-1', 'pässwörd', 'user:1'], ['x'.repeat(5000), 'p', undefined], ['🔑 key', new Uint8Array([1, 2, 3]), new Uint8Array(0)]]) {
  const c = context === undefined ? {} : { context }
  if ((await K.openKey(await F.sealKey(secret, pw, { policy: fp, ...c }), pw, { policy, ...c })) !== secret) bad.push('floor seals, keyseal opens')
  else interop++
  if ((await F.openKey(await K.sealKey(secret, pw, { policy, ...c }), pw, { policy: fp, ...c })) !== secret) bad.push('keyseal seals, floor opens')
  else interop++
}
console.log(`interop with dist/: ${interop} of 6`)
for (const b of bad) console.error(`MISMATCH ${b}`)
process.exit(bad.length ? 1 : 0)
