// migaudit's driver: runs the audited project's migrations with the project's own knex, one step at a time,
// against the scratch database migaudit created. Protocol on stdin: the first line is the configuration (the
// connection, password included, never on the command line where every local user can read it), then one JSON
// command per line ({"op":"up"|"down"|"latest"|"quit"}); one JSON reply per line on stdout.
'use strict';
const net = require('net');
const path = require('path');
const readline = require('readline');

const [projectRoot] = process.argv.slice(2);
const out = process.stdout.write.bind(process.stdout);

/** JSON text the server built, sent on as it is: reply() puts it where this object stands, without parsing it. */
class RawJson {
  constructor(text) {
    // Line breaks can only sit between tokens (inside strings they are escaped): the protocol stays one line a reply.
    this.text = text.replace(/\n/g, ' ');
  }
}

// The mark a RawJson stands as until it is put back: random, so that no string a migration throws can pose as one.
const rawMark = `raw-${require('crypto').randomBytes(12).toString('hex')}-`;
const reply = (message) => {
  const raw = [];
  const text = JSON.stringify(message, (key, value) => (value instanceof RawJson ? rawMark + (raw.push(value.text) - 1) : value));
  out('\u001e' + text.replace(new RegExp(`"${rawMark}(\\d+)"`, 'g'), (match, index) => raw[Number(index)]) + '\n');
};

// Standard output carries the protocol only: whatever knex or the migrations print goes to standard error.
for (const method of ['log', 'info', 'warn', 'debug', 'trace']) {
  console[method] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}
process.stdout.write = process.stderr.write.bind(process.stderr);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '::ffff:127.0.0.1']);
const sameHost = (scratch, host) => host === scratch.host || (LOOPBACK.has(scratch.host) && LOOPBACK.has(host || 'localhost'));

/** The scratch server is the only place a socket may go (unless --allow-network). */
function guardSockets(scratch) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    // net.connect() hands over [options, callback] already normalised; a direct call passes (options | port, host | path).
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const target = typeof first === 'object' && first !== null
      ? first
      : typeof first === 'number' || /^\d+$/.test(String(first)) ? { port: Number(first), host: args[1] } : { path: String(first) };
    if (!target.path && sameHost(scratch, target.host) && Number(target.port) === Number(scratch.port)) {
      return connect.apply(this, args);
    }
    const where = target.path ? `the socket ${target.path}` : `${target.host || 'localhost'}:${target.port}`;
    const error = new Error(`migaudit verify refused a connection to ${where}: migrations run only against the scratch database (pass --allow-network to let them reach other hosts)`);
    process.nextTick(() => this.destroy(error));
    return this;
  };
}

/** The project's own pg may open another database on the scratch server itself: refuse every database but the scratch one. */
function guardPg(scratch) {
  const cached = projectModule('pg');
  if (!cached) return;
  const pg = cached.exports;
  const connect = pg.Client.prototype.connect;
  pg.Client.prototype.connect = function guardedConnect(callback) {
    // Another server is the socket rule's to refuse (or --allow-network's to allow).
    const onScratchServer = sameHost(scratch, this.host) && Number(this.port) === Number(scratch.port);
    if (!onScratchServer || this.database === scratch.database) {
      return connect.call(this, callback);
    }
    const error = refusal(this.database, scratch);
    if (typeof callback === 'function') {
      process.nextTick(() => callback(error));
      return undefined;
    }
    return Promise.reject(error);
  };
}

/** The project's own copy of a module, or null when it has none. */
function projectModule(name) {
  try {
    const resolved = require.resolve(name, { paths: [projectRoot] });
    require(resolved);
    return require.cache[resolved];
  } catch {
    return null;
  }
}

const refusal = (database, scratch) =>
  new Error(`migaudit verify refused a connection to database "${database}": migrations run only against the scratch database ${scratch.database}`);

/**
 * postgres.js (porsager) connects lazily, so the refusal comes when the client is made: it resolves its own host,
 * port and database from the URL, the options and PG* variables, and exposes them as sql.options. A migration that
 * imports it as an ES module gets the ES build, which this wrap does not reach: the socket rule still holds there.
 */
