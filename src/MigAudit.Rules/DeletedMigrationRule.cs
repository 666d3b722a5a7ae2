using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class DeletedMigrationRule : Rule
{
    public override string Id => "deleted-migration";
    public override string Title => "Deleted migrations";
    public override Severity Severity => Severity.High;
    public override bool Blocking => true;
    public override string Summary => "A migration that was committed is gone from the migration directory.";
    public override string Impact => "Databases that applied them refuse to migrate (\"The migration directory is corrupt\"), unless disableMigrationsListValidation is on; either way their tables stay behind with no migration that can roll them back.";
    public override int EffortBaseMinutes => 60;
    public override int EffortPerFindingMinutes => 5;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var validationOff = input.Project.Settings.DisableMigrationsListValidation;
        foreach (var deleted in input.Deleted)
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

            var where = deleted.DeletedIn == "working-tree"
                ? "deleted in the working tree (still in HEAD)"
                : $"deleted by commit {Text.Commit(deleted.DeletionCommit)}";
            var lastSeen = deleted.LastCommitWithFile is null ? string.Empty : $"; last committed in {Text.Commit(deleted.LastCommitWithFile)}";
            var consequence = validationOff
                ? "disableMigrationsListValidation is on, so Knex will not stop, but the tables it created stay behind with no migration that owns them and its batch can no longer be rolled back"
                : $"every database that applied it fails 'knex migrate:latest' with \"The migration directory is corrupt, the following files are missing: {deleted.Name}\"{FormerNamesText(deleted)}, and the tables it created have no migration that can drop them";
            var restore = deleted.DeletedIn == "working-tree"
                ? $"git checkout HEAD -- {deleted.Path}"
                : $"git checkout {deleted.DeletionCommit?.ShortId}^ -- {deleted.Path}";
            var (released, shipped) = Text.Releases(deleted.Releases);
            var (repair, repaired) = input.RepairOf([.. deleted.AllNames]);
            yield return Found(
                $"{deleted.Name} was {where}{lastSeen}: {consequence}. {char.ToUpperInvariant(released[0])}{released[1..]}.{repair}",
                headline: $"{deleted.Name} — {(deleted.DeletedIn == "working-tree" ? "deleted in the working tree" : "deleted by " + Text.Commit(deleted.DeletionCommit))}",
                file: deleted.Path,
                action: $"Restore it ({restore}) or document it and remove its row{(deleted.FormerNames.Count > 0 ? $" (named {string.Join(" or ", deleted.AllNames)})" : string.Empty)} from {input.Project.Settings.TableName} on every database that applied it",
                changes: [new FileChange("docs/deleted-migrations.md", "DOCUMENT deleted migrations", FileChangeGroup.Documentation)],
                severity: validationOff || !shipped || repaired ? Severity.Medium : null,
                blocking: validationOff || !shipped || repaired ? false : null);
        }
    }

    /// <summary>A migration renamed before it was deleted: databases that applied it before the rename recorded the older name.</summary>
    private static string FormerNamesText(DeletedMigration deleted) => deleted.FormerNames.Count == 0
        ? string.Empty
        : $" (or, on databases that applied it before it was renamed, {string.Join(" or ", deleted.FormerNames)}: its earlier name{(deleted.FormerNames.Count == 1 ? string.Empty : "s")})";
}
