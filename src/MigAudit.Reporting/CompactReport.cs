using System.Text;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// --format compact: one line per finding, "file:line:col: severity rule message", the shape compilers print and
/// editors' problem matchers read (docs/formats.md has a VS Code problem matcher), then one summary line. Severity is
/// the problem matcher's word: error (high), warning (medium), info (low). migaudit knows no columns: col is 1. Paths
/// are relative to the audited folder (or the repository's top level, --paths repo-root); a finding about no one file
/// names the knexfile (or "migaudit" without one).
/// An unknown that decides readiness is a line with the rule "unknown", since it is what keeps the verdict from READY.
/// </summary>
public static class CompactReport
{
    /// <summary>The file of a finding that has none, in a project without a knexfile.</summary>
    public const string NoFile = "migaudit";

    public static string Render(AuditResult result, ReportPaths paths = ReportPaths.Project)
    {
        string? File(string? file) => FindingLocations.FileOrKnexfile(file, result) is { } path ? paths.Shown(path, result) : null;
        var text = new StringBuilder();
        foreach (var finding in result.Findings)
        {
            var message = finding.Blocking ? finding.Message + " (blocking)" : finding.Message;
            Line(text, File(finding.File), finding.Line, Severity(finding.Severity), finding.Rule, message);
        }

        foreach (var unknown in result.Unknowns)
        {
            Line(text, File(unknown.File), unknown.Line, "warning", "unknown", unknown.Reason);
        }

        text.Append(Summary(result)).Append('\n');
        return text.ToString();
    }

    public static string Severity(Severity severity) => severity switch
    {
        Core.Severity.High => "error",
        Core.Severity.Medium => "warning",
        _ => "info",
    };

    private static void Line(StringBuilder text, string? file, int? line, string severity, string rule, string message) =>
        text.Append(FindingLocations.OneLine(file ?? NoFile)).Append(':').Append(Math.Max(1, line ?? 1)).Append(":1: ")
            .Append(severity).Append(' ').Append(rule).Append(' ').Append(FindingLocations.OneLine(message)).Append('\n');

    /// <summary>"migaudit: NOT READY - 3 findings (1 blocking), 1 unknown": no "file:line:col:", so no matcher reads it as a problem.</summary>
    private static string Summary(AuditResult result)
    {
        static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? string.Empty : "s")}";
        var verdict = result.Ready ? "READY" : result.IsUnknown ? "UNKNOWN" : "NOT READY";
        var parts = $"{Count(result.Findings.Count, "finding")} ({result.BlockingCount} blocking), {Count(result.Unknowns.Count, "unknown")}";
        return result.Quieted > 0 ? $"migaudit: {verdict} - {parts}; {result.Quieted} neither blocking nor high not shown (--quiet)" : $"migaudit: {verdict} - {parts}";
    }
}
