// Types for scripts/pollution-names.mjs (used by test/pollution.test.ts).
export const WEBIDL_MEMBERS: Readonly<Record<string, readonly string[]>>
export function pollutionNames(): string[]
export function renderModule(names: readonly string[]): string
