using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class IndexNamingRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "index-naming",
        Title: "Index naming inconsistency",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "Index names break the project's dominant pattern (Knex default names mixed with custom ones).",
        Impact: "dropIndex() with default arguments cannot find custom-named indexes, and people cannot guess names when writing downs.")
    {
        Category = RuleCategory.Indexes,
        EffortBaseMinutes = 10,
        EffortPerFindingMinutes = 5,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        var indexes = input.Schema.Schema.Tables.Values.SelectMany(t => t.Indexes.Where(i => input.Schema.Schema.KnowsIndex(t, i.Origin)).Select(i => (Table: t, Index: i))).ToList();
        var patterns = indexes.GroupBy(x => Pattern(x.Table.Name, x.Index)).OrderByDescending(g => g.Count()).ToList();
        if (patterns.Count < 2)
        {
            yield break;
        }

        var dominant = patterns[0].Key;
        foreach (var (table, index) in patterns.Skip(1).SelectMany(g => g).OrderBy(x => x.Index.Name, StringComparer.Ordinal))
        {
            yield return Found(
                $"Index {index.Name} on {table.Name} uses {Pattern(table.Name, index)} while {patterns[0].Count()} of {indexes.Count} indexes use {dominant}.",
                file: SchemaLocation.PathOf(input, index.Origin.Migration),
                key: index.Name,
                line: index.Origin.Line,
                helper: index.Origin.Helper,
                headline: $"{index.Name} ({Pattern(table.Name, index)})",
                action: $"Name new indexes with {dominant}; keep {index.Name} unless a migration renames it (ALTER INDEX ... RENAME TO)");
        }
    }

    private static string Pattern(string table, IndexModel index)
    {
        if (!index.ExplicitName || index.Name.StartsWith(table + "_", StringComparison.Ordinal) && (index.Name.EndsWith("_index", StringComparison.Ordinal) || index.Name.EndsWith("_unique", StringComparison.Ordinal)))
        {
            return "Knex's default names (<table>_<columns>_index / _unique)";
        }

        if (index.Name.StartsWith("idx_", StringComparison.Ordinal) || index.Name.StartsWith("ix_", StringComparison.Ordinal))
        {
            return "an idx_ prefix";
        }

        return index.Name.EndsWith("_idx", StringComparison.Ordinal) || index.Name.EndsWith("_key", StringComparison.Ordinal) ? "an _idx/_key suffix" : "a custom name";
    }
}
