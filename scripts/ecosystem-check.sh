#!/usr/bin/env bash
# The ecosystem check: runs two builds of migaudit over the pinned public Knex projects in
# scripts/ecosystem/projects.tsv and prints, per project, what each build says and how the findings differ.
# A developer tool (it needs the projects' git mirrors on this machine; it never fetches): see docs/ecosystem.md.
#
# Usage: scripts/ecosystem-check.sh [--set dev|holdout|all] [--cache DIR] [--markdown FILE]
#                                   [--project OWNER/NAME ...] [--timeout SECONDS] BASELINE_BINARY CANDIDATE_BINARY
#
#   BASELINE_BINARY, CANDIDATE_BINARY  migaudit executables (a Native AOT binary from scripts/build-native.sh, the
#                                      apphost from dotnet publish, or a wrapper script around `dotnet migaudit.dll`)
#   --set        which projects: dev (default), holdout, or all
#   --cache      where checkouts and results go (default: .ecosystem-cache/ in the repository, gitignored)
#   --markdown   also write the summary as Markdown to FILE
#   --project    only this project (repeatable)
#   --timeout    seconds per audit (default 120)
#
# Environment: MIGAUDIT_ECOSYSTEM_MIRRORS, the folder of git mirrors, one per project as <owner>+<name>/repo (a bare
# git directory, or a clone whose .git is inside): default /work/.mirror.
#
# The audited projects' code is never run: no npm install, checkouts with hooks off (core.hooksPath=/dev/null),
# no LFS smudge, no submodules; only the two migaudit builds read the checkouts, one project at a time.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo_root="$(cd "$here/.." && pwd)"
list="$here/ecosystem/projects.tsv"
mirrors="${MIGAUDIT_ECOSYSTEM_MIRRORS:-/work/.mirror}"

usage() {
  sed -n '6,19p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

set_name=dev
cache="$repo_root/.ecosystem-cache"
markdown=""
timeout_s=120
only=()
positional=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --set) [ "$#" -ge 2 ] || usage; set_name="$2"; shift 2 ;;
    --cache) [ "$#" -ge 2 ] || usage; cache="$2"; shift 2 ;;
    --markdown) [ "$#" -ge 2 ] || usage; markdown="$2"; shift 2 ;;
    --project) [ "$#" -ge 2 ] || usage; only+=("$2"); shift 2 ;;
    --timeout) [ "$#" -ge 2 ] || usage; timeout_s="$2"; shift 2 ;;
    -h | --help) usage ;;
    --) shift; positional+=("$@"); break ;;
    -*) echo "ecosystem-check: unknown option $1" >&2; usage ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ "${#positional[@]}" -eq 2 ] || usage
case "$set_name" in dev | holdout | all) ;; *) echo "ecosystem-check: --set is dev, holdout or all" >&2; exit 2 ;; esac
case "$timeout_s" in '' | *[!0-9]*) echo "ecosystem-check: --timeout takes whole seconds" >&2; exit 2 ;; esac

absolute() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}
baseline="$(absolute "${positional[0]}")"
candidate="$(absolute "${positional[1]}")"
for bin in "$baseline" "$candidate"; do
  [ -f "$bin" ] && [ -x "$bin" ] || { echo "ecosystem-check: $bin is not an executable file" >&2; exit 2; }
done
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
if [ -n "$markdown" ]; then markdown="$(absolute "$markdown")"; fi

results="$cache/results/$set_name"
rm -rf "$results"
mkdir -p "$results" "$cache/checkouts"
: >"$results/order.txt"

# Git for the checkouts: no hooks, no LFS download, no prompts; nothing from the project's own files configures it.
export GIT_LFS_SKIP_SMUDGE=1 GIT_TERMINAL_PROMPT=0
g() { git -c core.hooksPath=/dev/null -c advice.detachedHead=false "$@"; }

# The git directory fetch left for OWNER/NAME, or nothing.
mirror_of() {
  local base="$mirrors/${1/\//+}/repo"
  if [ -d "$base/.git" ]; then
    printf '%s\n' "$base/.git"
  elif [ -f "$base/HEAD" ] && [ -d "$base/objects" ]; then
    printf '%s\n' "$base"
  fi
}

# Escapes a path for a sparse-checkout (gitignore-style) pattern anchored at the root.
sparse_pattern() {
  local p="$1"
  p="${p//\\/\\\\}"
  p="${p//\*/\\*}"
  p="${p//\?/\\?}"
  p="${p//\[/\\[}"
  printf '!/%s\n' "$p"
}

