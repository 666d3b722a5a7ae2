#!/usr/bin/env node
'use strict';
// The comparison half of scripts/lock-compare.sh (read its header first): squawk on each up's recorded SQL, beside
// the audit's Locks findings on the same migration, matched by check group (scripts/lock-compare-map.tsv).
//
// Usage: node compare.js RESULTS --squawk BIN --map TSV [--pg-version N] [--markdown FILE]

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

function parseArgs(argv) {
  const options = { results: null, squawk: null, map: null, pgVersion: '15', markdown: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--squawk') options.squawk = argv[++i];
    else if (a === '--map') options.map = argv[++i];
    else if (a === '--pg-version') options.pgVersion = argv[++i];
    else if (a === '--markdown') options.markdown = argv[++i];
    else if (options.results === null) options.results = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!options.results || !options.squawk || !options.map) throw new Error('usage: compare.js RESULTS --squawk BIN --map TSV');
  return options;
}

/** The map: squawk rule or migaudit rule -> its check group; the group "outside" holds squawk rules that are no lock check. */
function readMap(file) {
  const squawk = new Map();
  const migaudit = new Map();
  const groups = new Map();
  for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [squawkRule, group, migauditRules, unit, note] = line.split('\t');
    if (!group || !unit) throw new Error(`${file}: a row needs squawk_rule, group, migaudit_rules, unit: ${line}`);
    if (!['statement', 'migration', 'project'].includes(unit)) throw new Error(`${file}: unit is statement, migration or project: ${line}`);
    if (!groups.has(group)) groups.set(group, { unit, notes: [], outside: group === 'outside' });
    if (note) groups.get(group).notes.push(note);
    if (squawkRule !== '-') squawk.set(squawkRule, group);
    for (const rule of (migauditRules || '-').split(',').map((r) => r.trim()).filter((r) => r && r !== '-')) migaudit.set(rule, group);
  }
  return { squawk, migaudit, groups };
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** The up's statements joined as the .sql file, with the 0-based line each statement starts on. */
function sqlFile(statements) {
  const cleaned = statements.map((s) => s.trim().replace(/;\s*$/, '')).filter((s) => s !== '');
  const starts = [];
  let line = 0;
  for (const s of cleaned) {
    starts.push(line);
    line += s.split('\n').length; // the statement's lines; ";\n" ends its last one
  }
  return { text: cleaned.length ? cleaned.join(';\n') + ';\n' : '', statements: cleaned, starts };
}

function statementAt(starts, line) {
  let index = 0;
  for (let i = 0; i < starts.length; i++) if (starts[i] <= line) index = i;
  return index;
}

/** Whether Knex runs this migration in a transaction: text checks, as the script's header says. */
function transactional(project, migrationPath, knexfile) {
  const read = (p) => { try { return fs.readFileSync(path.join(project, p), 'utf8'); } catch { return ''; } };
  if (knexfile && /disableTransactions\s*:\s*true/.test(read(knexfile))) return false;
  return !/transaction\s*:\s*false/.test(read(migrationPath));
}

function runSquawk(bin, file, pgVersion, inTransaction) {
  const args = ['--reporter', 'json', '--pg-version', pgVersion];
  if (inTransaction) args.push('--assume-in-transaction');
  args.push(file);
  const run = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const out = (run.stdout || '').trim();
  if (run.status !== 0 && run.status !== 1) throw new Error(`squawk failed on ${file} (exit ${run.status}): ${(run.stderr || '').trim()}`);
  return out === '' ? [] : JSON.parse(out);
}

const oneLine = (s, n) => String(s).replace(/\s+/g, ' ').slice(0, n);

