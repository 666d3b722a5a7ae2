// Prints, for each [client, method, args] case read as JSON from argv[2], the column type real knex writes in
// create table ... (column-name excluded), or "undefined" when knex writes that, or "throws" when it throws.
const knex = require('knex');
const cases = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const clients = {};
const out = cases.map(([client, method, args]) => {
  const k = clients[client] || (clients[client] = knex({ client, useNullAsDefault: true }));
  try {
    const statements = k.schema.createTable('t', (t) => { t[method]('c', ...args); }).toSQL();
    const sql = statements[statements.length - 1].sql;
    const column = sql.slice(sql.indexOf('(') + 1, sql.lastIndexOf(')'));
    let type = column.replace(/^["`]c["`] /, '');
    for (const tail of [' primary key', ' not null', ' check (', ' auto_increment']) {
      const at = type.indexOf(tail);
      if (at >= 0) type = type.slice(0, at);
    }
    return type.replace(/^"(.*)"$/, '$1');
  } catch (error) {
    return 'throws';
  }
});
console.log(JSON.stringify(out));
