#!/usr/bin/env bash
# Runs the TypeScript differential (docs/typescript.md) over the real-file corpus: extracts files.tsv's files into the
# cache when they are not there yet (build.sh, from the mirrors), then compares, for each file, the program migaudit
# reads with the program the real TypeScript compiler emits, and prints the figures and the differences by cause.
#
#   check.sh [--cache DIR] [--mirrors DIR] [-- TOOL OPTIONS]   TOOL OPTIONS: --examples N, --list-differences
#
# A developer tool: CI has no mirrors to read the corpus from. Needs tests/node installed (npm ci --prefix tests/node).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${TS_CORPUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/migaudit-ts-corpus}"
build_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache="$2"; shift ;;
    --mirrors) build_args+=(--mirrors "$2"); shift ;;
    --) shift; break ;;
    *) echo "usage: check.sh [--cache DIR] [--mirrors DIR] [-- --examples N --list-differences]" >&2; exit 2 ;;
  esac
  shift
done

bash "$here/build.sh" --cache "$cache" "${build_args[@]}" >&2
if [ ! -d "$root/tests/node/node_modules/typescript" ]; then
  npm ci --prefix "$root/tests/node" --no-audit --no-fund --loglevel=error >&2
fi
dotnet build "$root/tools/MigAudit.TsCorpus" --nologo -v quiet >&2
dotnet "$root/tools/MigAudit.TsCorpus/bin/Debug/net10.0/MigAudit.TsCorpus.dll" "$cache" "$@"
