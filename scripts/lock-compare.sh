#!/usr/bin/env bash
# The squawk comparison (issue #32): puts migaudit's lock rules beside squawk's on the SQL each migration's up really
# sent, as `migaudit verify --format json` records it (upSql: knex's query events during the up, bindings as $n).
# A developer tool: see docs/lock-rules.md for how it was run and what the disagreements mean.
#
# Usage: scripts/lock-compare.sh capture --migaudit BIN [options] RESULTS PROJECT_DIR ...
#        scripts/lock-compare.sh reaudit --migaudit BIN [options] RESULTS
#        scripts/lock-compare.sh compare [options] RESULTS
#
#   capture  for each PROJECT_DIR: `migaudit verify --format json` (the project's migrations run in verify's sandbox
#            on a throwaway PostgreSQL) and `migaudit audit --format json` (static), saved in RESULTS/<dir name>/;
#            then compare. PROJECT_DIR must be a prepared copy (its knexfile able to load): see docs/lock-rules.md.
#   reaudit  audit every project in RESULTS again with BIN (the saved verify JSON is kept), then compare: the one
#            command to re-run after new lock rules are merged.
#   compare  compare what RESULTS holds: no migaudit run.
#
#   --migaudit BIN   a migaudit executable (the apphost from dotnet publish, or a Native AOT binary)
#   --squawk BIN     squawk (default: squawk on PATH, else /tmp/squawk/node_modules/.bin/squawk)
#   --timeout SECS   per verify (default 300)
#   --pg-version N   the PostgreSQL version squawk assumes (default 15, the throwaway server verify ran on here)
#   --markdown FILE  also write the overall table as Markdown to FILE
#
# Per project, RESULTS/<name>/ holds: project (the folder audited), verify.json, audit.json, audit-args ("--client pg"
# when the knexfile chooses its client at run time: verify ran on PostgreSQL, the audit is then told so), lock-rules.txt (the Locks
# rules of the source tree this script is in, when it audited), sql/<migration>.sql (the up's statements joined with
# ";\n") and squawk/<migration>.json. The comparison writes RESULTS/comparison.tsv (one row per finding, for reading
# the disagreements) and RESULTS/summary.txt (what it prints).
#
# Matching: scripts/lock-compare-map.tsv puts each squawk rule and each migaudit lock rule in a check group. Within one
# migration and one group, the flagged statements (squawk) and the findings (migaudit) are counted; as many as both
# have are agreements, the rest is squawk-only or migaudit-only. A group whose unit is "migration" counts 0 or 1 per side.
# squawk runs with --assume-in-transaction unless the migration or the knexfile turns Knex's transaction off
# (`transaction: false` in the migration file, `disableTransactions: true` in the knexfile: read as text).
#
# The audited projects' code runs only inside `migaudit verify`'s sandbox; this script itself only reads files.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo_root="$(cd "$here/.." && pwd)"

usage() {
  sed -n '6,22p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ "$#" -ge 1 ] || usage
mode="$1"
shift
case "$mode" in capture | reaudit | compare) ;; -h | --help) usage ;; *) echo "lock-compare: unknown mode $mode" >&2; usage ;; esac

migaudit=""
squawk=""
timeout_s=300
pg_version=15
markdown=""
positional=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --migaudit) [ "$#" -ge 2 ] || usage; migaudit="$2"; shift 2 ;;
    --squawk) [ "$#" -ge 2 ] || usage; squawk="$2"; shift 2 ;;
    --timeout) [ "$#" -ge 2 ] || usage; timeout_s="$2"; shift 2 ;;
    --pg-version) [ "$#" -ge 2 ] || usage; pg_version="$2"; shift 2 ;;
    --markdown) [ "$#" -ge 2 ] || usage; markdown="$2"; shift 2 ;;
    -h | --help) usage ;;
    --) shift; positional+=("$@"); break ;;
    -*) echo "lock-compare: unknown option $1" >&2; usage ;;
    *) positional+=("$1"); shift ;;
  esac
done
case "$timeout_s" in '' | *[!0-9]*) echo "lock-compare: --timeout takes whole seconds" >&2; exit 2 ;; esac

