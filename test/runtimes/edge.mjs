// Vercel edge-runtime entry point. @edge-runtime/vm evaluates scripts, not modules, so the driver
// bundles this file (with the built dist/index.js, dist/argon2id.js and the suite, unminified) into
// one script with esbuild and evaluates it inside an EdgeVM; the VM's own globals (its crypto
// included) are used.
import * as a2 from '../../dist/argon2id.js'
import * as ks from '../../dist/index.js'
import * as v2 from '../../dist/v2.js'
import { runRuntimePhase } from './phase.mjs'

globalThis.__keysealConformance = async (inputJson) => JSON.stringify(await runRuntimePhase(ks, JSON.parse(inputJson), a2, v2))
