#!/usr/bin/env bash
# Overhead of 'migaudit verify' against running the same chain directly with the knex CLI
# (knex migrate:latest, then knex migrate:rollback --all), on the same throwaway PostgreSQL server.
# Needs PostgreSQL binaries, node, python3, and tests/node installed (npm ci --prefix tests/node).
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
echo "chain: $count migrations (createTable with a foreign key and an index each), $runs rounds"
# Interleaved: each round runs every command once, in a shuffled order, and the ratio is taken within the round, so
# that a machine that speeds up or slows down during the benchmark moves both sides of a ratio alike. hyperfine runs
# all of one command's runs first; on a noisy machine its ratios moved by half a point from one run to the next.
url="postgres://postgres@127.0.0.1:$port/postgres"
DIRECT="cd $project && node node_modules/knex/bin/cli.js migrate:latest >/dev/null && node node_modules/knex/bin/cli.js migrate:rollback --all >/dev/null" \
PREPARE="$psql 'DROP DATABASE IF EXISTS direct' && $psql 'CREATE DATABASE direct'" \
VERIFY="$work/bin/migaudit verify $project --database $url" RUNS="$runs" python3 - <<'PY'
import os, random, statistics, subprocess, time
verify = os.environ["VERIFY"]
commands = {
    "knex migrate:latest + migrate:rollback --all": os.environ["DIRECT"],
    "migaudit verify (latest and rollback --all with snapshots and lock tracing, latest again)": verify,
    "migaudit verify --skip-latest-again": verify + " --skip-latest-again",
    "migaudit verify --no-lock-trace": verify + " --no-lock-trace",
    "migaudit verify --no-lock-trace --skip-latest-again": verify + " --no-lock-trace --skip-latest-again",
}
direct = next(iter(commands))
times = {name: [] for name in commands}
for _ in range(int(os.environ["RUNS"])):
    for name in random.sample(list(commands), len(commands)):
        if name == direct:
            subprocess.run(os.environ["PREPARE"], shell=True, check=True, stderr=subprocess.DEVNULL)
        started = time.perf_counter()
        result = subprocess.run(commands[name] + " >/dev/null 2>&1", shell=True)
        times[name].append(time.perf_counter() - started)
        if result.returncode != 0:
            raise SystemExit(f"{name} failed (exit {result.returncode})")
print("| what | median | mean ± σ | ratio to knex (median of the rounds' ratios) |")
print("| --- | ---: | ---: | ---: |")
for name, values in times.items():
    ratio = statistics.median(v / d for v, d in zip(values, times[direct]))
    print(f"| {name} | {statistics.median(values) * 1000:,.0f} ms | {statistics.mean(values) * 1000:,.0f} ms ± {statistics.stdev(values) * 1000:,.0f} | {ratio:.2f}× |")
PY
