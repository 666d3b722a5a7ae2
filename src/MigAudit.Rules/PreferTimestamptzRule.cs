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


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var paths = input.Migrations.ToDictionary(m => m.Name, m => m.Path, StringComparer.Ordinal);
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var column in table.Columns.Where(c => c.Type.Contains("timestamp", StringComparison.OrdinalIgnoreCase) && SqlTypes.Normalize(c.Type) is var type && (type == "timestamp" || type.StartsWith("timestamp(", StringComparison.Ordinal)) && paths.ContainsKey(c.Origin.Migration)))
            {
                yield return Found(
                    $"{table.Name}.{column.Name} is timestamp without time zone (created by {column.Origin.Migration}, line {column.Origin.Line}): PostgreSQL stores the wall-clock value with no zone, and node-postgres parses it as local time of the Node process, so processes in different time zones (or a TZ change) read different instants from the same row. Changing it to timestamptz later rewrites {table.Name} unless the session's TimeZone is UTC (PostgreSQL 12+).",
                    file: paths[column.Origin.Migration],
                    line: column.Origin.Line,
                    key: $"{table.Name}.{column.Name}",
                    action: $"Declare it with table.timestamp('{column.Name}') (Knex's default on PostgreSQL is timestamptz) while the table is new");
            }
        }
    }
}
