using System.Text;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// The reports of a repository with several migration sets: a summary of every set's verdict, then each set's own
/// report. With one set, each format is the set's report unchanged.
/// </summary>
public static class RepositoryReport
{
    public static void WriteText(RepositoryAudit audit, ReportConsole output)
    {
        if (audit.Sets.Count == 1)
        {
            TextReport.Write(audit.Primary, output);
            return;
        }

        var combined = audit.Combined;
        var title = $"Knex Migration Audit: {Path.GetFileName(audit.Primary.Input.Project.Root.TrimEnd('/'))}, {audit.Sets.Count} migration sets";
        output.Line(title, "bold");
        output.Line(new string('=', title.Length));
        output.Line($"Production Readiness: {TextReport.VerdictText(combined)} (the worst of its sets)", TextReport.VerdictStyle(combined, bold: true));
        foreach (var line in SetLines(audit))
        {
            output.Line(line);
        }

        output.Line("Each set runs against its own database and is reported on its own below. Audit one with --knexfile FILE (and --env), or give a service's folder as PATH.");
        for (var i = 0; i < audit.Sets.Count; i++)
        {
            output.Line();
            output.Line(Quoting.Printable($"##### Migration set {i + 1} of {audit.Sets.Count}: {audit.Sets[i].Set!.Name} #####"), "bold");
            output.Line();
            TextReport.Write(audit.Sets[i], output);
        }
    }

    public static string Markdown(RepositoryAudit audit, string? docsBaseUrl)
    {
        if (audit.Sets.Count == 1)
        {
            return MarkdownReport.Render(audit.Primary, docsBaseUrl);
        }

        var combined = audit.Combined;
        var text = new StringBuilder();
        text.Append($"## migaudit: {(combined.Ready ? "✅ ready for production" : combined.IsUnknown ? "❔ readiness unknown" : "❌ not ready for production")} ({audit.Sets.Count} migration sets)\n\n");
        foreach (var line in SetLines(audit))
        {
            text.Append("- ").Append(MarkdownText.Inline(line.TrimStart())).Append('\n');
        }

        for (var i = 0; i < audit.Sets.Count; i++)
        {
            // Each set's comment, one heading level down, under the set's name.
            var report = MarkdownReport.Render(audit.Sets[i], docsBaseUrl);
            var firstLine = report.IndexOf('\n', StringComparison.Ordinal);
            text.Append($"\n### Set {i + 1}: {MarkdownText.CellCode(audit.Sets[i].Set!.Name)} — {report[3..firstLine].Replace("migaudit: ", string.Empty, StringComparison.Ordinal)}\n");
            text.Append(report[(firstLine + 1)..]);
        }

        return text.ToString();
    }

    /// <summary>One line per set (its verdict, name, origin and counts), then the setups found but not audited.</summary>
    private static IEnumerable<string> SetLines(RepositoryAudit audit)
    {
        for (var i = 0; i < audit.Sets.Count; i++)
        {
            var result = audit.Sets[i];
            var set = result.Set!;
            yield return Quoting.Printable($"  {i + 1}. {TextReport.VerdictText(result)}: {set.Name} — {set.Reason}; {result.Statistics.Active} migration{(result.Statistics.Active == 1 ? string.Empty : "s")}, {result.BlockingCount} blocking");
        }

        foreach (var skipped in audit.NotAudited)
        {
            yield return Quoting.Printable($"  not audited: {skipped}");
        }
    }
}
