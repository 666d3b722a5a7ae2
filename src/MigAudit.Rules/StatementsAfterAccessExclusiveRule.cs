using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A migration that takes ACCESS EXCLUSIVE on a live table and then writes rows (a backfill: knex('t').update(...),
/// UPDATE ...) in the same transaction: PostgreSQL keeps the lock until the transaction commits, so every read and
/// write of the table waits for the whole backfill, not just the ALTER.
/// </summary>
public sealed class StatementsAfterAccessExclusiveRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "statements-after-access-exclusive",
        Title: "Row writes while holding an ACCESS EXCLUSIVE lock",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A migration locks a live table with ACCESS EXCLUSIVE, then writes rows in the same transaction: the table stays locked for the whole backfill.",
        Impact: "Every read and write of the locked table waits until the backfill and the migration's transaction end.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        if (input.Project.Settings.DisableTransactions)
        {
            yield break;
        }

        var migrations = input.Migrations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        foreach (var replay in input.Schema.Migrations)
        {
            if (!migrations.TryGetValue(replay.Migration, out var migration) || migration.Module.DisablesTransaction)
            {
                continue;
            }

            // The first ACCESS EXCLUSIVE on a live table, then the first row write after it (replay order).
            var locked = replay.Operations.Select((o, i) => (Operation: o, Index: i))
                .FirstOrDefault(x => x.Operation is { TableExistedBefore: true, Mode: "ACCESS EXCLUSIVE", Kind: not LockOperationKind.DropTable });
            if (locked.Operation is null)
            {
                continue;
            }

            var write = replay.Operations.Skip(locked.Index + 1).FirstOrDefault(o => o.Kind == LockOperationKind.DataChange);
            if (write is null)
            {
                continue;
            }

            var table = locked.Operation.Table;
            yield return Found(
                $"{migration.Name} takes an ACCESS EXCLUSIVE lock on {table} ({LockEffects.Describe(locked.Operation)}, line {locked.Operation.Line}), then writes rows of {write.Table} ({write.Name}, line {write.Line}) in the same transaction: PostgreSQL keeps the lock until the transaction commits, so every read and write of {table} waits for the whole row write, however many rows it touches. {LockOperations.LockHeld(migration, input)}{LockOperations.Shipped(migration)}",
                file: migration.Path,
                line: write.Line,
                severity: LockOperations.SeverityFor(migration),
                key: $"{table}/{write.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                action: $"Move the row writes to a migration of their own with exports.config = {{ transaction: false }} (in batches), or to a script run after the deploy, so that the lock on {table} ends with the schema change");
        }
    }
}
