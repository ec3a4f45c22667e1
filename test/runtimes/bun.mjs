// Bun entry point. Usage: bun test/runtimes/bun.mjs <input.json> <output.json>
import { runPhase } from '../conformance/suite.mjs'

const [inputPath, outputPath] = Bun.argv.slice(2)
const input = await Bun.file(inputPath).json()
const ks = await import(input.module)
const out = await runPhase(ks, input)
out.version = `Bun ${Bun.version}`
await Bun.write(outputPath, JSON.stringify(out))
