// What every runtime's entry point runs: the shared conformance suite (test/conformance/suite.mjs)
// and, in the conformance phase, the v1 and v2 case vectors (./case-vectors.mjs), merged into one report, so
// a differing case fails the runtime like any other test.
import { runPhase } from '../conformance/suite.mjs'
import { caseVectorReport } from './case-vectors.mjs'

export async function runRuntimePhase(ks, input, a2, v2) {
  const out = await runPhase(ks, input, a2, v2)
  if (input.phase !== 'conformance' || !out.report) return out
  const extra = await caseVectorReport(ks, v2, a2, input)
  const results = [...out.report.results, ...extra.results]
  const count = (s) => results.filter((r) => r.status === s).length
  return { ...out, report: { ...out.report, passed: count('pass'), failed: count('fail'), skipped: count('skip'), ms: out.report.ms + extra.ms, results } }
}

/**
 * Node, Deno and Bun: load keyseal as `input` says and run the phase. Either input.packageLoader,
 * package-load.mjs (or .cjs) in the consumer that installed the packed tarball (bare `@org/keyseal`
 * imports through package.json `exports`, as applications load it), or input.module /
 * argon2idModule / v2Module, built files by URL. `load` imports (or, for CommonJS, requires) one.
 */
export async function runLoadedPhase(input, load = (url) => import(url)) {
  const pkg = input.packageLoader ? await load(input.packageLoader) : undefined
  const ks = pkg ? pkg.ks : await load(input.module)
  const a2 = pkg ? pkg.a2 : input.argon2idModule ? await load(input.argon2idModule) : undefined
  const v2 = pkg ? pkg.v2 : input.v2Module ? await load(input.v2Module) : undefined
  const out = await runRuntimePhase(ks, input, a2, v2)
  if (pkg) out.resolved = pkg.resolved
  return out
}
