using System.Globalization;
using System.Net;
using System.Text;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>One self-contained page (no external resources): verdict, a timeline of migrations over git history, a risk chart, and the findings.</summary>
public static class HtmlReport
{
    private static readonly Dictionary<Severity, string> SeverityColours = new()
    {
        [Severity.High] = "#cf222e",
        [Severity.Medium] = "#d4a72c",
        [Severity.Low] = "#8c959f",
    };

    public static string Render(AuditResult result, string toolVersion, string? docsBaseUrl = null)
    {
        var title = $"migaudit — {Path.GetFileName(result.Input.Project.Root.TrimEnd('/'))}";
        var html = Head(title);
        html.Append($"<h1>{E(title)}</h1>\n");
        Body(html, result, docsBaseUrl, idPrefix: string.Empty);
        return Foot(html, result, toolVersion);
    }

    /// <summary>A repository with several migration sets: the worst verdict over a table of the sets, then each set's report.</summary>
    public static string Render(RepositoryAudit audit, string toolVersion, string? docsBaseUrl = null)
    {
        if (audit.Sets.Count == 1)
        {
            return Render(audit.Primary, toolVersion, docsBaseUrl);
        }

        var combined = audit.Combined;
        var title = $"migaudit — {Path.GetFileName(audit.Primary.Input.Project.Root.TrimEnd('/'))}";
        var html = Head(title);
        html.Append($"<h1>{E(title)}</h1>\n");
        html.Append($"<div class=\"verdict {combined.Verdict}\" id=\"verdict\">{E(Banner(combined))} — the worst of {audit.Sets.Count} migration sets</div>\n");
        html.Append("<table id=\"sets\"><thead><tr><th>set</th><th>verdict</th><th>from</th><th>migrations</th><th>blocking</th></tr></thead><tbody>\n");
        for (var i = 0; i < audit.Sets.Count; i++)
        {
            var set = audit.Sets[i];
            html.Append($"<tr><td><a href=\"#set{i + 1}-verdict\"><code>{E(set.Set!.Name)}</code></a></td><td class=\"{set.Verdict}\">{E(TextReport.VerdictText(set))}</td><td>{E(set.Set.Reason)}</td><td>{set.Statistics.Active}</td><td>{set.BlockingCount}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        foreach (var skipped in audit.NotAudited)
        {
            html.Append($"<p>Not audited: {E(skipped)}</p>\n");
        }

        for (var i = 0; i < audit.Sets.Count; i++)
        {
            html.Append($"<section><h2>Migration set {i + 1}: <code>{E(audit.Sets[i].Set!.Name)}</code></h2>\n");
            Body(html, audit.Sets[i], docsBaseUrl, idPrefix: $"set{i + 1}-");
            html.Append("</section>\n");
        }

        return Foot(html, combined, toolVersion);
    }

    private static StringBuilder Head(string title)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>\n")
            .Append("body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1f2328;max-width:1200px}")
            .Append(".verdict{padding:16px 20px;border-radius:8px;font-size:22px;font-weight:600;color:#fff}")
            .Append(".ready{background:#2da44e}.not-ready{background:#cf222e}.unknown{background:#9a6700}")
            .Append(".stats{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.stat{border:1px solid #d0d7de;border-radius:6px;padding:8px 14px}")
            .Append(".stat b{display:block;font-size:20px}table{border-collapse:collapse;width:100%;font-size:13px}")
            .Append("td,th{border-bottom:1px solid #d0d7de;padding:6px;text-align:left;vertical-align:top}h2{margin-top:32px}")
            .Append("details.group{border:1px solid #d0d7de;border-radius:6px;margin:6px 0}details.group>summary{padding:6px 10px;cursor:pointer}")
            .Append("details.group table{border-top:1px solid #d0d7de}.filters{margin:8px 0}.filters label{margin-right:10px}.shown{color:#57606a}")
            .Append(".high{color:#cf222e;font-weight:600}.medium{color:#9a6700;font-weight:600}.low{color:#57606a}code{font-size:12px}")
            .Append("\n</style></head><body>\n");
        return html;
    }

    private static string Banner(AuditResult result) =>
        result.Ready ? "Ready for production" : result.IsUnknown ? $"Readiness unknown — {result.Unknowns.Count} undecided" : $"Not ready for production — {result.BlockingCount} blocking finding{(result.BlockingCount == 1 ? string.Empty : "s")}";

    /// <param name="idPrefix">Makes the element ids of one set's report unique in a page with several.</param>
    private static void Body(StringBuilder html, AuditResult result, string? docsBaseUrl, string idPrefix)
    {
        var s = result.Statistics;
        html.Append($"<div class=\"verdict {result.Verdict}\" id=\"{idPrefix}verdict\">{E(Banner(result))}</div>\n");
        if (result.Unknowns.Count > 0)
        {
            html.Append($"<h2>Undecided, and it decides readiness</h2>\n<ul id=\"{idPrefix}unknowns\">");
            foreach (var unknown in result.Unknowns)
            {
                html.Append($"<li>{(unknown.File is null ? string.Empty : $"<code>{E(unknown.Location)}</code>: ")}{E(unknown.Reason)}</li>");
            }

            html.Append("</ul>\n");
        }

        html.Append($"<p id=\"{idPrefix}dialect\">Database: {E(result.Input.Project.Dialect.Describe())}</p>\n");
        html.Append("<div class=\"stats\">");
        foreach (var (label, value) in new (string, int)[]
                 {
                     ("migrations", s.Active), ("committed", s.Committed), ("untracked", s.Untracked), ("deleted", s.Deleted), ("renamed", s.Renamed),
                     ("without down", s.WithoutDown), ("tables", s.Tables), ("foreign keys", s.ForeignKeys), ("indexes", s.Indexes),
                 })
        {
            html.Append($"<div class=\"stat\"><b>{value}</b>{E(label)}</div>");
        }

        html.Append("</div>\n<h2>Migrations over git history</h2>\n").Append(HtmlTimeline.Render(result, idPrefix));
        html.Append("<h2>Risk breakdown</h2>\n").Append(RiskChart(result, idPrefix));
        HtmlFindings.Render(html, result, docsBaseUrl, idPrefix);
    }

    private static string Foot(StringBuilder html, AuditResult result, string toolVersion)
    {
        html.Append($"<p style=\"color:#57606a\">migaudit {E(toolVersion)} · generated {result.GeneratedAt:yyyy-MM-dd HH:mm} UTC</p>\n");
        return html.Append(HtmlFindings.Script).Append("</body></html>\n").ToString();
    }

    private static string RiskChart(AuditResult result, string idPrefix)
    {
        var groups = result.Findings.GroupBy(f => (f.Rule, f.Severity)).OrderByDescending(g => g.Key.Severity).ThenByDescending(g => g.Count()).ToList();
        if (groups.Count == 0)
        {
            return $"<p id=\"{idPrefix}risk-chart\">No findings.</p>\n";
        }

        const int barHeight = 22;
        var max = groups.Max(g => g.Count());
        var svg = new StringBuilder($"<svg id=\"{idPrefix}risk-chart\" width=\"900\" height=\"{(groups.Count * (barHeight + 6)) + 10}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"risk breakdown\">\n");
        for (var i = 0; i < groups.Count; i++)
        {
            var y = i * (barHeight + 6);
            var length = Math.Max(2, groups[i].Count() * 600.0 / max);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 16}\" font-size=\"12\">{E(groups[i].Key.Rule)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"bar-{groups[i].Key.Severity.ToId()}\" x=\"220\" y=\"{y}\" width=\"{length:0.0}\" height=\"{barHeight}\" fill=\"{SeverityColours[groups[i].Key.Severity]}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{226 + length:0.0}\" y=\"{y + 16}\" font-size=\"12\">{groups[i].Count()} {groups[i].Key.Severity.ToId()}</text>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
