import { defineConfig } from 'tsup'

// One build for every runtime: plain ES2022 + WebCrypto, no platform shims.
export default defineConfig({
  // Argon2id has its own entry so that PBKDF2/raw-key users never bundle it.
  entry: { index: 'src/index.ts', argon2id: 'src/argon2id.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: false,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  treeshake: true,
  minify: false,
  splitting: false,
})
