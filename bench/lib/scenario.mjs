// What the scenarios share (bench/scenarios/*.mjs): running a scenario file on its own
// (`node bench/scenarios/<name>.mjs`), and for those with budgets (cached, passphrase) the timed run
// and its report.
import { log, writeScenario } from './common.mjs'
import { applyBudgets, interleave, printTable } from './harness.mjs'

/**
 * The end of a scenario with budgets: time `cases` with interleave() (`timing`: its options but
 * `log`), print the table titled `table`, report the budgets, and write the scenario's JSON
 * ({ scenario, title, description, result, budgets, checks, notes }).
 */
export async function budgetedScenario(cases, timing, table, { scenario, title, description, checks, notes }) {
  const result = await interleave(cases, { ...timing, log })
  printTable(result, { title: table })
  const budgets = applyBudgets(result, cases, log)
  return writeScenario({ scenario, title, description, result, budgets, checks, notes })
}

/** Runs a scenario's `run` when its module (`url`: its import.meta.url) is the script node started. */
export function runIfMain(url, run) {
  if (url !== `file://${process.argv[1]}`) return
  run().catch((e) => {
    console.error(e)
    process.exit(1)
  })
}
