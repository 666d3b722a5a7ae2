// Prints the migration names in the order Knex itself lists them, for a knexfile-less config given as JSON.
// Usage: node list-migrations.js '{"directory":["/abs/dir"],"sortDirsSeparately":false}'
const { FsMigrations } = require('knex/lib/migrations/migrate/sources/fs-migrations');

const config = JSON.parse(process.argv[2]);
const source = new FsMigrations(config.directory, config.sortDirsSeparately, config.loadExtensions);
source
  .getMigrations()
  .then((migrations) => {
    for (const migration of migrations) {
      process.stdout.write(`${source.getMigrationName(migration)}\n`);
    }
  })
  .catch((error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
