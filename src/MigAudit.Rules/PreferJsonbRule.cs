using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// json columns in the replayed schema (Knex's table.json() on PostgreSQL): PostgreSQL keeps the text as written and
/// parses it on every read, has no equality operator for it (DISTINCT, GROUP BY and UNION fail) and no GIN operator
/// class for it; jsonb has all three. Changing the type later rewrites the table.
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

    public override IEnumerable<Finding> Check(AuditInput input) =>
        ColumnsOfType.Where(input, "json", type => type == "json").Select(x => Found(
                    $"{x.Table.Name}.{x.Column.Name} is json (created by {x.Column.Origin.Migration}, {HelperSite.Describe(x.Column.Origin.Line, x.Column.Origin.Helper)}): PostgreSQL stores the text as written and parses it again on every read, has no equality operator for json (SELECT DISTINCT, GROUP BY or UNION on it fail with \"could not identify an equality operator for type json\") and no GIN index for it. jsonb has all of these; changing the type later rewrites {x.Table.Name}.",
                    file: x.Path,
                    line: x.Column.Origin.Line,
                    helper: x.Column.Origin.Helper,
                    key: $"{x.Table.Name}.{x.Column.Name}",
                    action: $"Declare it with table.jsonb('{x.Column.Name}') while the table is new (json keeps key order and duplicate keys, which jsonb drops: keep json only if that matters)"));
}
