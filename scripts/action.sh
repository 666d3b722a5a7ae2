#!/usr/bin/env bash
# The GitHub Action's work (action.yml runs it; a test runs it locally): audit once per format the action needs,
# warn about a shallow history, and post or update one pull-request comment when a token and a pull request exist.
# Inputs come as INPUT_* variables (path, format, fail-on, baseline, changed-since); MIGAUDIT is the command to run.
set -euo pipefail
migaudit=${MIGAUDIT:-migaudit}
path=${INPUT_PATH:-.}
fail_on=${INPUT_FAIL_ON:-}
out=${RUNNER_TEMP:-$(mktemp -d)}
options=()
[ -n "${INPUT_BASELINE:-}" ] && options+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_CHANGED_SINCE:-}" ] && options+=(--changed-since "$INPUT_CHANGED_SINCE")

if [ "$(git -C "$path" rev-parse --is-shallow-repository 2>/dev/null || echo false)" = "true" ]; then
  # ::warning:: is a workflow command: GitHub shows it on the run.
  echo "::warning title=migaudit::The repository is a shallow clone: deleted, renamed, edited and late migrations cannot all be found. Check out with fetch-depth: 0."
fi

# $migaudit may be "dotnet path/migaudit.dll": split on purpose.
# shellcheck disable=SC2086
$migaudit audit "$path" "${options[@]}" --format sarif --output "$out/migaudit.sarif" --fail-on never
# shellcheck disable=SC2086
$migaudit audit "$path" "${options[@]}" --format markdown --output "$out/migaudit.md" --fail-on never
status=0
# shellcheck disable=SC2086
$migaudit audit "$path" "${options[@]}" --format "${INPUT_FORMAT:-github}" ${fail_on:+--fail-on "$fail_on"} || status=$?

echo "sarif=$out/migaudit.sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
echo "markdown=$out/migaudit.md" >> "${GITHUB_OUTPUT:-/dev/null}"
[ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$out/migaudit.md" >> "$GITHUB_STEP_SUMMARY"

# One comment per pull request, found again by its marker and updated in place.
pr=""
if [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
  pr=$(node -e 'const e = require(process.argv[1]); process.stdout.write(String((e.pull_request && e.pull_request.number) || ""))' "$GITHUB_EVENT_PATH" 2>/dev/null || true)
fi
if [ -n "$pr" ] && [ -n "${GITHUB_TOKEN:-}" ] && [ -n "${GITHUB_REPOSITORY:-}" ]; then
  api=${GITHUB_API_URL:-https://api.github.com}
  body=$(node -e 'const fs = require("fs"); process.stdout.write(JSON.stringify({ body: "<!-- migaudit -->\n" + fs.readFileSync(process.argv[1], "utf8") }))' "$out/migaudit.md")
  existing=$(curl -fsS -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" "$api/repos/$GITHUB_REPOSITORY/issues/$pr/comments?per_page=100" |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => { const c = JSON.parse(s).find((x) => x.body && x.body.startsWith("<!-- migaudit -->")); process.stdout.write(c ? String(c.id) : ""); })')
  if [ -n "$existing" ]; then
    curl -fsS -X PATCH -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" "$api/repos/$GITHUB_REPOSITORY/issues/comments/$existing" -d "$body" > /dev/null
  else
    curl -fsS -X POST -H "Authorization: Bearer $GITHUB_TOKEN" -H "Accept: application/vnd.github+json" "$api/repos/$GITHUB_REPOSITORY/issues/$pr/comments" -d "$body" > /dev/null
  fi
fi

exit "$status"
