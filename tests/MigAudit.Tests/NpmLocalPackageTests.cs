using System.Text.Json;
using System.Text.RegularExpressions;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>
/// The README's quick start, as a Node developer runs it before migaudit is on the npm registry: the self-contained
/// package scripts/build-npm.sh makes (artifacts/npm/local/migaudit-&lt;version&gt;-&lt;key&gt;.tgz) installed by path into a
/// fresh Knex project, then `npm ci` on the lockfile that made (issue #33: the launcher and platform tarballs installed
/// this way left a lockfile `npm ci` refuses, "Missing: @migaudit/darwin-arm64 from lock file"), then `npx migaudit`
/// in every report format, on a PATH with node, npm and git but no .NET. No registry is needed.
/// </summary>
public sealed partial class NpmLocalPackageTests
{
    /// <summary>Every --format `migaudit audit --help` offers; the test fails when one is added and not checked here.</summary>
    private static readonly string[] Formats = ["compact", "github", "gitlab", "html", "json", "markdown", "sarif", "text"];

    private const string Migration = "migrations/20250101000000_create_users.js";

    [SkippableFact]
    [Trait("Surface", "npm")]
    public async Task Installed_by_path_it_survives_npm_ci_and_npx_migaudit_reports_in_every_format()
    {
        var local = NpmPackages.Local(NpmPackages.RequireFolder());
        Assert.True(File.Exists(local), $"build-npm.sh made no {local}");

        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Write("package.json", """{ "name": "knex-app", "version": "1.0.0", "private": true }""");
        repo.Write(".gitignore", "node_modules/\n");
        repo.Commit();

        var install = await NpmPackages.RunAsync(repo.Root, "npm", "install", "--save-dev", "--no-audit", "--no-fund", "--loglevel=error", local);
        Assert.True(install.ExitCode == 0, install.Stderr);

        // The lockfile holds migaudit alone, by path and checksum: nothing `npm ci` would have to find elsewhere.
        using (var lockfile = JsonDocument.Parse(File.ReadAllText(repo.PathOf("package-lock.json"))))
        {
            var packages = lockfile.RootElement.GetProperty("packages");
            Assert.Equal(["", "node_modules/migaudit"], packages.EnumerateObject().Select(p => p.Name).ToArray());
            var entry = packages.GetProperty("node_modules/migaudit");
            Assert.StartsWith("file:", entry.GetProperty("resolved").GetString(), StringComparison.Ordinal);
            Assert.EndsWith($"/local/{Path.GetFileName(local)}", entry.GetProperty("resolved").GetString(), StringComparison.Ordinal);
            Assert.StartsWith("sha512-", entry.GetProperty("integrity").GetString(), StringComparison.Ordinal);
            Assert.False(entry.TryGetProperty("optionalDependencies", out _));
        }

        // What a CI job or a colleague on the same platform does next.
        Directory.Delete(repo.PathOf("node_modules"), recursive: true);
        var ci = await NpmPackages.RunAsync(repo.Root, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        Assert.True(ci.ExitCode == 0, ci.Stderr);
        Assert.True(File.Exists(repo.PathOf(Path.Combine("node_modules", "migaudit", "native", NpmPackages.PlatformKey, "migaudit"))));
        Assert.False(Directory.Exists(repo.PathOf(Path.Combine("node_modules", "@migaudit"))));
        Assert.Equal("", repo.Git("status", "--porcelain", "--", "migrations", "knexfile.js"));

        using var noDotnet = new ProgramsOnly("node", "npm", "npx", "sh", "git");
        var help = await NpmPackages.RunAsync(repo.Root, "npx", ["migaudit", "audit", "--help"], noDotnet.Folder);
        Assert.Equal(0, help.ExitCode);
        Assert.Equal(Formats, FormatOption().Match(help.Stdout).Groups[1].Value.Split('|'));

        foreach (var format in Formats)
        {
            var run = await NpmPackages.RunAsync(repo.Root, "npx", ["migaudit", "audit", "--format", format], noDotnet.Folder);
            Assert.True(run.ExitCode == 1, $"{format}: exit {run.ExitCode}\n{run.Stderr}");
            Assert.Equal("", run.Stderr);
            AssertReport(format, run.Stdout);
        }

        // The quick start's first command: no command and no format, in the project folder.
        var text = await NpmPackages.RunAsync(repo.Root, "npx", ["migaudit"], noDotnet.Folder);
        Assert.Equal(1, text.ExitCode);
        AssertReport("text", text.Stdout);
    }

    /// <summary>One blocking missing-down finding on the fixture's only migration, as each format says it.</summary>
    private static void AssertReport(string format, string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        switch (format)
        {
            case "compact":
                Assert.Equal(2, lines.Length);
                Assert.StartsWith($"{Migration}:1:1: error missing-down 20250101000000_create_users.js exports no down function", lines[0], StringComparison.Ordinal);
                Assert.EndsWith("(blocking)", lines[0], StringComparison.Ordinal);
                Assert.Equal("migaudit: NOT READY - 1 finding (1 blocking), 0 unknowns", lines[1]);
                break;
            case "github":
                Assert.Equal(2, lines.Length);
                Assert.StartsWith($"::error file={Migration},line=1,title=migaudit missing-down (blocking)::20250101000000_create_users.js exports no down function", lines[0], StringComparison.Ordinal);
                Assert.Equal("::error title=migaudit::not ready for production: 1 blocking finding", lines[1]);
                break;
            case "gitlab":
                using (var json = JsonDocument.Parse(stdout))
                {
                    var issue = Assert.Single(json.RootElement.EnumerateArray().ToArray());
                    Assert.Equal("migaudit/missing-down", issue.GetProperty("check_name").GetString());
                    Assert.Equal("blocker", issue.GetProperty("severity").GetString());
                    Assert.Equal(Migration, issue.GetProperty("location").GetProperty("path").GetString());
                }

                break;
            case "html":
                Assert.StartsWith("<!DOCTYPE html>\n", stdout, StringComparison.Ordinal);
                Assert.EndsWith("</html>\n", stdout, StringComparison.Ordinal);
                Assert.Contains("missing-down", stdout);
                break;
            case "json":
                using (var json = JsonDocument.Parse(stdout))
                {
                    Assert.Equal("not-ready", json.RootElement.GetProperty("verdict").GetString());
                    var finding = Assert.Single(json.RootElement.GetProperty("findings").EnumerateArray().ToArray());
                    Assert.Equal("missing-down", finding.GetProperty("rule").GetString());
                }

                break;
            case "markdown":
                Assert.Equal("## migaudit: ❌ not ready for production (1 blocking)", lines[0]);
                Assert.Contains($"`{Migration}:1`", stdout);
                break;
            case "sarif":
                using (var json = JsonDocument.Parse(stdout))
                {
                    Assert.Equal("2.1.0", json.RootElement.GetProperty("version").GetString());
                    var result = Assert.Single(Assert.Single(json.RootElement.GetProperty("runs").EnumerateArray().ToArray()).GetProperty("results").EnumerateArray().ToArray());
                    Assert.Equal("missing-down", result.GetProperty("ruleId").GetString());
                    Assert.Equal("error", result.GetProperty("level").GetString());
                }

                break;
            case "text":
                Assert.Contains("PROBLEM #1: MIGRATIONS WITHOUT DOWN (1 - HIGH RISK, BLOCKING) [missing-down]\n", stdout);
                Assert.Contains("\nProduction Readiness: NOT READY\n", stdout);
                break;
            default:
                Assert.Fail($"no check for the {format} format");
                break;
        }
    }

    [Fact]
    public void The_README_quick_start_is_the_route_this_test_runs()
    {
        var readme = File.ReadAllText(Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "README.md"));
        var start = readme.IndexOf("\n## Quick start\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no Quick start section");
        var section = readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        var block = CodeBlocks().Match(section).Groups[1].Value;
        var commands = block.Split('\n').Select(l => Regex.Replace(l, @"\s+#.*$", "")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Equal(4, commands.Length);
        Assert.Equal("bash scripts/build-npm.sh", commands[0]);
        Assert.Matches(@"^npm install --save-dev \S+/artifacts/npm/local/migaudit-\d\S*-linux-x64\.tgz$", commands[1]);
        Assert.Equal("npx migaudit", commands[2]);
        Assert.Equal("npx migaudit audit --format json", commands[3]);
    }

    [GeneratedRegex(@"--format <([a-z|]+)>")]
    private static partial Regex FormatOption();

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlocks();
}
