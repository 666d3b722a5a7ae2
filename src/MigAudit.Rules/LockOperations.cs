using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>The replayed DDL statements of the migrations, on tables that existed before each one.</summary>
internal static class LockOperations
{
    /// <summary>A migration a release already shipped has taken its lock wherever that release runs: low, and said so.</summary>
    public static Severity? SeverityFor(Migration migration) => migration.Git.ShippedInRelease is null ? null : Severity.Low;

    public static string Shipped(Migration migration) => migration.Git.ShippedInRelease is { } tag
        ? $" It shipped in release {tag}: wherever that release is deployed it has already run, so the lock matters only for databases that have not applied it yet."
        : string.Empty;

    public static IEnumerable<(Migration Migration, LockOperation Operation)> OnExistingTables(AuditInput input, Func<LockOperation, bool> match)
    {
        var migrations = input.Migrations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var replay in input.Schema.Migrations)
        {
            if (!migrations.TryGetValue(replay.Migration, out var migration))
            {
                continue;
            }

            // A table the migration creates itself is empty and unseen by the application: nothing waits on it.
            foreach (var operation in replay.Operations.Where(o => o.TableExistedBefore == true && match(o)))
            {
                yield return (migration, operation);
            }
        }
    }
}
