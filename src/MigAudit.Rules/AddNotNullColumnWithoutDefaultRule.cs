using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A NOT NULL column without a default added to a table that existed before the migration: every existing row would
/// get NULL, so PostgreSQL refuses the statement on a table with rows ("column ... contains null values") and Knex's
/// migrate:latest fails there. On an empty table, such as a fresh test database, it passes.
/// </summary>
public sealed class AddNotNullColumnWithoutDefaultRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "add-not-null-column-without-default",
        Title: "NOT NULL columns added without a default",
        Severity: Severity.High,
        Blocking: false,
        Summary: "A NOT NULL column without a default is added to an existing table: PostgreSQL refuses it as soon as the table has a row.",
        Impact: "migrate:latest fails on every database where the table has rows (production), while it passes on empty test databases.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 20,
    };


    public override IEnumerable<Finding> Check(AuditInput input) =>
        LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.AddColumn, NotNull: true, Default: null } && !SqlRewrites.IsSerial(o.Type))
            .Select(x => Found(
                $"{x.Migration.Name} adds {x.Operation.Table}.{x.Operation.Column} NOT NULL without a default ({HelperSite.Describe(x.Operation.Line, x.Operation.Helper)}), and {x.Operation.Table} existed before this migration: every existing row would hold NULL, so PostgreSQL refuses it on a table with rows (\"column \\\"{x.Operation.Column}\\\" of relation \\\"{x.Operation.Table}\\\" contains null values\") and knex migrate:latest fails there, after waiting for an ACCESS EXCLUSIVE lock on {x.Operation.Table}. On an empty table (a fresh test database) it passes, so tests do not show it. Whether {x.Operation.Table} has rows in production is not known to migaudit.{(x.Migration.Git.ShippedInRelease is { } tag ? $" It shipped in release {tag}, so wherever that release is deployed it has already run." : string.Empty)}",
                file: x.Migration.Path,
                line: x.Operation.Line,
                helper: x.Operation.Helper,
                severity: LockOperations.SeverityFor(x.Migration),
                key: LockOperations.Key(x.Operation),
                action: $"Give {x.Operation.Column} a default (a constant default adds no rewrite from PostgreSQL 11), or add it nullable, fill it, then make it NOT NULL"));
}
