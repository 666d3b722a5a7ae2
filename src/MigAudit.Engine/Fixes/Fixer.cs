using MigAudit.IO;
using System.Text;
using System.Text.RegularExpressions;
using Acornima.Ast;
using MigAudit.Core;
using MigAudit.Git;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Migrations;
using MigAudit.Knex.Schema;

namespace MigAudit.Engine.Fixes;

/// <summary>
/// 'migaudit fix': mechanical, reviewable remediation of what the audit found. Planning never writes; applying
/// writes only what the plan shows, renames tracked files with git mv, and refuses files with uncommitted changes.
/// Every fix is idempotent: once applied, the finding is gone and the plan is empty.
/// </summary>
public static partial class Fixer
{
    public static readonly string[] SupportedRules = ["duplicate-version", "non-knex-migration", "missing-down", "concurrently-in-transaction", "deleted-migration", "renamed-migration", "pool-mismatch", "ssl-mismatch"];

    [GeneratedRegex(@"(^|[^\w$.])(exports\.config|module\.exports\.config|export\s+(const|let|var|function)\s+config\b|config\s*[:,}])", RegexOptions.Multiline)]
    private static partial Regex ConfigExport();

    /// <param name="force">Overwrite the generated document and script even when migaudit did not write the files there.</param>
    public static FixPlan Plan(AuditResult audit, IReadOnlyCollection<string>? rules = null, bool force = false)
    {
        bool Wanted(string rule) => rules is null || rules.Count == 0 || rules.Contains(rule);
        var root = audit.Input.Project.Root;
        var edits = new List<FileEdit>();
        var refusals = new List<Refusal>();
        var sql = new List<string>();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        string Text(Migration m) => texts.TryGetValue(m.Path, out var t) ? t : texts[m.Path] = SafeRead.TextOrFail(Path.Combine(root, m.Path), "the file to fix");
        var byPath = audit.Input.Migrations.ToDictionary(m => m.Path, StringComparer.Ordinal);

        if (Wanted("non-knex-migration"))
        {
            foreach (var migration in audit.Input.Migrations.Where(m => m.Module.Format == MigrationFormat.NonKnex))
            {
                var (converted, reason) = ConvertToKnex(Text(migration), Path.Combine(root, migration.Path));
                if (converted is null)
                {
                    refusals.Add(new Refusal(migration.Path, "non-knex-migration", reason!));
                    continue;
                }

                texts[migration.Path] = converted;
            }
        }

        if (Wanted("missing-down"))
        {
            var downs = DerivedDowns(audit, audit.Findings.Where(f => f.Rule == "missing-down").Select(f => f.File!).ToHashSet(StringComparer.Ordinal));
            foreach (var (path, down) in downs)
            {
                var migration = byPath[path];
                var text = Text(migration).TrimEnd('\n') + "\n";
                texts[path] = text + (migration.Module.ModuleSystem == ModuleSystem.EsModule
                    ? $"\nexport async function down(knex) {{\n{down}}}\n"
                    : $"\nmodule.exports.down = async function (knex) {{\n{down}}};\n");
            }
        }

        if (Wanted("concurrently-in-transaction"))
        {
            foreach (var path in audit.Findings.Where(f => f.Rule == "concurrently-in-transaction" && f.File is not null).Select(f => f.File!).Distinct())
            {
                var migration = byPath[path];
                var text = Text(migration);

                // Knex reads the migration's config export; the fix adds one only where none exists, at the end of the
                // file, so that it follows a `module.exports = { up, down }` instead of being replaced by it.
                if (ConfigExport().IsMatch(text))
                {
                    refusals.Add(new Refusal(path, "concurrently-in-transaction", "it already exports a config: set transaction: false in it by hand"));
                    continue;
                }

                texts[path] = text.TrimEnd('\n') + "\n" + (migration.Module.ModuleSystem == ModuleSystem.EsModule
                    ? "\n// CONCURRENTLY cannot run inside a transaction block: Knex runs this migration without one.\nexport const config = { transaction: false };\n"
                    : "\n// CONCURRENTLY cannot run inside a transaction block: Knex runs this migration without one.\nmodule.exports.config = { transaction: false };\n");
            }
        }

        if ((Wanted("pool-mismatch") || Wanted("ssl-mismatch")) && audit.Input.Configuration.MigrationClient is { } migrations)
        {
            foreach (var file in audit.Findings.Where(f => f.Rule is "pool-mismatch" or "ssl-mismatch" && f.File is not null).Select(f => (f.File!, f.Line)).Distinct())
            {
                var client = audit.Input.Configuration.Clients.FirstOrDefault(c => c.File == file.Item1 && c.Line == file.Line);
                if (client is null)
                {
                    continue;
                }

                if (client.Kind != ClientKind.Knex)
                {
                    refusals.Add(new Refusal(client.File, "pool-mismatch", "a pg Pool cannot take a knex configuration: align max, idleTimeoutMillis and ssl with the knexfile by hand"));
                    continue;
                }

                var path = Path.Combine(root, client.File);
                var current = texts.TryGetValue(client.File, out var t) ? t : SafeRead.TextOrFail(path, "the file to fix");
                var parsed = JsParser.Parse(current, path);

                // Splices use the tree's offsets on the source: refused where TypeScript's generated code shifted them.
                var site = parsed.Program is null || !parsed.OffsetsMatch(current) ? null : MigAudit.Config.ClientFinder.Find(new ModuleScope(path, current, parsed.Program)).FirstOrDefault(s => s.Line == client.Line && s.ConfigNode is not null);
                if (site?.ConfigNode is not { } node)
                {
                    refusals.Add(new Refusal(client.File, "pool-mismatch", "the client's configuration could not be located"));
                    continue;
                }

                texts[client.File] = current[..node.Start] + MigAudit.Rules.KnexfileRequire.Environment(client.File, migrations.File, migrations.Environment) + current[node.End..];
            }
        }

        foreach (var (path, text) in texts)
        {
            var before = SafeRead.TextOrFail(Path.Combine(root, path), "the file to fix");
            if (text != before)
            {
                var what = audit.Findings.Where(f => f.File == path && f.Rule is "non-knex-migration" or "missing-down" or "concurrently-in-transaction" or "pool-mismatch" or "ssl-mismatch").Select(f => f.Rule).Distinct().ToList();
                edits.Add(new Rewrite(path, string.Join(", ", what), string.Join(" and ", what.Select(r => r switch
                {
                    "missing-down" => "add a down derived from the up",
                    "non-knex-migration" => "convert to Knex format (same SQL, through knex.raw)",
                    "concurrently-in-transaction" => "run it without a transaction (exports.config = { transaction: false })",
                    _ => "take pool and SSL from the knexfile environment (the source of truth)",
                }).Distinct()), before, text));
            }
        }

        var renumbered = new List<RenamedMigration>();
        if (Wanted("duplicate-version"))
        {
            foreach (var finding in audit.Findings.Where(f => f.Rule == "duplicate-version"))
            {
                var migration = finding.File is null ? null : byPath.GetValueOrDefault(finding.File);
                if (migration is null || RenamedTo(finding.Action, migration.Name) is not { } newName)
                {
                    refusals.Add(new Refusal(finding.File ?? "?", "duplicate-version", "no free version keeps its place between its neighbours: rename it by hand"));
                    continue;
                }

                var newPath = PathText.WithSlashes(Path.Combine(Path.GetDirectoryName(migration.Path) ?? string.Empty, newName));
                var tracked = migration.Git.State == TrackingState.Committed;
                edits.Add(new Rename(migration.Path, "duplicate-version", $"give {migration.Name} a version of its own, keeping its place", newPath, tracked));
                if (tracked)
                {
                    var migrationsTable = Quoting.SqlQualified(audit.Input.Project.Settings.SchemaName, audit.Input.Project.Settings.TableName);
                    sql.Add($"UPDATE {migrationsTable} SET name = {Quoting.SqlLiteral(newName)} WHERE name = {Quoting.SqlLiteral(migration.Name)};");
                    renumbered.Add(new RenamedMigration { OldName = migration.Name, NewName = newName, OldPath = migration.Path, NewPath = newPath, RenamedIn = DeletedMigrations.PlannedRename });
                }
            }
        }

        // A tracked renumbering is recorded in the document and the rollback script in the same run, so the next run
        // finds it documented and changes nothing.
        var undocumented = renumbered.Count > 0 || audit.Input.Deleted.Any(d => !audit.Input.IsDocumented(d.Name)) || audit.Input.Renamed.Any(r => !audit.Input.IsDocumented(r.OldName));
        if ((Wanted("deleted-migration") || Wanted("renamed-migration")) && undocumented)
        {
            var recovered = DeletedMigrations.Recover(audit);
            var renames = audit.Input.Renamed.Concat(renumbered).DistinctBy(r => r.OldName).ToList();
            foreach (var (path, text, what) in new[]
                     {
                         (DeletedMigrations.DocumentPath, DeletedMigrations.Document(audit, recovered, renames), "document each deleted and renamed migration"),
                         (DeletedMigrations.RollbackPath, DeletedMigrations.RollbackScript(audit, recovered, renames), "a guarded rollback script (never run by migaudit)"),
                     })
            {
                var full = Path.Combine(root, path);
                var before = File.Exists(full) ? SafeRead.TextOrFail(full, "the generated file") : string.Empty;
                if (before.Length > 0 && !force && !DeletedMigrations.WrittenByMigaudit(before))
                {
                    refusals.Add(new Refusal(path, "deleted-migration", $"exists and was not written by migaudit (no '{DeletedMigrations.GeneratedMarker}' header): move it aside, or run again with --force"));
                    continue;
                }

                if (before != text)
                {
                    edits.Add(new Rewrite(path, "deleted-migration", what, before, text));
                }
            }
        }

        return new FixPlan(edits, refusals, sql);
    }

