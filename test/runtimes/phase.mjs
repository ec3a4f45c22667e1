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
