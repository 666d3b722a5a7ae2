// migaudit's driver: runs the audited project's migrations with the project's own knex, one step at a time,
// against the scratch database migaudit created. Protocol: one JSON command per line on stdin
// ({"op":"up"|"down"|"latest"|"quit"}), one JSON reply per line on stdout.
'use strict';
const readline = require('readline');

const [projectRoot, configJson] = process.argv.slice(2);
const config = JSON.parse(configJson);
const out = process.stdout.write.bind(process.stdout);
const reply = (message) => out('\u001e' + JSON.stringify(message) + '\n');

// Standard output carries the protocol only: whatever knex or the migrations print goes to standard error.
for (const method of ['log', 'info', 'warn', 'debug', 'trace']) {
  console[method] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}
process.stdout.write = process.stderr.write.bind(process.stderr);

let knexFactory;
try {
  knexFactory = require(require.resolve('knex', { paths: [projectRoot] }));
} catch (error) {
  reply({ fatal: `knex is not installed in ${projectRoot}: run 'npm install' there first` });
  process.exit(3);
}

process.chdir(projectRoot);
const knex = knexFactory({
  client: 'pg',
  connection: config.connection,
  pool: { min: 0, max: 2 },
  migrations: config.migrations,
});

const queue = readline.createInterface({ input: process.stdin });
let busy = Promise.resolve();
queue.on('line', (line) => {
  busy = busy.then(async () => {
    const command = JSON.parse(line);
    const started = process.hrtime.bigint();
    const elapsed = () => Number((process.hrtime.bigint() - started) / 1000000n);
    try {
      if (command.op === 'quit') {
        await knex.destroy();
        reply({ ok: true });
        process.exit(0);
      }
      const result = await knex.migrate[command.op]();
      reply({ ok: true, batch: result[0], names: result[1], ms: elapsed() });
    } catch (error) {
      reply({ ok: false, error: String(error && error.message ? error.message : error), ms: elapsed() });
    }
  });
});