function guardPostgresJs(scratch) {
  const cached = projectModule('postgres');
  if (!cached || typeof cached.exports !== 'function') return;
  const original = cached.exports;
  const guarded = function guardedPostgres(...args) {
    const sql = original(...args);
    const { host = [], port = [], database } = sql.options || {};
    const onScratchServer = host.some((h, i) => sameHost(scratch, h) && Number(port[i] ?? port[0]) === Number(scratch.port));
    if (onScratchServer && database !== scratch.database) {
      throw refusal(database, scratch);
    }
    return sql;
  };
  Object.assign(guarded, original);
  cached.exports = guarded;
}

/** mysql2 on the scratch server's address would be a MySQL client talking to PostgreSQL: never the scratch database. */
function guardMysql2(scratch) {
  for (const name of ['mysql2', 'mysql2/promise']) {
    const cached = projectModule(name);
    if (!cached) continue;
    for (const factory of ['createConnection', 'createPool', 'createPoolCluster']) {
      const original = cached.exports[factory];
      if (typeof original !== 'function') continue;
      cached.exports[factory] = function guardedMysql2(options, ...rest) {
        const target = typeof options === 'string' ? new URL(options) : options || {};
        const host = target.hostname || target.host || 'localhost';
        if (sameHost(scratch, host) && Number(target.port || 3306) === Number(scratch.port)) {
          throw refusal(target.database || (target.pathname || '').slice(1) || '(none)', scratch);
        }
        return original.call(this, options, ...rest);
      };
    }
  }
}

/** A TypeScript knexfile is loaded through the project's own register, as the knex CLI does through rechoir. */
function registerTypeScript(folder) {
  for (const register of ['ts-node/register/transpile-only', 'ts-node/register', 'tsx/cjs', '@swc/register', 'esbuild-register']) {
    try {
      require(require.resolve(register, { paths: [folder] }));
      return true;
    } catch {
      // Not installed: try the next one.
    }
  }
  return false;
}

/** The environment's configuration, as the knex CLI reads it: module.exports or its default, a function called. */
async function loadKnexfile(file, environment) {
  if (/\.[cm]?ts$/.test(file) && !registerTypeScript(path.dirname(file))) {
    throw new Error(`${path.basename(file)} is TypeScript and the project has no ts-node, tsx or @swc/register to load it`);
  }
  let exported;
  try {
    exported = require(file);
  } catch (error) {
    if (error && error.code !== 'ERR_REQUIRE_ESM') throw error;
    exported = await import(require('url').pathToFileURL(file).href);
  }
  if (exported && exported.default) exported = exported.default;
  if (typeof exported === 'function') exported = await exported();
  const config = environment && exported && exported[environment] ? exported[environment] : exported;
  return config && typeof config === 'object' ? config : {};
}

async function start(config) {
  if (!config.allowNetwork) {
    guardSockets(config.connection);
  }
  guardPg(config.connection);
  guardPostgresJs(config.connection);
  guardMysql2(config.connection);

  let knexFactory;
  try {
    knexFactory = require(require.resolve('knex', { paths: [config.packageFolder] }));
  } catch (error) {
    reply({ fatal: `knex is not installed in ${config.packageFolder}: run 'npm install' there first` });
    process.exit(3);
  }

  // The project's own configuration (wrapIdentifier, postProcessResponse, searchPath, migrationSource...), with the
  // connection and pool replaced: the knex CLI's working folder is the knexfile's.
  let own = {};
  if (config.knexfile) {
    try {
      own = await loadKnexfile(config.knexfile, config.environment);
    } catch (error) {
      // The first line only (Node appends the require stack); a missing module means the project is not installed.
      const message = String(error && error.message ? error.message : error).split('\n')[0];
      const hint = error && error.code === 'MODULE_NOT_FOUND' ? ` (run 'npm install' in ${config.packageFolder}: 'knex migrate:latest' fails the same way)` : '';
      reply({ fatal: `${path.basename(config.knexfile)} failed to load, as it would for the knex CLI: ${message}${hint}` });
      process.exit(3);
    }
    process.chdir(path.dirname(config.knexfile));
  } else {
    process.chdir(projectRoot);
  }
  return knexFactory({
    ...own,
    client: 'pg',
    connection: config.connection,
    pool: { ...(own.pool || {}), min: 0, max: 2 },
    migrations: config.ownMigrations && own.migrations ? own.migrations : config.migrations,
  });
}

