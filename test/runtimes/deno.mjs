// Deno entry point. Usage: deno run --allow-read --allow-write=<output> test/runtimes/deno.mjs <input.json> <output.json>
import { runPhase } from '../conformance/suite.mjs'

const [inputPath, outputPath] = Deno.args
const input = JSON.parse(await Deno.readTextFile(inputPath))
const ks = await import(input.module)
const a2 = input.argon2idModule ? await import(input.argon2idModule) : undefined
const v2 = input.v2Module ? await import(input.v2Module) : undefined
const out = await runPhase(ks, input, a2, v2)
out.version = `Deno ${Deno.version.deno}`
await Deno.writeTextFile(outputPath, JSON.stringify(out))
