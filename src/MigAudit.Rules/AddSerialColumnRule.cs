using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A serial column (Knex's increments(), bigIncrements(), or serial in SQL) added to a table that existed before the
/// migration: its default is nextval(), which is volatile, so PostgreSQL rewrites the table under ACCESS EXCLUSIVE.
/// </summary>
public sealed class AddSerialColumnRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "add-serial-column",
        Title: "Serial columns added to existing tables",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A serial column is added to an existing table: nextval() fills every row, so PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock.",
        Impact: "Every read and write of the table waits while it is rewritten.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AddColumn && SqlRewrites.IsSerial(o.Type))
            .Select(x => Found(
                $"{x.Migration.Name} adds the {SqlTypes.Normalize(x.Operation.Type!)} column {x.Operation.Table}.{x.Operation.Column} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: a serial's default is nextval(), which is volatile, so PostgreSQL numbers every existing row and rewrites {x.Operation.Table} and all its indexes under an ACCESS EXCLUSIVE lock; every read and write of it waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Add {x.Operation.Column} as a plain nullable bigint, attach a sequence as its default for new rows (ALTER COLUMN ... SET DEFAULT nextval(...), no rewrite), and number the existing rows in batches"));
}
