// Sorts names the ways custom migration sources do, with Node itself, for migaudit's MigrationOrdering to match.
// Usage: node orderings.js cases.json   where cases.json is {"names": [...], "folder": "/abs/dir with those files"}
const fs = require('fs');
const semver = require('semver');

const { names, folder } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const sorted = (compare) => [...names].sort(compare);
process.stdout.write(
  JSON.stringify({
    readdir: fs.readdirSync(folder),
    string: sorted(),
    localeCompare: sorted((a, b) => a.localeCompare(b)),
    naturalLocaleCompare: sorted((a, b) => a.localeCompare(b, undefined, { numeric: true })),
    semver: names.filter((n) => /^\d+\.\d+\.\d+/.test(n)).sort((a, b) => semver.compare(semver.coerce(a), semver.coerce(b))),
    numeric: names.filter((n) => /^\d/.test(n)).sort((a, b) => parseInt(a, 10) - parseInt(b, 10)),
  }),
);
