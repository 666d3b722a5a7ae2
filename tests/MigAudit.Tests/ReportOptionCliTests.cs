using System.Text.Json;
using MigAudit.Tests.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>audit --report FORMAT=FILE (several reports from one audit, as the GitHub Action uses) and --paths repo-root.</summary>
[Trait("Surface", "cli")]
public sealed class ReportOptionCliTests
{
    private const string Posts = "migrations/20250103000000_create_posts.js";

    [Fact]
    public async Task Report_writes_more_formats_from_the_same_audit_and_keeps_the_standard_output_and_exit_code()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo, "server");
        repo.Commit();
        using var reports = new TempRepo(init: false);
        var sarifFile = reports.PathOf("out.sarif");
        var markdownFile = reports.PathOf("out.md");
        var jsonFile = reports.PathOf("out.json");

        var alone = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--format", "compact");
        var run = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--format", "compact", "--report", $"sarif={sarifFile}", "--report", $"markdown={markdownFile}", "--report", $"json={jsonFile}");

        Assert.Equal((1, alone.Stdout), (run.ExitCode, run.Stdout));
        Assert.Equal(
            [$"sarif report written to {sarifFile} (not ready, 1 blocking)", $"markdown report written to {markdownFile} (not ready, 1 blocking)", $"json report written to {jsonFile} (not ready, 1 blocking)"],
            run.Stderr.TrimEnd().Split('\n'));
        using var json = JsonDocument.Parse(File.ReadAllText(jsonFile));
        using var sarif = JsonDocument.Parse(File.ReadAllText(sarifFile));
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()).ToArray();
        Assert.Equal(6, findings.Length);
        Assert.Equal(findings, sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()).ToArray());
        Assert.StartsWith("## migaudit: ❌ not ready for production (1 blocking)", File.ReadAllText(markdownFile));
    }

    /// <param name="before">What comes just before a path in the format.</param>
    [Theory]
    [InlineData("sarif", "\"uri\": \"")]
    [InlineData("github", " file=")]
    [InlineData("compact", "\n")]
    public async Task Paths_repo_root_starts_located_formats_at_the_repository_root_and_the_audited_folder_is_the_default(string format, string before)
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo, "server");
        repo.Commit();

        var byDefault = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--format", format);
        var project = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--format", format, "--paths", "project");
        var root = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--format", format, "--paths", "repo-root");

        Assert.Equal(byDefault.Stdout, project.Stdout);
        Assert.Contains(before + Posts, "\n" + byDefault.Stdout);
        Assert.DoesNotContain(before + "server/", "\n" + byDefault.Stdout);
        Assert.Contains(before + "server/" + Posts, "\n" + root.Stdout);

        // Nothing else differs: every path gains the folder, and only the paths.
        Assert.Equal("\n" + byDefault.Stdout, ("\n" + root.Stdout).Replace(before + "server/", before, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Paths_repo_root_outside_a_repository_keeps_the_audited_folders_paths()
    {
        using var folder = new TempRepo(init: false);
        OneLineProject.WriteProject(folder);

        var run = await CliRunner.RunAsync("audit", folder.Root, "--format", "github", "--paths", "repo-root");

        Assert.Contains($"::error file={Posts},", run.Stdout);
    }

    [Fact]
    public async Task Report_refuses_an_unknown_format_an_empty_file_a_file_named_twice_and_write_baseline()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo);
        repo.Commit();
        var file = repo.PathOf("out.txt");

        var unknown = await CliRunner.RunAsync("audit", repo.Root, "--report", $"pdf={file}");
        var empty = await CliRunner.RunAsync("audit", repo.Root, "--report", "sarif=");
        var twice = await CliRunner.RunAsync("audit", repo.Root, "--report", $"sarif={file}", "--report", $"markdown={file}");
        var baseline = await CliRunner.RunAsync("audit", repo.Root, "--write-baseline", "--report", $"sarif={file}");
        var paths = await CliRunner.RunAsync("audit", repo.Root, "--paths", "root");

        const string Formats = "text, json, markdown, github, sarif, html, compact, gitlab";
        Assert.Equal((2, $"migaudit: --report needs FORMAT=FILE with FORMAT one of {Formats}, not 'pdf={file}' (run 'migaudit --help' for usage)"), (unknown.ExitCode, unknown.Stderr.Trim()));
        Assert.Equal((2, $"migaudit: --report needs FORMAT=FILE with FORMAT one of {Formats}, not 'sarif=' (run 'migaudit --help' for usage)"), (empty.ExitCode, empty.Stderr.Trim()));
        Assert.Equal((2, $"migaudit: --report names {file} twice (run 'migaudit --help' for usage)"), (twice.ExitCode, twice.Stderr.Trim()));
        Assert.Equal((2, "migaudit: --write-baseline writes no report: leave out --report"), (baseline.ExitCode, baseline.Stderr.Trim()));
        Assert.Equal(2, paths.ExitCode);
        Assert.Contains("'root'", paths.Stderr);
        Assert.False(File.Exists(file));
        Assert.False(File.Exists(repo.PathOf(".migaudit-baseline.json")));
    }
}
