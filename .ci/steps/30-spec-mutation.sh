#!/usr/bin/env bash
# Issue 13: the mutation harness over the independent reference (test/reference/). Every mutant of
# the reference (one spec rule broken at a time) must fail at least one vector; the mutants listed
# as equivalent, with their reasons, must survive. scripts/spec-mutation.mjs prints the last line
# `spec-mutation: N passed, N failed` itself and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
timeout 900 node scripts/spec-mutation.mjs
