using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>Shared by the schema rules: where a schema object was created.</summary>
internal static class SchemaLocation
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AuditInput, Dictionary<string, string>> Paths = new();

    /// <summary>The path of a migration by name; a lookup table per audit keeps rules linear in the number of findings.</summary>
    public static string? PathOf(AuditInput input, string migration) =>
        Paths.GetValue(input, i => i.Migrations.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Path, StringComparer.Ordinal))
            .GetValueOrDefault(migration);

    public static string Columns(IEnumerable<string> columns) => "(" + string.Join(", ", columns) + ")";

    /// <summary>
    /// Whether some plain btree index (no predicate), unique constraint or the primary key starts with exactly these
    /// columns (in any order): the kind PostgreSQL can use to find the rows a key refers to.
    /// </summary>
    public static bool HasLeadingIndex(TableModel table, IReadOnlyList<string> columns)
    {
        bool Leads(IReadOnlyList<string> indexColumns) =>
            indexColumns.Count >= columns.Count && indexColumns.Take(columns.Count).ToHashSet().SetEquals(columns);

        return Leads(table.PrimaryKey) || table.Indexes.Any(i => i.IsPlainBtree && Leads(i.Columns));
    }

    /// <summary>Tables whose rows grow with traffic, by name: see docs/rules/missing-created-at-index.md.</summary>
    public static bool IsWriteHeavy(string table)
    {
        string[] markers =
        [
            "log", "event", "message", "deliver", "audit", "activit", "notification", "histor", "usage", "metric", "tracking",
            "call", "completion", "reaction", "session", "analytics", "job", "attempt", "click", "pageview",
        ];
        return markers.Any(m => table.Contains(m, StringComparison.Ordinal));
    }
}
