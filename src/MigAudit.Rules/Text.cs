using MigAudit.Core;

namespace MigAudit.Rules;

internal static class Text
{
    public static string Commit(CommitRef? commit) =>
        commit is null ? "an unknown commit" : $"{commit.ShortId} ({commit.Author}, {commit.Date:yyyy-MM-dd})";

    public static string Position(Migration migration, int total) => $"#{migration.Order} of {total}";

    public static string Plural(int count, string singular, string? plural = null) =>
        $"{count} {(count == 1 ? singular : plural ?? singular + "s")}";
}
