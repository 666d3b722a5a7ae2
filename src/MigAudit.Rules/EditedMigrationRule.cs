using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class EditedMigrationRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "edited-migration",
        Title: "Migrations edited after commit",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A committed migration was changed later; databases that already applied it never see the change.",
        Impact: "Databases that applied the first version never get the edit: environments diverge silently.")
    {
        EffortPerFindingMinutes = 20,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var migration in input.Migrations)
        {
            var git = migration.Git;
            if (git.State != TrackingState.Committed || (git.EditedIn.Count == 0 && !git.ModifiedInWorkingTree))
            {
                continue;
            }

            // Production's list decides it: a migration production has not run yet runs in its current version there.
            if (input.Applied is { } applied && !applied.Contains(migration.Name))
            {
                continue;
            }

            // The same statements as the version Knex ran before (reformatted, renamed functions, aliases), or the same
            // schema: no database diverges.
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

            // What the committed edits did, from the first version to the file now (the replay of each on its own).
            var edit = input.Edits.GetValueOrDefault(migration.Path);
            if (edit is { OnlyDown: true } && !git.ModifiedInWorkingTree)
            {
                yield return Found(
                    $"{migration.Name} {string.Join(" and ", edits)}. Its up builds the same schema as the first version, so databases agree; only the down changed, which is what a rollback does: {edit.Detail}.{Text.EarlierVersions(git.EarlierVersionReleases)}",
                    headline: $"{migration.Name} — down edited in {Text.Commit(git.EditedIn[^1])}",
                    file: migration.Path,
                    line: 1,
                    action: $"Check that the new down of {migration.Name} undoes what its up does",
                    severity: Severity.Low);
                continue;
            }

            if (edit is { GuardsOnly: true } && !git.ModifiedInWorkingTree)
            {
                // A guard added to a migration (an early return before an empty insert, hasTable, IF NOT EXISTS) is what
                // keeps it from failing where the first version did; on databases that applied the first version it never
                // runs again. Reverting it would bring the failure back.
                var outcome = edit.Kind == EditKind.Unknown ? $"whether it changes the schema is unknown: {edit.Detail}" : $"the replay differs: {edit.Detail}";
                yield return Found(
                    $"{migration.Name} {string.Join(" and ", edits)}. The edit only adds guards (an early return, a hasTable/hasColumn check, IF NOT EXISTS or a Knex ...IfExists/IfNotExists call) to the first version: it is a fix, not something to revert; {outcome}.{Text.EarlierVersions(git.EarlierVersionReleases)}",
                    headline: $"{migration.Name} — guard added in {Text.Commit(git.EditedIn[^1])}",
                    file: migration.Path,
                    line: 1,
                    action: $"Keep the guard in {migration.Name}; check that what it skips is not needed on a fresh database",
                    severity: Severity.Low);
                continue;
            }

            var effect = edit is not null ? edit.Kind switch
            {
                EditKind.SchemaChanging => $" The edit changes the schema Knex builds: {edit.Detail}.",
                EditKind.Unknown => $" Whether the edit changes the schema is unknown: {edit.Detail}.",
                EditKind.SameSchema when git.ModifiedInWorkingTree => " The committed edits build the same schema; the uncommitted change is not compared.",
                _ => string.Empty,
            } : string.Empty;
            yield return Found(
                $"{migration.Name} {string.Join(" and ", edits)}. Knex never runs an applied migration again, so databases that applied an earlier version keep the old schema while new databases get the new one.{effect}{Text.EarlierVersions(git.EarlierVersionReleases)}",
                headline: $"{migration.Name} — {(git.EditedIn.Count > 0 ? "edited in " + Text.Commit(git.EditedIn[^1]) : "uncommitted changes")}",
                file: migration.Path,
                line: 1,
                action: $"Revert the edit to {migration.Name} and put the change in a new migration (knex migrate:make), unless no database has applied it yet");
        }
    }
}
