using MigAudit.Core;

namespace MigAudit.Rules;

internal static class Text
{
    public static string Commit(CommitRef? commit) =>
        commit is null ? "an unknown commit" : $"{commit.ShortId} ({commit.Author}, {commit.Date:yyyy-MM-dd})";

    public static string Position(Migration migration, int total) => $"#{migration.Order} of {total}";

    public static string Plural(int count, string singular, string? plural = null) =>
        $"{count} {(count == 1 ? singular : plural ?? singular + "s")}";

    /// <summary>
    /// Which databases can have a migration that is gone, by the releases whose tree held it: null (no release tags),
    /// shipped (name the first and last release), or mainline only (built from the mainline meanwhile, such as staging).
    /// </summary>
    public static (string Text, bool Shipped) Releases(IReadOnlyList<string>? releases) => releases switch
    {
        null => ("the repository has no release tags, so every mainline commit counts as released", true),
        [] => ("it was in no release: only databases built from the mainline while it existed (such as staging) have it", false),
        [var only] => ($"it shipped in release {only}", true),
        _ => ($"it shipped in releases {releases[0]} to {releases[^1]} ({releases.Count})", true),
    };

    /// <summary>Which databases hold an earlier version of an edited migration, by the releases that shipped one.</summary>
    public static string EarlierVersions(IReadOnlyList<string>? releases) => releases switch
    {
        null => string.Empty,
        [] => " No release shipped an earlier version: only databases built from the mainline meanwhile (such as staging) have one.",
        [var only] => $" Release {only} shipped an earlier version.",
        _ => $" Releases {releases[0]} to {releases[^1]} ({releases.Count}) shipped an earlier version.",
    };

    /// <summary>Which databases run a late migration out of order, by the releases that shipped the later one first.</summary>
    public static string ShippedFirst(IReadOnlyList<string>? releases, string later) => releases switch
    {
        null => string.Empty,
        [] => $" No release shipped {later} before it arrived: only databases built from the mainline meanwhile (such as staging) run it out of order.",
        [var only] => $" Release {only} shipped {later} before it arrived.",
        _ => $" Releases {releases[0]} to {releases[^1]} ({releases.Count}) shipped {later} before it arrived.",
    };
}
