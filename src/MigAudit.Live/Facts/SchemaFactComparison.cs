namespace MigAudit.Live;

/// <summary>One fact on which the database and the replay disagree; a null value is a fact that side does not have.</summary>
public sealed record FactDifference(string Table, string Fact, string? Real, string? Replay)
{
    public string Key => $"{Table}: {Fact}";
}

/// <summary>A fact the replay states no value for, or whose value may have been changed by a statement it could not follow.</summary>
public sealed record UnknownFact(string Table, string Fact, string Why)
{
    public string Key => $"{Table}: {Fact}";
}

/// <summary>How the catalog's facts and the replay's compare: what differs, what the replay leaves unknown, and how many agree.</summary>
/// <param name="RealTables">The tables the database has; <paramref name="ReplayTables"/> those the replay lists.</param>
public sealed record FactComparisonResult(IReadOnlyList<FactDifference> Differences, IReadOnlyList<UnknownFact> Unknowns, int Same, IReadOnlySet<string> RealTables, IReadOnlySet<string> ReplayTables)
{
    /// <summary>
    /// The differences with what one side lacks said once: a table the replay does not list is "table: present in the
    /// database, absent in the replay", not each of its facts; a column likewise.
    /// </summary>
    public IReadOnlyList<FactDifference> Grouped()
    {
        var grouped = new List<FactDifference>();
        foreach (var table in Differences.GroupBy(d => d.Table, StringComparer.Ordinal))
        {
            if (RealTables.Contains(table.Key) != ReplayTables.Contains(table.Key))
            {
                var inDatabase = RealTables.Contains(table.Key);
                grouped.Add(new(table.Key, "table", inDatabase ? "present" : "absent", inDatabase ? "absent" : "present"));
                continue;
            }

            foreach (var facts in table.GroupBy(d => ColumnOf(d.Fact) ?? d.Fact, StringComparer.Ordinal).Select(g => g.ToList()))
            {
                // A column has its three facts (type, not null, default) wherever it exists: all three one-sided is a missing column.
                if (ColumnOf(facts[0].Fact) is { } name && facts.Count == 3 && (facts.All(d => d.Real is null) || facts.All(d => d.Replay is null)))
                {
                    var inDatabase = facts[0].Real is not null;
                    grouped.Add(new(table.Key, $"column {name}", inDatabase ? "present" : "absent", inDatabase ? "absent" : "present"));
                    continue;
                }

                grouped.AddRange(facts);
            }
        }

        return grouped;
    }

    /// <summary>The column a column fact is about ("column x type" → x), or null.</summary>
    private static string? ColumnOf(string fact)
    {
        if (!fact.StartsWith("column ", StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var suffix in (string[])[" type", " not null", " default"])
        {
            if (fact.EndsWith(suffix, StringComparison.Ordinal))
            {
                return fact["column ".Length..^suffix.Length];
            }
        }

        return null;
    }
}

/// <summary>Compares the catalog's facts (<see cref="CatalogFacts"/>) with the replay's (<see cref="ReplayFacts"/>), key by key.</summary>
public static class SchemaFactComparison
{
    public static FactComparisonResult Compare(IReadOnlyDictionary<string, string> real, ReplayFacts replay)
    {
        var differences = new List<FactDifference>();
        var unknowns = new List<UnknownFact>();
        var same = 0;
        foreach (var key in real.Keys.Union(replay.Facts.Keys).Order(StringComparer.Ordinal))
        {
            var (table, fact) = Split(key);
            var database = real.TryGetValue(key, out var r) ? r : null;
            var stated = replay.Facts.TryGetValue(key, out var f) ? f : null;
            if (stated is { Value: null })
            {
                unknowns.Add(new(table, fact, stated.UnknownWhy ?? "unknown"));
                continue;
            }

            if (database == stated?.Value)
            {
                same++;
                continue;
            }

            // A difference where the replay marked the fact unknown is what "unknown" means: the replay claims nothing there.
            if (Uncertain(table, fact, stated, replay) is { } why)
            {
                unknowns.Add(new(table, fact, why));
                continue;
            }

            differences.Add(new(table, fact, database, stated?.Value));
        }

        var realTables = real.Keys.Select(k => Split(k).Table).ToHashSet(StringComparer.Ordinal);
        return new FactComparisonResult(differences, unknowns, same, realTables, replay.Listed);
    }

    private static (string Table, string Fact) Split(string key)
    {
        var at = key.IndexOf(": ", StringComparison.Ordinal);
        return (key[..at], key[(at + 2)..]);
    }

    private static string? Uncertain(string table, string fact, ReplayFact? stated, ReplayFacts replay)
    {
        if (stated is not null)
        {
            return stated.Uncertain;
        }

        // A fact the replay lacks: unknown when something it could not follow may have made it on that table (or any table).
        if (replay.TableUnknown.TryGetValue(table, out var whole))
        {
            return whole;
        }

        if ((fact.StartsWith("index ", StringComparison.Ordinal) || fact.StartsWith("unique ", StringComparison.Ordinal)) && replay.IndexesUnknown.TryGetValue(table, out var indexes))
        {
            return indexes;
        }

        return replay.Listed.Contains(table) ? null : replay.AnyTableUnknown;
    }
}
