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
}
