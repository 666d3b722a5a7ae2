using System.Text.Json;
using MigAudit.Tests.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>What ESLint users expect of a linter's command line: --format compact and gitlab, --quiet, --max-warnings, help.</summary>
public sealed class EslintHabitsCliTests
{
    [Fact]
    [Trait("Surface", "cli")]
    public async Task Compact_format_prints_only_the_findings_and_one_summary_line()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo);
        repo.Commit();

        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "compact");
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stderr);
        var lines = run.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(7, lines.Length);
        Assert.All(lines[..^1], l => Assert.Matches(OneLineProject.ProblemMatcher(), l));
        Assert.Equal("migaudit: NOT READY - 6 findings (1 blocking), 0 unknowns", lines[^1]);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Quiet_shows_only_blocking_and_high_findings_in_every_format_and_keeps_the_exit_code()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo);
        repo.Commit();

        // Where ESLint users put it: after the command, before or after PATH, or with no command at all.
        foreach (var args in new[] { new[] { "audit", "--quiet", repo.Root, "--format", "compact" }, [repo.Root, "-q", "--format", "compact"], ["--quiet", "--cwd", repo.Root, "--format", "compact"] })
        {
            var run = await CliRunner.RunAsync(args);
            Assert.Equal(1, run.ExitCode);
            Assert.Empty(run.Stderr);
            var lines = run.Stdout.TrimEnd('\n').Split('\n');
            Assert.Equal(2, lines.Length);
            Assert.StartsWith("migrations/20250103000000_create_posts.js:1:1: error missing-down ", lines[0], StringComparison.Ordinal);
            Assert.Equal("migaudit: NOT READY - 1 finding (1 blocking), 0 unknowns; 5 neither blocking nor high not shown (--quiet)", lines[1]);
        }

        var json = await CliRunner.RunAsync("audit", repo.Root, "--quiet", "--format", "json");
        Assert.Equal(1, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(["missing-down"], document.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()!).ToArray());
        Assert.Equal(5, document.RootElement.GetProperty("quieted").GetInt32());
        Assert.Equal("not-ready", document.RootElement.GetProperty("verdict").GetString());

        var text = await CliRunner.RunAsync("audit", repo.Root, "--quiet");
        Assert.Contains("Quiet:       5 findings neither blocking nor high not shown (--quiet)", text.Stdout);
        Assert.DoesNotContain("create-index-not-concurrently", text.Stdout);

        // Quiet changes what is shown, not the outcome: --fail-on medium still fails on the hidden medium findings.
        using var nonBlocking = new TempRepo();
        nonBlocking.CopyFixture(Path.Combine("create-index-not-concurrently", "bad"));
        nonBlocking.Commit();
        var hidden = await CliRunner.RunAsync("audit", nonBlocking.Root, "--quiet", "--format", "compact", "--fail-on", "medium");
        Assert.Equal((1, "migaudit: READY - 0 findings (0 blocking), 0 unknowns; 3 neither blocking nor high not shown (--quiet)\n"), (hidden.ExitCode, hidden.Stdout));
        var ready = await CliRunner.RunAsync("audit", nonBlocking.Root, "--quiet", "--format", "compact");
        Assert.Equal(0, ready.ExitCode);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Max_warnings_exits_1_above_n_non_blocking_findings_whatever_fail_on_says_and_over_exit_3()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo);
        repo.Delete("migrations/20250103000000_create_posts.js");
        repo.Commit();

        // Three non-blocking findings (two create-index-not-concurrently, missing-lock-timeout); the verdict is READY.
        async Task<int> Exit(params string[] options) => (await CliRunner.RunAsync(["audit", repo.Root, "--format", "compact", .. options])).ExitCode;
        Assert.Equal(0, await Exit("--max-warnings", "3"));
        Assert.Equal(1, await Exit("--max-warnings", "2"));
        Assert.Equal(1, await Exit("--max-warnings", "2", "--fail-on", "never"));
        Assert.Equal(1, await Exit("--max-warnings", "2", "--quiet"));
        Assert.Equal(0, await Exit("--max-warnings", "3", "--fail-on", "high"));

        // A baselined finding no longer counts.
        Assert.Equal(0, (await CliRunner.RunAsync("audit", repo.Root, "--write-baseline")).ExitCode);
        Assert.Equal(0, await Exit("--max-warnings", "0", "--baseline", ".migaudit-baseline.json"));

        // An unknown verdict (a deleted migration, no release tags: exit 3) with too many warnings fails: exit 1.
        repo.Delete(".migaudit-baseline.json");
        repo.Delete("migrations/20250102000000_index_users.js");
        repo.Commit();
        Assert.Equal(3, await Exit());
        Assert.Equal(3, await Exit("--max-warnings", "1"));
        Assert.Equal(1, await Exit("--max-warnings", "0"));

        var negative = await CliRunner.RunAsync("audit", repo.Root, "--max-warnings", "-1");
        Assert.Equal((2, "migaudit: --max-warnings needs a number of 0 or more (run 'migaudit --help' for usage)"), (negative.ExitCode, negative.Stderr.Trim()));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Gitlab_format_writes_code_quality_json_with_repository_root_paths()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo, "server");
        repo.Commit();

        var run = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--format", "gitlab");
        Assert.Equal(1, run.ExitCode);
        using var document = JsonDocument.Parse(run.Stdout);
        var blocker = Assert.Single(document.RootElement.EnumerateArray(), i => i.GetProperty("severity").GetString() == "blocker");
        Assert.Equal("migaudit/missing-down", blocker.GetProperty("check_name").GetString());
        Assert.Equal("server/migrations/20250103000000_create_posts.js", blocker.GetProperty("location").GetProperty("path").GetString());
        Assert.Equal(1, blocker.GetProperty("location").GetProperty("lines").GetProperty("begin").GetInt32());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Help_works_as_a_command_and_unknown_commands_and_options_are_one_line_usage_errors()
    {
        var help = await CliRunner.RunAsync("help");
        var dashHelp = await CliRunner.RunAsync("--help");
        Assert.Equal((0, dashHelp.Stdout), (help.ExitCode, help.Stdout));
        Assert.Contains("  help <COMMAND>", help.Stdout);
        Assert.DoesNotContain("bench-gen", help.Stdout);

        var auditHelp = await CliRunner.RunAsync("help", "audit");
        Assert.Equal((0, (await CliRunner.RunAsync("audit", "--help")).Stdout), (auditHelp.ExitCode, auditHelp.Stdout));
        foreach (var option in new[] { "--quiet", "--max-warnings <N>", "compact", "gitlab" })
        {
            Assert.Contains(option, auditHelp.Stdout);
        }

        const string Commands = "audit, demo, schema, init, verify, drift, plan, fix, restore, rules, explain, help";
        var unknownHelp = await CliRunner.RunAsync("help", "bench-gen");
        Assert.Equal((2, $"migaudit: unknown command 'bench-gen' (commands: {Commands})\n", string.Empty), (unknownHelp.ExitCode, unknownHelp.Stderr.ReplaceLineEndings("\n"), unknownHelp.Stdout));

        var unknownCommand = await CliRunner.RunAsync("frobnicate");
        Assert.Equal((2, $"migaudit: 'frobnicate' is neither a command nor a folder (commands: {Commands}; run 'migaudit --help' for usage)"), (unknownCommand.ExitCode, unknownCommand.Stderr.Trim()));

        var unknownOption = await CliRunner.RunAsync("audit", "--frobnicate");
        Assert.Equal((2, "migaudit: unknown option '--frobnicate' (run 'migaudit --help' for usage)", string.Empty), (unknownOption.ExitCode, unknownOption.Stderr.Trim(), unknownOption.Stdout));
    }
}
