using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using MigAudit.Core;
using MigAudit.Demo;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>Every CI format, on the demo's findings.</summary>
public sealed class FormatTests : IClassFixture<FormatTests.Demo>
{
    private readonly AuditResult result;

    public FormatTests(Demo demo) => result = demo.Result;

    public sealed class Demo : IDisposable
    {
        private readonly TempRepo folder = new(init: false);

        public Demo()
        {
            BotBuilderDemo.Create(folder.Root);
            Result = Audit.Run(folder.Root);
        }

        public AuditResult Result { get; }

        public void Dispose() => folder.Dispose();
    }

    [Fact]
    public void Sarif_is_valid_against_the_official_2_1_0_schema()
    {
        var schema = JsonSchema.FromFile(Path.Combine(AppContext.BaseDirectory, "schemas", "sarif-2.1.0.json"));
        var sarif = JsonNode.Parse(SarifReport.Render(result, "0.1.0"));
        var evaluation = schema.Evaluate(sarif, new EvaluationOptions { OutputFormat = OutputFormat.List });
        // Failed anyOf branches are listed too; the real errors are the ones outside them.
        Assert.True(evaluation.IsValid, string.Join("\n", evaluation.Details.Where(d => d.HasErrors && !d.EvaluationPath.ToString().Contains("anyOf", StringComparison.Ordinal))
            .Take(10).Select(d => $"{d.InstanceLocation} ({d.EvaluationPath}): {string.Join("; ", d.Errors!.Values)}")));

        var run = sarif!["runs"]![0]!;
        var rules = run["tool"]!["driver"]!["rules"]!.AsArray();
        Assert.Equal(result.Rules.Count, rules.Count);
        Assert.Equal(rules.Count, rules.Select(r => r!["id"]!.GetValue<string>()).Distinct().Count());
        var missingDown = rules.Single(r => r!["id"]!.GetValue<string>() == "missing-down")!;
        Assert.EndsWith("docs/rules/missing-down.md", missingDown["helpUri"]!.GetValue<string>());
        Assert.Contains("must have both an up and down function", missingDown["help"]!["markdown"]!.GetValue<string>());

        var results = run["results"]!.AsArray();
        Assert.Equal(result.Findings.Count, results.Count);
        var duplicate = results.Single(r => r!["ruleId"]!.GetValue<string>() == "duplicate-version")!;
        Assert.Equal("warning", duplicate["level"]!.GetValue<string>());
        var location = duplicate["locations"]![0]!["physicalLocation"]!;
        Assert.Equal("server/migrations/20250202000034_helpdesk_tickets.js", location["artifactLocation"]!["uri"]!.GetValue<string>());
        Assert.Equal(1, location["region"]!["startLine"]!.GetValue<int>());
        Assert.Equal("note", results.First(r => r!["ruleId"]!.GetValue<string>() == "index-naming")!["level"]!.GetValue<string>());
    }

    [Fact]
    public void Markdown_is_a_compact_pr_comment()
    {
        var markdown = MarkdownReport.Render(result);
        var lines = markdown.Split('\n');
        Assert.Equal("## migaudit: ❌ not ready for production (6 blocking)", lines[0]);
        Assert.Contains("| 🔴 high | 33 | 6 |", lines);
        Assert.Equal(MarkdownReport.MaxRows, lines.Count(l => l.StartsWith("| 🔴", StringComparison.Ordinal) || l.StartsWith("| 🟠", StringComparison.Ordinal) || l.StartsWith("| ⚪", StringComparison.Ordinal)) - 3);
        Assert.Contains($"… and {result.Findings.Count - MarkdownReport.MaxRows} more findings", markdown);
        Assert.Contains("[duplicate-version](https://github.com/migaudit/migaudit/blob/main/docs/rules/duplicate-version.md)", markdown);
    }

