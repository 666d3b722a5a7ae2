using System.Text.Json;
using System.Text.Json.Nodes;
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
        Assert.Contains("<svg id=\"risk-chart\"", html);
        Assert.Equal(result.Findings.GroupBy(f => (f.Rule, f.Severity)).Count(), CountOf(html, "<rect class=\"bar-"));
        Assert.Equal(result.Findings.Count, CountOf(html, "<tr><td class="));
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
