using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ALTER COLUMN ... SET NOT NULL on a table that existed before the migration: PostgreSQL scans every row to check for
/// NULLs while it holds an ACCESS EXCLUSIVE lock. Knex's .alter() with notNullable() sends DROP NOT NULL and then SET
/// NOT NULL, so it scans even when the column was NOT NULL already.
/// </summary>
public sealed class SetNotNullRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "set-not-null",
        Title: "NOT NULL set on existing columns",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A column of an existing table is made NOT NULL: PostgreSQL scans the whole table under an ACCESS EXCLUSIVE lock.",
        Impact: "Every read and write of the table waits while every row is checked.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // CHECK (column IS NOT NULL) added before, in replay order: once validated, PostgreSQL 12+ skips the scan. Whether
        // it was validated (VALIDATE CONSTRAINT) before the SET NOT NULL is not tracked.
        var checkedColumns = new HashSet<(string?, string?)>();
        var unsafeOnes = new List<(Migration Migration, LockOperation Operation)>();
        foreach (var (migration, operation) in LockOperations.Of(input))
        {
            if (operation is { Kind: LockOperationKind.AddCheck, Column: not null })
            {
                checkedColumns.Add((operation.Table, operation.Column));
            }
            else if (operation is { Kind: LockOperationKind.SetNotNull, TableExistedBefore: true } && !checkedColumns.Contains((operation.Table, operation.Column)))
            {
                unsafeOnes.Add((migration, operation));
            }
        }

        return unsafeOnes.Select(x => Found(
                $"{x.Migration.Name} makes {x.Operation.Table}.{x.Operation.Column} NOT NULL ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: PostgreSQL checks every row for NULL while it holds an ACCESS EXCLUSIVE lock on {x.Operation.Table}, so every read and write of it waits for the scan{(x.Operation.Type is not null ? "; Knex's .alter() sends DROP NOT NULL before SET NOT NULL, so it scans even if the column was NOT NULL already" : string.Empty)}. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"On PostgreSQL 12+: ADD CONSTRAINT {x.Operation.Column}_not_null CHECK ({x.Operation.Column} IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration (reads and writes go on), then SET NOT NULL uses the constraint instead of a scan; drop the check afterwards"));
    }
}
