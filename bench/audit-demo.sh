#!/usr/bin/env bash
# Whole-process benchmark of migaudit on the 75-migration BotBuilder demo (a real git history): start-up
# (`--version`), the text audit and the JSON audit, for a Native AOT build (what the npm packages ship), a ReadyToRun
# build and a plain Release build (JIT). Needs hyperfine (apt-get install hyperfine).
# Usage: bench/audit-demo.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet publish src/MigAudit.Cli -c Release --nologo -v quiet -o "$out/jit" >/dev/null
dotnet publish src/MigAudit.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true --nologo -v quiet -o "$out/r2r" >/dev/null
dotnet publish src/MigAudit.Cli -c Release -r linux-x64 -p:PublishAot=true --nologo -v quiet -o "$out/aot" >/dev/null
demo="$out/demo"
"$out/aot/migaudit" demo --path "$demo" --keep >/dev/null 2>&1 || true   # exit 1: the demo is not ready, by design

echo "project: $(ls "$demo/server/migrations" | wc -l) migrations, $(git -C "$demo" rev-list --count HEAD) commits"
hyperfine --warmup 3 --runs "$runs" -N -i \
  --command-name "start-up (--version), Native AOT" "$out/aot/migaudit --version" \
  --command-name "start-up (--version), ReadyToRun" "$out/r2r/migaudit --version" \
  --command-name "start-up (--version), Release (JIT)" "dotnet $out/jit/migaudit.dll --version" \
  --command-name "audit, Native AOT" "$out/aot/migaudit audit $demo" \
  --command-name "audit, ReadyToRun" "$out/r2r/migaudit audit $demo" \
  --command-name "audit, Release (JIT)" "dotnet $out/jit/migaudit.dll audit $demo" \
  --command-name "audit --format json, Native AOT" "$out/aot/migaudit audit $demo --format json" \
  --command-name "audit --format json, ReadyToRun" "$out/r2r/migaudit audit $demo --format json" \
  --command-name "floor: git log --name-status" "git -C $demo log --name-status -- server/migrations"
/usr/bin/time -f "peak memory (Native AOT): %M KB" "$out/aot/migaudit" audit "$demo" >/dev/null || true
/usr/bin/time -f "peak memory (ReadyToRun): %M KB" "$out/r2r/migaudit" audit "$demo" >/dev/null || true
