// Builds database clients with the real libraries (no server needed: every connection attempt is stopped before the
// network) and prints the pool size and SSL each one would really use, for migaudit's static reading to match.
// Usage: node library-settings.js cases.json   where cases.json is
//   [{"library": "sequelize" | "sequelize-typescript" | "postgres" | "pg-promise" | "pg-pool" | "typeorm" | "sails-postgresql", "args": [...], "env": {...}}]
const fs = require('fs');
const pg = require('pg');

let captured = [];

// node-postgres: the Client computes its final ssl (connection string, ssl option, PGSSLMODE) in its constructor.
// A library may bundle its own copy of pg (pg-promise, sails-postgresql): each copy is stopped the same way.
const stop = () => new Error('migaudit: stopped before connecting');
const patchClient = (pgModule) => {
  pgModule.Client.prototype.connect = function connect(callback) {
    captured.push({ ssl: this.ssl });
    if (callback) return void process.nextTick(() => callback(stop()));
    return Promise.reject(stop());
  };
};
patchClient(pg);

const sslState = (ssl) =>
  !ssl ? 'off' : typeof ssl === 'object' && ssl.rejectUnauthorized === false ? 'not-verified' : 'verified';

// postgres.js: 'require', 'allow' and 'prefer' connect with rejectUnauthorized: false (connection.js secure()).
const postgresJsSsl = (ssl) =>
  !ssl ? 'off' : ['require', 'allow', 'prefer'].includes(ssl) ? 'not-verified' : typeof ssl === 'object' && ssl.rejectUnauthorized === false ? 'not-verified' : 'verified';

async function settle(promise) {
  try {
    await promise;
  } catch {
    // The stopped connection: what was captured is the answer.
  }
}

async function measure({ library, args, env }) {
  for (const name of Object.keys(process.env)) if (name !== 'PATH') delete process.env[name];
  Object.assign(process.env, env || {});
  captured = [];
  switch (library) {
    case 'pg-pool': {
      const pool = new pg.Pool(...args);
      await settle(pool.connect());
      return { max: pool.options.max, ssl: sslState(captured[0].ssl) };
    }
    case 'sequelize':
    case 'sequelize-typescript': {
      if (library === 'sequelize-typescript') require('reflect-metadata');
      const { Sequelize } = require(library);
      const sequelize = new Sequelize(...args);
      await settle(sequelize.authenticate());
      const pool = sequelize.connectionManager.pool;
      return { max: pool.maxSize ?? pool._factory?.max, min: pool.minSize, ssl: sslState(captured[0].ssl) };
    }
    case 'postgres': {
      const sql = require('postgres')(...args);
      return { max: sql.options.max, ssl: postgresJsSsl(sql.options.ssl) };
    }
    case 'pg-promise': {
      patchClient(require(require.resolve('pg', { paths: [require.resolve('pg-promise')] })));
      const pgp = require('pg-promise')();
      const db = pgp(...args);
      await settle(db.connect());
      const result = { max: db.$pool.options.max, ssl: captured.length ? sslState(captured[0].ssl) : 'not-captured' };
      pgp.end();
      return result;
    }
    case 'typeorm': {
      require('reflect-metadata');
      const { DataSource } = require('typeorm');
      const pools = [];
      const OriginalPool = pg.Pool;
      pg.Pool = class extends OriginalPool {
        constructor(options) {
          super(options);
          pools.push(options);
        }
      };
      try {
        await settle(new DataSource(...args).initialize());
      } finally {
        pg.Pool = OriginalPool;
      }
      return { max: pools[0]?.max ?? 10, ssl: sslState(captured[0]?.ssl) };
    }
    case 'sails-postgresql': {
      const adapter = require('sails-postgresql');
      patchClient(require(require.resolve('pg', { paths: [require.resolve('machinepack-postgresql')] })));
      const config = { identity: 'default', ...args[0] };
      await new Promise((resolve) => adapter.registerDatastore(config, {}, () => resolve()));
      const { pool } = adapter.datastores.default.manager;
      await settle(new Promise((resolve, reject) => pool.connect((error, client) => (error ? reject(error) : resolve(client)))));
      const result = { max: pool.options.max, ssl: sslState(captured[0]?.ssl) };
      await new Promise((resolve) => adapter.teardown('default', () => resolve()));
      return result;
    }
    default:
      throw new Error(`unknown library ${library}`);
  }
}

(async () => {
  const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const results = [];
  for (const item of cases) {
    try {
      results.push(await measure(item));
    } catch (error) {
      results.push({ error: String(error && error.message) });
    }
  }
  process.stdout.write(JSON.stringify(results));
  process.exit(0);
})();
