#!/usr/bin/env bash
# Whole-process benchmark of `migaudit audit` on the 75-migration BotBuilder demo (a real git history).
# Builds Release once, creates the demo repository, then times the audit with hyperfine
# (apt-get install hyperfine) or, without it, a plain loop. Usage: bench/audit-demo.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet build src/MigAudit.Cli -c Release --nologo -v quiet -o "$out/bin" >/dev/null
demo="$out/demo"
dotnet "$out/bin/migaudit.dll" demo --path "$demo" >/dev/null 2>&1 || true   # exit 1: the demo is not ready, by design

echo "project: $(ls "$demo/server/migrations" | wc -l) migrations, $(git -C "$demo" rev-list --count HEAD) commits"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --warmup 3 --runs "$runs" -N -i \
    --command-name "migaudit audit (75 migrations)" "dotnet $out/bin/migaudit.dll audit $demo" \
    --command-name "floor: git log --name-status" "git -C $demo log --name-status -- server/migrations"
else
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do dotnet "$out/bin/migaudit.dll" audit "$demo" >/dev/null || true; done
  echo "mean: $(( ($(date +%s%N) - start) / runs / 1000000 )) ms over $runs runs"
fi
/usr/bin/time -f "peak memory: %M KB" dotnet "$out/bin/migaudit.dll" audit "$demo" >/dev/null || true
