using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// knex('t').update(...) (or insert, del...) inside a loop over rows read at run time (for...of, forEach, map, while), on
/// a table that existed before the migration, in a migration Knex runs in a transaction: one statement and one round trip
/// per row, all inside Knex's transaction, and every row written stays row-locked (other sessions' UPDATE, DELETE and
/// SELECT ... FOR UPDATE of it wait) until that transaction commits: the migration's, or the whole pending batch's under
/// migrate:latest. Row locks last to the commit on PostgreSQL (update-delete-without-where's real-server test).
/// </summary>
public sealed class UpdateInLoopRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "update-in-loop",
        Title: "Rows written one statement per row inside the migration's transaction",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A loop writes an existing table's rows one knex query per row inside Knex's migration transaction: N round trips, every written row locked until the commit.",
        Impact: "The migration takes a round trip per row, and the application's writes to every row it touched wait until the transaction (maybe the whole batch) commits.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 20,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.DataChange, Loop: not null })
            .Where(x => !x.Migration.Module.DisablesTransaction && !input.Project.Settings.DisableTransactions)
            .DistinctBy(x => (x.Migration.Name, x.Operation.Line, x.Operation.Table, x.Operation.Name))
            .Select(x => Found(
                $"{x.Migration.Name} runs knex('{x.Operation.Table}').{x.Operation.Name}() once per item of a {x.Operation.Loop} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: each item is a statement and a round trip inside the transaction Knex runs the migration in, {(x.Operation.Name == "insert" ? "which stays open for all of them (another session inserting one of the same unique keys waits until it commits)." : "and every row it writes stays locked until that transaction commits, so the application's UPDATE and DELETE of those rows wait.")} {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: x.Operation.Name == "insert" ? Severity.Low : LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.Table}/{x.Operation.Name}/{x.Operation.Loop}",
                action: x.Operation.Name == "insert"
                    ? $"Insert the rows in one statement: knex('{x.Operation.Table}').insert(rows) (or knex.batchInsert('{x.Operation.Table}', rows, 1000) for many)"
                    : $"Write the rows in one statement (knex.raw with UPDATE \"{x.Operation.Table}\" SET ... FROM (VALUES ...) AS v(id, ...) WHERE \"{x.Operation.Table}\".id = v.id, or one whereIn), or, for many rows, backfill in batches outside the migration's transaction (a migration with exports.config = {{ transaction: false }} that commits each batch, or a script after the deploy)"));
}
