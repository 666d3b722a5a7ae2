using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ADD PRIMARY KEY on a table that existed before the migration (Knex's primary() in alterTable, also after
/// dropPrimary()): PostgreSQL builds the key's unique index, and scans for NULL in every key column not yet NOT NULL,
/// under an ACCESS EXCLUSIVE lock (checked in pg_locks). ADD CONSTRAINT ... PRIMARY KEY USING INDEX over an index built
/// CONCURRENTLY builds nothing: it is left out when its columns are NOT NULL already, and reported for the scan otherwise.
/// A key that comes with a column added in the same statement (ADD COLUMN id serial PRIMARY KEY) is add-serial-column's.
/// </summary>
public sealed class AddPrimaryKeyRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "add-primary-key",
        Title: "Primary keys built while blocking the table",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A primary key is added to an existing table: its unique index is built, and nullable key columns are scanned, under an ACCESS EXCLUSIVE lock.",
        Impact: "Every read and write of the table waits for the whole index build and NOT NULL scan.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var addedColumns = LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AddColumn)
            .Select(x => (x.Migration.Name, x.Operation.Table, x.Operation.Line)).ToHashSet();
        return LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.AddPrimaryKey } && (!o.UsingIndex || o.NullableColumns.Count > 0))
            .Where(x => !addedColumns.Contains((x.Migration.Name, x.Operation.Table, x.Operation.Line)))
            .Select(x => Found(
                $"{x.Migration.Name} adds the primary key {x.Operation.Name} to {x.Operation.Table}, which existed before this migration ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}): {Work(x.Operation)} while it holds an ACCESS EXCLUSIVE lock on {x.Operation.Table}, so every read and write of it waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: $"{x.Operation.Table}/{x.Operation.Name}",
                action: Advice(x.Operation)));
    }

    private static string Work(LockOperation operation)
    {
        var scan = operation.NullableColumns.Count == 0 ? null : $"checks every row of {string.Join(", ", operation.NullableColumns)} for NULL (a primary key makes its columns NOT NULL)";
        return operation.UsingIndex
            ? $"the index is built already, but PostgreSQL {scan}"
            : $"PostgreSQL builds the key's unique index{(scan is null ? string.Empty : " and " + scan)}";
    }

    private static string Advice(LockOperation operation)
    {
        var notNull = operation.NullableColumns.Count == 0 ? string.Empty
            : $"make {string.Join(", ", operation.NullableColumns)} NOT NULL without the scan (ADD CONSTRAINT ... CHECK (column IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later migration, then SET NOT NULL, which PostgreSQL 12+ takes from the check); ";
        return operation.UsingIndex
            ? $"First {notNull}then ADD CONSTRAINT {operation.Name} PRIMARY KEY USING INDEX takes its lock only for a moment"
            : $"First {notNull}build the index with CREATE UNIQUE INDEX CONCURRENTLY {operation.Name} ON {operation.Table} (...) in a migration with exports.config = {{ transaction: false }}, then ALTER TABLE {operation.Table} ADD CONSTRAINT {operation.Name} PRIMARY KEY USING INDEX {operation.Name}, which builds nothing and holds its lock only for a moment";
    }
}
