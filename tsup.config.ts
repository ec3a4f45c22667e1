import { defineConfig } from 'tsup'
import { MANGLE_CACHE, MANGLE_PROPS_RE } from './scripts/mangle-props.mjs'
import { writeNodeWrappers } from './scripts/node-wrappers.mjs'

// One build for every runtime: plain ES2022 + WebCrypto, no platform shims.
export default defineConfig([
  {
    // Argon2id has its own entry so that PBKDF2/raw-key users never bundle it.
    entry: { index: 'src/index.ts', argon2id: 'src/argon2id.ts', testing: 'src/testing.ts', v2: 'src/v2/index.ts' },
    format: ['esm', 'cjs'],
    // tsup 8's declaration build sets `baseUrl`, which TypeScript 6 reports as deprecated (TS5101);
    // the option has no effect on these declarations. tsup 8 is used because tsup 9 declares no
    // Node 20 support (EBADENGINE on `npm ci`), and this package promises Node >= 20 to contributors too.
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: false,
    // Everything but the bin, which the second build writes at the same time.
    clean: ['**/*', '!cli.js'],
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
    minify: false,
    // One shared chunk for the code the entries have in common, so that key objects, keyrings,
    // policies and KeysealError are the same classes whichever entry (., ./v2, ./testing) made them.
    splitting: true,
    // Syntax minification only (names and layout stay readable): esbuild turns the bundle's
    // top-level `const`s into `var`s, which a consumer's bundler cannot inline, so the format
    // constants (src/constants.ts) are inlined here instead. About 95 B gzip less in an app's bundle.
    esbuildOptions(o) {
      o.minifySyntax = true
      // Internal property names, shortened in dist/ (a consumer's minifier cannot rename
      // properties): the list and its rules are in scripts/mangle-props.mjs, and
      // test/mangle-props.test.ts checks that no public type has a member of those names.
      // `mangleQuoted` renames the quoted uses too (`'single' in k`). One build, one mapping: every
      // entry and the shared chunk agree. About 50 B gzip off sealKey + openKey.
      o.mangleProps = MANGLE_PROPS_RE
      o.mangleQuoted = true
      // The short names, pinned: esbuild gives the shortest names to the most used properties of
      // the whole build, so without a fixed mapping a change in one entry (more uses of `header` in
      // ./v2) renames properties in the shared chunk and moves the v1 bundles' gzip sizes.
      o.mangleCache = { ...MANGLE_CACHE }
    },
    // Node's `import` loads dist/<entry>.node.mjs, which re-exports dist/<entry>.cjs, so that import
    // and require in one Node process share one copy of the library (issue 11 item 5;
    // docs/packaging.md). Written after both formats are built, from their export names.
    onSuccess: async () => {
      writeNodeWrappers()
    },
  },
  {
    // The `keyseal` bin (Node only): its own bundle, so no library entry ever carries it.
    entry: { cli: 'cli/keyseal.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    splitting: false,
    banner: { js: '#!/usr/bin/env node' },
  },
])
