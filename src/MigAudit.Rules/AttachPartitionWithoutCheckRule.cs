using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ALTER TABLE parent ATTACH PARTITION t on a table t that existed before the migration and has no CHECK constraint:
/// PostgreSQL reads every row of t to check the partition bound ("verifying table" at DEBUG1) under an ACCESS EXCLUSIVE
/// lock on t, and SHARE UPDATE EXCLUSIVE on the parent (pg_locks on PostgreSQL 15). A valid CHECK that implies the
/// bound skips the scan ("partition constraint ... is implied by existing constraints").
/// </summary>
public sealed class AttachPartitionWithoutCheckRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "attach-partition-without-check",
        Title: "Partitions attached with a full scan",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "ATTACH PARTITION of an existing table with no CHECK constraint: PostgreSQL reads every row under an ACCESS EXCLUSIVE lock on it.",
        Impact: "Every read and write of the attached table waits while all its rows are read; schema changes of the parent wait too.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.AttachPartition, Name: "partition", ValidatesRows: true })
            .Select(x => Found(
                $"{x.Migration.Name} attaches {x.Operation.Table} as a partition of {x.Operation.Target} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration with no CHECK constraint: PostgreSQL reads every row of {x.Operation.Table} to check the partition bound while it holds an ACCESS EXCLUSIVE lock on it (every read and write of it waits) and a SHARE UPDATE EXCLUSIVE lock on {x.Operation.Target} (its reads and writes go on; its schema changes and VACUUM wait). {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.Target}/{x.Operation.Table}",
                action: $"Before the ATTACH, add a CHECK constraint on {x.Operation.Table} that matches the partition bound (with IS NOT NULL on the key for a range bound) NOT VALID, then VALIDATE CONSTRAINT it (a scan under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on); PostgreSQL then skips the scan at ATTACH, and the CHECK can be dropped after it"));
}
