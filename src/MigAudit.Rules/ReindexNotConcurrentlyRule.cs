using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// REINDEX TABLE / INDEX without CONCURRENTLY on a table that existed before the migration: PostgreSQL holds a SHARE lock
/// on the table and an ACCESS EXCLUSIVE lock on every index it rebuilds (pg_locks on PostgreSQL 15). The planner locks
/// every index of a table to plan a query on it, so reads wait too (a SELECT with lock_timeout timed out behind it).
/// </summary>
public sealed class ReindexNotConcurrentlyRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "reindex-not-concurrently",
        Title: "Indexes rebuilt while blocking the table",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "REINDEX without CONCURRENTLY on an existing table: reads and writes of the table wait for the rebuild.",
        Impact: "Writes wait on the table's SHARE lock, and queries wait on the ACCESS EXCLUSIVE lock of the indexes being rebuilt.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 10,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.Reindex, Concurrently: false, ReindexScope: null })
            .Select(x => Found(
                $"{x.Migration.Name} rebuilds {(x.Operation.Name is null ? "every index of " + x.Operation.Table : "index " + x.Operation.Name + " of " + x.Operation.Table)} without CONCURRENTLY ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: PostgreSQL holds a SHARE lock on {x.Operation.Table} and an ACCESS EXCLUSIVE lock on each index it rebuilds, so writes wait, and so do the queries that plan on those indexes (every query on {x.Operation.Table}). {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"On PostgreSQL 12+, use REINDEX {(x.Operation.Name is null ? "TABLE CONCURRENTLY " + x.Operation.Table : "INDEX CONCURRENTLY " + x.Operation.Name)} in a migration of its own with exports.config = {{ transaction: false }} (PostgreSQL refuses REINDEX CONCURRENTLY inside a transaction block, and Knex runs each migration in one unless told not to)"))
            .Concat(Wide(input));

    /// <summary>
    /// REINDEX SCHEMA / DATABASE / SYSTEM without CONCURRENTLY in a migration without a transaction (inside one,
    /// PostgreSQL refuses it: concurrently-in-transaction). PostgreSQL rebuilds table after table, each in a transaction
    /// of its own, holding SHARE on the table and ACCESS EXCLUSIVE on its indexes while it does (pg_locks on PostgreSQL
    /// 15): every table of the schema or database is blocked in turn.
    /// </summary>
    private IEnumerable<Finding> Wide(AuditInput input) =>
        LockOperations.Of(input).Where(x => x.Operation is { Kind: LockOperationKind.Reindex, Concurrently: false, ReindexScope: not null } &&
                (x.Migration.Module.DisablesTransaction || input.Project.Settings.DisableTransactions))
            .Select(x => Found(
                $"{x.Migration.Name} rebuilds every index of {(x.Operation.ReindexScope == "SCHEMA" ? "schema" : x.Operation.ReindexScope == "SYSTEM" ? "the system catalogs of database" : "database")} {x.Operation.Name ?? "(the current one)"} without CONCURRENTLY ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}): PostgreSQL rebuilds one table after another, each in a transaction of its own, holding a SHARE lock on the table and an ACCESS EXCLUSIVE lock on its indexes while it does, so writes to every table {(x.Operation.ReindexScope == "SCHEMA" ? "of the schema" : "of the database")} wait in turn, and so do the queries that plan on its indexes.{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.ReindexScope}/{x.Operation.Name}",
                action: x.Operation.ReindexScope == "SYSTEM"
                    ? "Reindex the system catalogs outside the migrations, in a maintenance window (REINDEX SYSTEM has no CONCURRENTLY form)"
                    : $"On PostgreSQL 12+, use REINDEX {x.Operation.ReindexScope} CONCURRENTLY {x.Operation.Name} (it stays in a migration with exports.config = {{ transaction: false }}), or reindex only the indexes that need it with REINDEX INDEX CONCURRENTLY"));
}
