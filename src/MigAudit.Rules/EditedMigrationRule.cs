using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class EditedMigrationRule : Rule
{
    public override string Id => "edited-migration";
    public override string Title => "Migrations edited after commit";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "A committed migration was changed later; databases that already applied it never see the change.";
    public override string Impact => "Databases that applied the first version never get the edit: environments diverge silently.";
    public override int EffortPerFindingMinutes => 20;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var migration in input.Migrations)
        {
            var git = migration.Git;
            if (git.State != TrackingState.Committed || (git.EditedIn.Count == 0 && !git.ModifiedInWorkingTree))
            {
                continue;
            }

            // Reformatted only: the same code Knex ran before, so no database diverges.
            if (!git.ModifiedInWorkingTree && input.CosmeticEdits.Contains(migration.Path))
            {
                continue;
            }

            var edits = new List<string>();
            if (git.EditedIn.Count > 0)
            {
                edits.Add($"edited in {Text.Plural(git.EditedIn.Count, "commit")} after it was added in {Text.Commit(git.Added)} (last: {Text.Commit(git.EditedIn[^1])})");
            }

            if (git.ModifiedInWorkingTree)
            {
                edits.Add("has uncommitted changes");
            }

            yield return Found(
                $"{migration.Name} {string.Join(" and ", edits)}. Knex never runs an applied migration again, so databases that applied an earlier version keep the old schema while new databases get the new one.",
                headline: $"{migration.Name} — {(git.EditedIn.Count > 0 ? "edited in " + Text.Commit(git.EditedIn[^1]) : "uncommitted changes")}",
                file: migration.Path,
                line: 1,
                action: $"Revert the edit to {migration.Name} and put the change in a new migration (knex migrate:make), unless no database has applied it yet");
        }
    }
}
