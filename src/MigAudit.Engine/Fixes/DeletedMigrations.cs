using System.Text;
using MigAudit.Core;
using MigAudit.Git;
using MigAudit.IO;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Schema;

namespace MigAudit.Engine.Fixes;

/// <summary>
/// Documents deleted and renamed migrations: each one's last committed version is recovered from git history and
/// replayed to learn what it created; the rollback script drops only tables no active migration creates and
/// removes the rows Knex would miss. The script is written, never run.
/// </summary>
public static class DeletedMigrations
{
    public const string DocumentPath = "docs/deleted-migrations.md";
    public const string RollbackPath = "deleted-migrations-rollback.sql";

    /// <summary>A deleted migration's tables, and for each one it will not drop, why.</summary>
    public sealed record Recovered(DeletedMigration Migration, IReadOnlyList<string> Tables, IReadOnlyDictionary<string, string> Kept, string? Problem)
    {
        public IEnumerable<string> Droppable => Problem is null ? Tables.Where(t => !Kept.ContainsKey(t)) : [];

        /// <summary>Tables an active migration still creates: the ones the document lists as "still created".</summary>
        public IReadOnlyList<string> StillCreatedByActive { get; init; } = [];
    }

    private static readonly HashSet<string> RecoverableExtensions = new(StringComparer.Ordinal) { ".js", ".cjs", ".mjs", ".ts", ".cts", ".mts" };

