using MigAudit.Core;

namespace MigAudit.Rules;

public sealed class RedundantIndexRule : Rule
{
    public override RuleMetadata Metadata { get; } = new(
        Id: "redundant-index",
        Title: "Redundant indexes",
        Severity: Severity.Low,
        Blocking: false,
        Summary: "A non-unique index whose columns are a prefix of another index (or the primary key) on the same table.",
        Impact: "Every write maintains an index the planner never needs.")
    {
        Category = RuleCategory.Indexes,
        EffortPerFindingMinutes = 5,
    };


    public override IEnumerable<Finding> Check(AuditInput input)
    {
        foreach (var table in input.Schema.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            // Both indexes of a pair must be known to be there, and alike: a partial, GIN, GiST, BRIN or hash index serves
            // other queries than a plain btree over the same leading columns, so only plain btrees cover each other.
            var others = table.Indexes.Where(i => i.IsPlainBtree && input.Schema.Schema.KnowsIndex(table, i.Origin)).Select(i => (i.Name, i.Columns)).ToList();
            if (table.PrimaryKey.Count > 0 && input.Schema.Schema.IsKnown(table))
            {
                others.Add(("primary key", table.PrimaryKey));
            }

            foreach (var index in table.Indexes.Where(i => !i.Unique && i.IsPlainBtree && i.Include.Count == 0 && input.Schema.Schema.KnowsIndex(table, i.Origin)))
            {
                var covering = others.FirstOrDefault(o => o.Name != index.Name && o.Columns.Count >= index.Columns.Count &&
                                                          o.Columns.Take(index.Columns.Count).SequenceEqual(index.Columns));
                if (covering.Name is null)
                {
                    continue;
                }

                yield return Found(
                    $"Index {index.Name} on {table.Name}{SchemaLocation.Columns(index.Columns)} is covered by {covering.Name}{SchemaLocation.Columns(covering.Columns)}, which starts with the same columns.",
                    file: SchemaLocation.PathOf(input, index.Origin.Migration),
                    key: index.Name,
                    line: index.Origin.Line,
                    helper: index.Origin.Helper,
                    headline: $"{index.Name} (covered by {covering.Name})",
                    action: $"Drop {index.Name} in a new migration");
            }
        }
    }
}
