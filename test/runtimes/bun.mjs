// Bun entry point. Usage: bun test/runtimes/bun.mjs <input.json> <output.json>
import { runLoadedPhase } from './phase.mjs'

const [inputPath, outputPath] = Bun.argv.slice(2)
const input = await Bun.file(inputPath).json()
const out = await runLoadedPhase(input)
out.version = `Bun ${Bun.version}`
await Bun.write(outputPath, JSON.stringify(out))
