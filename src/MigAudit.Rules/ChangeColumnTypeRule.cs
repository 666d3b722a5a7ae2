using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ALTER COLUMN ... TYPE (Knex's .alter()) on a table that existed before the migration, to a type the old one is not
/// binary-coercible to: PostgreSQL rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock. A longer
/// varchar, varchar to text, or the same type again (what .alter() often sends) rewrites nothing: checked on a real
/// server by relfilenode, and not reported.
/// </summary>
public sealed class ChangeColumnTypeRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "change-column-type",
        Title: "Column type changes that rewrite the table",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A column of an existing table changes type in a way PostgreSQL cannot do in place: the table is rewritten under an ACCESS EXCLUSIVE lock.",
        Impact: "Every read and write of the table waits while it is rewritten and its indexes rebuilt.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 45,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var (migration, operation) in LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AlterColumnType))
        {
            var verdict = SqlRewrites.TypeChange(operation.PreviousType, operation.Type);
            var to = SqlTypes.Normalize(operation.Type ?? "?");
            var change = operation.PreviousType is null
                ? $"changes the type of {operation.Table}.{operation.Column} to {to}"
                : $"changes {operation.Table}.{operation.Column} from {SqlTypes.Normalize(operation.PreviousType)} to {to}";
            var what = verdict switch
            {
                RewriteVerdict.Yes => $"the change is not binary-coercible, so PostgreSQL rewrites {operation.Table} and rebuilds its indexes",
                RewriteVerdict.DependsOnTimeZone => $"PostgreSQL 12+ converts between timestamp and timestamptz in place only when the session's TimeZone is UTC; otherwise it rewrites {operation.Table} and rebuilds its indexes",
                RewriteVerdict.Unknown when operation.PreviousType is null => $"the column's type before this migration is not known to migaudit, so whether PostgreSQL rewrites {operation.Table} is unknown",
                RewriteVerdict.Unknown => $"whether PostgreSQL can convert it in place is not known to migaudit (a type it does not model), so it may rewrite {operation.Table}",
                _ => null,
            };
            if (what is null)
            {
                continue;
            }

            yield return Found(
                $"{migration.Name} {change} ({HelperSite.Describe(operation.Line, operation.Helper)}), and {operation.Table} existed before this migration: {what}, all under an ACCESS EXCLUSIVE lock, so every read and write of it waits. {LockOperations.LockHeld(migration, input)}{LockOperations.Shipped(migration)}",
                file: migration.Path,
                line: operation.Line,
                helper: operation.Helper,
                severity: verdict == RewriteVerdict.Yes ? LockOperations.SeverityFor(migration) : Severity.Low,
                key: LockOperations.Key(operation),
                action: $"Add a new column of the new type, write to both, fill it in batches, then switch reads and drop {operation.Column}; or run the change in a maintenance window");
        }
    }
}
