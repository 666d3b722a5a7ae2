using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ALTER DOMAIN ... ADD CONSTRAINT (without NOT VALID), VALIDATE CONSTRAINT or SET NOT NULL while tables that existed
/// before the migration have columns of the domain: PostgreSQL 15 takes a SHARE lock on every one of those tables and
/// scans it (pg_locks), so their writes wait. Unlike ALTER TABLE's VALIDATE (SHARE UPDATE EXCLUSIVE), a domain's VALIDATE
/// CONSTRAINT takes SHARE too: NOT VALID then VALIDATE does not spare the writes. One finding per statement.
/// </summary>
public sealed class AlterDomainConstraintRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "alter-domain-constraint",
        Title: "Domain constraints checked against existing tables",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "ALTER DOMAIN adds, validates or sets NOT NULL on a domain that existing tables use: each of them is locked against writes and scanned.",
        Impact: "Inserts, updates and deletes on every table with a column of the domain wait while PostgreSQL scans them all, until the migration's transaction ends.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 20,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var pending = PendingBatch.Of(input).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        return LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AlterDomain)
            // A table an earlier migration of the same pending batch created is unseen until the batch commits.
            .Where(x => !(pending.Contains(x.Migration.Name) && CreatedBy(input, x.Operation.Table!) is { } origin && pending.Contains(origin)))
            .GroupBy(x => (x.Migration.Name, x.Operation.Line, x.Operation.Helper, x.Operation.Statement, x.Operation.Name, x.Operation.Target))
            .Select(g =>
            {
                var (migration, operation) = g.First();
                var tables = string.Join(", ", g.Select(x => $"{x.Operation.Table} ({x.Operation.Column})"));
                return Found(
                    $"{migration.Name} runs ALTER DOMAIN {operation.Name} {operation.Target} ({HelperSite.Describe(operation.Line, operation.Helper)}), and tables that existed before it have columns of that domain: {tables}. PostgreSQL tests every value of those columns, holding a SHARE lock on each table while it scans it, so their inserts, updates and deletes wait. Splitting it into ADD CONSTRAINT ... NOT VALID and VALIDATE CONSTRAINT does not help for a domain: VALIDATE takes the same SHARE lock on every table. {LockOperations.LockHeld(migration, input)}{LockOperations.Shipped(migration)}",
                    file: migration.Path,
                    line: operation.Line,
                    helper: operation.Helper,
                    severity: LockOperations.SeverityFor(migration),
                    key: $"{operation.Name}/{operation.Target}",
                    action: $"Put the rule on the tables instead, as a CHECK constraint per column: ALTER TABLE ... ADD CONSTRAINT ... CHECK (...) NOT VALID in one migration, then ALTER TABLE ... VALIDATE CONSTRAINT ... in the next one with exports.config = {{ transaction: false }} (SHARE UPDATE EXCLUSIVE: reads and writes go on during the scan); or keep the ALTER DOMAIN and run it when the tables' writes can wait");
            });
    }

    private static string? CreatedBy(AuditInput input, string table) =>
        input.Schema.Schema.Tables.TryGetValue(table, out var model) ? model.Origin.Migration : null;
}
