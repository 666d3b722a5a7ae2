#!/usr/bin/env bash
# The real-file corpus of the TypeScript differential (docs/typescript.md): TypeScript knexfiles, migrations and
# database/config modules from public projects, read straight out of their git object stores.
#
#   build.sh --list [--mirrors DIR]         rewrites files.tsv (owner/name, commit, path) from every mirror's HEAD
#   build.sh --cache DIR [--mirrors DIR]    extracts every file of files.tsv into DIR/<owner>+<name>/<path>
#
# Both may be given (the list is rebuilt first). Mirrors are bare-style repositories at DIR/<owner>+<name>/repo
# (default /work/.mirror). Files are read with `git cat-file blob COMMIT:PATH`: nothing is checked out, no hook, filter
# or project code runs. Only the list is committed; the files stay in the cache (their licences vary).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
list="$here/files.tsv"
mirrors=/work/.mirror
cache=
rebuild=0
while [ $# -gt 0 ]; do
  case "$1" in
    --list) rebuild=1 ;;
    --cache) cache="$2"; shift ;;
    --mirrors) mirrors="$2"; shift ;;
    *) echo "usage: build.sh [--list] [--cache DIR] [--mirrors DIR]" >&2; exit 2 ;;
  esac
  shift
done
if [ "$rebuild" = 0 ] && [ -z "$cache" ]; then
  echo "usage: build.sh [--list] [--cache DIR] [--mirrors DIR]" >&2
  exit 2
fi

git_dir() { # the git directory of a mirror: DIR/<owner>+<name>/repo, or the folder itself
  if [ -d "$mirrors/$1/repo" ]; then echo "$mirrors/$1/repo"; else echo "$mirrors/$1"; fi
}

# TypeScript sources (not declaration files, not vendored packages) whose path says migration, knexfile, db,
# database or config.
pattern='(migrat|knexfile|(^|/)db/|database|config)'
if [ "$rebuild" = 1 ]; then
  tmp=$(mktemp)
  trap 'rm -f "$tmp"' EXIT
  for dir in "$mirrors"/*/; do
    name=$(basename "$dir")
    repo=$(git_dir "$name")
    commit=$(git -C "$repo" rev-parse --verify -q 'HEAD^{commit}') || continue
    git -C "$repo" ls-tree -r --name-only "$commit" |
      grep -E '\.(ts|mts|cts)$' | grep -vE '\.d\.(ts|mts|cts)$' | grep -v 'node_modules/' | grep -iE "$pattern" |
      awk -v owner="${name/+//}" -v commit="$commit" -F '\t' 'NF == 1 { print owner "\t" commit "\t" $0 }' >> "$tmp" || true
  done
  sort -t $'\t' -k1,1 -k3,3 "$tmp" > "$list"
  echo "files.tsv: $(wc -l < "$list") files from $(cut -f1 "$list" | sort -u | wc -l) projects"
fi

if [ -n "$cache" ]; then
  mkdir -p "$cache"
  extracted=0 present=0 missing=0
  while IFS=$'\t' read -r owner_name commit path; do
    target="$cache/${owner_name/\//+}/$path"
    if [ -f "$target" ]; then present=$((present + 1)); continue; fi
    repo=$(git_dir "${owner_name/\//+}")
    mkdir -p "$(dirname "$target")"
    if git -C "$repo" cat-file blob "$commit:$path" > "$target.partial" 2>/dev/null; then
      mv "$target.partial" "$target"
      extracted=$((extracted + 1))
    else
      rm -f "$target.partial"
      missing=$((missing + 1))
    fi
  done < "$list"
  echo "cache $cache: $extracted extracted, $present already there, $missing not found in the mirrors"
fi
