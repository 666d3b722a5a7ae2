using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class UntrackedMigrationRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "untracked-migration",
        Title: "Untracked migrations",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A migration is on disk but not committed: a deploy built from git will not contain it.",
        Impact: "A deploy from git does not contain them; databases migrated from this working tree do.")
    {
        EffortBaseMinutes = 5,
        EffortPerFindingMinutes = 3,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // Under audit --staged the commit being made adds what the index holds: a staged migration will be in git.
        foreach (var migration in input.Migrations.Where(m => m.Git.State == TrackingState.Untracked && !(input.StagedCommitted && m.Git.Staged)))
        {
            var staged = migration.Git.Staged ? " (staged)" : string.Empty;
            yield return Found(
                $"{migration.Name} is not committed{staged}: a deploy built from git runs without it, while a database migrated from this working tree has it — the two drift apart.",
                headline: migration.Name + staged,
                file: migration.Path,
                action: $"Commit {migration.Name} (after review) or remove it",
                changes: [new FileChange(migration.Path, "COMMIT")]);
        }
    }
}
