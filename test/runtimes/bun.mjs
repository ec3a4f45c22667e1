// Bun entry point. Usage: bun test/runtimes/bun.mjs <input.json> <output.json>
import { runPhase } from '../conformance/suite.mjs'

const [inputPath, outputPath] = Bun.argv.slice(2)
const input = await Bun.file(inputPath).json()
const ks = await import(input.module)
const a2 = input.argon2idModule ? await import(input.argon2idModule) : undefined
const v2 = input.v2Module ? await import(input.v2Module) : undefined
const out = await runPhase(ks, input, a2, v2)
out.version = `Bun ${Bun.version}`
await Bun.write(outputPath, JSON.stringify(out))
