using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// UPDATE or DELETE with no WHERE on a table that existed before the migration (SQL, or Knex's knex('t').update({...}) /
/// del() with no where*()): every row is written in the migration's transaction, and each stays row-locked until it
/// commits (with migrate:latest's one transaction, the whole batch's end). strong_migrations' "backfilling data".
/// </summary>
public sealed class UpdateDeleteWithoutWhereRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "update-delete-without-where",
        Title: "Every row written in the migration's transaction",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "An UPDATE or DELETE with no WHERE on an existing table: every row is written, and row-locked until Knex's transaction commits.",
        Impact: "Every other write of the table's rows waits until the migration (or the whole batch) commits; a DELETE empties the table.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 20,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.DataChange, AllRows: true })
            .Select(x => Found(
                $"{x.Migration.Name} {(Deletes(x.Operation) ? "deletes" : "updates")} every row of {x.Operation.Table} ({x.Operation.Name} with no WHERE, {HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: {(Deletes(x.Operation) ? "every row production holds in it is deleted, and " : string.Empty)}PostgreSQL takes a ROW EXCLUSIVE lock on {x.Operation.Table} and a row lock on each row it writes, held until the transaction commits, so every other UPDATE or DELETE of those rows waits (reads go on). {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.Table}/{x.Operation.Name}/{x.Operation.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                action: Deletes(x.Operation)
                    ? "If every row must go, say so (// migaudit-disable-next-line update-delete-without-where -- reason); otherwise add the WHERE the change means"
                    : "Backfill in batches (UPDATE ... WHERE id BETWEEN ...) in a migration with exports.config = { transaction: false }, so each batch commits and releases its row locks, or run the backfill outside the migrations"));

    private static bool Deletes(LockOperation operation) => operation.Name is "delete" or "del";
}
