#!/usr/bin/env bash
# The Provider Keys example app (issue 15): its server checks and its end-to-end tests in Debian's
# Chromium and Firefox ESR. Installs what it needs itself on a fresh Debian 12 machine (as root):
# the two browsers from Debian, the root devDependencies and the built package if .ci/run has not
# already, and the example's own dependencies from its own lock file (`npm ci --prefix
# examples/provider-keys`; on Node 20 that compiles better-sqlite3 from source, a few minutes).
# The runner (examples/provider-keys/test/run.mjs) starts and stops its own servers (the app, a
# fake provider, a recording proxy, all on 127.0.0.1) and browsers. Bounded: 25 minutes.
# Last line: `app: N passed, N failed`, from the runner's results; non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
started=$(date +%s)
mkdir -p .tmp/app

fail_setup() {
  echo "app: setup failed: $1" >&2
  echo "app: 0 passed, 1 failed"
  exit 1
}

missing=()
for p in chromium firefox-esr; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "app: installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || fail_setup "apt-get install ${missing[*]}"
fi

if [[ ! -x node_modules/.bin/tsup ]]; then
  npm ci --no-audit --no-fund || fail_setup "npm ci"
fi
if [[ ! -f dist/index.js || -n "$(find src tsup.config.ts package.json -newer dist/index.js -print -quit 2>/dev/null)" ]]; then
  npm run build || fail_setup "npm run build"
fi
npm ci --prefix examples/provider-keys --no-audit --no-fund || fail_setup "npm ci --prefix examples/provider-keys"
echo "app: setup took $(($(date +%s) - started)) s"

timeout --kill-after=30 1500 node examples/provider-keys/test/run.mjs 2>&1 | tee .tmp/app/run.log
status=${PIPESTATUS[0]}
line=$(grep -E '^app: [0-9]+ passed, [0-9]+ failed$' .tmp/app/run.log | tail -n 1)
if [[ -z $line ]]; then
  echo "app: the runner printed no result line (exit $status)"
  echo "app: 0 passed, 1 failed"
  exit 1
fi
passed=$(sed -E 's/^app: ([0-9]+) passed.*/\1/' <<<"$line")
failed=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$line")
# A crash after the result line, or a timeout, still fails the step.
if [[ $status -ne 0 && $failed -eq 0 ]]; then failed=1; fi
echo "app: wall time $(($(date +%s) - started)) s"
echo "app: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
