#!/usr/bin/env bash
# Installs the npm packages scripts/build-npm.sh made into fresh Knex projects and audits them with npx, as a user
# would: .github/workflows/npm.yml runs it on every runner the packages are built on (Linux glibc and musl, macOS,
# Windows). tests/MigAudit.Tests/NpmLocalPackageTests.cs checks the same route in more detail on the test machine.
#  1. The README's quick start: the self-contained local/migaudit-<version>-<key>.tgz installed by path, node_modules
#     deleted, `npm ci` (must pass: issue #33), then `npx migaudit audit` in every format.
#  2. The registry layout: the launcher and the @migaudit/<key> tarball; npm installs that platform package only.
# Each audit is of a Knex project with one migration without a down, in a git repository: verdict not-ready, exit 1,
# the one rule missing-down.
# Usage: scripts/npm-smoke.sh PACKAGES KEY   e.g. artifacts/npm linux-x64-musl (npm's key this machine must have)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

packages=$(cd "$1" && pwd)
key=$2
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' src/MigAudit.Cli/MigAudit.Cli.csproj)
formats="compact github gitlab html json markdown sarif text"

fail() { echo "npm-smoke: $*" >&2; exit 1; }

# The runner is the platform the matrix says (an x64 Node on an Arm runner would test the wrong package), by the
# launcher's own choice.
actual=$(node -e '
  const l = require(process.argv[1]);
  process.stdout.write(l.platformKey(process.platform, process.arch, process.platform === "linux" ? process.report.getReport() : null));
' "$repo/npm/migaudit/bin/migaudit.js")
[ "$actual" = "$key" ] || fail "this machine is $actual, not $key"

# On a GitHub runner, under RUNNER_TEMP: on Windows that is on the checkout's drive (D:), where the system temp folder
# is on C:, and the lockfile's file: path to the tarball then stays relative.
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/npm-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT

# A Knex project in a git repository of its own: migaudit reads git history.
new_project() {
  local dir="$work/$1"
  mkdir -p "$dir"
  cp -R "$repo/tests/fixtures/missing-down/bad/." "$dir/"
  printf '{ "name": "knex-app", "version": "1.0.0", "private": true }\n' >"$dir/package.json"
  printf 'node_modules/\n' >"$dir/.gitignore"
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" -c user.name=smoke -c user.email=smoke@example.invalid commit -qm "Knex project"
  echo "$dir"
}

# npx migaudit audit --format json in the current folder: exit 1, verdict not-ready, the one rule missing-down.
check_json_audit() {
  local status=0
  npx migaudit audit --format json >report.json || status=$?
  [ "$status" = 1 ] || fail "$1: npx migaudit audit --format json exited $status"
  node -e '
    const report = JSON.parse(require("fs").readFileSync("report.json", "utf8"));
    const rules = [...new Set(report.findings.map((f) => f.rule))];
    if (report.verdict !== "not-ready" || JSON.stringify(rules) !== JSON.stringify(["missing-down"])) {
      console.error(`verdict ${report.verdict}, rules ${JSON.stringify(rules)}; expected not-ready, ["missing-down"]`);
      process.exit(1);
    }
  ' || fail "$1: the JSON report is not the expected one"
  rm -f report.json
}

echo "== 1. local/migaudit-$version-$key.tgz installed by path, then npm ci"
local_package="$packages/local/migaudit-$version-$key.tgz"
[ -f "$local_package" ] || fail "no $local_package"
cd "$(new_project local)"
npm install --save-dev --no-audit --no-fund --loglevel=error "$local_package"
rm -rf node_modules
npm ci --no-audit --no-fund --loglevel=error
[ ! -e node_modules/@migaudit ] || fail "the local package installed @migaudit packages"
for format in $formats; do
  status=0
  npx migaudit audit --format "$format" >report.out || status=$?
  [ "$status" = 1 ] || fail "npx migaudit audit --format $format exited $status"
  [ -s report.out ] || fail "npx migaudit audit --format $format printed nothing"
  grep -F missing-down report.out >/dev/null || fail "the $format report does not name missing-down"
done
rm -f report.out
[ "$(npx migaudit audit --format compact | tail -n 1 || true)" = "migaudit: NOT READY - 1 finding (1 blocking), 0 unknowns" ] ||
  fail "the compact report's summary line is not the expected one"
check_json_audit "local package"

echo "== 2. the launcher and @migaudit/$key, as the registry will serve them"
cd "$(new_project registry)"
npm install --save-dev --no-audit --no-fund --loglevel=error "$packages/migaudit-$version.tgz" "$packages/migaudit-$key-$version.tgz"
[ "$(ls node_modules/@migaudit)" = "$key" ] || fail "node_modules/@migaudit holds $(ls node_modules/@migaudit | tr '\n' ' '), not $key alone"
case "$(npx migaudit --version)" in
  "$version+"*) ;;
  *) fail "npx migaudit --version does not print $version+<commit>" ;;
esac
check_json_audit "registry layout"

echo "npm-smoke: $key passed"
