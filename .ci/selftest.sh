#!/usr/bin/env bash
# Self-test of the step-result parsing in .ci/lib.sh, run by .ci/run before anything else (about a
# tenth of a second). Last line: `ci-selftest: N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
source .ci/lib.sh
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # expect DESCRIPTION WANT GOT
  if [[ $2 == "$3" ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "selftest FAIL: $1: want [$2], got [$3]"; fi
}
parse() { ci_parse_result "$1" || echo "REFUSED"; }

expect 'plain line' 'db 12 0' "$(parse 'db: 12 passed, 0 failed')"
expect 'with skipped' 'mutation 3 1' "$(parse 'mutation: 3 passed, 1 failed, 2 skipped')"
expect 'trailing spaces' 'x 1 2' "$(parse 'x: 1 passed, 2 failed   ')"
expect 'leading zeros are decimal' 'x 8 9' "$(parse 'x: 08 passed, 09 failed')"
expect 'dots, dashes, underscores in the name' 'v2.hpke_x-y 5 0' "$(parse 'v2.hpke_x-y: 5 passed, 0 failed')"
expect 'no name' REFUSED "$(parse '5 passed, 0 failed')"
expect 'negative count' REFUSED "$(parse 'x: -1 passed, 0 failed')"
expect 'missing failed' REFUSED "$(parse 'x: 5 passed')"
expect 'swapped order' REFUSED "$(parse 'x: 0 failed, 5 passed')"
expect 'text after the counts' REFUSED "$(parse 'x: 5 passed, 0 failed (retry)')"
expect 'text before the name' REFUSED "$(parse 'ok x: 5 passed, 0 failed')"
expect 'vitest summary is not a result line' REFUSED "$(parse '      Tests  74 passed (74)')"
expect 'empty line' REFUSED "$(parse '')"

printf 'noise\nx: 1 passed, 0 failed\nmore noise\n' >"$tmp/a"
expect 'only the last line counts' 'more noise' "$(ci_result_line "$tmp/a")"
printf 'noise\ny: 4 passed, 1 failed\r\n\n  \n' >"$tmp/b"
expect 'trailing blank lines and CR ignored' 'y: 4 passed, 1 failed' "$(ci_result_line "$tmp/b")"
: >"$tmp/c"
expect 'empty output' '' "$(ci_result_line "$tmp/c")"
expect 'missing file' '' "$(ci_result_line "$tmp/none")"

expect 'step name' 'mutation' "$(ci_step_name .ci/steps/20-mutation.sh)"
expect 'step name with dashes' 'v2-interop' "$(ci_step_name .ci/steps/30-v2-interop.sh)"
expect 'step name without number' 'db' "$(ci_step_name .ci/steps/db.sh)"

# ci_run_steps end to end, on fixture steps, in a subshell with its own counters.
mkdir -p "$tmp/steps"
printf 'echo hello\necho "b: 3 passed, 0 failed"\n' >"$tmp/steps/10-b.sh"
printf 'echo "a: 2 passed, 1 failed"\nexit 1\n' >"$tmp/steps/02-a.sh"
printf 'echo "c: 5 passed, 0 failed"\necho trailing output\n' >"$tmp/steps/20-c.sh"
printf 'echo "d: 4 passed, 0 failed"\nexit 3\n' >"$tmp/steps/30-d.sh"
printf 'echo "e: 1 passed, 0 failed" >&2\n' >"$tmp/steps/40-e.sh"
printf 'echo "f: 6 passed, 0 failed"\nsleep 5\n' >"$tmp/steps/50-f.sh"
printf 'not a step\n' >"$tmp/steps/60-g.txt"
summary=$(
  passed=0 failed=0 fails=()
  step_fail() { failed=$((failed + 1)); fails+=("$1"); }
  KEYSEAL_CI_STEP_TIMEOUT=1 KEYSEAL_CI_LOG_DIR="$tmp/logs" ci_run_steps "$tmp/steps" >"$tmp/out" 2>/dev/null
  order=$(grep -o '^== step .*' "$tmp/out" | sed 's|.*/||' | tr '\n' ' ')
  printf '%s|%s|%s|%s' "$passed" "$failed" "$order" "$(printf '%s;' "${fails[@]%% (*}")"
)
# passed 2 (a) + 3 (b) + 4 (d) + 6 (f) = 15; failed 1 (a's own) + c (no result line last) + d (exit 3
# with 0 failed) + e (the line on stderr only) + f (killed by the 1 s timeout after its line) = 5.
expect 'steps: totals' '15|5' "${summary%%|*}|$(cut -d'|' -f2 <<<"$summary")"
expect 'steps: name order, .sh only' '02-a.sh 10-b.sh 20-c.sh 30-d.sh 40-e.sh 50-f.sh ' "$(cut -d'|' -f3 <<<"$summary")"
expect 'steps: the failures named' 'c: last line is not `<NAME>: N passed, N failed`;d exited 3;e: last line is not `<NAME>: N passed, N failed`;f timed out;' "$(cut -d'|' -f4 <<<"$summary")"
expect 'steps: each stdout kept' 'b: 3 passed, 0 failed' "$(tail -n 1 "$tmp/logs/b.log")"

echo "ci-selftest: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
