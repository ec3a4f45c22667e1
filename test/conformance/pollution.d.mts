// Types for pollution.mjs (the shared prototype-pollution sweep).
export interface PollutionSweep {
  runs: number
  baseline: string[]
  failures: string[]
  platformBroken: string[]
}
export function pollutionSweep(ks: unknown, a2: unknown, names: readonly string[], options?: { quick?: boolean }): Promise<PollutionSweep>
export function preparePollution(ks: unknown, a2: unknown): Promise<unknown>
