using MigAudit.Core;
using Npgsql;

namespace MigAudit.Live;

/// <summary>
/// verify's comparison of the static replay with the schema the chain really built, fact by fact as the conformance
/// suite compares them (<see cref="CatalogFacts"/>, <see cref="ReplayFacts"/>, <see cref="SchemaFactComparison"/>):
/// how we learn what the replay still misses. A fact the replay states no value for, or that a statement it could not
/// follow may have changed, is counted as unknown, never as a difference.
/// </summary>
/// <param name="NotComparedWhy">Why no comparison was made (the chain stopped before its last migration), or null.</param>
/// <param name="Differences">Each difference once: a table or column one side lacks as one line, else each fact.</param>
/// <param name="UnknownReasons">The distinct statements that made facts unknown, at most <see cref="ReasonsShown"/>.</param>
public sealed record StaticComparison(string? NotComparedWhy, IReadOnlyList<FactDifference> Differences, int UnknownFacts, int SameFacts, IReadOnlyList<string> UnknownReasons)
{
    public const int ReasonsShown = 5;

    public static StaticComparison NotCompared(string why) => new(why, [], 0, 0, []);

    public bool Compared => NotComparedWhy is null;

    /// <summary>The differences as lines, as the report's staticModelDifferences lists them.</summary>
    public IReadOnlyList<string> Lines => Differences.Select(Text).ToList();

    public static string Text(FactDifference d) => $"{d.Table}: {d.Fact}: database {d.Real ?? "(absent)"}, replay {d.Replay ?? "(absent)"}";

    /// <param name="probe">A connection to the scratch database with the chain's schema in place (its types exist there).</param>
    /// <param name="role">The chain's role, to probe the project's type and default text with its rights only; null to probe as the connection's.</param>
    public static async Task<StaticComparison> RunAsync(SchemaModel model, SchemaSnapshot real, NpgsqlConnection probe, IdentifierTransform transform, string? role)
    {
        if (transform == IdentifierTransform.SnakeCase)
        {
            model = Renamed(model, IdentifierCase.SnakeCase);
        }

        var replay = await ReplayFacts.OfAsync(model, probe, role);
        var compared = SchemaFactComparison.Compare(CatalogFacts.Of(real), replay);
        var reasons = compared.Unknowns.Select(u => u.Why).Distinct(StringComparer.Ordinal).ToList();
        return new StaticComparison(null, compared.Grouped(), compared.Unknowns.Count, compared.Same, reasons.Take(ReasonsShown).ToList());
    }

    /// <summary>
    /// The model with every table, column, index and constraint name as wrapIdentifier sends it: the replay keeps names
    /// as the migrations write them, the database has them renamed.
    /// </summary>
    public static SchemaModel Renamed(SchemaModel model, Func<string, string> rename)
    {
        IReadOnlyList<string> All(IReadOnlyList<string> names) => names.Select(rename).ToList();
        var renamed = SchemaModel.Empty with { Unknown = model.Unknown };
        foreach (var table in model.Tables.Values)
        {
            renamed = renamed.With(table with
            {
                Name = rename(table.Name),
                Columns = table.Columns.Select(c => c with { Name = rename(c.Name) }).ToList(),
                Indexes = table.Indexes.Select(i => i with { Name = rename(i.Name), Columns = All(i.Columns), Include = All(i.Include) }).ToList(),
                ForeignKeys = table.ForeignKeys.Select(k => k with { Name = rename(k.Name), Columns = All(k.Columns), ReferencesTable = rename(k.ReferencesTable), ReferencesColumns = All(k.ReferencesColumns) }).ToList(),
                PrimaryKey = All(table.PrimaryKey),
                Checks = All(table.Checks),
            });
        }

        foreach (var (name, why) in model.UnknownTables)
        {
            renamed = renamed with { UnknownTables = renamed.UnknownTables.SetItem(rename(name), why) };
        }

        return renamed;
    }
}