    /// <summary>
    /// The new name in duplicate-version's action, "Rename OLD to NEW", followed by the committed-file note or nothing.
    /// Names may hold spaces, quotes or "$(...)": the old name is known, so the new one is what lies between.
    /// </summary>
    private static string? RenamedTo(string? action, string name)
    {
        var prefix = $"Rename {name} to ";
        if (action is null || !action.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = action[prefix.Length..];
        var note = rest.IndexOf(MigAudit.Rules.DuplicateVersionRule.CommittedNote, StringComparison.Ordinal);
        var newName = note < 0 ? rest : rest[..note];
        return newName.Length == 0 || newName.Contains('/', StringComparison.Ordinal) ? null : newName;
    }

    /// <summary>
    /// Writes the plan, or nothing: every check runs before the first write. A file migaudit rewrites that it did not
    /// generate must be tracked by git and unmodified, so the original stays recoverable from git; when git cannot
    /// say, nothing is written. Every write stays inside the project and never goes through a symbolic link.
    /// </summary>
    /// <exception cref="ProjectException">A check failed; nothing was written.</exception>
    public static IReadOnlyList<string> Apply(FixPlan plan, string root)
    {
        var generated = new HashSet<string>(StringComparer.Ordinal) { DeletedMigrations.DocumentPath, DeletedMigrations.RollbackPath };
        var mustBeCommitted = plan.Edits.Where(e => e is Rename { Tracked: true } || (e is Rewrite && !generated.Contains(e.Path))).Select(e => e.Path).Distinct().ToArray();
        EnsureCommittedAndClean(root, mustBeCommitted);
        foreach (var edit in plan.Edits)
        {
            SafeWrite.Check(root, edit.Path);
            if (edit is Rename rename && File.Exists(SafeWrite.Check(root, rename.NewPath)))
            {
                throw new ProjectException($"refusing to rename {Quoting.Printable(rename.Path)}: {Quoting.Printable(rename.NewPath)} already exists");
            }
        }

        var done = new List<string>();
        foreach (var rewrite in plan.Edits.OfType<Rewrite>())
        {
            SafeWrite.Text(root, rewrite.Path, rewrite.After);
            done.Add($"rewrote {rewrite.Path}: {rewrite.Description}");
        }

        foreach (var rename in plan.Edits.OfType<Rename>())
        {
            if (rename.Tracked)
            {
                var moved = GitRunner.Run(root, "mv", "--", rename.Path, rename.NewPath);
                if (!moved.Ok)
                {
                    throw new ProjectException($"git mv {Quoting.Printable(rename.Path)} failed: {Quoting.Printable(moved.Stderr.Trim())}");
                }

                done.Add(rename.Command);
            }
            else
            {
                File.Move(SafeWrite.Check(root, rename.Path), SafeWrite.Check(root, rename.NewPath));
                done.Add(rename.Command);
            }
        }

        return done;
    }

    private static void EnsureCommittedAndClean(string root, string[] paths)
    {
        if (paths.Length == 0)
        {
            return;
        }

        var tracked = GitRunner.Run(root, ["--literal-pathspecs", "ls-files", "-z", "--", .. paths]);
        var status = GitRunner.Run(root, ["--literal-pathspecs", "status", "--porcelain=v1", "-z", "--untracked-files=no", "--", .. paths]);
        if (!tracked.Ok || !status.Ok)
        {
            throw new ProjectException($"git cannot say whether these files have uncommitted changes, so migaudit does not rewrite them: {string.Join(", ", paths.Select(Quoting.Printable))} ({Quoting.Printable((tracked.Ok ? status : tracked).Stderr.Trim())})");
        }

        // ls-files prints paths relative to the folder it runs in (the project root), as the plan names them;
        // status prints them relative to the repository's top level, which is only shown.
        var known = tracked.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var untracked = paths.Where(p => !known.Contains(p)).ToList();
        if (untracked.Count > 0)
        {
            throw new ProjectException($"these files are not committed, so a rewrite could not be undone from git; commit them first: {string.Join(", ", untracked.Select(Quoting.Printable))}");
        }

        var changed = status.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Length > 3).Select(l => l[3..]).ToList();
        if (changed.Count > 0)
        {
            throw new ProjectException($"these files have uncommitted changes; commit or stash them first: {string.Join(", ", changed.Select(Quoting.Printable))}");
        }
    }

