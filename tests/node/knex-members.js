// Lists the members JavaScript can reach on the knex object a migration receives, on knex.schema, on the table
// builder of createTable and of alterTable, and on a column builder in each (alter() exists only in alterTable): every property name on the object and its
// prototype chain (Object.prototype and Function.prototype included, since `knex.toString` is no TypeError).
// migaudit reads a call to a name none of these holds as the TypeError knex meets when the migration runs.
// Usage: node knex-members.js [path to a knex package] (default: the knex of this folder). Connects to nothing:
// toSQL() compiles the builders without a database.
'use strict';

const knexPath = process.argv[2] || 'knex';
const knexPackage = require(require.resolve(knexPath + '/package.json', { paths: [process.cwd(), __dirname] }));
const makeKnex = require(require.resolve(knexPath, { paths: [process.cwd(), __dirname] }));
const knex = (makeKnex.knex || makeKnex)({ client: 'pg' });

function members(value) {
  const names = new Set();
  for (let object = value; object !== null && object !== undefined; object = Object.getPrototypeOf(object)) {
    for (const name of Object.getOwnPropertyNames(object)) {
      names.add(name);
    }
  }
  return [...names].filter((name) => /^[A-Za-z_$][\w$]*$/.test(name)).sort();
}

function tableBuilder(method) {
  let captured;
  knex.schema[method]('x', (table) => {
    captured = table;
  }).toSQL();
  return captured;
}

// The object a migration receives is, by default, a transaction (knex runs each migration inside knex.transaction):
// it has commit, rollback, savepoint... besides the knex instance's members. A client that answers every query
// without a database lets knex.transaction hand one over; BEGIN then fails, which is expected and ignored.
async function transactionMembers() {
  const client = knex.client;
  client.acquireConnection = async () => ({});
  client.releaseConnection = async () => {};
  let captured = [];
  await knex
    .transaction(async (trx) => {
      captured = members(trx);
    })
    .catch(() => {});
  return captured;
}

const create = tableBuilder('createTable');
const alter = tableBuilder('alterTable');
transactionMembers().then((transaction) => {
  const result = {
    version: knexPackage.version,
    knex: members(knex),
    transaction,
    schema: members(knex.schema),
    createTable: members(create),
    alterTable: members(alter),
    column: members(create.string('c')),
    alterColumn: members(alter.string('c')),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
});
