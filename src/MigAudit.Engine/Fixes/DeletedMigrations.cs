using System.Text;
using MigAudit.Core;
using MigAudit.Git;
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

    public sealed record Recovered(DeletedMigration Migration, IReadOnlyList<string> Tables, IReadOnlyList<string> StillCreatedByActive, string? Problem);

    public static IReadOnlyList<Recovered> Recover(AuditResult audit)
    {
        var root = audit.Input.Project.Root;
        var active = audit.Input.Schema.Schema;
        var recovered = new List<Recovered>();
        var scratch = Path.Combine(Path.GetTempPath(), "migaudit-recover-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(scratch);
        try
        {
            foreach (var deleted in audit.Input.Deleted)
            {
                var revision = deleted.DeletedIn == "working-tree" ? "HEAD" : deleted.DeletionCommit?.Id + "^";
                var show = GitRunner.Run(root, "show", $"{revision}:{Path.GetRelativePath(GitTop(root), Path.Combine(root, deleted.Path)).Replace('\\', '/')}");
                if (!show.Ok)
                {
                    recovered.Add(new Recovered(deleted, [], [], "its last version could not be read from git history"));
                    continue;
                }

                var file = Path.Combine(scratch, deleted.Name);
                File.WriteAllText(file, show.Stdout);
                var replay = SchemaReplayer.Replay(scratch, [new SchemaReplayer.Input(deleted.Name, file)], new ParsedModuleCache());
                var tables = replay.Schema.Tables.Keys.Order(StringComparer.Ordinal).ToList();
                var stillCreated = tables.Where(t => active.Table(t) is not null).ToList();
                var step = replay.Migrations[0];
                recovered.Add(new Recovered(deleted, tables, stillCreated, step.Up.Complete ? null : $"only {step.Up.Understood} of {step.Up.Total} statements understood"));
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        return recovered;
    }

    private static string GitTop(string root)
    {
        var top = GitRunner.Run(root, "rev-parse", "--show-toplevel");
        return top.Ok ? top.Stdout.Trim() : root;
    }

    public static string Document(AuditResult audit, IReadOnlyList<Recovered> recovered)
    {
        var table = audit.Input.Project.Settings.TableName;
        var text = new StringBuilder("# Deleted and renamed migrations\n\n");
        text.Append($"Written by `migaudit fix`. Knex refuses to migrate a database whose `{table}` lists a migration file that no longer exists ");
        text.Append("(\"The migration directory is corrupt, the following files are missing: ...\"). For each such migration: when it was last committed, ");
        text.Append($"what it created (its last version recovered from git history and replayed), and whether an active migration still creates it. ");
        text.Append($"`{RollbackPath}` cleans up a database that applied them; review it and run it yourself.\n\n");
        text.Append("| migration | deleted | last committed | created | still created by an active migration |\n| --- | --- | --- | --- | --- |\n");
        foreach (var item in recovered)
        {
            var d = item.Migration;
            var deleted = d.DeletedIn == "working-tree" ? "working tree" : $"{d.DeletionCommit?.ShortId} ({d.DeletionCommit?.Author}, {d.DeletionCommit?.Date:yyyy-MM-dd})";
            var last = d.LastCommitWithFile is null ? "?" : $"{d.LastCommitWithFile.ShortId} ({d.LastCommitWithFile.Author}, {d.LastCommitWithFile.Date:yyyy-MM-dd})";
            var created = item.Problem is not null ? $"? ({item.Problem})" : item.Tables.Count == 0 ? "no tables" : string.Join(", ", item.Tables);
            text.Append($"| `{d.Name}` | {deleted} | {last} | {created} | {(item.StillCreatedByActive.Count == 0 ? "no" : string.Join(", ", item.StillCreatedByActive))} |\n");
        }

        if (audit.Input.Renamed.Count > 0)
        {
            text.Append("\n## Renamed\n\n| old name | new name | renamed in |\n| --- | --- | --- |\n");
            foreach (var rename in audit.Input.Renamed)
            {
                text.Append($"| `{rename.OldName}` | `{rename.NewName}` | {(rename.RenamedIn == "working-tree" ? "working tree" : rename.Commit?.ShortId)} |\n");
            }
        }

        text.Append($"\nRestore a deleted file with `migaudit restore <name>` instead, if it should come back.\n");
        return text.ToString();
    }

    public static string RollbackScript(AuditResult audit, IReadOnlyList<Recovered> recovered)
    {
        var table = audit.Input.Project.Settings.SchemaName is { } schema ? $"\"{schema}\".\"{audit.Input.Project.Settings.TableName}\"" : $"\"{audit.Input.Project.Settings.TableName}\"";
        var text = new StringBuilder("-- Written by migaudit fix; never run by migaudit. Review, then run on each database that applied these migrations.\n");
        text.Append("-- Tables are dropped only when no active migration creates them; migrations that could not be read are not dropped.\n");
        text.Append("BEGIN;\n\n");
        var drops = recovered.Where(r => r.Problem is null).SelectMany(r => r.Tables.Except(r.StillCreatedByActive).Select(t => (Table: t, r.Migration.Name))).DistinctBy(x => x.Table).ToList();
        foreach (var (name, migration) in drops)
        {
            text.Append($"DROP TABLE IF EXISTS \"{name}\"; -- created by {migration}\n");
        }

        var names = recovered.Select(r => r.Migration.Name).ToList();
        if (names.Count > 0)
        {
            text.Append($"\nDELETE FROM {table} WHERE name IN (\n  {string.Join(",\n  ", names.Select(n => $"'{n}'"))}\n);\n");
        }

        foreach (var rename in audit.Input.Renamed)
        {
            text.Append($"UPDATE {table} SET name = '{rename.NewName}' WHERE name = '{rename.OldName}';\n");
        }

        text.Append("\nCOMMIT;\n");
        return text.ToString();
    }

    /// <summary>Brings a deleted migration back from the last version git has of it.</summary>
    public static string Restore(AuditResult audit, string name)
    {
        var deleted = audit.Input.Deleted.FirstOrDefault(d => d.Name == name)
                      ?? throw new InvalidOperationException($"'{name}' is not a deleted migration (deleted: {string.Join(", ", audit.Input.Deleted.Select(d => d.Name).Take(5))}{(audit.Input.Deleted.Count > 5 ? ", ..." : string.Empty)})");
        var root = audit.Input.Project.Root;
        var revision = deleted.DeletedIn == "working-tree" ? "HEAD" : deleted.DeletionCommit!.Id + "^";
        var target = Path.Combine(root, deleted.Path);
        if (File.Exists(target))
        {
            throw new InvalidOperationException($"{deleted.Path} already exists");
        }

        var result = GitRunner.Run(root, "checkout", revision, "--", Path.GetRelativePath(root, target));
        if (!result.Ok)
        {
            throw new InvalidOperationException($"git could not restore {deleted.Path}: {result.Stderr.Trim()}");
        }

        return $"restored {deleted.Path} from {(revision == "HEAD" ? "HEAD" : deleted.DeletionCommit!.ShortId + "^")}";
    }
}
