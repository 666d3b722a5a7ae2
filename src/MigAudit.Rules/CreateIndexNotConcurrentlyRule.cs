using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// CREATE INDEX without CONCURRENTLY on a table that existed before the migration: PostgreSQL holds a SHARE lock on
/// the table while it builds the index, so every INSERT, UPDATE and DELETE on it waits until the build ends (and, under
/// Knex's migration transaction, until the migration, or the whole batch, commits).
/// </summary>
public sealed class CreateIndexNotConcurrentlyRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "create-index-not-concurrently",
        Title: "Indexes built while blocking writes",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "An index is created on an existing table without CONCURRENTLY: writes to the table wait until it is built.",
        Impact: "Every INSERT, UPDATE and DELETE on the table waits for the whole index build, and for the transaction Knex runs the migration in.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.CreateIndex, Concurrently: false })
            .Select(x => Found(
                $"{x.Migration.Name} creates {(x.Operation.Name is null ? "an index" : "index " + x.Operation.Name)} on {x.Operation.Table}, which existed before this migration, without CONCURRENTLY ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}): PostgreSQL holds a SHARE lock on {x.Operation.Table} for the whole build, so every INSERT, UPDATE and DELETE on it waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.Table}/{x.Operation.Name ?? x.Operation.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                action: "Build it with knex.raw('CREATE INDEX CONCURRENTLY ...') in a migration of its own with exports.config = { transaction: false } (CONCURRENTLY cannot run in a transaction)"));
}
