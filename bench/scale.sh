#!/usr/bin/env bash
# Whole-process benchmark at monorepo scale (issue: performance). For each size it generates a synthetic
# repository (`migaudit bench-gen`), then measures with hyperfine:
#   audit: `migaudit audit DIR --format json`
#   floor: `git log --name-status -- migrations` + reading every migration file once
# and peak memory with /usr/bin/time. Prints a Markdown table.
# With AOT_BINARY=path (scripts/build-native.sh writes artifacts/native/<rid>/migaudit), the Native AOT build the npm
# packages ship is measured too, in the same hyperfine run: the last column and its ratio to the floor.
# Usage: bench/scale.sh [runs] [sizes...]   sizes as N:H (default 100:500 1000:5000 5000:25000 10000:50000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100:500 1000:5000 5000:25000 10000:50000)
work=${BENCH_DIR:-$(mktemp -d)}
bin="$work/bin"
dotnet publish src/MigAudit.Cli -c Release --nologo -v quiet -o "$bin" >/dev/null
command -v hyperfine >/dev/null || { echo "hyperfine is required (apt-get install hyperfine)" >&2; exit 2; }

aot=${AOT_BINARY:-}
[ -z "$aot" ] || [ -x "$aot" ] || { echo "AOT_BINARY=$aot is not an executable" >&2; exit 2; }
echo "| migrations | commits | audit (mean ± σ) | floor (mean) | ratio | peak memory (migaudit) | audit without git |${aot:+ Native AOT audit (ratio) |}"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |${aot:+ ---: |}"
for size in "${sizes[@]}"; do
  n=${size%%:*}; h=${size##*:}
  repo="$work/repo-$n-$h"
  [ -d "$repo" ] || dotnet "$bin/migaudit.dll" bench-gen "$repo" -n "$n" -c "$h" >/dev/null
  floor="git -C $repo log --name-status -- migrations > /dev/null && cat $repo/migrations/* > /dev/null"
  # The same files without .git: migaudit's own work (parse, replay, rules, report) without git's.
  nogit="$repo-nogit"
  [ -d "$nogit" ] || { mkdir -p "$nogit" && cp -r "$repo/migrations" "$repo/knexfile.js" "$nogit/"; }
  commands=("dotnet $bin/migaudit.dll audit $repo --format json" "bash -c '$floor'" "dotnet $bin/migaudit.dll audit $nogit --format json")
  [ -z "$aot" ] || commands+=("$aot audit $repo --format json")
  hyperfine --warmup 1 --runs "$runs" -i --export-json "$work/result.json" "${commands[@]}" >/dev/null 2>&1
  read -r audit sigma floor_mean alone aot_mean < <(python3 -c "
import json; r=json.load(open('$work/result.json'))['results']
print(r[0]['mean'], r[0]['stddev'] or 0, r[1]['mean'], r[2]['mean'], r[3]['mean'] if len(r) > 3 else 0)")
  # Peak resident memory of the migaudit process itself (git's own processes are separate), sampled from /proc.
  dotnet "$bin/migaudit.dll" audit "$repo" --format json > /dev/null &
  pid=$!
  peak=0
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    [ -n "$rss" ] && [ "$rss" -gt "$peak" ] && peak=$rss
    sleep 0.05
  done
  wait "$pid" || true   # exit 1 = not ready, as every synthetic project is
  python3 -c "print(f'| $n | $h | {$audit*1000:.0f} ms ± {$sigma*1000:.0f} | {$floor_mean*1000:.0f} ms | {$audit/$floor_mean:.2f} | {$peak/1024:.0f} MB | {$alone*1000:.0f} ms |' + (f' {$aot_mean*1000:.0f} ms ({$aot_mean/$floor_mean:.2f}) |' if $aot_mean > 0 else ''))"
done
