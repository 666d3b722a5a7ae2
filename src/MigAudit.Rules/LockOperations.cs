using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>The replayed DDL statements of the migrations, and what the lock rules say of every one: how long Knex holds the lock, whether a release shipped it.</summary>
internal static class LockOperations
{
    /// <summary>A migration a release already shipped has taken its lock wherever that release runs: low, and said so.</summary>
    public static Severity? SeverityFor(Migration migration) => migration.Git.ShippedInRelease is null ? null : Severity.Low;

    public static string Shipped(Migration migration) => migration.Git.ShippedInRelease is { } tag
        ? $" It shipped in release {tag}: wherever that release is deployed it has already run, so the lock matters only for databases that have not applied it yet."
        : string.Empty;

    /// <summary>The statements of one audit, read once for all the lock rules (an audit's input does not change).</summary>
    private sealed record Index((Migration Migration, LockOperation Operation)[] All, (Migration Migration, LockOperation Operation)[] OnExistingTables);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AuditInput, Index> Indexes = [];

    private static Index IndexOf(AuditInput input) => Indexes.GetValue(input, static input =>
    {
        var migrations = input.Migrations.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var all = new List<(Migration, LockOperation)>();
        foreach (var replay in input.Schema.Migrations)
        {
            if (migrations.TryGetValue(replay.Migration, out var migration))
            {
                foreach (var operation in replay.Operations)
                {
                    all.Add((migration, operation));
                }
            }
        }

        return new Index([.. all], [.. all.Where(x => x.Item2.TableExistedBefore == true)]);
    });

    /// <summary>Every replayed up's DDL statement, with its migration, in replay order.</summary>
    public static IReadOnlyList<(Migration Migration, LockOperation Operation)> Of(AuditInput input) => IndexOf(input).All;

    /// <summary>
    /// The statements on a table that existed before their migration. A table the migration creates itself is empty and
    /// unseen by the application: nothing waits on it.
    /// </summary>
    public static IEnumerable<(Migration Migration, LockOperation Operation)> OnExistingTables(AuditInput input, Func<LockOperation, bool> match) =>
        IndexOf(input).OnExistingTables.Where(x => match(x.Operation));

    /// <summary>
    /// The locks that stop writes (SHARE and up) on tables that existed before their migration: each statement's own
    /// table, and a foreign key's referenced table, which PostgreSQL locks SHARE ROW EXCLUSIVE even when the key comes
    /// with a table the migration creates (createTable's references(); pg_locks on PostgreSQL 15).
    /// </summary>
    public static IEnumerable<(Migration Migration, LockOperation Operation, string Table, string Mode)> WriteLocksOnExistingTables(AuditInput input)
    {
        foreach (var (migration, operation) in IndexOf(input).All)
        {
            if (operation is { TableExistedBefore: true, Table: { } table } && StopsWrites(operation))
            {
                yield return (migration, operation, table, operation.Mode);
            }

            if (operation is { Kind: LockOperationKind.AddForeignKey, TargetExistedBefore: true, Target: { } target } && target != operation.Table)
            {
                yield return (migration, operation, target, "SHARE ROW EXCLUSIVE");
            }
        }
    }

    /// <summary>" (foreign key b_a_id_foreign of b references it: writes to it wait, reads do not)" when the lock is a foreign key's on the table it references.</summary>
    public static string ReferencedBy(LockOperation operation, string table) =>
        operation.Kind == LockOperationKind.AddForeignKey && table != operation.Table
            ? $" (foreign key {operation.Name} of {(operation.TableExistedBefore == false ? "new table " : string.Empty)}{operation.Table} references it: writes to it wait, reads do not)"
            : string.Empty;

    /// <summary>"an ACCESS EXCLUSIVE lock", "a SHARE ROW EXCLUSIVE lock".</summary>
    public static string ALock(string mode) => $"{(mode.StartsWith('A') ? "an" : "a")} {mode} lock";

    /// <summary>How long Knex holds the lock: to the end of the migration's transaction, or the whole batch's.</summary>
    public static string LockHeld(Migration migration, AuditInput input) =>
        migration.Module.DisablesTransaction || input.Project.Settings.DisableTransactions
            ? "The migration runs without a transaction, so the lock is held for the statement itself."
            : "Knex runs the migration in a transaction, so the lock is held until it commits; migrate:latest runs all pending migrations in one transaction unless one sets transaction: false, so that can be the end of the whole batch.";

    /// <summary>A finding's key: the table and what the statement touched.</summary>
    /// <summary>A lock that stops other sessions' writes or more (SHARE and up): row writes and SHARE UPDATE EXCLUSIVE do not.</summary>
    public static bool StopsWrites(LockOperation operation) => LockEffects.Strength(operation.Mode) >= LockEffects.Strength("SHARE");

    /// <summary>"an ACCESS EXCLUSIVE lock", "a SHARE lock".</summary>
    public static string ALock(LockOperation operation) => $"{(operation.Mode.StartsWith('A') ? "an" : "a")} {operation.Mode} lock";

    public static string Key(LockOperation operation) =>
        $"{operation.Table}/{operation.Column ?? operation.Name ?? operation.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
