using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>A column of an existing table is renamed: the application code running during the deploy still uses the old name. Knex runs migrations while the old code still serves requests (before or during a rolling deploy).</summary>
public sealed class RenameColumnRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "rename-column",
        Title: "Columns renamed under running code",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A column of an existing table is renamed: the application code running during the deploy still uses the old name.",
        Impact: "Queries of the old code fail from the moment the migration commits until every instance runs the new code.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.RenameColumn, NewColumn: false })
            .Select(x => Found(
                $"{x.Migration.Name} renames {x.Operation.Table}.{x.Operation.Column} to {x.Operation.Target} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: the statement itself is quick (an ACCESS EXCLUSIVE lock, no scan), but the application code still running while the deploy rolls out selects and writes {x.Operation.Column}, and every such query fails from the moment the migration commits until no instance runs the old code.{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Expand and contract: add {x.Operation.Target}, write to both columns, fill it, switch reads, and drop {x.Operation.Column} in a later release (or give the application a view with the old name meanwhile)"));
}
