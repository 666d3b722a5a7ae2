// Loads test fixtures' configuration modules in real Node, for migaudit's static evaluation to match.
// Only migaudit's own test fixtures are loaded here, never an audited project's code.
// Usage: node evaluate-module.js cases.json   where cases.json is [{"file": "/abs/config.js", "env": {"NODE_ENV": "production"}}]
const fs = require('fs');

const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const plain = (value) =>
  JSON.parse(JSON.stringify(value, (key, v) => (typeof v === 'function' ? 'function' : v)));
const results = cases.map(({ file, env }) => {
  for (const name of Object.keys(process.env)) if (name !== 'PATH') delete process.env[name];
  Object.assign(process.env, env);
  for (const key of Object.keys(require.cache)) delete require.cache[key];
  try {
    const exported = require(file);
    return { value: plain(exported && exported.__esModule && 'default' in exported ? exported.default : exported) };
  } catch (error) {
    return { error: String(error.message) };
  }
});
process.stdout.write(JSON.stringify(results));
