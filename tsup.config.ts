import { defineConfig } from 'tsup'

// One build for every runtime: plain ES2022 + WebCrypto, no platform shims.
export default defineConfig({
  entry: { index: 'src/index.ts' },
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
