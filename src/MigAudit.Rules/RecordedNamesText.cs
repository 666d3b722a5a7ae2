using MigAudit.Core;

namespace MigAudit.Rules;

/// <summary>
/// How a renamed migration stands with each kind of database the knexfile of its time made (<see cref="RenamedMigration.RecordedBy"/>):
/// which name each recorded, and whether that is the file's name now.
/// </summary>
internal static class RecordedNamesText
{
    /// <summary>
    /// Some kind of database deployed from releases recorded only the file's current name, or stale names no release
    /// held (x.ee.js, when every release held x.ts): for those, the rename changes nothing.
    /// </summary>
    public static bool SomeUnaffected(RenamedMigration rename) =>
        rename.RecordedBy is { } kinds && kinds.Any(k => k.Recorded.Where(r => r.Name != rename.NewName).All(r => InNoRelease(rename, r)));

    private static bool InNoRelease(RenamedMigration rename, RecordedName recorded) =>
        rename.ReleasesByName is { } byName && byName.TryGetValue(recorded.Source, out var tags) && tags.Count == 0;

    /// <summary>Where each stale name shipped, by its source file's releases: " (x.ee.js: in no release)".</summary>
    private static string Shipped(RenamedMigration rename, IEnumerable<RecordedName> stale)
    {
        if (rename.ReleasesByName is not { } byName)
        {
            return string.Empty;
        }

        var parts = stale.DistinctBy(r => r.Name).Select(r => byName.TryGetValue(r.Source, out var tags)
            ? $"{r.Name}: {(tags switch { [] => "in no release", [var only] => $"release {only}", _ => $"releases {tags[0]} to {tags[^1]}" })}"
            : null).OfType<string>().ToList();
        return parts.Count == 0 ? string.Empty : $" ({string.Join("; ", parts)})";
    }

    /// <summary>
    /// The release tags that held a file some kind of database recorded under a stale name, oldest first: a compiled
    /// x.ee.js was recorded only where x.ee.ts shipped. Null without release tags.
    /// </summary>
    public static IReadOnlyList<string>? ReleasesOfStaleNames(RenamedMigration rename)
    {
        if (rename.RecordedBy is not { } kinds || rename.ReleasesByName is not { } byName || rename.Releases is not { } releases)
        {
            return rename.Releases;
        }

        var sources = kinds.SelectMany(k => k.Recorded).Where(r => r.Name != rename.NewName).Select(r => r.Source).ToHashSet(StringComparer.Ordinal);
        var held = sources.SelectMany(s => byName.TryGetValue(s, out var tags) ? tags : []).ToHashSet(StringComparer.Ordinal);
        return releases.Where(held.Contains).ToList();
    }

    /// <summary>One sentence per kind of database: what it recorded, and what the next 'knex migrate:latest' does there.</summary>
    /// <param name="consequence">What a database holding the given stale name meets ("fail 'knex migrate:latest' with ...").</param>
    public static string Describe(RenamedMigration rename, Func<string, string> consequence)
    {
        var kinds = rename.RecordedBy!;
        // Where each stale name shipped, said only when the names shipped in different releases (a chain's x.ee.ts in
        // none, x.ts in many): otherwise the sentence on production's reach says it once.
        var byRelease = kinds.SelectMany(k => k.Recorded).Where(r => r.Name != rename.NewName)
            .Select(r => rename.ReleasesByName is { } byName && byName.TryGetValue(r.Source, out var tags) ? string.Join(",", tags) : null).Distinct().Count();
        var sentences = kinds.Select(kind =>
        {
            var how = kind.Compiled
                ? $"from tsc's build in {kind.OutDir}, where the file is {string.Join(" or ", kind.Names.Distinct(StringComparer.Ordinal))}"
                : "with the TypeScript sources";
            var when = kind.Condition == "always" ? "in every environment" : $"when {kind.Condition}";
            var staleRecorded = kind.Recorded.Where(r => r.Name != rename.NewName).ToList();
            var stale = staleRecorded.Select(r => r.Name).Distinct(StringComparer.Ordinal).ToList();
            var shipped = byRelease > 1 ? Shipped(rename, staleRecorded) : string.Empty;
            var current = kind.Names.Any(n => n == rename.NewName);
            var outcome = stale.Count == 0
                ? $"recorded {rename.NewName}, the file's name now: unaffected"
                : current
                    ? $"recorded {string.Join(" or ", stale)}{shipped}, or {rename.NewName}, the file's name now; those that recorded {string.Join(" or ", stale)} {consequence(stale[0])}"
                    : $"recorded {string.Join(" or ", stale)}{shipped} and {consequence(stale[0])}";
            return $"databases migrated {how} (the knexfile loaded [{string.Join(", ", kind.LoadExtensions)}] {when}, {kind.Where}) {outcome}";
        });
        return $"which file Knex loaded, and so the name it recorded, depended on the knexfile at {Short(rename.RecordedAt)}: {string.Join("; ", sentences)}.";
    }

    private static string Short(string? commit) =>
        commit is null ? "the time" : commit.Length == 40 || (commit.EndsWith('^') && commit.Length == 41) ? commit[..10] + (commit.EndsWith('^') ? "^" : string.Empty) : commit;
}
