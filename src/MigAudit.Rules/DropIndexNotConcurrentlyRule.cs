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
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.DropIndex, Concurrently: false })
            .Select(x => Found(
                $"{x.Migration.Name} drops {(x.Operation.Name is null ? "an index" : "index " + x.Operation.Name)} of {x.Operation.Table}, which existed before this migration, without CONCURRENTLY (line {x.Operation.Line}): PostgreSQL takes an ACCESS EXCLUSIVE lock on {x.Operation.Table}, so every read and write of it waits, and the lock itself waits behind any running query on it. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                severity: LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.Table}/{x.Operation.Name ?? x.Operation.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                action: "Drop it with knex.raw('DROP INDEX CONCURRENTLY ...') in a migration of its own with exports.config = { transaction: false }"));
}
