// What the real TypeScript compiler makes of TypeScript files, for migaudit's differential test
// (tests/MigAudit.Tests/TypeScriptDifferentialTests.cs, scripts/ts-corpus/check.sh). The files are only read and
// transpiled as text, never run.
//
// Usage: node ts-erase.js [LIST]   LIST (else stdin) names one file per line, so thousands go through one node process.
// Prints one JSON object per line and file, in the list's order:
//   {"path": "...", "accepted": true|false, "diagnostics": [{"line": 1, "column": 1, "message": "..."}], "output": "..."}
// or {"path": "...", "error": "..."} when the file cannot be read.
//
// "accepted" is the parser's verdict alone: ts.createSourceFile's parseDiagnostics (no type checking, no program),
// which is what decides whether a file is TypeScript syntax at all.
//
// "output" is ts.transpileModule with these options, each chosen so the JavaScript is the file's own statements with
// the types erased and nothing rewritten into another module system:
//   target ESNext              no down-levelling (async, class fields, optional chaining stay as written);
//   module Preserve            import/export stay ES syntax, require() stays require(); `import x = require('m')`
//                              becomes `const x = require('m')` and `export = x` becomes `module.exports = x`
//                              (with CommonJS they would become exports.x = ... rewrites; with ESNext, errors);
//   verbatimModuleSyntax       imports are never elided for being unused: only `import type`/`export type` and
//                              `type` specifiers go (an import left with no specifiers stays as `import {} from 'm'`,
//                              as Node would still load it);
//   useDefineForClassFields    class fields stay fields (`x!: T` becomes `x;`), the semantics of target ESNext;
//   isolatedModules            per-file emit: the only mode transpileModule can honour (const enums are emitted as
//                              ordinary enums, since no other file's enum can be inlined).
const fs = require('fs');
const ts = require('typescript');

const compilerOptions = {
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.Preserve,
  verbatimModuleSyntax: true,
  useDefineForClassFields: true,
  isolatedModules: true,
};

function erase(file) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return { path: file, error: String(error.message) };
  }
  // The scriptKind follows the extension (.ts, .mts, .cts; .tsx would allow JSX and forbid <T>expr casts).
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, false);
  const diagnostics = source.parseDiagnostics.map((d) => {
    const { line, character } = source.getLineAndCharacterOfPosition(d.start ?? 0);
    return { line: line + 1, column: character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
  const output = ts.transpileModule(text, { fileName: file, compilerOptions }).outputText;
  return { path: file, accepted: diagnostics.length === 0, diagnostics, output };
}

const list = process.argv[2] ? fs.readFileSync(process.argv[2], 'utf8') : fs.readFileSync(0, 'utf8');
for (const line of list.split(/\r?\n/)) {
  if (line.trim() === '') continue;
  process.stdout.write(JSON.stringify(erase(line.trim())) + '\n');
}
