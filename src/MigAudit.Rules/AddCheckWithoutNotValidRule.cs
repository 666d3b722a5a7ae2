using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A CHECK constraint added to a table that existed before the migration, validated at once: PostgreSQL checks every
/// row under an ACCESS EXCLUSIVE lock. A check that comes with a column added in the same statement (Knex's enu())
/// is part of ADD COLUMN and cannot be NOT VALID; it is left out.
/// </summary>
public sealed class AddCheckWithoutNotValidRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "add-check-without-not-valid",
        Title: "Check constraints validated under lock",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A CHECK constraint is added to an existing table without NOT VALID: every row is checked under an ACCESS EXCLUSIVE lock.",
        Impact: "Every read and write of the table waits for the whole check.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 20,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var addedColumns = LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AddColumn)
            .Select(x => (x.Migration.Name, x.Operation.Table, x.Operation.Line)).ToHashSet();
        return LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.AddCheck, NotValid: false })
            .Where(x => !addedColumns.Contains((x.Migration.Name, x.Operation.Table, x.Operation.Line)))
            .Select(x => Found(
                $"{x.Migration.Name} adds the check constraint {x.Operation.Name ?? "(unnamed)"} to {x.Operation.Table} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: PostgreSQL checks every row while it holds an ACCESS EXCLUSIVE lock on {x.Operation.Table}, so every read and write of it waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Add it with NOT VALID (only new and changed rows are checked; the lock is brief), then ALTER TABLE {x.Operation.Table} VALIDATE CONSTRAINT ... in a later migration, which lets reads and writes go on"));
    }
}
