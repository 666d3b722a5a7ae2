using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A serial column (Knex's increments(), bigIncrements(), or serial in SQL) added to a table that existed before the
/// migration: its default is nextval(), which is volatile, so PostgreSQL rewrites the table under ACCESS EXCLUSIVE.
/// </summary>
public sealed class AddSerialColumnRule : Rule
{
    public override string Id => "add-serial-column";
    public override RuleCategory Category => RuleCategory.Locks;
    public override string Title => "Serial columns added to existing tables";
    public override Severity Severity => Severity.Medium;
    public override bool Blocking => false;
    public override IReadOnlyList<SqlDialect> Dialects => [SqlDialect.PostgreSQL];
    public override string Summary => "A serial column is added to an existing table: nextval() fills every row, so PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock.";
    public override string Impact => "Every read and write of the table waits while it is rewritten.";
    public override int EffortPerFindingMinutes => 30;

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AddColumn && SqlRewrites.IsSerial(o.Type))
            .Select(x => Found(
                $"{x.Migration.Name} adds the {SqlTypes.Normalize(x.Operation.Type!)} column {x.Operation.Table}.{x.Operation.Column} (line {x.Operation.Line}), and {x.Operation.Table} existed before this migration: a serial's default is nextval(), which is volatile, so PostgreSQL numbers every existing row and rewrites {x.Operation.Table} and all its indexes under an ACCESS EXCLUSIVE lock; every read and write of it waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Add {x.Operation.Column} as a plain nullable bigint, attach a sequence as its default for new rows (ALTER COLUMN ... SET DEFAULT nextval(...), no rewrite), and number the existing rows in batches"));
}
