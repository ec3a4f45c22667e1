// Deno entry point. Usage: deno run --allow-read --allow-write=<output> test/runtimes/deno.mjs <input.json> <output.json>
import { runRuntimePhase } from './phase.mjs'

const [inputPath, outputPath] = Deno.args
const input = JSON.parse(await Deno.readTextFile(inputPath))
// input.packageLoader: package-load.mjs in the packed consumer (bare `@org/keyseal` imports through
// package.json `exports`, as applications load it); otherwise built files by URL.
const pkg = input.packageLoader ? await import(input.packageLoader) : undefined
const ks = pkg ? pkg.ks : await import(input.module)
const a2 = pkg ? pkg.a2 : input.argon2idModule ? await import(input.argon2idModule) : undefined
const v2 = pkg ? pkg.v2 : input.v2Module ? await import(input.v2Module) : undefined
const out = await runRuntimePhase(ks, input, a2, v2)
if (pkg) out.resolved = pkg.resolved
out.version = `Deno ${Deno.version.deno}`
await Deno.writeTextFile(outputPath, JSON.stringify(out))