/**
 * The project's own migration source, with a capture after each migration's up or down: the catalog as the
 * migration's own transaction sees it (the same query as migaudit's snapshots), and the time the migration took.
 * One migrate:latest or migrate:rollback then runs the whole chain as production runs it, where one command per
 * migration would take Knex's lock, list and validate the migrations and open a transaction fifty times.
 */
function capturing(source, snapshotSql, capture) {
  // Locks this backend holds on the project's relations, and each relation's storage file: a changed relfilenode is
  // a rewrite. Knex's own tables and the catalog are left out.
  // Knex's own tables as SQL string literals (quotes doubled; a '?' escaped from knex.raw's bindings): the queries
  // are prepared once per connection, without parameters.
  const knexTables = [capture.migrationsTable, capture.migrationsTable + '_lock'].map((t) => `'${t.replace(/'/g, "''").replace(/\?/g, '\\?')}'`).join(', ');
  const userRelations = `c.relnamespace NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg_toast%' OR nspname LIKE 'pg_temp%')
    AND c.relname NOT IN (${knexTables})
    AND NOT EXISTS (SELECT 1 FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid WHERE x.indexrelid = c.oid AND t.relname IN (${knexTables}))`;
  const locksSql = `SELECT c.oid::text AS oid, c.relname AS relation, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
    WHERE l.pid = pg_backend_pid() AND l.granted AND l.locktype = 'relation' AND ${userRelations}`;
  const filesSql = `SELECT c.oid::text AS oid, c.relname AS relation, c.relfilenode::text AS file FROM pg_class c
    WHERE c.relkind IN ('r', 'p', 'm', 'i') AND ${userRelations}`;

  // Each capture is one statement whose columns are JSON texts built by the server: the driver parses only the small
  // lock and file lists, and passes the snapshot (hundreds of rows a step at 50 tables) to migaudit as it came. Parsing
  // it into rows here and serialising it again cost more than the server took to build it.
  const asJson = (sql, columns, order = '') => `(SELECT COALESCE(json_agg(json_build_array(${columns})${order}), '[]')::text FROM (${sql}) q)`;
  // The snapshot's own ORDER BY feeds the aggregate in order (a plain aggregate over a sorted subquery keeps it); sorting
  // again inside json_agg cost more than the rest of the aggregation. The order is for reading only: migaudit compares
  // snapshots as sets.
  const snapshot = asJson(snapshotSql, 'q.kind, q.name, q.text');
  const locks = asJson(locksSql, 'q.oid, q.relation, q.mode', ' ORDER BY q.oid, q.relation, q.mode');
  const files = asJson(filesSql, 'q.oid, q.relation, q.file');
  let previous = { connection: null, locks: new Set(), files: null };

  // Inside a transaction (one client for every query), each capture is prepared once for that client and then
  // only executed: planning the snapshot's three-way union each time was about a fifth of its cost (7.3 ms against
  // 6.0 ms prepared, at 50 tables), a hundred times per verify. A prepared statement outlives the transaction on its
  // client, so a client met again is asked what it has.
  // Outside a transaction the knex pool may hand each query another client: there the query is sent as it is.
  // After an up, one round trip: the snapshot, the locks held and the storage files.
  const queries = {
    migaudit_snapshot: `SELECT ${snapshot} AS snapshot`,
    migaudit_files: `SELECT ${files} AS files`,
    migaudit_after_up: `SELECT ${snapshot} AS snapshot, ${locks} AS locks, ${files} AS files`,
  };
  const preparedOn = new WeakMap();
  const query = async (connection, name, transactional) => {
    const run = async () => {
      if (!transactional) return connection.raw(queries[name]);
      let ready = preparedOn.get(connection);
      if (!ready) {
        const existing = (await connection.raw("SELECT name FROM pg_prepared_statements WHERE name LIKE 'migaudit\\_%'")).rows.map((r) => r.name);
        ready = new Set(existing);
        preparedOn.set(connection, ready);
      }
      if (!ready.has(name)) {
        await connection.raw(`PREPARE ${name} AS ${queries[name]}`);
        ready.add(name);
      }
      return connection.raw(`EXECUTE ${name}`);
    };
    return (await run()).rows[0];
  };

  const run = async (content, direction, name, connection, transactional) => {
    // On the connection the previous up just read them on, the storage files are those it left: Knex only records the
    // migration in its own table in between. One catalog query fewer per migration.
    // Locks and storage files are read only inside the migration's transaction, and not at all with --no-lock-trace.
    const traced = direction === 'up' && transactional && capture.traceLocks;
    const reuse = traced && previous.connection === connection && previous.files !== null;
    const filesBefore = traced ? (reuse ? previous.files : JSON.parse((await query(connection, 'migaudit_files', true)).files)) : null;
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1000000n);
    try {
      await content[direction].call(content, connection);
    } catch (error) {
      capture.failed = { name, direction, error: String(error && error.message ? error.message : error), ms: elapsed() };
      throw error;
    }
    const ms = elapsed();
    const result = await query(connection, traced ? 'migaudit_after_up' : 'migaudit_snapshot', transactional);
    const step = { name, direction, ms, rows: new RawJson(result.snapshot) };
    if (direction === 'up') {
      if (traced) {
        // Locks stay until the transaction commits: when several migrations share it (migrate:latest's single
        // transaction), this migration's are those not held after the previous one.
        // A relation the migration created itself blocks nobody: only locks on what existed before it are kept.
        const existed = new Set(filesBefore.map(([oid]) => oid));
        const rows = JSON.parse(result.locks);
        const held = rows.map(([, relation, mode]) => `${relation}\u0000${mode}`);
        const earlier = previous.connection === connection ? previous.locks : new Set();
        step.locks = rows.filter(([oid], i) => existed.has(oid) && !earlier.has(held[i])).map(([, relation, mode]) => [relation, mode]);
        const filesAfter = JSON.parse(result.files);
        previous = { connection, locks: new Set(held), files: filesAfter };
        const after = new Map(filesAfter.map(([oid, , file]) => [oid, file]));
        step.rewrites = filesBefore.filter(([oid, , file]) => after.has(oid) && after.get(oid) !== file).map(([, relation]) => relation).sort();
      } else {
        // Without a transaction each statement releases its locks when it ends: nothing is left to see afterwards
        // (and with --no-lock-trace nothing was looked at; migaudit knows which).
        step.locks = null;
      }
    }
    capture.steps.push(step);
  };
  return {
    getMigrations: (extensions) => source.getMigrations(extensions),
    getMigrationName: (migration) => source.getMigrationName(migration),
    async getMigration(migration) {
      const content = await source.getMigration(migration);
      const name = source.getMigrationName(migration);
      const wrapped = { ...content };
      // Knex runs it in a transaction unless it sets config.transaction: false or the knexfile disables them.
      const transactional = !(content.config && content.config.transaction === false) && !capture.disableTransactions;
      for (const direction of ['up', 'down']) {
        if (typeof content[direction] === 'function') {
          wrapped[direction] = (connection) => run(content, direction, name, connection, transactional);
        }
      }
      return wrapped;
    },
  };
}

