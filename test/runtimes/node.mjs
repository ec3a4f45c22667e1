// Node.js entry point (Node 20, 22, 24, 26). Usage: node test/runtimes/node.mjs <input.json> <output.json>
// input.module is a file URL of the built package (dist/index.js, dist/index.cjs, or the copy
// installed from the packed tarball); input.argon2idModule the matching `@org/keyseal/argon2id`
// (dist/argon2id.js or .cjs, or the tarball's); `format: 'cjs'` loads both with require().
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { runPhase } from '../conformance/suite.mjs'

const [inputPath, outputPath] = process.argv.slice(2)
const input = JSON.parse(await readFile(inputPath, 'utf8'))
if (input.deleteCrypto) {
  // The no-WebCrypto check: remove the global before keyseal is even loaded.
  delete globalThis.crypto
}
const load = (url) => (input.format === 'cjs' ? createRequire(import.meta.url)(fileURLToPath(url)) : import(url))
const ks = await load(input.module)
const a2 = input.argon2idModule ? await load(input.argon2idModule) : undefined
const v2 = input.v2Module ? await load(input.v2Module) : undefined
const out = await runPhase(ks, input, a2, v2)
out.version = `Node ${process.version}`
await writeFile(outputPath, JSON.stringify(out))
