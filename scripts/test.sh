#!/usr/bin/env bash
# Runs every test:
#  1. installs the real knex/pg and typescript used as fixtures (tests/node);
#  2. builds the Native AOT binary and the npm packages for this platform (scripts/build-npm.sh);
#  3. runs the .NET test suite (the npm install test gets the packages through MIGAUDIT_NPM_PACKAGES);
#  4. runs the end-to-end CLI tests (trait Surface=cli) again against the AOT binary, the build the npm packages ship.
# Prints a closing "tests: N passed, N failed, N skipped" line for both runs.
# MIGAUDIT_SKIP_AOT=1, or any argument (passed to dotnet test, a --filter say), leaves steps 2 and 4 out: the npm
# test then skips, and the AOT run counts as one skipped test; under CI=true both fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/node/node_modules/knex ] || [ ! -d tests/node/node_modules/typescript ]; then
    echo "Installing knex, pg and typescript for the test fixtures (tests/node) ..."
    npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
  fi
else
  echo "warning: npm not found; tests that compare with real Knex will be skipped (they fail when CI=true)" >&2
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

aot_skipped=0
binary=
if [ "${MIGAUDIT_SKIP_AOT:-}" = 1 ] || [ $# -gt 0 ]; then
  aot_skipped=1
else
  echo "== building the Native AOT binary and the npm packages (scripts/build-npm.sh)"
  # Tarballs of an earlier version would be found beside the new ones.
  rm -rf artifacts/native artifacts/npm
  if command -v npm >/dev/null 2>&1 && bash scripts/build-npm.sh; then
    binary=$(ls "$PWD"/artifacts/native/*/migaudit)
    export MIGAUDIT_NPM_PACKAGES="$PWD/artifacts/npm"
  else
    echo "warning: the Native AOT build or npm pack failed (they need a C toolchain, zlib headers and npm); the AOT and npm tests are skipped" >&2
    aot_skipped=1
  fi
fi

set +e
dotnet test MigAudit.slnx --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

aot_status=0
if [ -n "$binary" ]; then
  echo "== the end-to-end CLI tests again, against the Native AOT binary"
  set +e
  MIGAUDIT_CLI_BINARY="$binary" dotnet test tests/MigAudit.Tests --nologo --no-build --filter "Surface=cli" 2>&1 | tee -a "$log"
  aot_status=${PIPESTATUS[0]}
  set -e
fi

read -r passed failed skipped < <(grep -E "Failed:[[:space:]]+[0-9]+, Passed:[[:space:]]+[0-9]+, Skipped:[[:space:]]+[0-9]+" "$log" |
  sed -E 's/.*Failed:[[:space:]]+([0-9]+), Passed:[[:space:]]+([0-9]+), Skipped:[[:space:]]+([0-9]+).*/\2 \1 \3/' |
  awk '{ p += $1; f += $2; s += $3 } END { print p + 0, f + 0, s + 0 }')
if [ "$aot_skipped" = 1 ]; then
  echo "note: the Native AOT CLI run was skipped"
  skipped=$((skipped + 1))
fi
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"

if [ "$aot_skipped" = 1 ] && [ "${CI:-}" = true ]; then
  echo "error: under CI the Native AOT build and its CLI run must run" >&2
  exit 1
fi
[ "$status" -ne 0 ] && exit "$status"
exit "$aot_status"
