// Deno entry point. Usage: deno run --allow-read --allow-write=<output> test/runtimes/deno.mjs <input.json> <output.json>
import { runLoadedPhase } from './phase.mjs'

const [inputPath, outputPath] = Deno.args
const input = JSON.parse(await Deno.readTextFile(inputPath))
const out = await runLoadedPhase(input)
out.version = `Deno ${Deno.version.deno}`
await Deno.writeTextFile(outputPath, JSON.stringify(out))
