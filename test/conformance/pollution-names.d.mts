// Types for the generated pollution-names.mjs.
export const POLLUTION_NAMES: readonly string[]
