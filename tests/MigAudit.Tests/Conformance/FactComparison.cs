namespace MigAudit.Tests.Conformance;

/// <summary>How one case came out: the facts that differ (each a wrong or missing fact) and those the replay leaves unknown.</summary>
public sealed record CaseOutcome(ConformanceCase Case, IReadOnlyList<string> Differences, IReadOnlyList<string> Unknowns, int SameFacts)
{
    /// <summary>When knex fails and the replay reports the same failure: both messages.</summary>
    public string? SameFailure { get; init; }

    public string Verdict => Differences.Count > 0 ? "differs" : Unknowns.Count > 0 ? "unknown" : "same";
}

/// <summary>Compares the catalog's facts with the replay's, key by key.</summary>
public static class FactComparison
{
    public static CaseOutcome Compare(ConformanceCase @case, string? knexError, IReadOnlyDictionary<string, string> real, ReplayFacts replay, IReadOnlyList<string> replayErrors)
    {
        var differences = new List<string>();
        var unknowns = new List<string>();
        var same = 0;
        if (knexError is not null)
        {
            // The migration rolled back: the catalog holds only what ran before it, so only the failure is compared.
            // The replay agrees when it reports knex's message (for a statement PostgreSQL refuses, "<sql> - <reason>": the reason).
            var reason = knexError.LastIndexOf(" - ", StringComparison.Ordinal) is > 0 and var dash ? knexError[(dash + 3)..] : knexError;
            if (replayErrors.FirstOrDefault(e => e.Contains(knexError, StringComparison.Ordinal) || e.Contains(reason, StringComparison.Ordinal)) is { } agreeing)
            {
                return new CaseOutcome(@case, [], [], 0) { SameFailure = $"knex fails: {knexError}; the replay reports: {agreeing}" };
            }

            return new CaseOutcome(@case, [$"knex fails: {knexError}", .. replayErrors.Select(e => $"the replay reports: {e}")], [], 0);
        }

        differences.AddRange(replayErrors.Select(e => $"the replay reports an error knex does not raise: {e}"));
        foreach (var key in real.Keys.Union(replay.Facts.Keys).Order(StringComparer.Ordinal))
        {
            var knex = real.TryGetValue(key, out var r) ? r : null;
            var fact = replay.Facts.TryGetValue(key, out var f) ? f : null;
            if (fact is { Value: null })
            {
                unknowns.Add($"{key}: {fact.UnknownWhy}");
                continue;
            }

            if (knex == fact?.Value)
            {
                same++;
                continue;
            }

            // A difference on a table the replay marked unknown is what "unknown" means: the replay claims nothing there.
            if (Uncertain(key, replay) is { } why)
            {
                unknowns.Add($"{key}: {why}");
                continue;
            }

            differences.Add($"{key}: knex {knex ?? "(absent)"}, replay {fact?.Value ?? "(absent)"}");
        }

        return new CaseOutcome(@case, differences, unknowns, same);
    }

    private static string? Uncertain(string key, ReplayFacts replay)
    {
        var table = key[..key.IndexOf(": ", StringComparison.Ordinal)];
        var kind = key[(table.Length + 2)..];
        if (replay.TableUnknown.TryGetValue(table, out var whole))
        {
            return whole;
        }

        if ((kind.StartsWith("index ", StringComparison.Ordinal) || kind.StartsWith("unique ", StringComparison.Ordinal)) && replay.IndexesUnknown.TryGetValue(table, out var indexes))
        {
            return indexes;
        }

        var listed = replay.Facts.Keys.Any(k => k.StartsWith(table + ": ", StringComparison.Ordinal));
        return listed ? null : replay.AnyTableUnknown;
    }
}
