using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// ADD COLUMN with a volatile default (gen_random_uuid(), knex.fn.uuid(), random(), clock_timestamp()) on a table that
/// existed before the migration: PostgreSQL must store a value per row, so it rewrites the table and its indexes under
/// an ACCESS EXCLUSIVE lock. A constant or stable default (knex.fn.now()) is stored once in the catalog from
/// PostgreSQL 11 and rewrites nothing.
/// </summary>
public sealed class AddColumnVolatileDefaultRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "add-column-volatile-default",
        Title: "Columns added with a volatile default",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A column with a volatile default is added to an existing table: PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock.",
        Impact: "Every read and write of the table waits while PostgreSQL writes a new copy of it and rebuilds its indexes.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 30,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o.Kind == LockOperationKind.AddColumn && !SqlRewrites.IsSerial(o.Type) &&
                                                    SqlRewrites.AddColumnDefault(o.Default, o.Type) == RewriteVerdict.Yes)
            .Select(x => Found(
                $"{x.Migration.Name} adds {x.Operation.Table}.{x.Operation.Column} with DEFAULT {x.Operation.Default} ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: {SqlRewrites.VolatileCall(x.Operation.Default)}() is volatile, so PostgreSQL computes it for every existing row and rewrites {x.Operation.Table} and all its indexes under an ACCESS EXCLUSIVE lock; every read and write of it waits. {LockOperations.LockHeld(x.Migration, input)}{LockOperations.Shipped(x.Migration)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Add {x.Operation.Column} without the default, then give new rows theirs with ALTER TABLE {x.Operation.Table} ALTER COLUMN {x.Operation.Column} SET DEFAULT {x.Operation.Default} (no rewrite) and fill the existing rows in batches"));
}