# Makes $checkout the project at $commit, on a local branch named like the mirror's default branch, with the whole
# history up to it, only the tags it contains and no remote; reuses a clean checkout already there. Blobs the
# snapshot lacks (files of 4 MiB and more) are left out with sparse checkout, so the tree is complete otherwise and
# git status is clean. Sets $left_out. Returns 1 when the pinned commit is not in the mirror, 2 on another failure
# (called in a condition, where set -e does not apply: every step says what failing means).
checkout_project() {
  local gitdir="$1" commit="$2" checkout="$3" branch missing
  left_out=0
  if [ -d "$checkout/.git" ] &&
    [ "$(g -C "$checkout" rev-parse -q --verify HEAD 2>/dev/null || true)" = "$commit" ] &&
    [ -z "$(g -C "$checkout" status --porcelain --untracked-files=all 2>/dev/null || echo dirty)" ]; then
    left_out="$(g -C "$checkout" ls-files -t | grep -c '^S ' || true)"
    return 0
  fi
  rm -rf "$checkout"
  g clone --quiet --no-checkout --shared --config core.hooksPath=/dev/null -- "$gitdir" "$checkout" >/dev/null </dev/null || return 2
  if ! g -C "$checkout" cat-file -e "$commit^{commit}" 2>/dev/null; then
    return 1
  fi
  branch="$(git --git-dir="$gitdir" symbolic-ref --short -q HEAD || true)"
  branch="${branch:-main}"
  missing="$(python3 "$here/ecosystem/missing-blobs.py" "$checkout" "$commit")" || return 2
  if [ -n "$missing" ]; then
    {
      printf '/*\n'
      while IFS= read -r path; do sparse_pattern "$path"; done <<<"$missing"
    } >"$checkout/.git/info/sparse-checkout.tmp"
    g -C "$checkout" config core.sparseCheckout true || return 2
    g -C "$checkout" config core.sparseCheckoutCone false || return 2
    mv "$checkout/.git/info/sparse-checkout.tmp" "$checkout/.git/info/sparse-checkout" || return 2
    left_out="$(grep -c . <<<"$missing")"
  fi
  g -C "$checkout" checkout --quiet -B "$branch" "$commit" </dev/null || return 2
  g -C "$checkout" remote remove origin || return 2
  g -C "$checkout" for-each-ref --format='delete %(refname)' --no-merged="$commit" refs/tags |
    g -C "$checkout" update-ref --stdin || return 2
  [ -z "$(g -C "$checkout" status --porcelain --untracked-files=all)" ] || { echo "the checkout is not clean" >&2; return 2; }
}

# Runs one build over one checkout; its outputs go to $results/$key.$build.*.
run_build() {
  local build="$1" bin="$2" key="$3" checkout="$4" rc=0 start end
  start="$(date +%s.%N)"
  (cd "$cache" && NO_COLOR=1 timeout -k 10 "$timeout_s" "$bin" audit "$checkout" --format json \
    >"$results/$key.$build.json" 2>"$results/$key.$build.stderr" </dev/null) || rc=$?
  end="$(date +%s.%N)"
  printf '%s\n' "$rc" >"$results/$key.$build.rc"
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f\n", e - s }' >"$results/$key.$build.seconds"
}

echo "ecosystem-check: set $set_name, baseline $baseline, candidate $candidate, mirrors $mirrors, cache $cache"
selected=0
while IFS=$'\t' read -r repo commit set kind note <&3; do
  [ "$repo" = repo ] && continue
  [ -n "$repo" ] || continue
  [ "$set_name" = all ] || [ "$set" = "$set_name" ] || continue
  if [ "${#only[@]}" -gt 0 ]; then
    match=0
    for o in "${only[@]}"; do [ "$o" = "$repo" ] && match=1; done
    [ "$match" = 1 ] || continue
  fi
  selected=$((selected + 1))
  key="${repo/\//+}"
  printf '%s\n' "$key" >>"$results/order.txt"
  gitdir="$(mirror_of "$repo")"
  if [ -z "$gitdir" ]; then
    python3 "$here/ecosystem/report.py" status "$results" "$key" "$repo" "not fetched" "no mirror under $mirrors/$key"
    continue
  fi
  checkout="$cache/checkouts/$key"
  left_out=0
  status=0
  checkout_project "$gitdir" "$commit" "$checkout" 2>"$results/$key.checkout.stderr" || status=$?
  if [ "$status" != 0 ]; then
    if [ "$status" = 1 ]; then
      python3 "$here/ecosystem/report.py" status "$results" "$key" "$repo" "commit missing" "${commit:0:12} is not in the mirror"
    else
      python3 "$here/ecosystem/report.py" status "$results" "$key" "$repo" "checkout failed" "$(tail -n 1 "$results/$key.checkout.stderr")"
    fi
    rm -rf "$checkout"
    continue
  fi
  run_build baseline "$baseline" "$key" "$checkout"
  run_build candidate "$candidate" "$key" "$checkout"
  python3 "$here/ecosystem/report.py" project "$results" "$key" "$repo" "$checkout"
  if [ "$left_out" != 0 ]; then
    echo "  note: $left_out file(s) the snapshot lacks (4 MiB or more) are left out of the checkout"
  fi
done 3<"$list"

for o in "${only[@]}"; do
  cut -f1 "$list" | grep -qxF -- "$o" || echo "ecosystem-check: $o is not in $list" >&2
done
if [ "$selected" = 0 ]; then
  echo "ecosystem-check: no project in $list matches" >&2
  exit 2
fi
if [ -n "$markdown" ]; then
  python3 "$here/ecosystem/report.py" summary "$results" --markdown "$markdown"
else
  python3 "$here/ecosystem/report.py" summary "$results"
fi
