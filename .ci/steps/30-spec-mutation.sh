#!/usr/bin/env bash
# The spec mutation harness (docs/format.md §22, docs/format-v2.md §16): every rule of the v1 and v2
# references (test/reference/) broken in turn must fail at least one vector. Targets: every file in
# test/spec/targets/ (v1.mjs: ~90 s; v2.mjs: ~25 s on the shared 2-core machine, 97 checks).
# Node only, no network, no services. Bounded to 20 min.
# Last line: `spec-mutation: N passed, N failed` (from scripts/spec-mutation.mjs's own count).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .tmp
if [[ ! -d node_modules ]]; then npm ci --no-audit --no-fund >/dev/null || { echo "spec-mutation: 0 passed, 1 failed"; exit 1; }; fi
timeout 1200 node scripts/spec-mutation.mjs v1 v2 2>&1 | tee .tmp/spec-mutation.log
status=${PIPESTATUS[0]}
line=$(grep -E '^spec-mutation: [0-9]+ passed, [0-9]+ failed$' .tmp/spec-mutation.log | tail -n 1)
if [[ -z $line ]]; then echo "spec-mutation: 0 passed, 1 failed"; exit 1; fi
# The script's line is already the last line; repeat it so nothing printed by tee/timeout follows it.
echo "$line"
[[ $status -eq 0 ]] || exit 1
