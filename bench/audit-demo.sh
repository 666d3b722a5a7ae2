#!/usr/bin/env bash
# Whole-process benchmark of `migaudit audit` on the 75-migration BotBuilder demo (a real git history),
# for a plain Release build (JIT) and a ReadyToRun build. Needs hyperfine (apt-get install hyperfine).
# Usage: bench/audit-demo.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

dotnet publish src/MigAudit.Cli -c Release --nologo -v quiet -o "$out/jit" >/dev/null
dotnet publish src/MigAudit.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true --nologo -v quiet -o "$out/r2r" >/dev/null
demo="$out/demo"
dotnet "$out/jit/migaudit.dll" demo --path "$demo" >/dev/null 2>&1 || true   # exit 1: the demo is not ready, by design

echo "project: $(ls "$demo/server/migrations" | wc -l) migrations, $(git -C "$demo" rev-list --count HEAD) commits"
hyperfine --warmup 3 --runs "$runs" -N -i \
  --command-name "migaudit audit, Release (JIT)" "dotnet $out/jit/migaudit.dll audit $demo" \
  --command-name "migaudit audit, ReadyToRun" "$out/r2r/migaudit audit $demo" \
  --command-name "floor: git log --name-status" "git -C $demo log --name-status -- server/migrations"
/usr/bin/time -f "peak memory (ReadyToRun): %M KB" "$out/r2r/migaudit" audit "$demo" >/dev/null || true
