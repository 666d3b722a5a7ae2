using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ADD CONSTRAINT ... NOT VALID and VALIDATE CONSTRAINT of the same constraint in one transaction: the ADD's lock (ACCESS
/// EXCLUSIVE for a CHECK, SHARE ROW EXCLUSIVE on both tables for a foreign key) is held to the commit, so the scan
/// VALIDATE does runs under it, as if NOT VALID had not been written. One transaction is the same migration (Knex wraps
/// each in one), or two migrations of the pending batch when migrate:latest runs the batch in one transaction (no
/// migration sets transaction: false). Checked in pg_locks on PostgreSQL with real knex.
/// </summary>
public sealed class NotValidValidatedInSameTransactionRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "not-valid-validated-in-same-transaction",
        Title: "NOT VALID constraints validated in the same transaction",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A constraint added NOT VALID is validated in the same transaction: the scan runs under the ADD's lock, so NOT VALID buys nothing.",
        Impact: "Reads and writes of the table (writes only, for a foreign key) wait for the whole validation, as if the constraint had been added valid.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 15,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var pending = PendingBatch.Of(input);
        var batchInOneTransaction = pending.Count > 1 && PendingBatch.OneTransaction(input, pending);
        var inBatch = pending.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var tables = input.Schema.Schema.Tables;
        var added = new Dictionary<(string, string), (Migration Migration, LockOperation Operation)>();
        foreach (var (migration, operation) in LockOperations.Of(input))
        {
            if (operation is { Kind: LockOperationKind.AddCheck or LockOperationKind.AddForeignKey, NotValid: true, TableExistedBefore: true, Table: { } table, Name: { } name })
            {
                added[(table, name)] = (migration, operation);
                continue;
            }

            if (operation is not { Kind: LockOperationKind.ValidateConstraint, Table: { } validated, Name: { } constraint } ||
                !added.TryGetValue((validated, constraint), out var add))
            {
                continue;
            }

            var sameMigration = add.Migration.Name == migration.Name;
            var together = sameMigration
                ? !migration.Module.DisablesTransaction && !input.Project.Settings.DisableTransactions
                : batchInOneTransaction && inBatch.Contains(add.Migration.Name) && inBatch.Contains(migration.Name) &&
                  !(tables.TryGetValue(validated, out var model) && inBatch.Contains(model.Origin.Migration));
            if (!together)
            {
                continue;
            }

            var lockText = add.Operation.Kind == LockOperationKind.AddCheck
                ? $"an ACCESS EXCLUSIVE lock on {validated}, so every read and write of it waits"
                : $"a SHARE ROW EXCLUSIVE lock on {validated} and {add.Operation.Target}, so every write to them waits";
            var where = sameMigration
                ? $"in the same migration (line {add.Operation.Line}): Knex runs a migration in one transaction"
                : $"by {add.Migration.Name} (line {add.Operation.Line}), and both are pending migrations {PendingBatch.Since(input)}: none of the {pending.Count} sets transaction: false, so knex migrate:latest runs them in one transaction";
            yield return Found(
                $"{migration.Name} validates {constraint} on {validated} ({HelperSite.Describe(operation.Line, operation.Helper)}), which was added NOT VALID {where}. The ADD took {lockText}, and PostgreSQL keeps it until the transaction commits: the validation scans every row while it is still held, so NOT VALID buys nothing.{LockOperations.Shipped(migration)}",
                file: migration.Path,
                line: operation.Line,
                helper: operation.Helper,
                severity: LockOperations.SeverityFor(migration),
                key: $"{validated}/{constraint}",
                related: sameMigration ? null : [add.Migration.Path],
                action: sameMigration
                    ? $"Move the VALIDATE CONSTRAINT into a later migration with exports.config = {{ transaction: false }} (Knex then gives each migration of the batch a transaction of its own, and the validation runs under SHARE UPDATE EXCLUSIVE alone, letting reads and writes go on), or deploy it later"
                    : $"Give {migration.Name} exports.config = {{ transaction: false }} (Knex then gives each migration of the batch a transaction of its own: the ADD commits first, and the validation runs under SHARE UPDATE EXCLUSIVE alone), or deploy it after {add.Migration.Name} has run");
        }
    }
}
