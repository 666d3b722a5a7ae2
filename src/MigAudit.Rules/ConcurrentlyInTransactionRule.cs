using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// CREATE INDEX, DROP INDEX or REINDEX CONCURRENTLY, DETACH PARTITION ... CONCURRENTLY, or REINDEX SCHEMA / DATABASE /
/// SYSTEM (with or without CONCURRENTLY), in a migration Knex runs inside a transaction: PostgreSQL refuses it ("cannot
/// run inside a transaction block", checked on PostgreSQL 15), so migrate:latest fails there.
/// </summary>
public sealed class ConcurrentlyInTransactionRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "concurrently-in-transaction",
        Title: "CONCURRENTLY inside Knex's migration transaction",
        Severity: Severity.High,
        Blocking: true,
        Summary: "CREATE or DROP INDEX CONCURRENTLY runs in a migration Knex wraps in a transaction: PostgreSQL refuses it.",
        Impact: "knex migrate:latest fails with \"CREATE INDEX CONCURRENTLY cannot run inside a transaction block\".")
    {
        Category = RuleCategory.Indexes,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 5,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        if (input.Project.Settings.DisableTransactions)
        {
            yield break;
        }

        // REINDEX SCHEMA / DATABASE / SYSTEM is refused in a transaction block with or without CONCURRENTLY.
        foreach (var (migration, operation) in LockOperations.Of(input).Where(x => (x.Operation.Concurrently || x.Operation.ReindexScope is not null) && !x.Migration.Module.DisablesTransaction))
        {
            var statement = operation.Kind switch
            {
                LockOperationKind.CreateIndex => "CREATE INDEX CONCURRENTLY",
                LockOperationKind.Reindex when operation is { ReindexScope: { } scope, Concurrently: false } => $"REINDEX {scope}",
                LockOperationKind.Reindex => "REINDEX CONCURRENTLY",
                LockOperationKind.DetachPartition => "ALTER TABLE ... DETACH CONCURRENTLY",
                _ => "DROP INDEX CONCURRENTLY",
            };
            yield return Found(
                $"{migration.Name} runs {statement}{(operation.Name is null ? string.Empty : " " + operation.Name)} ({HelperSite.Describe(operation.Line, operation.Helper)}) while Knex wraps the migration in a transaction (it sets no exports.config = {{ transaction: false }} and the knexfile does not disable transactions): PostgreSQL refuses it with \"{statement} cannot run inside a transaction block\", so knex migrate:latest fails here.",
                file: migration.Path,
                line: operation.Line,
                helper: operation.Helper,
                key: $"{operation.Kind}/{operation.Name ?? operation.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                action: $"Add exports.config = {{ transaction: false }} to {migration.Name} (and keep other statements out of it: without a transaction, a failure leaves the ones before it applied)",
                predictsKnexFailure: true);
        }
    }
}
