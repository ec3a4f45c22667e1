# Helpers for .ci/run (sourced; defines functions only). Tested by .ci/selftest.sh.
# run_step and ci_run_steps use the caller's `passed`, `failed` and `step_fail`.

# ci_result_line FILE: print the result line of a step's stdout, i.e. its last non-blank line with
# any trailing CR removed. Prints nothing for an empty file.
ci_result_line() {
  local line
  line=$(sed -e 's/\r$//' -e '/^[[:space:]]*$/d' "$1" 2>/dev/null | tail -n 1)
  printf '%s' "$line"
}

# ci_parse_result LINE: when LINE is `<NAME>: N passed, N failed` (optionally `, N skipped`), print
# `NAME PASSED FAILED` and return 0; otherwise print nothing and return 1. NAME is letters, digits,
# `.`, `_` or `-`; the counts are decimal integers without signs. Nothing may follow but spaces.
ci_parse_result() {
  local re='^([A-Za-z0-9._-]+): ([0-9]+) passed, ([0-9]+) failed(, [0-9]+ skipped)?[[:space:]]*$'
  if [[ $1 =~ $re ]]; then
    # 10# makes a leading zero decimal, not octal.
    printf '%s %d %d\n' "${BASH_REMATCH[1]}" "$((10#${BASH_REMATCH[2]}))" "$((10#${BASH_REMATCH[3]}))"
    return 0
  fi
  return 1
}

# ci_step_name PATH: `.ci/steps/20-mutation.sh` -> `mutation` (the part after the first `-`).
ci_step_name() {
  local base
  base=$(basename "$1" .sh)
  if [[ $base == *-* ]]; then printf '%s' "${base#*-}"; else printf '%s' "$base"; fi
}

# run_step LABEL COMMAND...: run a command whose last stdout line is a result line; add its counts.
# Its stdout is kept in .tmp/ci-steps/<label>.log (stderr passes through). A step that runs longer
# than KEYSEAL_CI_STEP_TIMEOUT seconds (default 1800) is stopped and counts as a failure.
run_step() {
  local label=$1
  shift
  local log="${KEYSEAL_CI_LOG_DIR:-.tmp/ci-steps}/${label}.log"
  mkdir -p "${KEYSEAL_CI_LOG_DIR:-.tmp/ci-steps}"
  timeout --kill-after=30 "${KEYSEAL_CI_STEP_TIMEOUT:-1800}" "$@" | tee "$log"
  local status=${PIPESTATUS[0]}
  local line parsed name p f
  line=$(ci_result_line "$log")
  if ! parsed=$(ci_parse_result "$line"); then
    step_fail "$label: last line is not \`<NAME>: N passed, N failed\` (exit $status; last line: ${line:0:120})"
    return
  fi
  read -r name p f <<<"$parsed"
  echo "ci: $label: $p passed, $f failed (reported as $name)"
  passed=$((passed + p))
  failed=$((failed + f))
  if [[ $status -eq 124 || $status -eq 137 ]]; then
    step_fail "$label timed out"
  elif [[ $status -ne 0 && $f -eq 0 ]]; then
    # A non-zero exit with no failure counted (a crash after the line, a wrong count) still fails.
    step_fail "$label exited $status"
  fi
}

# ci_run_steps DIR: run every DIR/*.sh in name order (C locale), each through run_step, labelled
# by the part of its name after the first `-`.
ci_run_steps() {
  local dir=$1 step
  local -a steps=()
  if compgen -G "$dir/*.sh" >/dev/null; then mapfile -t steps < <(LC_ALL=C printf '%s\n' "$dir"/*.sh | LC_ALL=C sort); fi
  echo "== ${#steps[@]} step(s) in $dir/"
  for step in "${steps[@]}"; do
    echo "== step $step"
    run_step "$(ci_step_name "$step")" bash "$step"
  done
}
