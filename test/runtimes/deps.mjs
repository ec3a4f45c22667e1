// The runtime matrix's npm tools live in this folder's own package (test/runtimes/package.json,
// installed by `npm run test:runtimes` / `npm ci --prefix test/runtimes`), not in the root package:
// `npm ci && npm test` must download no platform binaries. A bare import written in this file
// resolves from test/runtimes/node_modules, so the drivers in scripts/runtimes/ load them from here.
export const loadMiniflare = () => import('miniflare')
export const loadEdgeVm = () => import('@edge-runtime/vm')
export const loadPlaywright = () => import('playwright-core')
export const loadPuppeteer = () => import('puppeteer-core')
