import { defineConfig } from 'vitest/config'

// Unit, vector, property and documentation tests run in Node against src/ (and dist/ where a test
// says so). The runtime matrix (test/runtimes, scripts/runtimes) has its own drivers.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/runtimes/**', 'test/packed/**', 'test/db/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A machine-readable result for .ci/run, which prints the `N passed, N failed` line from it.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-results.json' }]],
  },
})
