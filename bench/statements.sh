#!/usr/bin/env bash
# Statements in one migration (issue: hostile input): N `CREATE INDEX` statements on one table, audited whole
# process. Linear means doubling N at most doubles the time above start-up.
# Usage: bench/statements.sh [runs] [counts...]   (default counts: 7500 15000 30000 60000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(7500 15000 30000 60000)
work=${BENCH_DIR:-$(mktemp -d)}
bin="$work/bin"
dotnet publish src/MigAudit.Cli -c Release --nologo -v quiet -o "$bin" >/dev/null
command -v hyperfine >/dev/null || { echo "hyperfine is required (apt-get install hyperfine)" >&2; exit 2; }

echo "| index statements | audit (mean ± σ) |"
echo "| ---: | ---: |"
for n in "${counts[@]}"; do
  repo="$work/statements-$n"
  mkdir -p "$repo/migrations"
  echo "module.exports = { production: { client: 'pg', migrations: { directory: './migrations' } } };" > "$repo/knexfile.js"
  python3 - "$repo/migrations/20250101000000_indexes.js" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("exports.up = async (knex) => {\n  await knex.schema.createTable('t', (t) => { t.increments('id');")
    f.write("".join(f" t.integer('c{i}');" for i in range(200)) + " });\n")
    f.write("".join(f"  await knex.raw('CREATE INDEX i{i} ON t (c{i % 200})');\n" for i in range(n)))
    f.write("};\nexports.down = (knex) => knex.schema.dropTable('t');\n")
PY
  hyperfine --warmup 1 --runs "$runs" -i --export-json "$work/result.json" "dotnet $bin/migaudit.dll audit $repo --format json" >/dev/null 2>&1
  python3 -c "
import json; r=json.load(open('$work/result.json'))['results'][0]
print(f'| {$n} | {r[\"mean\"]*1000:.0f} ms ± {(r[\"stddev\"] or 0)*1000:.0f} |')"
done
