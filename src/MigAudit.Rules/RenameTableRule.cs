using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>An existing table is renamed: the application code running during the deploy still uses the old name. Knex runs migrations while the old code still serves requests (before or during a rolling deploy).</summary>
public sealed class RenameTableRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "rename-table",
        Title: "Tables renamed under running code",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "An existing table is renamed: the application code running during the deploy still uses the old name.",
        Impact: "Queries of the old code fail from the moment the migration commits until every instance runs the new code.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.RenameTable)
            .Select(x => Found(
                $"{x.Migration.Name} renames {x.Operation.Table} to {x.Operation.Target} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: the statement itself is quick (an ACCESS EXCLUSIVE lock, no scan), but the application code still running while the deploy rolls out queries {x.Operation.Table}, and every such query fails (\"relation \\\"{x.Operation.Table}\\\" does not exist\") from the moment the migration commits until no instance runs the old code.{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Rename it in two releases: first rename and create a view named {x.Operation.Table} over {x.Operation.Target} (simple views are updatable), then drop the view once no code uses the old name"));
}
