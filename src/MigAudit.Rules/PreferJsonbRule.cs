using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// json columns in the replayed schema (Knex's table.json() on PostgreSQL): PostgreSQL keeps the text as written and
/// parses it on every read, has no equality operator for it (DISTINCT, GROUP BY and UNION fail) and no GIN operator
/// class for it; jsonb has all three. Changing the type later rewrites the table. Added to a table that existed before
/// by a pending migration, it also breaks the application's SELECT DISTINCT * and UNION on that table at once: medium.
/// </summary>
public sealed class PreferJsonbRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "prefer-jsonb",
        Title: "json columns where jsonb would serve",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A column is json: PostgreSQL re-parses it on every read and cannot compare or GIN-index it; jsonb can.",
        Impact: "Queries that compare, group or index the document fail or scan; changing to jsonb later rewrites the table.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 5,
    };

    public override IEnumerable<Finding> Check(AuditInput input)
    {
        // A json column added to a table that existed before, by a migration no release shipped: the application's
        // queries on that table change meaning the moment it lands (eugene E3, strong_migrations add_column_json).
        var addedToLiveTables = LockOperations.OnExistingTables(input, o => o is { Kind: LockOperationKind.AddColumn, Table: not null, Column: not null })
            .Where(x => x.Migration.Git.ShippedInRelease is null)
            .Select(x => (x.Migration.Name, x.Operation.Table!, x.Operation.Column!))
            .ToHashSet();
        return ColumnsOfType.Where(input, "json", type => type == "json").Select(x =>
        {
            var addedToLiveTable = addedToLiveTables.Contains((x.Column.Origin.Migration, x.Table.Name, x.Column.Name));
            return Found(
                $"{x.Table.Name}.{x.Column.Name} is json (created by {x.Column.Origin.Migration}, {HelperSite.Describe(x.Column.Origin.Line, x.Column.Origin.Helper)}): PostgreSQL stores the text as written and parses it again on every read, has no equality operator for json (SELECT DISTINCT, GROUP BY or UNION on it fail with \"could not identify an equality operator for type json\") and no GIN index for it. jsonb has all of these; changing the type later rewrites {x.Table.Name}.{(addedToLiveTable ? $" {x.Table.Name} existed before that migration: queries the application already runs on it that take every column (SELECT DISTINCT * ..., knex's .distinct() with no columns, UNION of whole rows) fail from the moment the column is added." : string.Empty)}",
                file: x.Path,
                line: x.Column.Origin.Line,
                helper: x.Column.Origin.Helper,
                severity: addedToLiveTable ? Severity.Medium : null,
                key: $"{x.Table.Name}.{x.Column.Name}",
                action: addedToLiveTable
                    ? $"Add it as jsonb: table.jsonb('{x.Column.Name}') (json keeps key order and duplicate keys, which jsonb drops: keep json only if that matters, and then check the table's DISTINCT and UNION queries first)"
                    : $"Declare it with table.jsonb('{x.Column.Name}') while the table is new (json keeps key order and duplicate keys, which jsonb drops: keep json only if that matters)");
        });
    }
}