    [Fact]
    public void Github_annotations_escape_their_properties_and_data()
    {
        var lines = GithubAnnotations.Render(result).TrimEnd('\n').Split('\n');
        // One line per finding, one for the question only production's migrations table answers, and the verdict.
        Assert.Equal(result.Findings.Count + 1 + 1, lines.Length);
        Assert.Contains("::warning file=server/migrations/20250202000034_helpdesk_tickets.js,line=1,title=migaudit duplicate-version::Version 20250202000034 is used by 2 files.", string.Join('\n', lines));
        Assert.Contains(lines, l => l.StartsWith("::notice file=", StringComparison.Ordinal) && l.Contains("title=migaudit index-naming::", StringComparison.Ordinal));
        Assert.Equal("::error title=migaudit::not ready for production: 6 blocking findings", lines[^1]);

        var escaped = GithubAnnotations.Render(result with { Findings = [new Finding { Rule = "x", Severity = Severity.Low, Blocking = false, File = "a,b:c.js", Line = 3, Message = "50% done\nnext" }] });
        Assert.StartsWith("::notice file=a%2Cb%3Ac.js,line=3,title=migaudit x::50%25 done%0Anext", escaped);
    }

    [Fact]
    public void One_blocking_finding_is_counted_in_the_singular()
    {
        var one = result with { Findings = [new Finding { Rule = "chain-error", Severity = Severity.High, Blocking = true, File = "migrations/a.js", Line = 1, Message = "fails" }] };
        Assert.EndsWith("::error title=migaudit::not ready for production: 1 blocking finding\n", GithubAnnotations.Render(one));
        Assert.Contains("Not ready for production — 1 blocking finding<", HtmlReport.Render(one, "0.1.0"));
    }

    [Fact]
    public void Html_is_one_self_contained_page_with_timeline_and_chart()
    {
        var html = HtmlReport.Render(result, "0.1.0");
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
        Assert.Contains("id=\"verdict\"", html);
        Assert.Contains("Not ready for production — 6 blocking findings", html);
        Assert.Contains("<svg id=\"timeline\"", html);
        Assert.Contains(">deleted (24)</text>", html);
        Assert.Contains("<p id=\"timeline-note\">Not on the timeline: 20 migrations are not committed yet; 2 deleted in the working tree, not in history.</p>", html);
        Assert.Contains("<svg id=\"risk-chart\"", html);
        Assert.Equal(result.Findings.GroupBy(f => (f.Rule, f.Severity)).Count(), CountOf(html, "<rect class=\"bar-"));
        Assert.Equal(result.Findings.GroupBy(f => (f.Rule, f.Severity)).Count(), CountOf(html, "<details class=\"group\""));
        Assert.Equal(result.Findings.Count, CountOf(html, "<tr><td class="));
        // One inline script (the filter), nothing loaded from elsewhere; its controls stay hidden until it runs.
        Assert.Equal(1, CountOf(html, "<script"));
        Assert.Contains("<form class=\"filters\" id=\"filters\" data-for=\"findings\" hidden>", html);
        // Without the script every group is shown: only the script hides one.
        Assert.DoesNotMatch("<details[^>]* hidden", html);
        // The 26 deleted-migration findings are one closed group, not 26 rows in view.
        Assert.Contains("<details class=\"group\" data-severity=\"high\" data-rule=\"deleted-migration\"><summary>", html);
        Assert.Contains("deleted-migration</a> · <span class=\"count\">26</span> findings</summary>", html);
    }

