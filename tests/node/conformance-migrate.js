// Runs real knex's migrate.latest() (what `knex migrate:latest` calls) for each conformance case read as JSON from
// argv[2]: { connection: { host, port, user, password }, cases: [{ id, database, directory }] }. Each case gets a new
// database on the server. Prints [{ id, error }] as JSON (error null when every migration ran).
const { Client } = require('pg');
const Knex = require('knex');

// knex prints its warnings (a deprecated method, a missing down) with console.log: keep stdout for the answer.
const print = console.log;
console.log = console.warn = (...args) => process.stderr.write(args.join(' ') + '\n');

const input = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));

async function run(one) {
  const admin = new Client({ ...input.connection, database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${one.database}" STRATEGY FILE_COPY`);
  } finally {
    await admin.end();
  }

  const knex = Knex({
    client: 'pg',
    connection: { ...input.connection, database: one.database },
    pool: { min: 0, max: 1 },
    migrations: { directory: one.directory },
  });
  try {
    await knex.migrate.latest();
    return { id: one.id, error: null };
  } catch (error) {
    return { id: one.id, error: String(error && error.message ? error.message : error) };
  } finally {
    await knex.destroy();
  }
}

(async () => {
  // A few cases at a time: each is a handful of statements, and the server, not node, does the work. FILE_COPY
  // copies the tiny template directly, faster than PostgreSQL 15's default WAL_LOG for a database this small.
  const results = new Array(input.cases.length);
  let next = 0;
  const workers = Array.from({ length: 4 }, async () => {
    while (next < input.cases.length) {
      const index = next++;
      results[index] = await run(input.cases[index]);
    }
  });
  await Promise.all(workers);
  print(JSON.stringify(results));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
