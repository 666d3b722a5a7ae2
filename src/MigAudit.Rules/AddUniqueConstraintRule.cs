using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ALTER TABLE ... ADD CONSTRAINT ... UNIQUE on a table that existed before the migration (Knex's unique() on
/// PostgreSQL): the unique index is built under an ACCESS EXCLUSIVE lock, so every read and write of the table waits.
/// </summary>
public sealed class AddUniqueConstraintRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "add-unique-constraint",
        Title: "Unique constraints built while blocking the table",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A unique constraint is added to an existing table: its index is built under an ACCESS EXCLUSIVE lock.",
        Impact: "Every read and write of the table waits for the whole index build.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 20,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AddUniqueConstraint)
            .Select(x => Found(
                $"{x.Migration.Name} adds the unique constraint {x.Operation.Name} to {x.Operation.Table}, which existed before this migration ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}): Knex's unique() is ALTER TABLE ... ADD CONSTRAINT ... UNIQUE on PostgreSQL, which builds the index under an ACCESS EXCLUSIVE lock on {x.Operation.Table}, so every read and write of it waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.Table}/{x.Operation.Name}",
                action: $"Build the index first with CREATE UNIQUE INDEX CONCURRENTLY {x.Operation.Name} ON {x.Operation.Table} (...) in a migration with exports.config = {{ transaction: false }}, then ALTER TABLE {x.Operation.Table} ADD CONSTRAINT {x.Operation.Name} UNIQUE USING INDEX {x.Operation.Name}"));
}
