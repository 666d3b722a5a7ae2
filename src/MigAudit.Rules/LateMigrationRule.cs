using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class LateMigrationRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "late-migration",
        Title: "Late migrations (run out of order)",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A migration arrived after one that sorts later was already committed; databases that applied the later one run it out of order.",
        Impact: "On existing databases it runs after migrations it was meant to precede.")
    {
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var migration in input.Migrations)
        {
            if (migration.Git.Late is not { } late)
            {
                continue;
            }

            // Production's list decides it: a late migration production already ran is history there, and one that
            // production has neither it nor the later one of runs in order.
            if (input.Applied is { } applied && (applied.Contains(migration.Name) || !applied.Contains(late.LaterMigration)))
            {
                continue;
            }

            var arrived = migration.Git.State != TrackingState.Committed ? "is not committed yet"
                : late.ArrivedAs is { } oldName ? $"was committed as {oldName} in {Text.Commit(migration.Git.Added)}"
                : $"was committed in {Text.Commit(migration.Git.Added)}";
            var sorted = late.ArrivedAs ?? migration.Name;

            // A late migration a release already holds has run wherever that release is deployed: the order it ran in
            // is history there, and a fresh database runs it in name order. What is left is a dependence between the
            // two, which is for a person to check, not a deploy risk.
            var shipped = input.Applied is null && migration.Git.ShippedInRelease is { } release
                ? $" It has shipped (release {release} holds it): wherever a release with it is deployed it has already run, so the order it ran in is history there, and a fresh database runs it in name order."
                : null;
            yield return Found(
                $"{migration.Name} {arrived}, {(migration.Git.State == TrackingState.Committed ? "and reached the mainline after" : "after")} {late.LaterMigration} (which sorts after {(late.ArrivedAs is null ? "it" : sorted)}) was committed in {Text.Commit(late.LaterCommit)}. On databases that already applied {late.LaterMigration}, Knex runs {sorted} in the next batch — after it, not before as the names suggest.{(input.Applied is { } list ? $" Production's migrations table ({list.Source}) holds {late.LaterMigration} and not {migration.Name}: its next batch runs it out of order." : Text.ShippedFirst(late.Releases, late.LaterMigration))}{shipped}",
                headline: $"{migration.Name} — after {late.LaterMigration}",
                file: migration.Path,
                line: 1,
                action: migration.Git.State == TrackingState.Committed
                    ? $"Check that {migration.Name} does not depend on running before {late.LaterMigration}"
                    : $"Give {migration.Name} a timestamp after {late.LaterMigration} before committing it",
                related: [late.LaterMigration],
                severity: shipped is null ? null : Severity.Low);
        }
    }
}
