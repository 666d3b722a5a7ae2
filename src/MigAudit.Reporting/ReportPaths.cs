using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// Where the file paths of SARIF, GitHub annotations and compact lines start (--paths). The audited folder by default,
/// as a user at a terminal in that folder reads them; the repository's top level for tools that resolve paths from the
/// checkout: GitHub code scanning reads a SARIF artifactLocation uri (uriBaseId %SRCROOT%) from the repository root,
/// and a workflow's ::error file= annotation too, so a project in server/ must say "server/db/migrations/...".
/// GitLab's report is always from the repository root (GitlabReport).
/// </summary>
public enum ReportPaths
{
    Project,
    RepositoryRoot,
}

public static class ReportPathsExtensions
{
    /// <summary>A path relative to the audited folder, as these paths start.</summary>
    public static string Shown(this ReportPaths paths, string path, AuditResult result) =>
        paths == ReportPaths.RepositoryRoot ? FindingLocations.FromRepositoryRoot(path, result) : path;
}
