// migaudit's driver: runs the audited project's migrations with the project's own knex, one step at a time,
// against the scratch database migaudit created. Protocol on stdin: the first line is the configuration (the
// connection, password included, never on the command line where every local user can read it), answered with
// {"loaded":true} once knex and the knexfile are loaded (or {"fatal":...}), then one JSON command per line
// ({"op":"up"|"down"|"latest"|"chain"|"quit"}); one JSON reply per line on stdout.
'use strict';
const net = require('net');
const path = require('path');
const readline = require('readline');

const [projectRoot] = process.argv.slice(2);
const out = process.stdout.write.bind(process.stdout);
const reply = (message) => out('\u001e' + JSON.stringify(message) + '\n');

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
    // node-pg reaches a server whose host is a folder through the socket <folder>/.s.PGSQL.<port>, as libpq does.
    const scratchSocket = String(scratch.host).startsWith('/') ? path.join(scratch.host, `.s.PGSQL.${scratch.port}`) : null;
    if (target.path ? target.path === scratchSocket : sameHost(scratch, target.host) && Number(target.port) === Number(scratch.port)) {
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
    // Before the knexfile is loaded, as the knex CLI does ("Working directory changed to ..."): a knexfile that reads
    // relative paths, or ts-node looking for the tsconfig.json beside a knexfile.ts, sees the knexfile's folder.
    process.chdir(path.dirname(config.knexfile));
    try {
      own = await loadKnexfile(config.knexfile, config.environment);
    } catch (error) {
      // The first line only (Node appends the require stack); a missing module means the project is not installed.
      const message = String(error && error.message ? error.message : error).split('\n')[0];
      const hint = error && error.code === 'MODULE_NOT_FOUND' ? ` (run 'npm install' in ${config.packageFolder}: 'knex migrate:latest' fails the same way)` : '';
      reply({ fatal: `${path.basename(config.knexfile)} failed to load, as it would for the knex CLI: ${message}${hint}` });
      process.exit(3);
    }
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

/** A JSON array built by the server from a query's rows: the driver receives one text value instead of many rows. */
const asJson = (sql, columns, order = '') => `(SELECT COALESCE(json_agg(json_build_array(${columns})${order}), '[]')::text FROM (${sql}) q)`;

const systemNamespaces = `(SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog', 'information_schema') OR nspname LIKE 'pg_toast%' OR nspname LIKE 'pg_temp%')`;

/**
 * The schema after each step of a chain, read again only where the step changed the catalog, as found from the
 * catalog itself. Inside a transaction, the catalog rows a step wrote are the transaction's own (age(xmin) <= 0: its
 * id, or one of its subtransactions', newer still) with a command id above the last one seen, and user objects have
 * oids from 16384 up: each catalog is read through its index over those only, so finding what changed costs about a
 * millisecond whatever the size of the schema, where reading every table again grew with it (6 ms at 50 tables, a
 * hundred times a chain). A dropped object leaves no row: the lists of relation and constraint oids say what went.
 * What a step can change in other tables' text without touching their rows (a schema, a type, a sequence or a
 * composite type renamed, search_path, a table name that now shadows another) makes the whole snapshot be read again,
 * as does a step without a transaction (each statement commits under an id of its own). alwaysFull reads everything
 * after every step (the tests compare both ways).
 */
function schemaTracker({ snapshotSql, snapshotForTablesSql, tablesMarker }, query, alwaysFull) {
  // The relations and constraints a step may change: what the live lists (after each step) and the state (after a
  // whole read) both count, so one filter for both.
  const userClass = `c.oid >= 16384 AND c.relnamespace NOT IN ${systemNamespaces}`;
  const userConstraint = 'k.conrelid >= 16384';
  const mine = (a) => `age(${a}.xmin) <= 0 AND (${a}.cmin::text::bigint > $1 OR pg_current_xact_id_if_assigned()::text IS DISTINCT FROM $2)`;
  const changesSql = `SELECT 'r' AS k, c.oid, COALESCE(x.indrelid, c.oid) AS owner, c.relkind::text AS kind, c.relname::text AS name, c.relnamespace AS extra, c.cmin::text::bigint AS cmd
      FROM pg_class c LEFT JOIN pg_index x ON x.indexrelid = c.oid WHERE ${userClass} AND ${mine('c')}
    UNION ALL SELECT 'a', NULL, COALESCE(x.indrelid, a.attrelid), NULL, NULL, NULL, a.cmin::text::bigint
      FROM pg_attribute a LEFT JOIN pg_index x ON x.indexrelid = a.attrelid WHERE a.attrelid >= 16384 AND ${mine('a')}
    UNION ALL SELECT 'd', NULL, d.adrelid, NULL, NULL, NULL, d.cmin::text::bigint FROM pg_attrdef d WHERE d.adrelid >= 16384 AND ${mine('d')}
    UNION ALL SELECT 'x', x.indexrelid, x.indrelid, NULL, NULL, NULL, x.cmin::text::bigint FROM pg_index x WHERE x.indrelid >= 16384 AND ${mine('x')}
    UNION ALL SELECT 'k', k.oid, k.conrelid, NULL, NULL, k.confrelid, k.cmin::text::bigint FROM pg_constraint k WHERE ${userConstraint} AND ${mine('k')}
    UNION ALL SELECT 't', t.oid, NULL, NULL, t.typname::text, NULL, t.cmin::text::bigint FROM pg_type t WHERE t.oid >= 16384 AND ${mine('t')}
      AND t.typrelid = 0 AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.oid = t.typelem AND e.typrelid <> 0)
    UNION ALL SELECT 'n', n.oid, NULL, NULL, n.nspname::text, NULL, n.cmin::text::bigint FROM pg_namespace n WHERE n.oid >= 16384 AND ${mine('n')}`;
  const relationsSql = `SELECT c.oid::text AS oid, COALESCE(x.indrelid, c.oid)::text AS owner, c.relkind::text AS kind, c.relname::text AS name, c.relnamespace::text AS ns
    FROM pg_class c LEFT JOIN pg_index x ON x.indexrelid = c.oid WHERE ${userClass}`;
  const constraintsSql = `SELECT k.oid::text AS oid, k.conrelid::text AS owner, k.confrelid::text AS target FROM pg_constraint k WHERE ${userConstraint}`;
  const rows = (tables) => asJson(tables ? snapshotForTablesSql.split(tablesMarker).join(tables) : snapshotSql, 'q.kind, q.name, q.text, q.relid::text, q.position');
  const parts = {
    // What changed, the partial snapshot of the tables whose own rows changed, and what exists now.
    changes: `WITH changed AS MATERIALIZED (${changesSql})
      SELECT ${asJson('SELECT * FROM changed', "q.k, q.oid::text, q.owner::text, q.kind, q.name, q.extra::text, q.cmd")} AS changes,
        ${rows("SELECT owner FROM changed WHERE k IN ('r', 'a', 'd', 'x', 'k')")} AS snapshot,
        pg_current_xact_id_if_assigned()::text AS xid, current_setting('search_path') AS search_path,
        (SELECT COALESCE(string_agg(c.oid::text, ','), '') FROM pg_class c WHERE ${userClass}) AS relations,
        (SELECT COALESCE(string_agg(k.oid::text, ','), '') FROM pg_constraint k WHERE ${userConstraint}) AS constraints`,
    tables: `SELECT ${rows('SELECT unnest($1::oid[])')} AS snapshot`,
    full: `SELECT ${rows(null)} AS snapshot, ${asJson(relationsSql, 'q.oid, q.owner, q.kind, q.name, q.ns')} AS relations,
      ${asJson(constraintsSql, 'q.oid, q.owner, q.target')} AS constraints, current_setting('search_path') AS search_path`,
  };

  let state = null;
  const group = (snapshot) => {
    const byTable = new Map();
    for (const [kind, key, text, relid, position] of JSON.parse(snapshot)) {
      if (!byTable.has(relid)) byTable.set(relid, { key, rows: [] });
      // The table's oid and the column's number go along: verify follows a renamed table or column by them.
      byTable.get(relid).rows.push([kind, key, text, relid, position]);
    }
    return byTable;
  };

  /** Everything read again: the state a following step is compared with. */
  const readAll = async (connection, transactional, extra, status) => {
    const result = await query(connection, 'full', transactional, extra);
    state = {
      xid: status ? status.xid : null,
      command: status ? status.command : -1,
      searchPath: result.search_path,
      tables: group(result.snapshot),
      relations: new Map(JSON.parse(result.relations).map(([oid, owner, kind, name, ns]) => [oid, { owner, kind, name, ns }])),
      constraints: new Map(JSON.parse(result.constraints).map(([oid, owner, target]) => [oid, { owner, target }])),
    };
    return { result, step: { full: true, rows: [...state.tables.values()].flatMap((t) => t.rows) } };
  };

  const isTable = (relation) => relation && ['r', 'p', 'm'].includes(relation.kind);

  return {
    /**
     * The snapshot after a step (all of it, or the tables read again and the names they replace) and the other
     * captures asked for in the same round trip (locks and files after a traced up).
     */
    async after(connection, transactional, extra) {
      if (!transactional || alwaysFull) {
        return readAll(connection, transactional, extra, null);
      }
      const result = await query(connection, 'changes', true, extra, state ? [state.command, state.xid] : [-1, null]);
      const changes = JSON.parse(result.changes);
      const status = { xid: result.xid, command: changes.reduce((max, change) => Math.max(max, Number(change[6])), state && state.xid === result.xid ? state.command : -1) };
      if (!state || result.search_path !== state.searchPath || changes.some(([k]) => k === 't' || k === 'n')) {
        return readAll(connection, true, [], status).then(({ step }) => ({ result, step }));
      }

      const { relations, constraints, tables } = state;
      const liveRelations = new Set(result.relations ? result.relations.split(',') : []);
      const liveConstraints = new Set(result.constraints ? result.constraints.split(',') : []);
      const again = new Set();
      let whole = false;
      for (const [k, oid, owner, kind, name, extraColumn] of changes) {
        if (k === 'r') {
          const before = relations.get(oid);
          // A sequence or composite type renamed or moved changes the text of every default or column naming it.
          if (before && ['S', 'c'].includes(kind) && (before.name !== name || before.ns !== extraColumn)) whole = true;
          relations.set(oid, { owner, kind, name, ns: extraColumn });
        } else if (k === 'k') {
          constraints.set(oid, { owner, target: extraColumn });
        }
      }
      const replaced = [];
      for (const [oid, relation] of relations) {
        if (liveRelations.has(oid)) continue;
        relations.delete(oid);
        if (isTable(relation) && tables.has(oid)) {
          replaced.push(tables.get(oid).key);
          tables.delete(oid);
        } else if (['i', 'I'].includes(relation.kind) && liveRelations.has(relation.owner)) {
          again.add(relation.owner);
        }
      }
      for (const [oid, constraint] of constraints) {
        if (liveConstraints.has(oid)) continue;
        constraints.delete(oid);
        if (liveRelations.has(constraint.owner)) again.add(constraint.owner);
      }

      // A table name that another schema's table also has: which one a name means depends on search_path, and other
      // tables' foreign keys may now be printed qualified.
      const names = new Map();
      for (const relation of relations.values()) {
        if (isTable(relation)) names.set(relation.name, (names.get(relation.name) || 0) + 1);
      }
      // Checked after the step and before it: a step that ends the shadowing changes those texts back.
      const shadowed = [...names.values()].some((count) => count > 1);
      if (whole || shadowed || state.shadowed) {
        return readAll(connection, true, [], status).then(({ step }) => {
          state.shadowed = shadowed;
          return { result, step };
        });
      }

      // The tables read again: their old names are replaced; a renamed table or a column renamed or retyped there
      // changes the text of other tables' foreign keys to it, which are read again too.
      const apply = (byTable, read) => {
        const referenced = new Set();
        for (const oid of read) {
          const before = tables.get(oid);
          const now = byTable.get(oid);
          if (before) replaced.push(before.key);
          if (now) tables.set(oid, now);
          else tables.delete(oid);
          const columnsNow = new Set(now ? now.rows.filter(([kind]) => kind === 0).map(([, , text]) => text) : []);
          if (before && (!now || now.key !== before.key || before.rows.some(([kind, , text]) => kind === 0 && !columnsNow.has(text)))) {
            referenced.add(oid);
          }
        }
        return referenced;
      };
      const readFirst = new Set(changes.filter(([k]) => ['r', 'a', 'd', 'x', 'k'].includes(k)).map(([, , owner]) => owner).filter((oid) => isTable(relations.get(oid))));
      const referenced = apply(group(result.snapshot), readFirst);
      for (const [, constraint] of constraints) {
        if (referenced.has(constraint.target) && !readFirst.has(constraint.owner) && liveRelations.has(constraint.owner)) again.add(constraint.owner);
      }
      for (const oid of readFirst) again.delete(oid);
      if (again.size > 0) {
        const more = await query(connection, 'tables', true, [], [`{${[...again].join(',')}}`]);
        apply(group(more.snapshot), again);
      }
      state.xid = status.xid;
      state.command = status.command;
      const read = new Set([...readFirst, ...again]);
      return { result, step: { full: false, replaced, rows: [...read].filter((oid) => tables.has(oid)).flatMap((oid) => tables.get(oid).rows) } };
    },
    parts,
  };
}

/**
 * The project's own migration source, with a capture after each migration's up or down: the catalog as the
 * migration's own transaction sees it (the same query as migaudit's snapshots), and the time the migration took.
 * One migrate:latest or migrate:rollback then runs the whole chain as production runs it, where one command per
 * migration would take Knex's lock, list and validate the migrations and open a transaction fifty times.
 */
function capturing(source, sql, capture) {
  // Locks this backend holds on the project's relations, and each relation's storage file: a changed relfilenode is
  // a rewrite. Knex's own tables and the catalog are left out.
  // Knex's own tables as SQL string literals (quotes doubled; a '?' escaped from knex.raw's bindings): the queries
  // are prepared once per connection, without parameters.
  const knexTables = [capture.migrationsTable, capture.migrationsTable + '_lock'].map((t) => `'${t.replace(/'/g, "''").replace(/\?/g, '\\?')}'`).join(', ');
  const userRelations = `c.relnamespace NOT IN ${systemNamespaces}
    AND c.relname NOT IN (${knexTables})
    AND NOT EXISTS (SELECT 1 FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid WHERE x.indexrelid = c.oid AND t.relname IN (${knexTables}))`;
  const locksSql = `SELECT c.oid::text AS oid, c.relname AS relation, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
    WHERE l.pid = pg_backend_pid() AND l.granted AND l.locktype = 'relation' AND ${userRelations}`;
  const filesSql = `SELECT c.oid::text AS oid, c.relname AS relation, c.relfilenode::text AS file FROM pg_class c
    WHERE c.relkind IN ('r', 'p', 'm', 'i') AND ${userRelations}`;

  // Each capture is one statement whose columns are JSON texts built by the server: the driver receives one value per
  // column instead of hundreds of rows.
  const extraColumns = {
    locks: asJson(locksSql, 'q.oid, q.relation, q.mode', ' ORDER BY q.oid, q.relation, q.mode'),
    files: asJson(filesSql, 'q.oid, q.relation, q.file'),
  };
  let previous = { connection: null, locks: new Set(), files: null };

  // Inside a transaction (one client for every query), each capture is prepared once for that client and then only
  // executed: planning these unions each time cost about a fifth of the snapshot, a hundred times per verify. A
  // prepared statement outlives the transaction on its client, so a client met again is asked what it has. Outside a
  // transaction the knex pool may hand each query another client: there the query is sent as it is.
  // Arguments are numbers and oids the server itself returned, checked as digits before they are written in.
  const parameterTypes = { changes: '(bigint, text)', tables: '(oid[])' };
  const literal = (value) => {
    if (value === null) return 'NULL';
    if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
    if (typeof value === 'string' && /^\{?[0-9,]*\}?$/.test(value)) return `'${value}'`;
    throw new Error(`migaudit's driver: unexpected catalog value ${JSON.stringify(value)}`);
  };
  const preparedOn = new WeakMap();
  const query = async (connection, base, transactional, extra = [], args = []) => {
    const name = ['migaudit', base, ...extra].join('_');
    const sql = base === 'files'
      ? `SELECT ${extraColumns.files} AS files`
      : tracker.parts[base] + extra.map((column) => `, ${extraColumns[column]} AS ${column}`).join('');
    if (!transactional) return (await connection.raw(sql)).rows[0];
    let ready = preparedOn.get(connection);
    if (!ready) {
      const existing = (await connection.raw("SELECT name FROM pg_prepared_statements WHERE name LIKE 'migaudit\\_%'")).rows.map((r) => r.name);
      ready = new Set(existing);
      preparedOn.set(connection, ready);
    }
    if (!ready.has(name)) {
      await connection.raw(`PREPARE ${name}${parameterTypes[base] || ''} AS ${sql}`);
      ready.add(name);
    }
    return (await connection.raw(`EXECUTE ${name}${args.length > 0 ? `(${args.map(literal).join(', ')})` : ''}`)).rows[0];
  };
  const tracker = schemaTracker(sql, query, capture.fullSnapshots);

  const run = async (content, direction, name, connection, transactional) => {
    // On the connection the previous up just read them on, the storage files are those it left: Knex only records the
    // migration in its own table in between. One catalog query fewer per migration.
    // Locks and storage files are read only inside the migration's transaction, and not at all with --no-lock-trace.
    const traced = direction === 'up' && transactional && capture.traceLocks;
    const reuse = traced && previous.connection === connection && previous.files !== null;
    const filesBefore = traced ? (reuse ? previous.files : JSON.parse((await query(connection, 'files', true)).files)) : null;
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1000000n);
    // The statements the up sends, as knex sends them (bindings as $n, their values never kept: they may be data).
    capture.statements = direction === 'up' ? [] : null;
    try {
      await content[direction].call(content, connection);
    } catch (error) {
      capture.failed = { name, direction, error: String(error && error.message ? error.message : error), ms: elapsed() };
      throw error;
    } finally {
      capture.sent = capture.statements;
      capture.statements = null;
    }
    const ms = elapsed();
    const { result, step: snapshot } = await tracker.after(connection, transactional, traced ? ['locks', 'files'] : []);
    const step = { name, direction, ms, ...snapshot };
    if (direction === 'up') step.sql = capture.sent;
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

/**
 * The chain in one command: every pending up (migrate:latest, direction "up"), every applied down
 * (migrate:rollback --all, "down"), or every pending up one migration at a time ("each"): knex's migrate.up() runs the
 * next pending migration alone, in its own transaction, after every earlier one has committed, as an existing
 * database meets it; its locks are then its own, not hidden by what an earlier migration of a batch holds.
 */
async function chain(command) {
  // knex emits every query, a transaction's included, on the instance; knex.migrate is a clone that copies the
  // instance's query listeners when it is made, so the listener comes first. Only queries sent while an up runs are kept.
  const listener = (query) => {
    if (capture.statements !== null && typeof query.sql === 'string') capture.statements.push(query.sql);
  };
  knex.on('query', listener);
  const migrator = knex.migrate;
  const capture = { steps: [], failed: null, statements: null, sent: null, migrationsTable: migrator.config.tableName, disableTransactions: Boolean(migrator.config.disableTransactions), traceLocks: command.traceLocks !== false, fullSnapshots: command.fullSnapshots === true };
  try {
    // pg_current_xact_id_if_assigned(), by which a step's own catalog rows are told apart, came with PostgreSQL 13:
    // before it every step is read whole (asked here, outside the migrations' transaction, which a failed query aborts).
    const version = Number((await knex.raw('SHOW server_version_num')).rows[0].server_version_num);
    capture.fullSnapshots = capture.fullSnapshots || version < 130000;
    const source = capturing(migrator.config.migrationSource, command, capture);
    if (command.direction === 'up') await migrator.latest({ migrationSource: source });
    else if (command.direction === 'each') {
      // migrate.up() resolves [batch, names ran]: none once nothing is pending.
      while ((await migrator.up({ migrationSource: source }))[1].length > 0);
    } else await migrator.rollback({ migrationSource: source }, true);
    return { ok: true, steps: capture.steps };
  } catch (error) {
    return { ok: false, steps: capture.steps, failed: capture.failed, error: String(error && error.message ? error.message : error) };
  } finally {
    knex.removeListener('query', listener);
  }
}

let knex = null;
const queue = readline.createInterface({ input: process.stdin });
let busy = Promise.resolve();
queue.on('line', (line) => {
  busy = busy.then(async () => {
    if (knex === null) {
      knex = await start(JSON.parse(line));
      // The knexfile loaded: migaudit starts the scratch server only now, so a knexfile that cannot load costs no initdb.
      reply({ loaded: true });
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
