// StrykerJS configuration for `npm run test:mutation` (scripts/mutation.mjs runs it under Node 22+,
// which StrykerJS 10 requires). Results and the equivalent-mutant list: docs/mutation.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  // Per-test coverage: each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  mutate: [
    'src/**/*.ts',
    // Generated from argon2id.wat by scripts/build-wasm.mjs: bytes, not logic.
    '!src/kdf/argon2id-wasm-bytes.ts',
  ],
  // 2 cores shared on the development machine; override with --concurrency.
  concurrency: 2,
  timeoutMS: 60_000,
  // Re-run only mutants whose code or covering tests changed since the last run.
  incremental: true,
  // Not committed (.gitignore: reports/): about 2 MB, rewritten on every run.
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Stryker would prepend `// @ts-nocheck` to every src/test file in its sandbox; the pollution
  // test compares a generated file byte for byte, and nothing here type-checks mutants anyway.
  disableTypeChecks: false,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 95, low: 90, break: 90 },
}
