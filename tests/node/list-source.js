// Prints the migration names in the order real Knex runs them for a knexfile's migrations config, through Knex's
// own configuration merger and list resolver (a custom migrationSource included), without a database.
// Usage: node list-source.js /abs/knexfile.js [environment]
const path = require('path');
const { getMergedConfig } = require('knex/lib/migrations/migrate/migrator-configuration-merger');
const { listAll } = require('knex/lib/migrations/migrate/migration-list-resolver');

const exported = require(path.resolve(process.argv[2]));
const config = process.argv[3] ? exported[process.argv[3]] : exported;
const merged = getMergedConfig(config.migrations, undefined, { warn: () => {} });
Promise.resolve(listAll(merged.migrationSource, merged.loadExtensions))
  .then((migrations) => {
    for (const migration of migrations) {
      process.stdout.write(`${merged.migrationSource.getMigrationName(migration)}\n`);
    }
  })
  .catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
