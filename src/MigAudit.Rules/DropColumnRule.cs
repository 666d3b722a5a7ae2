using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>A column of an existing table is dropped: its data is gone, and the code running during the deploy may still use it. Knex runs migrations while the old code still serves requests (before or during a rolling deploy).</summary>
public sealed class DropColumnRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "drop-column",
        Title: "Columns dropped under running code",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A column of an existing table is dropped: its data is gone, and the code running during the deploy may still use it.",
        Impact: "Queries of the old code that name the column fail until every instance runs the new code, and the rollback cannot bring the data back.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.DropColumn, NewColumn: false })
            .Select(x => Found(
                $"{x.Migration.Name} drops {x.Operation.Table}.{x.Operation.Column} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: the statement is quick (an ACCESS EXCLUSIVE lock, no rewrite), but its data is gone for good (a down that adds the column back brings back an empty one), and application code still running while the deploy rolls out fails on every query that names it.{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Stop reading and writing {x.Operation.Column} in one release, and drop it in a later one; back up the data first if it may be needed"));
}
