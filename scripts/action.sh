#!/usr/bin/env bash
# The GitHub Action's work (action.yml runs it; ActionTests run it locally against a stand-in for GitHub's API):
#  1. finds migaudit: MIGAUDIT (a command), else the binary input, else npm-installs the launcher, which brings this
#     platform's package (the Native AOT binary: no .NET), into $RUNNER_TEMP/migaudit;
#  2. audits once: the step's own format on standard output, SARIF and Markdown written by the same run (--report),
#     SARIF and annotation paths from the repository root (--paths repo-root), as GitHub resolves them;
#  3. writes the Markdown to the job summary and posts or updates one pull-request comment (scripts/action-comment.js),
#     which can never fail the job: a refusal is a ::warning:: that says why.
# The exit code is the audit's (fail-on decides it), or 2 when migaudit cannot be installed.
# Inputs come as INPUT_* variables (path, format, fail-on, baseline, changed-since, migaudit-version, packages, binary).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
path=${INPUT_PATH:-.}
fail_on=${INPUT_FAIL_ON:-}
out=${RUNNER_TEMP:-$(mktemp -d)}

if [ -n "${MIGAUDIT:-}" ]; then
  migaudit=$MIGAUDIT
elif [ -n "${INPUT_BINARY:-}" ]; then
  migaudit=$INPUT_BINARY
  [ -x "$migaudit" ] || { echo "::error title=migaudit::the binary input names $migaudit, which is not an executable file"; exit 2; }
else
  version=${INPUT_MIGAUDIT_VERSION:-}
  [ -n "$version" ] || version=$(node -p 'require(process.argv[1]).version' "$here/../npm/migaudit/package.json")
  # The launcher names each platform's package as an optional dependency; npm installs the one whose os, cpu and
  # libc match this runner, and the launcher chooses it the same way (npm/migaudit/bin/migaudit.js).
  packages=${INPUT_PACKAGES:-"migaudit@$version"}
  echo "::group::npm install $packages"
  # Word-split on purpose: packages is a list of npm specs.
  # shellcheck disable=SC2086
  if ! npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$out/migaudit" $packages; then
    echo "::endgroup::"
    echo "::error title=migaudit::npm could not install $packages. Set the action's migaudit-version, packages (npm tarballs) or binary input."
    exit 2
  fi
  echo "::endgroup::"
  migaudit="$out/migaudit/node_modules/.bin/migaudit"
  # npm skips an optional dependency it cannot install without failing: the launcher then says which package is
  # missing for this platform. Ask it now, so that reason is the step's error and not an audit's.
  if ! reason=$("$migaudit" --version 2>&1); then
    echo "::error title=migaudit::migaudit was installed but cannot run here: ${reason//$'\n'/ }"
    exit 2
  fi
fi

options=(--paths repo-root --report "sarif=$out/migaudit.sarif" --report "markdown=$out/migaudit.md")
[ -n "${INPUT_BASELINE:-}" ] && options+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_CHANGED_SINCE:-}" ] && options+=(--changed-since "$INPUT_CHANGED_SINCE")
[ -n "$fail_on" ] && options+=(--fail-on "$fail_on")

if [ "$(git -C "$path" rev-parse --is-shallow-repository 2>/dev/null || echo false)" = "true" ]; then
  # ::warning:: is a workflow command: GitHub shows it on the run.
  echo "::warning title=migaudit::The repository is a shallow clone: deleted, renamed, edited and late migrations cannot all be found. Check out with fetch-depth: 0."
fi

# The reports of an earlier run in the same RUNNER_TEMP must not pass for this one's.
rm -f "$out/migaudit.sarif" "$out/migaudit.md"
status=0
# MIGAUDIT may be a command with arguments (the tests run the JIT build through a wrapper): split on purpose.
# shellcheck disable=SC2086
$migaudit audit "$path" "${options[@]}" --format "${INPUT_FORMAT:-github}" || status=$?

# Exit 2 (a usage error, an unreadable project) writes no report: there is nothing to upload, summarize or post.
[ -f "$out/migaudit.sarif" ] && echo "sarif=$out/migaudit.sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
if [ -f "$out/migaudit.md" ]; then
  echo "markdown=$out/migaudit.md" >> "${GITHUB_OUTPUT:-/dev/null}"
  [ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$out/migaudit.md" >> "$GITHUB_STEP_SUMMARY"
  if [ -n "${GITHUB_TOKEN:-}" ]; then
    # The script warns and exits 0 on any refusal; should node itself fail, that is a warning too, not the verdict.
    node "$here/action-comment.js" "$out/migaudit.md" || echo "::warning title=migaudit::the pull-request comment script failed (exit $?); the report is in the job summary"
  fi
fi

exit "$status"