    /// <summary>
    /// Rewrites db.query(sql) into knex.raw(sql) with the SQL untouched: on the knex parameter, only the method
    /// name changes; for a required client, the call goes through the knex parameter (added when missing) and
    /// the require is removed once unused. Queries with parameters ($1...) are refused: knex.raw binds with '?'.
    /// </summary>
    public static (string? Text, string? Reason) ConvertToKnex(string text, string file)
    {
        var parsed = JsParser.Parse(text, file);
        if (parsed.Program is null)
        {
            return (null, "cannot be parsed");
        }

        if (!parsed.OffsetsMatch(text))
        {
            // An enum, namespace or parameter property whose JavaScript is longer than the TypeScript it replaces
            // shifts the offsets of the rest of its line: a splice there would land in the wrong place.
            return (null, "its TypeScript (an enum, namespace or parameter property) is rewritten longer than written, so migaudit cannot edit it safely");
        }

        var scope = new ModuleScope(file, text, parsed.Program);
        var (up, down) = MigrationModuleAnalyzer.ExportedFunctions(scope);
        var splices = new List<(int Start, int End, string Text)>();
        var externals = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in new[] { up, down }.OfType<IFunction>())
        {
            var parameter = function.Params.Count > 0 ? (function.Params[0] as Identifier)?.Name : null;
            var calls = new List<CallExpression>();
            Collect((Node)function.Body, calls);
            var needsParameter = false;
            foreach (var call in calls)
            {
                if (call.Callee is not MemberExpression { Object: Identifier receiver, Property: Identifier { Name: "query" } method })
                {
                    continue;
                }

                if (call.Arguments.Count > 1)
                {
                    return (null, $"line {call.Location.Start.Line} passes query parameters to {receiver.Name}.query(); knex.raw binds with '?' instead of $1, so convert it by hand");
                }

                if (receiver.Name == parameter)
                {
                    splices.Add((method.Start, method.End, "raw"));
                }
                else if (scope.Bindings.ContainsKey(receiver.Name))
                {
                    externals.Add(receiver.Name);
                    splices.Add((receiver.Start, method.End, $"{parameter ?? "knex"}.raw"));
                    needsParameter |= parameter is null;
                }
            }

            if (needsParameter)
            {
                var open = text.IndexOf('(', ((Node)function).Start);
                splices.Add((open + 1, open + 1, "knex"));
            }
        }

