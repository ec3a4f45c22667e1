// Node.js entry point (Node 20, 22, 24, 26). Usage: node test/runtimes/node.mjs <input.json> <output.json>
// Either input.packageLoader, the file URL of package-load.mjs (or .cjs with `format: 'cjs'`) copied
// into the consumer that installed the packed tarball: keyseal as applications load it, bare
// specifiers through package.json `exports`; or input.module / argon2idModule / v2Module, file URLs
// of built files loaded directly (`format: 'cjs'` loads them with require()).
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { runLoadedPhase } from './phase.mjs'

const [inputPath, outputPath] = process.argv.slice(2)
const input = JSON.parse(await readFile(inputPath, 'utf8'))
if (input.deleteCrypto) {
  // The no-WebCrypto check: remove the global before keyseal is even loaded.
  delete globalThis.crypto
}
const load = (url) => (input.format === 'cjs' ? createRequire(import.meta.url)(fileURLToPath(url)) : import(url))
const out = await runLoadedPhase(input, load)
out.version = `Node ${process.version}`
await writeFile(outputPath, JSON.stringify(out))
