using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class LateMigrationRule : Rule
{
    public override string Id => "late-migration";
    public override string Title => "Late migrations (run out of order)";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override string Summary => "A migration arrived after one that sorts later was already committed; databases that applied the later one run it out of order.";
    public override string Impact => "On existing databases it runs after migrations it was meant to precede.";
    public override int EffortPerFindingMinutes => 15;

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var migration in input.Migrations)
        {
            if (migration.Git.Late is not { } late)
            {
                continue;
            }

            var arrived = migration.Git.State == TrackingState.Committed
                ? $"was committed in {Text.Commit(migration.Git.Added)}"
                : "is not committed yet";
            yield return Found(
                $"{migration.Name} {arrived}, after {late.LaterMigration} (which sorts after it) was committed in {Text.Commit(late.LaterCommit)}. On databases that already applied {late.LaterMigration}, Knex runs {migration.Name} in the next batch — after it, not before as the names suggest.",
                headline: $"{migration.Name} — after {late.LaterMigration}",
                file: migration.Path,
                line: 1,
                action: migration.Git.State == TrackingState.Committed
                    ? $"Check that {migration.Name} does not depend on running before {late.LaterMigration}"
                    : $"Give {migration.Name} a timestamp after {late.LaterMigration} before committing it",
                related: [late.LaterMigration]);
        }
    }
}
