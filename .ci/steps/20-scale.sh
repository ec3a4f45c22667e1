#!/usr/bin/env bash
# scale (issue 16): streaming rotation with compare-and-swap write-back, resume after a kill and
# flat memory, proven against a real SQLite (node:sqlite, Node 24) and a real PostgreSQL that this
# step installs if missing (Debian's `postgresql`), initialises in a temp dir, starts on a Unix
# socket only (no TCP) and stops again; and the conformance kit (@org/keyseal/testing) on both
# reference adapters in examples/storage. The database client (pg) lives in test/db/package.json.
# KEYSEAL_DB_ROWS (default 100000) sets the row count of the flat-memory test.
# Last line: `scale: N passed, N failed` from node:test's own counts; non-zero exit on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p .tmp
passed=0
failed=0
finish() {
  echo "scale: $passed passed, $failed failed"
  [[ $failed -eq 0 && $passed -gt 0 ]] && exit 0 || exit 1
}
step_fail() {
  echo "scale: FAIL $1"
  failed=$((failed + 1))
}

as_pg() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

echo "== scale: PostgreSQL (Debian's postgresql: installed here when missing)"
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [[ -z $pgbin || ! -x $pgbin/initdb ]]; then
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; }; then
    step_fail "apt-get install postgresql"
    finish
  fi
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
echo "scale: using $pgbin"

echo "== scale: test/db dependencies (npm ci --prefix test/db), Node 24, the build"
if ! npm ci --prefix test/db --no-audit --no-fund; then step_fail "npm ci --prefix test/db"; finish; fi
if [[ ! -x test/runtimes/node-versions/node_modules/node24/bin/node ]] && ! npm ci --prefix test/runtimes/node-versions --no-audit --no-fund >&2; then step_fail "Node 24 (npm ci --prefix test/runtimes/node-versions)"; finish; fi
node24=test/runtimes/node-versions/node_modules/node24/bin/node
if [[ ! -f dist/index.js || ! -f dist/testing.js ]]; then
  if ! npm run build; then step_fail "npm run build"; finish; fi
fi

pgdir=$(mktemp -d /tmp/keyseal-pg.XXXXXX)
stop_pg() {
  as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$pgdir"
}
trap stop_pg EXIT
[[ $(id -u) -eq 0 ]] && chown postgres: "$pgdir"
if ! as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust --no-locale -E UTF8 >"$pgdir/initdb.log" 2>&1; then
  cat "$pgdir/initdb.log"
  step_fail "initdb"
  finish
fi
if ! as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 -o "-k $pgdir -c listen_addresses= -p 5432" start; then
  cat "$pgdir/server.log"
  step_fail "pg_ctl start"
  finish
fi

echo "== scale: database tests (node --test, Node 24)"
export KEYSEAL_PG_HOST=$pgdir KEYSEAL_PG_PORT=5432
timeout 2400 "$node24" --test --test-concurrency=1 --test-reporter=tap test/db/conformance.test.mjs test/db/rotation.test.mjs test/db/docs-sql.test.mjs 2>&1 | tee .tmp/scale-db.tap
status=${PIPESTATUS[0]}
tp=$(grep -E '^# pass [0-9]+' .tmp/scale-db.tap | tail -n 1 | awk '{print $3}')
tf=$(grep -E '^# fail [0-9]+' .tmp/scale-db.tap | tail -n 1 | awk '{print $3}')
if [[ -z $tp || -z $tf ]]; then
  step_fail "node --test printed no counts (exit $status)"
else
  passed=$((passed + tp))
  failed=$((failed + tf))
  if [[ $status -ne 0 && $tf -eq 0 ]]; then step_fail "node --test exited $status"; fi
fi
finish
