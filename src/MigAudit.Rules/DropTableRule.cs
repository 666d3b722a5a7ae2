using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>An existing table is dropped: its data is gone, and the code running during the deploy may still use it. Knex runs migrations while the old code still serves requests (before or during a rolling deploy).</summary>
public sealed class DropTableRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "drop-table",
        Title: "Tables dropped under running code",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "An existing table is dropped: its data is gone, and the code running during the deploy may still use it.",
        Impact: "Queries of the old code that use the table fail until every instance runs the new code, and the rollback cannot bring the data back.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.DropTable)
            .Select(x => Found(
                $"{x.Migration.Name} drops {x.Operation.Table} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), which existed before this migration: the statement waits for an ACCESS EXCLUSIVE lock, its data is gone for good (a down that creates it again brings back an empty table), and application code still running while the deploy rolls out fails on every query that uses it.{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Stop using {x.Operation.Table} in one release and drop it in a later one; back up the data first if it may be needed"));
}
