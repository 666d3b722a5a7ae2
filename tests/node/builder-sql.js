// Prints the SQL real knex (client from argv[3], default pg) writes for each [table, callbackBody] case read as JSON
// from argv[2]: alterTable(table, (t) => { <callbackBody> }). No database is needed.
const knex = require('knex')({ client: process.argv[3] || 'pg' });
const cases = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const out = cases.map(([table, body]) => {
  // eslint-disable-next-line no-new-func
  const callback = new Function('t', 'knex', body);
  try {
    return knex.schema.alterTable(table, (t) => callback(t, knex)).toSQL().map((s) => s.sql);
  } catch (error) {
    return ['throws: ' + error.message];
  }
});
console.log(JSON.stringify(out));
