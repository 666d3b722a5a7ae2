using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Joins the schemas two branches of an undecidable condition produced: what both agree on stays known; a table only
/// one branch has becomes of unknown existence; a table both have but differently keeps what they share and is marked
/// partial. Only the tables the branches changed are compared, so a merge costs what the branches did.
/// </summary>
public static class SchemaMerge
{
    public static SchemaModel Merge(SchemaModel first, SchemaModel second, IReadOnlyCollection<string> changed, Uncertainty because)
    {
        var merged = first with
        {
            Unknown = Later(first.Unknown, second.Unknown),
            UnknownTables = first.UnknownTables.SetItems(second.UnknownTables),
            Dropped = first.Dropped.Intersect(second.Dropped),
        };
        foreach (var name in changed)
        {
            var a = first.Table(name);
            var b = second.Table(name);
            if (ReferenceEquals(a, b))
            {
                continue;
            }

            if (a is null || b is null)
            {
                merged = merged.Without(name) with
                {
                    UnknownTables = merged.UnknownTables.SetItem(name, because),
                    Dropped = merged.Dropped.Remove(name),
                };
                continue;
            }

            merged = merged.With(Common(a, b, because)) with { UnknownTables = merged.UnknownTables.Remove(name) };
        }

        return merged;
    }

    private static TableModel Common(TableModel a, TableModel b, Uncertainty because)
    {
        var common = a with
        {
            Columns = a.Columns.Where(c => b.Columns.Contains(c)).ToList(),
            Indexes = a.Indexes.Where(i => b.Indexes.Any(o => o.Name == i.Name && o.Unique == i.Unique && o.Columns.SequenceEqual(i.Columns))).ToList(),
            ForeignKeys = a.ForeignKeys.Where(f => b.ForeignKeys.Contains(f)).ToList(),
            PrimaryKey = a.PrimaryKey.SequenceEqual(b.PrimaryKey) ? a.PrimaryKey : [],
            Checks = a.Checks.Intersect(b.Checks).ToList(),
            HasUnnamedConstraints = a.HasUnnamedConstraints || b.HasUnnamedConstraints,
            Partial = Later(a.Partial, b.Partial),
            PartialIndexes = Later(a.PartialIndexes, b.PartialIndexes),
        };
        var same = common.Columns.Count == a.Columns.Count && common.Columns.Count == b.Columns.Count &&
                   common.Indexes.Count == a.Indexes.Count && common.Indexes.Count == b.Indexes.Count &&
                   common.ForeignKeys.Count == a.ForeignKeys.Count && common.ForeignKeys.Count == b.ForeignKeys.Count &&
                   a.PrimaryKey.SequenceEqual(b.PrimaryKey) && a.Checks.Count == b.Checks.Count && common.Checks.Count == a.Checks.Count;
        return same ? common : common with { Partial = because };
    }

    private static Uncertainty? Later(Uncertainty? a, Uncertainty? b) =>
        a is null ? b : b is null ? a : a.Sequence >= b.Sequence ? a : b;
}
