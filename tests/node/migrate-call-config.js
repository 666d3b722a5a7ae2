// Which folders and table Knex uses when a project's own code calls knex.migrate.latest() (with or without an
// argument). No database: Knex's migration-list resolver, which the Migrator calls first with its merged config, is
// stopped there. Usage: node migrate-call-config.js PROJECT_ROOT 'JavaScript that makes the call'
// Prints {"folders":[...relative to PROJECT_ROOT],"table":"..."}. Runs the fixture's code: tests only.
const path = require('path');
const { createRequire } = require('module');
const resolver = require('knex/lib/migrations/migrate/migration-list-resolver');

const [root, code] = process.argv.slice(2);
resolver.listAllAndCompleted = async (config) => {
  const folders = config.migrationSource.migrationsPaths.map((folder) => path.relative(root, path.resolve(folder)).split(path.sep).join('/'));
  process.stdout.write(JSON.stringify({ folders, table: config.tableName }));
  process.exit(0);
};

// Knex resolves relative folders from the working directory: the project root, as migaudit assumes.
process.chdir(root);
new Function('require', code)(createRequire(path.join(root, 'index.js')));
setTimeout(() => {
  process.stderr.write('knex.migrate.latest() was not called\n');
  process.exit(1);
}, 5000).unref();
