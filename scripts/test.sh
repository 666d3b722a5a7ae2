#!/usr/bin/env bash
# Runs every test: installs the real knex/pg used as fixtures (tests/node), then the .NET test suite.
# Prints a closing "tests: N passed, N failed, N skipped" line.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/node/node_modules/knex ]; then
    echo "Installing knex and pg for the test fixtures (tests/node) ..."
    npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
  fi
else
  echo "warning: npm not found; tests that compare with real Knex will be skipped (they fail when CI=true)" >&2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
dotnet test MigAudit.slnx --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

summary=$(grep -E "Failed:[[:space:]]+[0-9]+, Passed:[[:space:]]+[0-9]+, Skipped:[[:space:]]+[0-9]+" "$log" | tail -n 1 || true)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed:[[:space:]]+([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed:[[:space:]]+([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped:[[:space:]]+([0-9]+).*/\1/' <<<"$summary")
  echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
fi
exit "$status"
