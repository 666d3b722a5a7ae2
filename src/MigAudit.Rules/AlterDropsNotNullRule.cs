using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Knex's .alter() on a column that was NOT NULL, without notNullable(): knex sends DROP NOT NULL (it rewrites the whole
/// column definition; checked with knex 3.1.0's toSQL()), so the column silently becomes nullable. An explicit
/// setNullable() or SQL DROP NOT NULL says so and is not reported. Advice, not a lock: low, only for migrations no
/// release shipped, once per column.
/// </summary>
public sealed class AlterDropsNotNullRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "alter-drops-not-null",
        Title: "NOT NULL dropped by .alter()",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "Knex's .alter() without notNullable() makes a NOT NULL column nullable: it sends DROP NOT NULL.",
        Impact: "NULLs can be written where the code and the data assumed none.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 5,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.Of(input)
            .Where(x => x.Operation.Kind == LockOperationKind.DropNotNull && LockOperations.SeverityFor(x.Migration) is null)
            .DistinctBy(x => (x.Operation.Table, x.Operation.Column))
            .Select(x => Found(
                $"{x.Migration.Name} alters {x.Operation.Table}.{x.Operation.Column} with .alter() and no notNullable() ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}): Knex sends the whole column definition, with DROP NOT NULL, so {x.Operation.Column}, NOT NULL before, becomes nullable.",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                key: $"{x.Operation.Table}/{x.Operation.Column}",
                action: $"Add .notNullable() before .alter() if {x.Operation.Column} must stay NOT NULL (knex then sends SET NOT NULL again, which scans the table: see set-not-null), or .alter({{ alterNullable: false }}) to leave its nullability alone"));
}
