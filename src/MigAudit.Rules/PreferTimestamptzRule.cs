using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// timestamp (without time zone) columns in the replayed schema (Knex's timestamp/datetime with { useTz: false }):
/// PostgreSQL stores the wall-clock value with no zone, and node-postgres turns it into a JavaScript Date in the Node
/// process's own time zone, so two servers in different zones read different instants from the same row.
/// </summary>
public sealed class PreferTimestamptzRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "prefer-timestamptz",
        Title: "timestamp columns without a time zone",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A column is timestamp without time zone: node-postgres reads it in the Node process's own time zone.",
        Impact: "The same row means different instants to processes in different time zones; changing to timestamptz later may rewrite the table.")
    {
        Category = RuleCategory.Locks,
        Dialects = [SqlDialect.PostgreSQL],
        EffortPerFindingMinutes = 5,
    };

    public override IEnumerable<Finding> Check(AuditInput input) =>
        ColumnsOfType.Where(input, "timestamp", type => type == "timestamp" || type.StartsWith("timestamp(", StringComparison.Ordinal)).Select(x => Found(
                    $"{x.Table.Name}.{x.Column.Name} is timestamp without time zone (created by {x.Column.Origin.Migration}, {HelperSite.Describe(x.Column.Origin.Line, x.Column.Origin.Helper)}): PostgreSQL stores the wall-clock value with no zone, and node-postgres parses it as local time of the Node process, so processes in different time zones (or a TZ change) read different instants from the same row. Changing it to timestamptz later rewrites {x.Table.Name} unless the session's TimeZone is UTC (PostgreSQL 12+).",
                    file: x.Path,
                    line: x.Column.Origin.Line,
                    helper: x.Column.Origin.Helper,
                    key: $"{x.Table.Name}.{x.Column.Name}",
                    action: $"Declare it with table.timestamp('{x.Column.Name}') (Knex's default on PostgreSQL is timestamptz) while the table is new"));
}
