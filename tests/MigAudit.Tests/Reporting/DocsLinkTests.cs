using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>docsUrl becomes links in the HTML, SARIF and Markdown reports: only http(s), refused at load and never rendered otherwise.</summary>
public sealed class DocsLinkTests : IClassFixture<HostileTextTests.Project>
{
    private const string Docs = "https://github.com/migaudit/migaudit/blob/main/docs/rules/";
    private readonly AuditResult result;

    public DocsLinkTests(HostileTextTests.Project project) => result = project.Result;

    private AuditResult With(params Finding[] findings) => result with { Findings = findings };

    private static readonly Finding Hostile = new() { Rule = "missing-down", Severity = Severity.High, Blocking = true, File = "a.js", Line = 1, Message = "m" };

    [Theory]
    [InlineData("javascript:alert(document.domain)//")]
    [InlineData("JavaScript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("//evil.example/rules/")]
    [InlineData("file:///etc/")]
    [InlineData("docs/rules")]
    public async Task A_docs_url_that_is_not_http_or_https_is_refused_at_load(string docsUrl)
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Write(".migauditrc.json", new JsonObject { ["docsUrl"] = docsUrl }.ToJsonString());
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "html");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("migaudit: .migauditrc.json: 'docsUrl' must be an absolute http:// or https:// URL\n", run.Stderr);
        Assert.Equal(string.Empty, run.Stdout);
    }

    [Fact]
    public void Every_renderer_falls_back_to_the_default_docs_for_a_base_url_that_is_not_http()
    {
        var finding = Hostile;
        const string evil = "javascript:alert(1)//";
        Assert.Contains($"[missing-down]({Docs}missing-down.md)", MarkdownReport.Render(With(finding), evil));
        Assert.Contains($"<a href=\"{Docs}missing-down.md\">", HtmlReport.Render(With(finding), "test", evil));
        var sarif = JsonNode.Parse(SarifReport.Render(With(finding), "test", evil))!;
        Assert.All(sarif["runs"]![0]!["tool"]!["driver"]!["rules"]!.AsArray(), rule => Assert.StartsWith(Docs, rule!["helpUri"]!.GetValue<string>()));
        Assert.DoesNotContain("javascript", MarkdownReport.Render(With(finding), evil) + HtmlReport.Render(With(finding), "test", evil), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_http_docs_url_with_markdown_syntax_in_it_stays_one_link()
    {
        var finding = Hostile;
        Assert.Contains("[missing-down](https://docs.example/a%28b%29%7Cc%3Cd%3Ee/missing-down.md)", MarkdownReport.Render(With(finding), "https://docs.example/a(b)|c<d>e/"));
    }

    [Theory]
    [InlineData("https://docs.example/rules/")]
    [InlineData("HTTP://docs.example/rules")]
    public async Task An_http_or_https_docs_url_is_linked(string docsUrl)
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users", withDown: false)));
        repo.Write(".migauditrc.json", new JsonObject { ["docsUrl"] = docsUrl }.ToJsonString());
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "markdown");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("[missing-down](http", run.Stdout);
        Assert.Contains("://docs.example/rules/missing-down.md)", run.Stdout);
    }
}