        // Remove `const db = require(...)` lines whose binding is no longer used.
        foreach (var name in externals)
        {
            var declaration = parsed.Program.Body.OfType<VariableDeclaration>().FirstOrDefault(d => d.Declarations.Count == 1 && d.Declarations[0].Id is Identifier { } id && id.Name == name);
            var uses = new List<Identifier>();
            CollectIdentifiers(parsed.Program, name, uses);
            var remaining = uses.Count - splices.Count(s => text[s.Start..s.End].StartsWith(name + ".", StringComparison.Ordinal));
            if (declaration is not null && remaining == 1)
            {
                var end = declaration.End;
                while (end < text.Length && text[end] is '\n' or '\r')
                {
                    end++;
                }

                splices.Add((declaration.Start, end, string.Empty));
            }
        }

        var result = new StringBuilder(text);
        foreach (var (start, end, replacement) in splices.OrderByDescending(s => s.Start))
        {
            result.Remove(start, end - start).Insert(start, replacement);
        }

        return (result.ToString(), null);
    }

    private static void CollectIdentifiers(Node node, string name, List<Identifier> found)
    {
        if (node is Identifier id && id.Name == name)
        {
            found.Add(id);
        }

        foreach (var child in node.ChildNodes)
        {
            CollectIdentifiers(child, name, found);
        }
    }

    private static void Collect(Node node, List<CallExpression> calls)
    {
        if (node is CallExpression call)
        {
            calls.Add(call);
        }

        foreach (var child in node.ChildNodes)
        {
            Collect(child, calls);
        }
    }

    /// <summary>Downs derived from what each up built, replayed statically: drop what it created, in reverse; otherwise an explicit irreversible error.</summary>
    private static Dictionary<string, string> DerivedDowns(AuditResult audit, HashSet<string> paths)
    {
        var downs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (paths.Count == 0)
        {
            return downs;
        }

        var root = audit.Input.Project.Root;
        var replayer = SchemaReplayer.For(audit.Input.Project, new ParsedModuleCache());
        foreach (var migration in audit.Input.Migrations)
        {
            var before = replayer.Current;
            var step = replayer.Step(new SchemaReplayer.Input(migration.Name, Path.Combine(root, migration.Path)));
            if (paths.Contains(migration.Path) && migration.Module.ParseProblem is null)
            {
                downs[migration.Path] = DownFor(migration.Name, before, replayer.Current, step);
            }
        }

        return downs;
    }

    private static string DownFor(string name, SchemaModel before, SchemaModel after, MigrationReplay step)
    {
        var irreversible = $"  throw new Error({Quoting.JsString($"Irreversible migration: {name} cannot be rolled back automatically (migaudit could not derive a safe down)")});\n";
        if (!step.Up.Complete || step.Up.Total == 0)
        {
            return irreversible;
        }

        var statements = new List<string>();
        var created = after.Tables.Values.Where(t => before.Table(t.Name) is null).OrderByDescending(t => t.Origin.Line).ToList();
        foreach (var table in after.Tables.Values.Where(t => before.Table(t.Name) is { } old && !ReferenceEquals(old, t)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var old = before.Table(table.Name)!;
            if (old.Columns.Any(c => table.Column(c.Name) is not { } now || !SqlTypes.Same(now.Type, c.Type) || now.Nullable != c.Nullable || now.Default != c.Default) ||
                old.Indexes.Any(i => table.Indexes.All(n => n.Name != i.Name)) || old.ForeignKeys.Any(f => table.ForeignKeys.All(n => n.Name != f.Name)))
            {
                return irreversible;
            }

            foreach (var fk in table.ForeignKeys.Where(f => old.ForeignKeys.All(o => o.Name != f.Name)).Reverse())
            {
                statements.Add($"  await knex.raw({Quoting.JsString($"ALTER TABLE {Quoting.SqlIdentifier(table.Name)} DROP CONSTRAINT IF EXISTS {Quoting.SqlIdentifier(fk.Name)}")});");
            }

            foreach (var index in table.Indexes.Where(i => old.Indexes.All(o => o.Name != i.Name)).Reverse())
            {
                if (index.Unique)
                {
                    statements.Add($"  await knex.raw({Quoting.JsString($"ALTER TABLE {Quoting.SqlIdentifier(table.Name)} DROP CONSTRAINT IF EXISTS {Quoting.SqlIdentifier(index.Name)}")});");
                }

                statements.Add($"  await knex.raw({Quoting.JsString($"DROP INDEX IF EXISTS {Quoting.SqlIdentifier(index.Name)}")});");
            }

            var columns = table.Columns.Where(c => old.Column(c.Name) is null).Select(c => Quoting.JsString(c.Name)).Reverse().ToList();
            if (columns.Count > 0)
            {
                statements.Add($"  await knex.schema.alterTable({Quoting.JsString(table.Name)}, (table) => {{\n    table.dropColumns({string.Join(", ", columns)});\n  }});");
            }
        }

        if (before.Tables.Keys.Any(t => after.Table(t) is null))
        {
            return irreversible;
        }

        statements.AddRange(created.Select(t => $"  await knex.schema.dropTableIfExists({Quoting.JsString(t.Name)});"));
        return statements.Count == 0 ? irreversible : string.Join("\n", statements) + "\n";
    }
}
