// Lists knex's schema API as the conformance suite must cover it (tests/MigAudit.Tests/Conformance/knex-api.json):
// the members of the builder interfaces in knex's own types/index.d.ts, plus the methods real knex defines at run time
// that the declarations leave out (the aliases notNull, default, defaultsTo; check on a column). Printed as JSON.
const fs = require('fs');
const path = require('path');

const knexRoot = path.dirname(require.resolve('knex/package.json'));
const declarations = fs.readFileSync(path.join(knexRoot, 'types', 'index.d.ts'), 'utf8');

// The interfaces of a schema migration: knex.schema, the table builders, the column builder and its foreign-key chain.
const interfaces = ['SchemaBuilder', 'TableBuilder', 'CreateTableBuilder', 'AlterTableBuilder', 'ColumnBuilder', 'PostgreSqlColumnBuilder', 'ReferencingColumnBuilder'];

function membersOf(name) {
  // "interface X ... {" or "type X = { ... } & {": the body up to the brace that closes it.
  const start = declarations.search(new RegExp(`(interface ${name}\\b[^{]*\\{|type ${name} = \\{)`));
  if (start < 0) throw new Error(`${name} not found in knex's types/index.d.ts`);
  let depth = 0;
  let body = '';
  for (let i = declarations.indexOf('{', start); i < declarations.length; i++) {
    const c = declarations[i];
    if (c === '{') depth++;
    if (c === '}') depth--;
    body += c;
    // ReferencingColumnBuilder is "{ mapped } & { methods }": read both object types.
    if (depth === 0 && c === '}') {
      const rest = declarations.slice(i + 1).match(/^\s*&\s*\{/);
      if (!rest) break;
    }
  }
  const names = new Set();
  for (const line of body.split('\n')) {
    // A member at the body's own depth: two or four spaces of indentation, "name(" or "name<".
    const m = line.match(/^\s{4}([A-Za-z_][A-Za-z0-9_]*)\s*[(<]/);
    if (m) names.add(m[1]);
  }
  return [...names];
}

const api = [];
for (const name of interfaces) {
  for (const method of membersOf(name)) api.push({ interface: name, method, source: 'types/index.d.ts' });
}

// Run-time methods the declarations do not list.
const ColumnBuilder = require(path.join(knexRoot, 'lib', 'schema', 'columnbuilder.js'));
const declared = new Set(api.filter((a) => a.interface === 'ColumnBuilder').map((a) => a.method));
for (const method of Object.getOwnPropertyNames(ColumnBuilder.prototype).sort()) {
  if (method !== 'constructor' && typeof ColumnBuilder.prototype[method] === 'function' && !declared.has(method)) {
    api.push({ interface: 'ColumnBuilder', method, source: 'lib/schema/columnbuilder.js' });
  }
}

api.sort((a, b) => (a.interface + '.' + a.method).localeCompare(b.interface + '.' + b.method));
console.log(JSON.stringify({ knex: require('knex/package.json').version, methods: api }, null, 2));
