using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// Where a change to the names Knex finds (a deletion, a rename, a squash) stands with production, and so whether it
/// blocks the next deploy. Knex fails "The migration directory is corrupt" only on a database whose migrations table
/// holds a name no file has any more: a database that never recorded the name is unaffected, and one that already ran
/// a release without the file has already met the failure (and was repaired, or has validation off).
/// </summary>
/// <param name="Text">A sentence on where production stands, for the finding's message.</param>
/// <param name="Drop">The list of production's names says production never recorded any of the names: no finding.</param>
public sealed record ProductionReach(FindingScope Scope, Evidence Evidence, bool Blocks, bool Drop, string Text, IReadOnlyList<string> Releases, IReadOnlyList<string> DecidingNames)
{
    /// <param name="heldIn">Release tags whose tree held the name (null: the repository has no release tags).</param>
    /// <param name="since">Release tags that contain the change (null: no release tags).</param>
    /// <param name="names">Every name a database that ran the migration may have recorded.</param>
    /// <param name="change">"deletion", "rename" or "squash", for the sentence.</param>
    /// <param name="shippedText">How the release tags held the names, when "it shipped in ..." does not fit (a squash of many).</param>
    /// <remarks>Every sentence starts in lower case: callers capitalise it where it starts theirs.</remarks>
    public static ProductionReach Of(AuditInput input, IReadOnlyList<string>? heldIn, IReadOnlyList<string>? since, IReadOnlyList<string> names, string change, string? shippedText = null)
    {
        if (input.Applied is { } applied)
        {
            var held = applied.Held(names);
            return held.Count == 0
                ? new(FindingScope.Pending, Evidence.Certain, false, true, $"production's migrations table ({applied.Source}) holds none of {string.Join(", ", names)}", [], [])
                : new(FindingScope.Pending, Evidence.Certain, true, false, $"production's migrations table ({applied.Source}) holds {string.Join(" and ", held)}, so its next 'knex migrate:latest' meets this", [], []);
        }

        if (heldIn is null)
        {
            return new(FindingScope.Unknown, Evidence.Likely, false, false,
                "the repository has no release tags, so whether production recorded it cannot be told from history: tell migaudit which names production holds with --applied (the rows of SELECT name FROM knex_migrations)", [], names);
        }

        if (heldIn.Count == 0)
        {
            // No release held the name: production never recorded it. Releases since the change make it history too.
            var never = shippedText ?? MigAudit.Rules.Text.Releases(heldIn).Text;
            return since is { Count: > 0 }
                ? new(FindingScope.LongShipped, Evidence.Certain, false, false, $"{never}; {(since.Count == 1 ? $"release {since[0]} has" : $"releases {since[0]} to {since[^1]} ({since.Count}) have")} run since the {change}", since, [])
                : new(FindingScope.Pending, Evidence.Certain, false, false, never, [], []);
        }

        var shipped = shippedText ?? MigAudit.Rules.Text.Releases(heldIn).Text;
        if (since is { Count: > 0 })
        {
            var ran = since.Count == 1 ? $"release {since[0]} has" : $"releases {since[0]} to {since[^1]} ({since.Count}) have";
            return new(FindingScope.LongShipped, Evidence.Certain, false, false,
                $"{shipped}, and {ran} run since the {change}: wherever those are deployed, production has already lived with it (Knex stopped there, and the row was removed, or list validation is off)", since, []);
        }

        return new(FindingScope.Pending, Evidence.Certain, true, false,
            $"{shipped}, and no release has the {change} yet: the next deploy is the first without it", heldIn, []);
    }

    /// <summary>
    /// The finding's severity (null: the rule's high) and whether it blocks. <paramref name="excused"/>: something else
    /// already keeps Knex from stopping there (list validation off, the project's own repair, a harmless rerun): medium.
    /// Otherwise it blocks when production's next deploy meets it, stays high without blocking while nobody told migaudit
    /// (no release tags), and is medium when production never had the name or lived with its change.
    /// </summary>
    public (Severity? Severity, bool Blocking) Rating(bool excused) =>
        excused ? (Severity.Medium, false)
        : Blocks ? (null, true)
        : Scope == FindingScope.Unknown ? (null, false)
        : (Severity.Medium, false);

    /// <summary>The finding with where production stands: its scope, evidence, and the names that would decide it.</summary>
    public Finding ApplyTo(Finding finding) => finding with
    {
        Scope = Scope,
        Evidence = Evidence,
        ScopeReleases = Releases,
        DecidingNames = finding.Severity == Severity.High && !finding.Blocking ? DecidingNames : [],
    };
}
