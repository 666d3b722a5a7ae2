using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// TRUNCATE of a table that existed before the migration (Knex's knex('t').truncate(), which sends truncate "t" restart
/// identity on PostgreSQL, or SQL's TRUNCATE): every row production holds there is deleted, under an ACCESS EXCLUSIVE
/// lock (pg_locks on PostgreSQL 15). It is what the author wrote, so it is not blocking: the finding says what it costs.
/// </summary>
public sealed class TruncateTableRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "truncate-table",
        Title: "Existing tables truncated",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A table that existed before the migration is truncated: every production row in it is deleted, under an ACCESS EXCLUSIVE lock.",
        Impact: "The table's rows are gone once the migration commits, and every read and write of it waits until then.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.Truncate, Cascade: false })
            .Select(x => Found(
                $"{x.Migration.Name} truncates {x.Operation.Table} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: every row production holds in it is deleted, and PostgreSQL holds an ACCESS EXCLUSIVE lock on {x.Operation.Table}, so every read and write of it waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: "If the rows must go, keep it and record the decision with // migaudit-disable-next-line truncate-table -- reason above it; if only some must, delete them with a WHERE, in batches, in a migration with exports.config = { transaction: false }"));
}
