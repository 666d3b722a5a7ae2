using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// A table the migrations use (alter, drop, rename, reference) that no migration creates. One finding per table, at the
/// first migration that needs it, instead of a chain error for every statement: the application, a SQL dump or a
/// hand-run script may create it, which migaudit cannot see; what it can say is that the migrations alone cannot.
/// </summary>
public sealed class TableCreatedOutsideRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "table-created-outside",
        Title: "Tables created outside the migrations",
        Severity: Severity.Medium,
        Blocking: false,
        Summary: "A migration uses a table that no migration creates: a database built only by the migrations does not have it.",
        Impact: "knex migrate:latest on an empty database (CI, a new environment) fails at the first migration that needs the table, unless something else creates it first.")
    {
        EffortPerFindingMinutes = 20,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var replays = input.Schema.Migrations;
        Dictionary<string, List<int>>? namedAt = null;
        for (var position = 0; position < replays.Count; position++)
        {
            var replay = replays[position];
            foreach (var external in replay.ExternalTables.Where(e => seen.Add(e.Table)))
            {
                namedAt ??= NamingPositions(replays);
                var later = LaterNaming(namedAt, position, external.Table);
                yield return Found(
                    $"{replay.Migration} (line {external.Line}): {external.Use} needs table '{external.Table}', which no earlier migration creates{(later > 0 ? $" ({later} later migration{(later == 1 ? " uses" : "s use")} it too)" : string.Empty)}. " +
                    "On an empty database 'knex migrate:latest' fails here unless the application, a dump or a script creates the table before the migrations run.",
                    file: SchemaLocation.PathOf(input, replay.Migration),
                    line: external.Line,
                    key: external.Table,
                    headline: $"{external.Table} (first needed by {replay.Migration}:{external.Line})",
                    action: $"Create '{external.Table}' in a migration that runs before {replay.Migration} (createTableIfNotExists keeps existing databases as they are), or document what creates it");
            }
        }
    }

    /// <summary>
    /// The positions of the migrations that name each table, in order, built once for the audit: a scan of every later
    /// migration per table was quadratic.
    /// </summary>
    private static Dictionary<string, List<int>> NamingPositions(IReadOnlyList<MigrationReplay> replays)
    {
        var positions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var position = 0; position < replays.Count; position++)
        {
            foreach (var table in replays[position].TablesNamed)
            {
                if (!positions.TryGetValue(table, out var list))
                {
                    positions[table] = list = [];
                }

                if (list.Count == 0 || list[^1] != position)
                {
                    list.Add(position);
                }
            }
        }

        return positions;
    }

    /// <summary>How many migrations after <paramref name="position"/> name the table.</summary>
    private static int LaterNaming(Dictionary<string, List<int>> positions, int position, string table)
    {
        if (!positions.TryGetValue(table, out var list))
        {
            return 0;
        }

        var at = list.BinarySearch(position + 1);
        return list.Count - (at >= 0 ? at : ~at);
    }
}