function main() {
  const options = parseArgs(process.argv.slice(2));
  const map = readMap(options.map);
  const rows = [['project', 'migration', 'group', 'outcome', 'side', 'rule', 'where', 'text', 'up rewrote (verify)']];
  const totals = new Map(); // group -> { agree, squawkOnly, migauditOnly }
  const outside = new Map(); // squawk rule outside the comparison -> count
  const unmapped = new Set();
  const out = [];
  const projectLines = [];
  let comparedMigrations = 0;
  let notRun = 0;

  const tally = (group) => {
    if (!totals.has(group)) totals.set(group, { agree: 0, squawkOnly: 0, migauditOnly: 0 });
    return totals.get(group);
  };

  const dirs = fs.readdirSync(options.results, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const name of dirs) {
    const dir = path.join(options.results, name);
    if (!fs.existsSync(path.join(dir, 'verify.json')) || !fs.existsSync(path.join(dir, 'audit.json'))) continue;
    let verify;
    let audit;
    try {
      verify = readJson(path.join(dir, 'verify.json'));
      audit = readJson(path.join(dir, 'audit.json'));
    } catch (error) {
      projectLines.push(`## ${name}: not compared (${error.message.split('\n')[0]})`);
      continue;
    }
    const project = fs.readFileSync(path.join(dir, 'project'), 'utf8').trim();
    const lockRules = new Set(fs.readFileSync(path.join(dir, 'lock-rules.txt'), 'utf8').split('\n').filter(Boolean));
    for (const rule of lockRules) if (!map.migaudit.has(rule)) unmapped.add(`migaudit:${rule}`);

    const paths = new Map((audit.migrations || []).map((m) => [m.path, m.name]));
    const byMigration = new Map();
    // Groups counted once per project (unit "project"): migaudit's finding there is on the knexfile, not a migration.
    const perProject = new Map(); // group -> { squawk: [migration names], migaudit: [findings] }
    const projectGroup = (g) => {
      if (!perProject.has(g)) perProject.set(g, { squawk: [], migaudit: [] });
      return perProject.get(g);
    };
    for (const f of audit.findings || []) {
      if (!lockRules.has(f.rule) && !map.migaudit.has(f.rule)) continue;
      const g = map.migaudit.get(f.rule);
      if (g !== undefined && map.groups.get(g).unit === 'project') {
        projectGroup(g).migaudit.push(f);
        continue;
      }
      // A finding in a helper module names the migration that called it (calledFrom "path:line").
      let name = paths.get(f.file);
      if (name === undefined && f.calledFrom) name = paths.get(f.calledFrom.replace(/:\d+$/, ''));
      if (name === undefined) continue;
      if (!byMigration.has(name)) byMigration.set(name, []);
      byMigration.get(name).push(f);
    }
    const pathOf = new Map((audit.migrations || []).map((m) => [m.name, m.path]));

    fs.mkdirSync(path.join(dir, 'sql'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'squawk'), { recursive: true });
    const counts = { agree: 0, squawkOnly: 0, migauditOnly: 0 };
    const lines = [];
    let ran = 0;
    for (const step of verify.migrations || []) {
      const findings = byMigration.get(step.name) || [];
      if (step.up !== 'ok') {
        if (findings.length) notRun += findings.length;
        continue;
      }
      ran++;
      comparedMigrations++;
      const sql = sqlFile(step.upSql || []);
      // What verify's lock trace saw the up rewrite (a new storage file): the truth for rewrite claims.
      const rewrote = step.upLocksTraced ? (step.upRewrites || []).join(' ') || 'none' : 'not traced';
      const base = step.name.replace(/[^A-Za-z0-9._-]/g, '_');
      const sqlPath = path.join(dir, 'sql', `${base}.sql`);
      fs.writeFileSync(sqlPath, sql.text);
      const inTransaction = transactional(project, pathOf.get(step.name) || '', audit.knexfile);
      const violations = sql.text === '' ? [] : runSquawk(options.squawk, sqlPath, options.pgVersion, inTransaction);
      fs.writeFileSync(path.join(dir, 'squawk', `${base}.json`), JSON.stringify(violations, null, 1));

      // Per group: squawk's flagged statements (one per statement whatever the rules), migaudit's findings.
      const groups = new Map();
      const group = (g) => {
        if (!groups.has(g)) groups.set(g, { squawk: new Map(), migaudit: [] });
        return groups.get(g);
      };
      for (const v of violations) {
        let g = map.squawk.get(v.rule_name);
        if (g === undefined) {
          unmapped.add(`squawk:${v.rule_name}`);
          g = `squawk:${v.rule_name}`;
        }
        const statement = statementAt(sql.starts, v.line);
        const entry = group(g);
        if (!entry.squawk.has(statement)) entry.squawk.set(statement, []);
        entry.squawk.get(statement).push(v.rule_name);
      }
      for (const f of findings) group(map.migaudit.get(f.rule) || `migaudit:${f.rule}`).migaudit.push(f);

      const parts = [];
      for (const [g, entry] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
        const perMigration = map.groups.get(g)?.unit === 'migration';
        if (isOutside(map, g)) {
          for (const rules of entry.squawk.values()) for (const r of rules) outside.set(r, (outside.get(r) || 0) + 1);
          continue;
        }
        if (map.groups.get(g)?.unit === 'project') {
          if (entry.squawk.size) projectGroup(g).squawk.push(step.name);
          for (const [index, rules] of entry.squawk) {
            rows.push([name, step.name, g, 'project', 'squawk', [...new Set(rules)].join(','), `statement ${index + 1}`, oneLine(sql.statements[index], 300)]);
          }
          continue;
        }
        // One statement can hold several flagged actions (ALTER TABLE t ADD COLUMN a ..., ADD COLUMN b ...: two), and
        // squawk can flag one action with two rules of a group (an FK: adding-foreign-key-constraint and
        // constraint-missing-not-valid): per statement, the most violations any one rule of the group reports.
        let flagged = 0;
        for (const rules of entry.squawk.values()) {
          const perRule = new Map();
          for (const r of rules) perRule.set(r, (perRule.get(r) || 0) + 1);
          flagged += Math.max(...perRule.values());
        }
        const s = perMigration ? Math.min(entry.squawk.size, 1) : flagged;
        const m = perMigration ? Math.min(entry.migaudit.length, 1) : entry.migaudit.length;
        const agree = Math.min(s, m);
        const t = tally(g);
        t.agree += agree;
        t.squawkOnly += s - agree;
        t.migauditOnly += m - agree;
        counts.agree += agree;
        counts.squawkOnly += s - agree;
        counts.migauditOnly += m - agree;
        const outcome = s && m ? (s === m ? 'agree' : 'agree-partly') : s ? 'squawk-only' : 'migaudit-only';
        for (const [index, rules] of entry.squawk) {
          rows.push([name, step.name, g, outcome, 'squawk', [...new Set(rules)].join(','), `statement ${index + 1}`, oneLine(sql.statements[index], 300), rewrote]);
        }
        for (const f of entry.migaudit) {
          rows.push([name, step.name, g, outcome, 'migaudit', f.rule, `${f.file}:${f.line ?? ''}`, oneLine(f.message, 300), rewrote]);
        }
        parts.push(`${g} ${s}/${m}${outcome === 'agree' ? '' : ' ' + outcome}`);
      }
      if (parts.length) lines.push(`   ${step.name}${inTransaction ? '' : ' (no transaction)'}: ${parts.join('; ')}`);
    }
    for (const [g, entry] of [...perProject].sort((a, b) => a[0].localeCompare(b[0]))) {
      const sq = Math.min(entry.squawk.length, 1);
      const m = Math.min(entry.migaudit.length, 1);
      const agree = Math.min(sq, m);
      const t = tally(g);
      t.agree += agree;
      t.squawkOnly += sq - agree;
      t.migauditOnly += m - agree;
      counts.agree += agree;
      counts.squawkOnly += sq - agree;
      counts.migauditOnly += m - agree;
      for (const f of entry.migaudit) rows.push([name, '', g, 'project', 'migaudit', f.rule, `${f.file}:${f.line ?? ''}`, oneLine(f.message, 300)]);
      if (sq || m) lines.push(`   (project) ${g} ${sq}/${m}: squawk on ${entry.squawk.length} of ${ran} ups; migaudit ${entry.migaudit.length ? 'reports it' : 'does not'}`);
    }
    projectLines.push(`## ${name}: ${ran} ups compared; agree ${counts.agree}, squawk-only ${counts.squawkOnly}, migaudit-only ${counts.migauditOnly}`);
    projectLines.push(...lines);
  }

  out.push('Per migration: group squawk-statements/migaudit-findings.');
  out.push(...projectLines);
  out.push('');
  out.push(`Overall (${comparedMigrations} ups compared):`);
  const table = [['group', 'agree', 'squawk-only', 'migaudit-only']];
  const sum = { agree: 0, squawkOnly: 0, migauditOnly: 0 };
  for (const [g, t] of [...totals].sort((a, b) => a[0].localeCompare(b[0]))) {
    table.push([g, t.agree, t.squawkOnly, t.migauditOnly]);
    sum.agree += t.agree;
    sum.squawkOnly += t.squawkOnly;
    sum.migauditOnly += t.migauditOnly;
  }
  table.push(['total', sum.agree, sum.squawkOnly, sum.migauditOnly]);
  for (const r of table) out.push(`  ${String(r[0]).padEnd(34)} ${String(r[1]).padStart(6)} ${String(r[2]).padStart(12)} ${String(r[3]).padStart(14)}`);
  if (outside.size) {
    out.push(`squawk findings outside the comparison (not lock checks, see the map): ${[...outside].sort().map(([r, n]) => `${r} ${n}`).join(', ')}`);
  }
  if (notRun) out.push(`migaudit lock findings on migrations whose up did not run (not compared): ${notRun}`);
  if (unmapped.size) out.push(`not in the map (each counted as its own group): ${[...unmapped].sort().join(', ')}`);
  fs.writeFileSync(path.join(options.results, 'comparison.tsv'), rows.map((r) => r.map((c) => String(c).replace(/[\t\n]/g, ' ')).join('\t')).join('\n') + '\n');
  out.push(`details: ${path.join(options.results, 'comparison.tsv')}`);
  process.stdout.write(out.join('\n') + '\n');

  if (options.markdown) {
    const md = ['| Check group | Agree | squawk only | migaudit only |', '|---|---:|---:|---:|'];
    for (const r of table.slice(1)) md.push(`| ${r[0] === 'total' ? '**total**' : '`' + r[0] + '`'} | ${r[1]} | ${r[2]} | ${r[3]} |`);
    fs.writeFileSync(options.markdown, md.join('\n') + '\n');
  }
}

function isOutside(map, group) {
  return map.groups.get(group)?.outside === true;
}

main();