absolute() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}

if [ -z "$squawk" ]; then
  squawk="$(command -v squawk || true)"
  [ -n "$squawk" ] || squawk=/tmp/squawk/node_modules/.bin/squawk
fi
[ -x "$squawk" ] || { echo "lock-compare: squawk not found at $squawk (give --squawk BIN)" >&2; exit 2; }
command -v node >/dev/null || { echo "lock-compare: node is needed for the comparison" >&2; exit 2; }

if [ "$mode" != compare ]; then
  [ -n "$migaudit" ] || { echo "lock-compare: $mode needs --migaudit BIN" >&2; exit 2; }
  migaudit="$(absolute "$migaudit")"
  [ -f "$migaudit" ] && [ -x "$migaudit" ] || { echo "lock-compare: $migaudit is not an executable file" >&2; exit 2; }
fi

[ "${#positional[@]}" -ge 1 ] || usage
results="$(absolute "${positional[0]}")"
projects=("${positional[@]:1}")
case "$mode" in
  capture) [ "${#projects[@]}" -ge 1 ] || usage ;;
  *) [ "${#projects[@]}" -eq 0 ] || usage ;;
esac
mkdir -p "$results"

# The migaudit rules of the Locks category, read from the source tree this script belongs to (`migaudit rules` has no
# category column): a rule added there is in the comparison without editing this script.
lock_rules() {
  grep -l 'RuleCategory\.Locks' "$repo_root"/src/MigAudit.Rules/*.cs |
    xargs grep -h -o 'Id: "[a-z0-9-]*"' | sed 's/Id: "\(.*\)"/\1/' | sort -u
}

audit_one() {
  local dir="$1" project
  project="$(cat "$dir/project")"
  lock_rules >"$dir/lock-rules.txt"
  # Exit codes 0, 1 and 3 are verdicts; anything else means no report.
  local rc=0
  "$migaudit" audit "$project" --format json --fail-on never >"$dir/audit.json" 2>"$dir/audit.stderr" || rc=$?
  echo "$rc" >"$dir/audit.rc"
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then
    echo "lock-compare: audit of $project failed (exit $rc): $(tail -n 1 "$dir/audit.stderr")" >&2
    return 0
  fi
  # verify ran the chain on PostgreSQL; when the knexfile picks its client at run time the audit's dialect is unknown
  # and its PostgreSQL rules do not run: audit again as the user would, naming the client (recorded in audit-args).
  : >"$dir/audit-args"
  if node -e 'const d = require(process.argv[1]).dialect || {}; process.exit(d.name === "unknown" ? 0 : 1)' "$dir/audit.json"; then
    echo "--client pg" >"$dir/audit-args"
    rc=0
    "$migaudit" audit "$project" --format json --fail-on never --client pg >"$dir/audit.json" 2>"$dir/audit.stderr" || rc=$?
    echo "$rc" >"$dir/audit.rc"
  fi
}

case "$mode" in
  capture)
    for project in "${projects[@]}"; do
      project="$(cd "$project" && pwd)"
      name="$(basename "$project")"
      dir="$results/$name"
      mkdir -p "$dir"
      printf '%s\n' "$project" >"$dir/project"
      echo "lock-compare: verify $name" >&2
      rc=0
      timeout "$timeout_s" "$migaudit" verify "$project" --format json --skip-latest-again \
        >"$dir/verify.json" 2>"$dir/verify.stderr" || rc=$?
      echo "$rc" >"$dir/verify.rc"
      audit_one "$dir"
    done
    ;;
  reaudit)
    for dir in "$results"/*/; do
      dir="${dir%/}"
      [ -f "$dir/project" ] || continue
      echo "lock-compare: audit $(basename "$dir")" >&2
      audit_one "$dir"
    done
    ;;
esac

args=("$results" --squawk "$squawk" --map "$here/lock-compare-map.tsv" --pg-version "$pg_version")
[ -z "$markdown" ] || args+=(--markdown "$(absolute "$markdown")")
node "$here/lock-compare/compare.js" "${args[@]}" | tee "$results/summary.txt"
