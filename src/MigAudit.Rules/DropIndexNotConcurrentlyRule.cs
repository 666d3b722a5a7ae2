using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// DROP INDEX without CONCURRENTLY on a table that existed before the migration: PostgreSQL takes an ACCESS EXCLUSIVE
/// lock on the table, so every read and write of it waits (knex's dropIndex() and raw DROP INDEX alike).
/// </summary>
public sealed class DropIndexNotConcurrentlyRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "drop-index-not-concurrently",
        Title: "Indexes dropped while blocking the table",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "An index of an existing table is dropped without CONCURRENTLY: every query on the table waits.",
        Impact: "DROP INDEX takes an ACCESS EXCLUSIVE lock on the table: reads and writes queue behind it, and behind any long query it waits for.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 10,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.DropIndex, Concurrently: false }
                // DROP INDEX of a constraint's index fails on PostgreSQL: chain-error reports it, and no lock is taken.
                && !(o.ConstraintIndex && !o.DropsConstraint))
            .Select(x => x.Operation.DropsConstraint ? ConstraintDrop(input, x.Migration, x.Operation) : Found(
                $"{x.Migration.Name} drops {(x.Operation.Name is null ? "an index" : "index " + x.Operation.Name)} of {x.Operation.Table}, which existed before this migration, without CONCURRENTLY ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}): PostgreSQL takes an ACCESS EXCLUSIVE lock on {x.Operation.Table}, so every read and write of it waits, and the lock itself waits behind any running query on it. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: Key(x.Operation),
                action: "Drop it with knex.raw('DROP INDEX CONCURRENTLY ...') in a migration of its own with exports.config = { transaction: false }"));

    /// <summary>
    /// Knex's dropUnique() on PostgreSQL is ALTER TABLE ... DROP CONSTRAINT. A constraint has no concurrent drop, and
    /// PostgreSQL refuses DROP INDEX [CONCURRENTLY] on the index a constraint owns ("cannot drop index ... because
    /// constraint ... requires it"): the advice is the constraint's own route, with the lock it takes.
    /// </summary>
    private Finding ConstraintDrop(AuditInput input, Migration migration, LockOperation operation)
    {
        var name = operation.Name ?? "(its unique constraint)";
        return Found(
            $"{migration.Name} drops the unique constraint {name} of {operation.Table}, which existed before this migration ({HelperSite.Describe(operation.Line, operation.Helper)}): Knex's dropUnique() sends ALTER TABLE {operation.Table} DROP CONSTRAINT {name}, which takes an ACCESS EXCLUSIVE lock on {operation.Table}, so every read and write of it waits, and the lock itself waits behind any running query on it. A constraint has no concurrent drop: PostgreSQL refuses DROP INDEX CONCURRENTLY on the index a constraint owns. {LockOperations.LockHeld(migration, input)}{LockOperations.Shipped(migration)}",
            file: migration.Path,
            line: operation.Line,
            helper: operation.Helper,
            severity: LockOperations.SeverityFor(migration),
            key: Key(operation),
            action: $"Keep ALTER TABLE {operation.Table} DROP CONSTRAINT {name} (DROP INDEX CONCURRENTLY is refused on a constraint's index), in a migration of its own that first runs SET lock_timeout (e.g. '5s'), so that the drop gives up instead of queueing every query on {operation.Table} behind it; rerun it until it gets the lock");
    }

    private static string Key(LockOperation operation) =>
        $"{operation.Table}/{operation.Name ?? operation.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
