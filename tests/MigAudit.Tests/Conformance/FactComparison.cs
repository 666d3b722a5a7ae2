using MigAudit.Live;

namespace MigAudit.Tests.Conformance;

/// <summary>How one case came out: the facts that differ (each a wrong or missing fact) and those the replay leaves unknown.</summary>
public sealed record CaseOutcome(ConformanceCase Case, IReadOnlyList<string> Differences, IReadOnlyList<string> Unknowns, int SameFacts)
{
    public string Verdict => Differences.Count > 0 ? "differs" : Unknowns.Count > 0 ? "unknown" : "same";
}

/// <summary>A case's outcome from verify's own fact comparison (<see cref="SchemaFactComparison"/>, src/MigAudit.Live/Facts).</summary>
public static class FactComparison
{
    public static CaseOutcome Compare(ConformanceCase @case, string? knexError, IReadOnlyDictionary<string, string> real, ReplayFacts replay, IReadOnlyList<string> replayErrors)
    {
        if (knexError is not null)
        {
            // The migration rolled back: the catalog holds only what ran before it, so only the failure is compared.
            return new CaseOutcome(@case, [$"knex fails: {knexError}", .. replayErrors.Select(e => $"the replay reports: {e}")], [], 0);
        }

        var compared = SchemaFactComparison.Compare(real, replay);
        var differences = replayErrors.Select(e => $"the replay reports an error knex does not raise: {e}")
            .Concat(compared.Differences.Select(d => $"{d.Key}: knex {d.Real ?? "(absent)"}, replay {d.Replay ?? "(absent)"}"));
        return new CaseOutcome(@case, differences.ToList(), compared.Unknowns.Select(u => $"{u.Key}: {u.Why}").ToList(), compared.Same);
    }
}
