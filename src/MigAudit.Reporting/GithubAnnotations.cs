using System.Text;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// GitHub Actions workflow commands: one ::error/::warning/::notice annotation per finding. GitHub places an annotation's
/// file= from the repository root: the action asks for <see cref="ReportPaths.RepositoryRoot"/>.
/// </summary>
public static class GithubAnnotations
{
    public static string Render(AuditResult result, ReportPaths paths = ReportPaths.Project)
    {
        var text = new StringBuilder();
        foreach (var finding in result.Findings)
        {
            var level = finding.Severity switch
            {
                Severity.High => "error",
                Severity.Medium => "warning",
                _ => "notice",
            };
            var properties = new List<string>();
            if (finding.File is not null)
            {
                properties.Add($"file={Property(paths.Shown(finding.File, result))}");
                properties.Add($"line={finding.Line ?? 1}");
            }

            properties.Add($"title={Property($"migaudit {finding.Rule}{(finding.Blocking ? " (blocking)" : string.Empty)}")}");
            text.Append($"::{level} {string.Join(',', properties)}::{Data(finding.Message)}\n");
        }

        foreach (var unknown in result.Unknowns)
        {
            var properties = unknown.File is null ? string.Empty : $"file={Property(paths.Shown(unknown.File, result))},line={unknown.Line ?? 1},";
            text.Append($"::warning {properties}title={Property("migaudit unknown")}::{Data(unknown.Reason)}\n");
        }

        text.Append(result.Ready
            ? "::notice title=migaudit::ready for production\n"
            : result.IsUnknown
                ? $"::warning title=migaudit::readiness unknown: {result.Unknowns.Count} thing{(result.Unknowns.Count == 1 ? string.Empty : "s")} that decide{(result.Unknowns.Count == 1 ? "s" : string.Empty)} it {(result.Unknowns.Count == 1 ? "is" : "are")} undecided (not read, or only production can tell)\n"
                : $"::error title=migaudit::not ready for production: {result.BlockingCount} blocking finding{(result.BlockingCount == 1 ? string.Empty : "s")}\n");
        return text.ToString();
    }

    private static string Data(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    private static string Property(string value) =>
        Data(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
