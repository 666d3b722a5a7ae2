using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ALTER TABLE ... DETACH PARTITION without CONCURRENTLY on a partitioned table that existed before the migration:
/// PostgreSQL takes an ACCESS EXCLUSIVE lock on the parent and on the partition (pg_locks on PostgreSQL 15), so every
/// query on the whole partitioned table waits.
/// </summary>
public sealed class DetachPartitionNotConcurrentlyRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "detach-partition-not-concurrently",
        Title: "Partitions detached while blocking the table",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "DETACH PARTITION without CONCURRENTLY: the partitioned table is locked ACCESS EXCLUSIVE.",
        Impact: "Every read and write of the partitioned table, on any partition, waits.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.DetachPartition, Concurrently: false } && o.Name != "partition")
            .Select(x => Found(
                $"{x.Migration.Name} detaches partition {x.Operation.Target} from {x.Operation.Table} without CONCURRENTLY ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: PostgreSQL takes an ACCESS EXCLUSIVE lock on {x.Operation.Table} and on {x.Operation.Target}, so every read and write of the partitioned table waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.Table}/{x.Operation.Target}",
                action: $"On PostgreSQL 14+, ALTER TABLE {x.Operation.Table} DETACH PARTITION {x.Operation.Target} CONCURRENTLY in a migration of its own with exports.config = {{ transaction: false }}: PostgreSQL refuses it inside a transaction block, and Knex runs each migration in one unless told not to (it is refused too when the table has a default partition)"));
}