/** The chain in one command: every pending up (migrate:latest), or every applied down (migrate:rollback --all). */
async function chain(command) {
  const migrator = knex.migrate;
  const capture = { steps: [], failed: null, migrationsTable: migrator.config.tableName, disableTransactions: Boolean(migrator.config.disableTransactions), traceLocks: command.traceLocks !== false };
  const source = capturing(migrator.config.migrationSource, command.snapshotSql, capture);
  try {
    if (command.direction === 'up') await migrator.latest({ migrationSource: source });
    else await migrator.rollback({ migrationSource: source }, true);
    return { ok: true, steps: capture.steps };
  } catch (error) {
    return { ok: false, steps: capture.steps, failed: capture.failed, error: String(error && error.message ? error.message : error) };
  }
}

let knex = null;
const queue = readline.createInterface({ input: process.stdin });
let busy = Promise.resolve();
queue.on('line', (line) => {
  busy = busy.then(async () => {
    if (knex === null) {
      knex = await start(JSON.parse(line));
      return;
    }
    const command = JSON.parse(line);
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1000000n);
    try {
      if (command.op === 'quit') {
        await knex.destroy();
        reply({ ok: true });
        process.exit(0);
      }
      if (command.op === 'chain') {
        reply({ ...(await chain(command)), ms: elapsed() });
        return;
      }
      const result = await knex.migrate[command.op]();
      reply({ ok: true, batch: result[0], names: result[1], ms: elapsed() });
    } catch (error) {
      reply({ ok: false, error: String(error && error.message ? error.message : error), ms: elapsed() });
    }
  });
});
// migaudit gone (killed, interrupted): stdin closes and the driver stops with it, mid-migration or not.
queue.on('close', () => process.exit(0));