    public static IReadOnlyList<Recovered> Recover(AuditResult audit)
    {
        var root = audit.Input.Project.Root;
        var active = audit.Input.Schema.Schema;
        var used = ActiveUse(audit.Input.Schema);
        var top = audit.Input.Git.TopLevel ?? root;
        var recovered = new List<Recovered>();
        var scratch = Path.Combine(Path.GetTempPath(), "migaudit-recover-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(scratch);
        try
        {
            foreach (var deleted in audit.Input.Deleted)
            {
                var show = GitRunner.Run(root, "show", GitObjects.LastVersion(deleted, root, top));
                if (!show.Ok)
                {
                    recovered.Add(new Recovered(deleted, [], new Dictionary<string, string>(), "its last version could not be read from git history"));
                    continue;
                }

                // The recovered text goes under a fixed name: the deleted file's own name is repository data.
                var extension = MigrationNames.Extension(deleted.Name);
                var file = Path.Combine(scratch, "recovered" + (RecoverableExtensions.Contains(extension) ? extension : ".js"));
                File.WriteAllText(file, show.Stdout);
                var replay = SchemaReplayer.Replay(scratch, [new SchemaReplayer.Input(deleted.Name, file)], new ParsedModuleCache());
                File.Delete(file);
                var tables = replay.Schema.Tables.Keys.Order(StringComparer.Ordinal).ToList();
                var step = replay.Migrations[0];
                var kept = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var table in tables)
                {
                    if (step.SchemaQualified)
                    {
                        // A key "a.b" is table b of schema a, or a table literally named "a.b": the script drops only
                        // unambiguous names in the default schema, and leaves these to a person who can check.
                        kept[table] = "the migration names a schema (withSchema or a qualified name); the script drops tables of the default schema only";
                    }
                    else if (used.TryGetValue(table, out var why))
                    {
                        kept[table] = why;
                    }
                    else if (NamedInGap(audit.Input.Schema, table) is { } unread)
                    {
                        kept[table] = $"{unread} names it in a statement migaudit could not follow";
                    }
                }

                recovered.Add(new Recovered(deleted, tables, kept, step.Up.Complete ? null : $"only {step.Up.Understood} of {step.Up.Total} statements understood")
                {
                    StillCreatedByActive = tables.Where(t => active.Table(t) is not null).ToList(),
                });
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return recovered;
    }

    /// <summary>
    /// Tables the active chain still needs, with the first migration that does: one it creates, alters, drops, renames or
    /// references in a foreign key, or names in a statement the replay could not follow. Dropping any of them would
    /// break a database built by the active migrations.
    /// </summary>
    private static Dictionary<string, string> ActiveUse(SchemaReplay replay)
    {
        var used = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in replay.Schema.Tables.Values.Where(t => t.Partial?.Reason != SchemaState.ExternalReason))
        {
            used.TryAdd(table.Name, $"an active migration creates it ({table.Origin.Migration})");
        }

        foreach (var step in replay.Migrations)
        {
            foreach (var table in step.TablesNamed)
            {
                used.TryAdd(table, $"an active migration uses it ({step.Migration})");
            }
        }

        foreach (var fk in replay.Schema.Tables.Values.SelectMany(t => t.ForeignKeys))
        {
            used.TryAdd(fk.ReferencesTable, $"an active foreign key references it ({fk.Origin.Migration})");
        }

        return used;
    }

    /// <summary>A table named in code the replay could not follow: only such code can still use it unseen.</summary>
    private static string? NamedInGap(SchemaReplay replay, string table) =>
        replay.Migrations.FirstOrDefault(m => m.Up.Gaps.Any(g => g.Code.Contains(table, StringComparison.OrdinalIgnoreCase)))?.Migration;

    /// <summary>The first line of every file migaudit writes; a file without it is the user's, and is not overwritten.</summary>
    public const string GeneratedMarker = "migaudit:generated";

    /// <summary>Whether an existing file was written by migaudit (this version's marker, or an older version's opening words).</summary>
    public static bool WrittenByMigaudit(string text) =>
        text.Contains(GeneratedMarker, StringComparison.Ordinal) ||
        text.StartsWith("# Deleted and renamed migrations\n\nWritten by `migaudit fix`", StringComparison.Ordinal) ||
        text.StartsWith("-- Written by migaudit fix;", StringComparison.Ordinal);

    /// <param name="renames">Renames git records plus the ones this fix is about to make.</param>
    public static string Document(AuditResult audit, IReadOnlyList<Recovered> recovered, IReadOnlyList<RenamedMigration> renames)
    {
        var table = audit.Input.Project.Settings.TableName;
        var text = new StringBuilder($"<!-- {GeneratedMarker}: written by `migaudit fix`, which rewrites it; notes of your own belong in another file. -->\n");
        text.Append("# Deleted and renamed migrations\n\n");
        text.Append($"Knex refuses to migrate a database whose {MarkdownText.Code(table)} lists a migration file that no longer exists ");
        text.Append("(\"The migration directory is corrupt, the following files are missing: ...\"). For each such migration: when it was last committed, ");
        text.Append("what it created (its last version recovered from git history and replayed), and whether an active migration still creates it. ");
        text.Append($"`{RollbackPath}` cleans up a database that applied them; review it and run it yourself.\n\n");
        text.Append("| migration | deleted | last committed | created | still created by an active migration |\n| --- | --- | --- | --- | --- |\n");
        foreach (var item in recovered)
        {
            var d = item.Migration;
            var deleted = d.DeletedIn == "working-tree" ? "working tree" : $"{d.DeletionCommit?.ShortId} ({Cell(d.DeletionCommit?.Author ?? "?")}, {d.DeletionCommit?.Date:yyyy-MM-dd})";
            var last = d.LastCommitWithFile is null ? "?" : $"{d.LastCommitWithFile.ShortId} ({Cell(d.LastCommitWithFile.Author)}, {d.LastCommitWithFile.Date:yyyy-MM-dd})";
            var created = item.Problem is not null ? $"? ({item.Problem})" : item.Tables.Count == 0 ? "no tables" : string.Join(", ", item.Tables.Select(Cell));
            text.Append($"| {Code(d.Name)} | {deleted} | {last} | {created} | {(item.StillCreatedByActive.Count == 0 ? "no" : string.Join(", ", item.StillCreatedByActive.Select(Cell)))} |\n");
        }

        if (renames.Count > 0)
        {
            text.Append("\n## Renamed\n\n| old name | new name | renamed in |\n| --- | --- | --- |\n");
            foreach (var rename in renames)
            {
                var when = rename.RenamedIn switch
                {
                    "working-tree" => "working tree",
                    PlannedRename => "migaudit fix (duplicate-version)",
                    _ => rename.Commit?.ShortId,
                };
                text.Append($"| {Code(rename.OldName)} | {Code(rename.NewName)} | {when} |\n");
            }
        }

        text.Append("\nRestore a deleted file with `migaudit restore <name>` instead, if it should come back.\n");
        return text.ToString();
    }

    /// <summary>The <see cref="RenamedMigration.RenamedIn"/> of a rename that 'migaudit fix' itself is about to make.</summary>
    public const string PlannedRename = "migaudit-fix";

    /// <summary>
    /// The cleanup for databases that applied deleted or renamed migrations. Every name is quoted as an identifier or a
    /// literal (never spliced in raw), a table is dropped only when nothing active needs it, and the whole script is one
    /// transaction that gives up rather than wait for a lock behind live traffic.
    /// </summary>
    public static string RollbackScript(AuditResult audit, IReadOnlyList<Recovered> recovered, IReadOnlyList<RenamedMigration> renames)
    {
        var settings = audit.Input.Project.Settings;
        var migrations = Quoting.SqlQualified(settings.SchemaName, settings.TableName);
        var drops = recovered.SelectMany(r => r.Droppable.Select(t => (Table: t, r.Migration.Name))).DistinctBy(x => x.Table).ToList();
        var names = recovered.SelectMany(r => r.Migration.AllNames).Distinct(StringComparer.Ordinal).ToList();
        var text = new StringBuilder($"-- {GeneratedMarker}: written by 'migaudit fix', never run by migaudit. Review it, then run it yourself on each\n");
        text.Append("-- database that applied the migrations listed in " + DocumentPath + ":\n");
        text.Append("--   psql -v ON_ERROR_STOP=1 -f " + RollbackPath + "\n");
        text.Append("-- What it does, in one transaction (all or nothing):\n");
        text.Append($"--   1. drops {drops.Count} table(s) that only deleted migrations created; never one an active migration creates,\n");
        text.Append("--      alters or references, and never with CASCADE (a table something still references makes the script fail);\n");
        text.Append($"--   2. deletes the rows of {names.Count} deleted migration(s) from {Quoting.CommentText(migrations)}, so Knex stops reporting missing files;\n");
        text.Append($"--   3. renames the rows of {renames.Count} renamed migration(s) to their new file names.\n");
        text.Append("-- lock_timeout makes it fail after 5 s instead of queueing behind (and blocking) live queries; run it again later.\n");
        text.Append("BEGIN;\nSET LOCAL lock_timeout = '5s';\n\n");
        foreach (var (name, migration) in drops)
        {
            text.Append($"DROP TABLE IF EXISTS {Quoting.SqlIdentifier(name)}; -- created by {Quoting.CommentText(migration)}\n");
        }

        foreach (var item in recovered)
        {
            if (item.Problem is not null)
            {
                text.Append($"-- not dropped: the tables of {Quoting.CommentText(item.Migration.Name)} ({Quoting.CommentText(item.Problem)})\n");
            }

            foreach (var (table, why) in item.Kept.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                text.Append($"-- not dropped: {Quoting.CommentText(table)}: {Quoting.CommentText(why)}\n");
            }
        }

        if (names.Count > 0)
        {
            text.Append($"\nDELETE FROM {migrations} WHERE name IN (\n  {string.Join(",\n  ", names.Select(Quoting.SqlLiteral))}\n);\n");
        }

        foreach (var rename in renames)
        {
            // Guarded: a database that already ran the new name keeps its own row, and the old one is removed. A name
            // renamed more than once may be recorded under any of its earlier names (a compiled deploy under the .js names).
            foreach (var earlier in rename.StaleNames)
            {
                var (oldName, newName) = (Quoting.SqlLiteral(earlier), Quoting.SqlLiteral(rename.NewName));
                text.Append($"UPDATE {migrations} SET name = {newName} WHERE name = {oldName} AND NOT EXISTS (SELECT 1 FROM {migrations} WHERE name = {newName});\n");
                text.Append($"DELETE FROM {migrations} WHERE name = {oldName};\n");
            }
        }

        text.Append("\nCOMMIT;\n");
        return text.ToString();
    }

    /// <summary>Repository text (a table, an author) in the document: never Markdown or HTML, see <see cref="MarkdownText.Inline"/>.</summary>
    private static string Cell(string value) => MarkdownText.Inline(value);

    /// <summary>
    /// A migration name in a table cell. The audit reads documented names back from single-backtick code spans (in
    /// which HTML is not interpreted), so a name is written in one, unpadded, as <see cref="Quoting.Printable"/> shows it;
    /// a name with a backtick cannot be, and is written as escaped text.
    /// </summary>
    private static string Code(string value) => value.Contains('`', StringComparison.Ordinal)
        ? MarkdownText.Inline(value)
        : "`" + Quoting.Printable(value).Replace("|", "\\|", StringComparison.Ordinal) + "`";

    /// <summary>Brings a deleted migration back from the last version git has of it.</summary>
    public static string Restore(AuditResult audit, string name)
    {
        var deleted = audit.Input.Deleted.FirstOrDefault(d => d.Name == name)
                      ?? throw new ProjectException($"'{name}' is not a deleted migration (deleted: {string.Join(", ", audit.Input.Deleted.Select(d => d.Name).Take(5))}{(audit.Input.Deleted.Count > 5 ? ", ..." : string.Empty)})");
        var root = audit.Input.Project.Root;
        var revision = deleted.DeletedIn == "working-tree" ? "HEAD" : deleted.DeletionCommit!.Id + "^";
        var target = SafeWrite.Check(root, deleted.Path);
        if (File.Exists(target))
        {
            throw new ProjectException($"{deleted.Path} already exists");
        }

        var result = GitRunner.Run(root, "checkout", revision, "--", Path.GetRelativePath(root, target));
        if (!result.Ok)
        {
            throw new ProjectException($"git could not restore {deleted.Path}: {result.Stderr.Trim()}");
        }

        return $"restored {deleted.Path} from {(revision == "HEAD" ? "HEAD" : deleted.DeletionCommit!.ShortId + "^")}";
    }
}
