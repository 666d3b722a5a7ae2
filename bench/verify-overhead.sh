#!/usr/bin/env bash
# Overhead of 'migaudit verify' against running the same chain directly with the knex CLI
# (knex migrate:latest, then knex migrate:rollback --all), on the same throwaway PostgreSQL server.
# Needs PostgreSQL binaries, node, hyperfine, and tests/node installed (npm ci --prefix tests/node).
# Usage: bench/verify-overhead.sh [migrations] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-50}
runs=${2:-5}
work=$(mktemp -d)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$bin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

[ "$(id -u)" = 0 ] && chown postgres "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$bin/initdb" -D "$work/data" -U postgres --auth=trust --no-sync >/dev/null
as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >/dev/null

project="$work/project"
mkdir -p "$project/migrations"
ln -s "$PWD/tests/node/node_modules" "$project/node_modules"
cat > "$project/knexfile.js" <<KNEX
module.exports = { client: 'pg', connection: { host: '127.0.0.1', port: $port, user: 'postgres', database: 'direct' }, migrations: { directory: './migrations' } };
KNEX
for i in $(seq -w 1 "$count"); do
  parent=$([ "$i" = "$(printf "%0${#count}d" 1)" ] && echo "" || echo "t.integer('parent_id').references('id').inTable('table_$(printf "%0${#count}d" $((10#$i - 1)))').onDelete('CASCADE').index();")
  cat > "$project/migrations/2025010100$(printf %04d $((10#$i)))_table_$i.js" <<JS
exports.up = (knex) => knex.schema.createTable('table_$i', (t) => {
  t.increments('id');
  $parent
  t.string('name').notNullable();
  t.jsonb('data');
  t.timestamps(true, true);
  t.index(['name']);
});
exports.down = (knex) => knex.schema.dropTable('table_$i');
JS
done

# The Native AOT build, the one the npm packages ship.
dotnet publish src/MigAudit.Cli -c Release -r linux-x64 -p:PublishAot=true --nologo -v quiet -o "$work/bin" >/dev/null
psql="psql -h 127.0.0.1 -p $port -U postgres -q -d postgres -c"
echo "chain: $count migrations (createTable with a foreign key and an index each)"
hyperfine --runs "$runs" \
  --prepare "$psql 'DROP DATABASE IF EXISTS direct' && $psql 'CREATE DATABASE direct'" \
  --command-name "knex migrate:latest + migrate:rollback --all" \
  "cd $project && node node_modules/knex/bin/cli.js migrate:latest >/dev/null && node node_modules/knex/bin/cli.js migrate:rollback --all >/dev/null" \
  --command-name "migaudit verify (latest and rollback --all with snapshots, latest again)" \
  "$work/bin/migaudit verify $project --database postgres://postgres@127.0.0.1:$port/postgres >/dev/null 2>&1" \
  --command-name "migaudit verify --skip-latest-again" \
  "$work/bin/migaudit verify $project --database postgres://postgres@127.0.0.1:$port/postgres --skip-latest-again >/dev/null 2>&1"
