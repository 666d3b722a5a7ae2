#!/usr/bin/env bash
# Regenerates src/MigAudit.Knex/Schema/KnexMembers.json: the members of the knex object, knex.schema, the table
# builders and the column builders in each knex version below (tests/node/knex-members.js), merged. migaudit reads a
# call to a name that no listed version has as the TypeError knex meets when the migration runs.
# Needs npm (it installs each version into a temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
versions=(0.14.6 0.16.5 0.19.5 0.20.15 0.21.21 0.95.15 1.0.7 2.5.1 3.0.1 3.1.0)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for version in "${versions[@]}"; do
  mkdir -p "$work/$version"
  (cd "$work/$version" && npm init -y >/dev/null && npm install --no-audit --no-fund --ignore-scripts "knex@$version" >/dev/null)
  node tests/node/knex-members.js "$work/$version/node_modules/knex" > "$work/$version.json"
done
node - "$work" "${versions[@]}" > src/MigAudit.Knex/Schema/KnexMembers.json <<'JS'
const fs = require('fs');
const [work, ...versions] = process.argv.slice(2);
const runs = versions.map((v) => JSON.parse(fs.readFileSync(`${work}/${v}.json`, 'utf8')));
const union = (key) => [...new Set(runs.flatMap((run) => run[key]))].sort();
const merged = { versions: runs.map((run) => run.version) };
for (const key of ['knex', 'transaction', 'schema', 'createTable', 'alterTable', 'column', 'alterColumn']) {
  merged[key] = union(key);
}
process.stdout.write(JSON.stringify(merged, null, 1) + '\n');
JS
echo "wrote src/MigAudit.Knex/Schema/KnexMembers.json (${#versions[@]} knex versions)"
