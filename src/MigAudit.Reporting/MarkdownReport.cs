using System.Text;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>A compact pull-request comment: verdict, counts, and a table of findings.</summary>
public static class MarkdownReport
{
    public const int MaxRows = 50;

    public static string Render(AuditResult result, string? docsBaseUrl = null)
    {
        var s = result.Statistics;
        var text = new StringBuilder();
        text.Append(result.Ready
            ? "## migaudit: ✅ ready for production\n\n"
            : result.IsUnknown
                ? $"## migaudit: ❔ readiness unknown ({result.Unknowns.Count} undecided)\n\n"
                : $"## migaudit: ❌ not ready for production ({result.BlockingCount} blocking)\n\n");
        if (result.Unknowns.Count > 0)
        {
            // What is undecided (not read, or only production can tell) comes first: it is why the verdict is not "ready".
            text.Append("Undecided, and it decides readiness:\n\n");
            foreach (var unknown in result.Unknowns)
            {
                var where = unknown.File is null ? string.Empty : MarkdownText.CellCode(unknown.Location) + ": ";
                text.Append($"- {where}{Cell(unknown.Reason)}\n");
            }

            text.Append('\n');
        }

        text.Append($"**{s.Active} migrations** ({s.Committed} committed, {s.Untracked} untracked) · {s.Deleted} deleted · {s.Renamed} renamed · " +
                    $"{s.WithoutDown} without down · {s.Tables} tables · {s.ForeignKeys} foreign keys · {s.Indexes} indexes\n\n");
        text.Append($"Database: {Cell(result.Input.Project.Dialect.Describe())}\n\n");
        text.Append("| severity | findings | blocking |\n| --- | ---: | ---: |\n");
        foreach (var severity in new[] { Severity.High, Severity.Medium, Severity.Low })
        {
            var findings = result.Findings.Where(f => f.Severity == severity).ToList();
            text.Append($"| {Icon(severity)} {severity.ToId()} | {findings.Count} | {findings.Count(f => f.Blocking)} |\n");
        }

        if (result.Findings.Count == 0)
        {
            return text.Append("\nNo findings.\n").ToString();
        }

        text.Append("\n| | rule | where | finding |\n| --- | --- | --- | --- |\n");
        var ordered = result.Findings.OrderByDescending(f => f.Blocking).ThenByDescending(f => f.Severity).ToList();
        foreach (var finding in ordered.Take(MaxRows))
        {
            var where = finding.File is null ? string.Empty : MarkdownText.CellCode($"{finding.File}{(finding.Line is null ? string.Empty : ":" + finding.Line)}{(finding.CalledFrom is { } caller ? $" (called from {caller})" : string.Empty)}");
            text.Append($"| {Icon(finding.Severity)}{(finding.Blocking ? " **blocking**" : string.Empty)} | [{MarkdownText.Inline(finding.Rule)}]({MarkdownText.LinkDestination(RuleDocs.Url(finding.Rule, docsBaseUrl))}) | {where} | {Cell((finding.Headline ?? finding.Message) + TextReport.ScopeTag(finding))} |\n");
        }

        if (ordered.Count > MaxRows)
        {
            text.Append($"\n… and {ordered.Count - MaxRows} more findings (run `migaudit audit` for all of them).\n");
        }

        return text.ToString();
    }

    private static string Icon(Severity severity) => severity switch
    {
        Severity.High => "🔴",
        Severity.Medium => "🟠",
        _ => "⚪",
    };

    /// <summary>Repository text in a cell, shortened before it is escaped so that no escape is cut in half.</summary>
    private static string Cell(string text)
    {
        var printable = Quoting.Printable(text);
        if (printable.Length <= 300)
        {
            return MarkdownText.Inline(printable);
        }

        var end = char.IsHighSurrogate(printable[299]) ? 299 : 300;
        return MarkdownText.Inline(printable[..end]) + "…";
    }
}
