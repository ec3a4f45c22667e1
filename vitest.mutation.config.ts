import { defineConfig } from 'vitest/config'

// The test set StrykerJS runs for each mutant (stryker.config.mjs). It is the unit suite
// (vitest.config.ts) minus the tests that only exercise dist/, the CLI binary or the README/docs
// code blocks: they do not import src/ directly, so they cannot kill a mutant in src/ and only
// cost time. No JSON reporter: Stryker collects the results itself.
// KEYSEAL_MUTATION_TESTS (comma-separated globs) narrows the test set for a run scoped to one module
// with --mutate; a narrowed set can only lower the score (fewer tests to kill a mutant), so a result
// measured with it is a lower bound. docs/mutation.md names the set each result was measured with.
const only = process.env.KEYSEAL_MUTATION_TESTS?.split(',').map((g) => g.trim()).filter(Boolean)

export default defineConfig({
  test: {
    include: only && only.length > 0 ? only : ['test/**/*.test.ts'],
    exclude: [
      'test/runtimes/**',
      'test/packed/**',
      'test/db/**',
      'test/types/**',
      'test/docs.test.ts',
      'test/api-docs.test.ts',
      'test/cli.test.ts',
      'node_modules/**',
    ],
    // Reads src/ as text and compares it with a committed list: Stryker's instrumented sandbox
    // copy always differs, so it would fail for every mutant (no real kill). It runs in CI as usual.
    testNamePattern: /^(?!.*the committed name list is what the source gives today)/,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
})
