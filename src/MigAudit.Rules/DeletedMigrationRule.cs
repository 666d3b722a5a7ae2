using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class DeletedMigrationRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "deleted-migration",
        Title: "Deleted migrations",
        Severity: Severity.High,
        Blocking: true,
        Summary: "A migration that was committed is gone from the migration directory.",
        Impact: "Databases that applied them refuse to migrate (\"The migration directory is corrupt\"), unless disableMigrationsListValidation is on; either way their tables stay behind with no migration that can roll them back.")
    {
        EffortBaseMinutes = 60,
        EffortPerFindingMinutes = 5,
    };


    /// <summary>A commit that deletes at least this many migrations and adds one that is still there is a squash.</summary>
    public const int SquashMinimum = 5;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var validationOff = input.Project.Settings.DisableMigrationsListValidation;
        var squashes = Squashes(input);
        foreach (var squash in squashes)
        {
            if (Squashed(input, squash, validationOff) is { } finding)
            {
                yield return finding;
            }
        }

        var squashed = squashes.SelectMany(s => s.Deleted).ToHashSet();
        foreach (var deleted in input.Deleted.Where(d => !squashed.Contains(d)))
        {
            if (input.IsDocumented(deleted.Name))
            {
                yield return Found(
                    $"{deleted.Name} is deleted and documented in docs/deleted-migrations.md: databases that applied it still refuse to migrate until the rollback script (or your own cleanup) has removed its row.",
                    headline: $"{deleted.Name} — documented",
                    file: deleted.Path,
                    action: "Run the reviewed deleted-migrations-rollback.sql on every database that applied it",
                    severity: Severity.Low,
                    blocking: false);
                continue;
            }

            var where = deleted.DeletedIn == "working-tree" ? "deleted in the working tree (still in HEAD)"
                : deleted.MovedTo is { } movedTo ? $"moved to {movedTo} by commit {Text.Commit(deleted.DeletionCommit)}, out of the migration directories Knex lists ({string.Join(", ", input.Project.Settings.Directories)}), so Knex no longer runs or finds it"
                : $"deleted by commit {Text.Commit(deleted.DeletionCommit)}";
            var lastSeen = deleted.LastCommitWithFile is null ? string.Empty : $"; last committed in {Text.Commit(deleted.LastCommitWithFile)}";
            var consequence = validationOff
                ? "disableMigrationsListValidation is on, so Knex will not stop, but the tables it created stay behind with no migration that owns them and its batch can no longer be rolled back"
                : $"every database that applied it fails 'knex migrate:latest' with \"The migration directory is corrupt, the following files are missing: {deleted.Name}\"{FormerNamesText(deleted)}, and the tables it created have no migration that can drop them";
            // A command for a person to paste: the path is the repository's, so it is shell-quoted.
            var restore = Quoting.ShellCommand("git", "checkout", deleted.DeletedIn == "working-tree" ? "HEAD" : $"{deleted.DeletionCommit?.ShortId}^", "--", deleted.Path);
            var reach = ProductionReach.Of(input, deleted.Releases, deleted.ReleasesSince, [.. deleted.AllNames], "deletion");
            if (reach.Drop)
            {
                continue;
            }

            var (repair, repaired) = input.RepairOf([.. deleted.AllNames]);
            var (severity, blocks) = reach.Rating(excused: validationOff || repaired);
            yield return reach.ApplyTo(Found(
                $"{deleted.Name} was {where}{lastSeen}: {consequence}. {char.ToUpperInvariant(reach.Text[0])}{reach.Text[1..]}.{repair}",
                headline: $"{deleted.Name} — {(deleted.DeletedIn == "working-tree" ? "deleted in the working tree" : "deleted by " + Text.Commit(deleted.DeletionCommit))}",
                file: deleted.Path,
                action: $"Restore it ({restore}) or document it and remove its row{(deleted.FormerNames.Count > 0 ? $" (named {string.Join(" or ", deleted.AllNames)})" : string.Empty)} from {input.Project.Settings.TableName} on every database that applied it",
                changes: [new FileChange("docs/deleted-migrations.md", "DOCUMENT deleted migrations", FileChangeGroup.Documentation)],
                severity: severity,
                blocking: blocks));
        }
    }

    private sealed record Squash(CommitRef Commit, IReadOnlyList<DeletedMigration> Deleted, IReadOnlyList<Migration> Baselines);

    /// <summary>
    /// One commit that deletes many migrations and adds the baseline that replaces them: the deletions are one event
    /// with one upgrade path, not one finding each.
    /// </summary>
    private static List<Squash> Squashes(AuditInput input)
    {
        var squashes = new List<Squash>();
        // Looked up once by the commit that added them: a scan of every migration per deleting commit was quadratic.
        var addedBy = input.Migrations.Where(m => m.Git.Added is not null).ToLookup(m => m.Git.Added!.Id, StringComparer.Ordinal);
        foreach (var group in input.Deleted.Where(d => d.DeletionCommit is not null && !input.IsDocumented(d.Name)).GroupBy(d => d.DeletionCommit!.Id))
        {
            var deleted = group.ToList();
            var baselines = addedBy[group.Key].ToList();
            if (deleted.Count >= SquashMinimum && baselines.Count > 0)
            {
                squashes.Add(new Squash(deleted[0].DeletionCommit!, deleted, baselines));
            }
        }

        return squashes;
    }

    private Finding? Squashed(AuditInput input, Squash squash, bool validationOff)
    {
        var table = Quoting.SqlQualified(input.Project.Settings.SchemaName, input.Project.Settings.TableName);
        var names = squash.Deleted.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var baselines = string.Join(", ", squash.Baselines.Select(m => m.Name));
        var allNames = names.SelectMany(d => d.AllNames).ToList();
        var heldIn = names.Any(d => d.Releases is null) ? null : names.SelectMany(d => d.Releases!).Distinct().ToList();
        var shippedNames = names.Where(d => d.Releases is { Count: > 0 }).ToList();
        var reach = ProductionReach.Of(input, heldIn, names[0].ReleasesSince, allNames, "squash", heldIn switch
        {
            null => null,
            [] => "none of them was in a release: only databases built from the mainline before the squash (such as staging) have them",
            _ => $"{shippedNames.Count} of them shipped (releases {heldIn[0]} to {heldIn[^1]})",
        });
        if (reach.Drop)
        {
            return null;
        }

        var (repair, repaired) = input.RepairOf(allNames);
        var consequence = validationOff
            ? $"disableMigrationsListValidation is on, so Knex does not stop, but it runs {baselines} on a database that already has the schema {(squash.Baselines.Count == 1 ? "it builds" : "they build")}"
            : $"every database on the old chain fails 'knex migrate:latest' with \"The migration directory is corrupt, the following files are missing: {names[0].Name}, ...\"";
        var last = names[^1].Name;
        var (severity, blocks) = reach.Rating(excused: validationOff || repaired);
        return reach.ApplyTo(Found(
            $"Squashed in commit {Text.Commit(squash.Commit)}: {names.Count} migrations ({names[0].Name} … {last}) replaced by {baselines}: {consequence}; {reach.Text}.{repair} Upgrade path for a database on the old chain: first bring it to the end of the old chain (check out {squash.Commit.ShortId}^ and run 'knex migrate:latest'), then in one transaction delete the {names.Count} old rows from {input.Project.Settings.TableName} and insert a row for {baselines}, whose schema that database already has.",
            headline: $"squash — {names.Count} migrations replaced by {baselines} in {Text.Commit(squash.Commit)}",
            file: squash.Baselines[0].Path,
            key: "squash:" + squash.Commit.Id,
            related: [.. names.Select(d => d.Name)],
            action: $"On every database on the old chain, after 'knex migrate:latest' at {squash.Commit.ShortId}^: DELETE FROM {table} WHERE name IN ({string.Join(", ", allNames.Select(Quoting.SqlLiteral))}); then INSERT INTO {table} (name, batch, migration_time) a row for each of {baselines}",
            changes: [new FileChange("docs/deleted-migrations.md", "DOCUMENT the squash and its upgrade path", FileChangeGroup.Documentation)],
            severity: severity,
            blocking: blocks));
    }

    /// <summary>A migration renamed before it was deleted: databases that applied it before the rename recorded the older name.</summary>
    private static string FormerNamesText(DeletedMigration deleted) => deleted.FormerNames.Count == 0
        ? string.Empty
        : $" (or, on databases that applied it before it was renamed, {string.Join(" or ", deleted.FormerNames)}: its earlier name{(deleted.FormerNames.Count == 1 ? string.Empty : "s")})";
}