    /// <summary>Every number the page shows, read back from the page, against the JSON report of the same audit (issue #33: 26 deleted vs 24 on the timeline).</summary>
    [Fact]
    public void Html_numbers_agree_with_the_json_report()
    {
        var html = HtmlReport.Render(result, "0.1.0");
        var json = JsonNode.Parse(JsonReport.Render(result, "0.1.0"))!;
        var statistics = json["statistics"]!;
        var cards = Regex.Matches(html, "<div class=\"stat\"><b>(\\d+)</b>([^<]+)</div>").ToDictionary(m => m.Groups[2].Value, m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        var expected = new Dictionary<string, string>
        {
            ["migrations"] = "active",
            ["committed"] = "committed",
            ["untracked"] = "untracked",
            ["deleted"] = "deleted",
            ["renamed"] = "renamed",
            ["without down"] = "withoutDown",
            ["tables"] = "tables",
            ["foreign keys"] = "foreignKeys",
            ["indexes"] = "indexes",
        };
        Assert.Equal(expected.Keys.Order(), cards.Keys.Order());
        Assert.All(expected, e => Assert.Equal(statistics[e.Value]!.GetValue<int>(), cards[e.Key]));

        var migrations = json["migrations"]!.AsArray();
        var deleted = json["deletedMigrations"]!.AsArray();
        var rows = Regex.Matches(html, ">(added|edited|renamed|deleted) \\((\\d+)\\)</text>").ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.Equal(migrations.Count(m => m!["addedIn"] is not null), rows["added"]);
        Assert.Equal(statistics["committed"]!.GetValue<int>(), rows["added"]);
        Assert.Equal(migrations.Sum(m => m!["editedIn"]!.AsArray().Count), rows["edited"]);
        Assert.Equal(json["renamedMigrations"]!.AsArray().Count(r => r!["renamedIn"] is not null), rows["renamed"]);
        var inTree = deleted.Count(d => d!["deletedIn"]!.GetValue<string>() == "working-tree");
        Assert.Equal(deleted.Count - inTree, rows["deleted"]);
        // What the timeline leaves out is said, so the cards and the rows add up.
        Assert.Contains($"Not on the timeline: {statistics["untracked"]} migrations are not committed yet; {inTree} deleted in the working tree, not in history.", html);
        Assert.Equal(statistics["deleted"]!.GetValue<int>(), rows["deleted"] + inTree);

        var findings = json["findings"]!.AsArray();
        Assert.Contains($"Not ready for production — {json["blockingCount"]} blocking findings<", html);
        Assert.Contains($"<p id=\"findings-summary\">{findings.Count} findings in ", html);
        var groups = findings.GroupBy(f => (Rule: f!["rule"]!.GetValue<string>(), Severity: f!["severity"]!.GetValue<string>())).ToList();
        var summaries = Regex.Matches(html, "<details class=\"group\" data-severity=\"(\\w+)\" data-rule=\"([^\"]+)\"(?: open)?><summary>.*?<span class=\"count\">(\\d+)</span> findings?(?: · <span class=\"blocking\">(\\d+)</span> blocking)?</summary>");
        Assert.Equal(groups.Count, summaries.Count);
        foreach (var group in groups)
        {
            var summary = summaries.Single(m => m.Groups[1].Value == group.Key.Severity && m.Groups[2].Value == group.Key.Rule);
            Assert.Equal(group.Count(), int.Parse(summary.Groups[3].Value, CultureInfo.InvariantCulture));
            var blocking = group.Count(f => f!["blocking"]!.GetValue<bool>());
            Assert.Equal(blocking == 0 ? string.Empty : blocking.ToString(CultureInfo.InvariantCulture), summary.Groups[4].Value);
            Assert.Contains($">{group.Count()} {group.Key.Severity}</text>", html);
        }

        Assert.Equal(json["blockingCount"]!.GetValue<int>(), summaries.Sum(m => m.Groups[4].Success ? int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : 0));
    }

    [Theory]
    [InlineData("2025-01-09T10:00:00Z", "2025-02-20T18:00:00Z", "2025-01-10 2025-01-17 2025-01-24 2025-01-31 2025-02-07 2025-02-14")]
    [InlineData("2025-01-01T00:00:00Z", "2025-01-05T12:00:00Z", "2025-01-01 2025-01-02 2025-01-03 2025-01-04 2025-01-05")]
    [InlineData("2024-03-15T00:00:00Z", "2024-11-02T00:00:00Z", "2024-04 2024-05 2024-06 2024-07 2024-08 2024-09 2024-10 2024-11")]
    [InlineData("2022-05-20T00:00:00Z", "2024-11-02T00:00:00Z", "2022-07 2022-10 2023-01 2023-04 2023-07 2023-10 2024-01 2024-04 2024-07 2024-10")]
    [InlineData("2016-06-01T00:00:00Z", "2024-11-02T00:00:00Z", "2017 2018 2019 2020 2021 2022 2023 2024")]
    [InlineData("1990-06-01T00:00:00Z", "2024-11-02T00:00:00Z", "1992 1995 1998 2001 2004 2007 2010 2013 2016 2019 2022")]
    public void Timeline_axis_ticks_suit_the_span(string first, string last, string labels)
    {
        var ticks = HtmlTimeline.Ticks(DateTimeOffset.Parse(first, CultureInfo.InvariantCulture), DateTimeOffset.Parse(last, CultureInfo.InvariantCulture));
        Assert.Equal(labels, string.Join(' ', ticks.Select(t => t.Label)));
        Assert.All(ticks, t => Assert.InRange(t.Date, DateTimeOffset.Parse(first, CultureInfo.InvariantCulture), DateTimeOffset.Parse(last, CultureInfo.InvariantCulture)));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
