using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// Where the one-line formats (compact, GitLab) point a finding or unknown. A finding about no one file (a project-wide
/// setting) points at the knexfile, line 1: the file where Knex's configuration is, and one an editor can open.
/// </summary>
public static class FindingLocations
{
    /// <summary>The finding's file, else the knexfile; both relative to the audited folder. Null when the project has no knexfile.</summary>
    public static string? FileOrKnexfile(string? file, AuditResult result) => file ?? result.Input.Project.Knexfile?.Path;

    /// <summary>
    /// A path relative to the audited folder made relative to the repository's top level (GitLab resolves report paths
    /// from there): "db/migrations/x.js" of a project in server/ is "server/db/migrations/x.js". Outside a repository,
    /// or when the folder is not below git's top level as written (a link to it), the path is kept as it is.
    /// </summary>
    public static string FromRepositoryRoot(string path, AuditResult result)
    {
        var topLevel = result.Input.Git.TopLevel;
        if (topLevel is null)
        {
            return path;
        }

        var prefix = Path.GetRelativePath(topLevel, result.Input.Project.Root).Replace('\\', '/');
        if (prefix == "." || prefix.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(prefix))
        {
            return path;
        }

        return path == "." ? prefix : prefix + "/" + path;
    }

    /// <summary>One line of text: line breaks become spaces, other control characters are shown escaped.</summary>
    public static string OneLine(string text) =>
        Quoting.Printable(text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' '));
}
