using MigAudit.Live;

namespace MigAudit.Tests.Conformance;

/// <summary>How one case came out: the facts that differ (each a wrong or missing fact) and those the replay leaves unknown.</summary>
public sealed record CaseOutcome(ConformanceCase Case, IReadOnlyList<string> Differences, IReadOnlyList<string> Unknowns, int SameFacts)
{
    /// <summary>When knex fails and the replay reports the same failure: both messages.</summary>
    public string? SameFailure { get; init; }

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
            // The replay agrees when it reports knex's message (for a statement PostgreSQL refuses, "<sql> - <reason>": the reason).
            var reason = knexError.LastIndexOf(" - ", StringComparison.Ordinal) is > 0 and var dash ? knexError[(dash + 3)..] : knexError;
            if (replayErrors.FirstOrDefault(e => e.Contains(knexError, StringComparison.Ordinal) || e.Contains(reason, StringComparison.Ordinal)) is { } agreeing)
            {
                return new CaseOutcome(@case, [], [], 0) { SameFailure = $"knex fails: {knexError}; the replay reports: {agreeing}" };
            }

            return new CaseOutcome(@case, [$"knex fails: {knexError}", .. replayErrors.Select(e => $"the replay reports: {e}")], [], 0);
        }

        var compared = SchemaFactComparison.Compare(real, replay);
        var differences = replayErrors.Select(e => $"the replay reports an error knex does not raise: {e}")
            .Concat(compared.Differences.Select(d => $"{d.Key}: knex {d.Real ?? "(absent)"}, replay {d.Replay ?? "(absent)"}"));
        return new CaseOutcome(@case, differences.ToList(), compared.Unknowns.Select(u => $"{u.Key}: {u.Why}").ToList(), compared.Same);
    }
}
