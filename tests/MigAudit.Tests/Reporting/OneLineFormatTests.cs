using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MigAudit.Core;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>The project and the problem matcher the compact and GitLab format tests share.</summary>
public static partial class OneLineProject
{
    /// <summary>
    /// A problem matcher for the compact format, as a VS Code tasks.json "problemMatcher" pattern would be written
    /// (docs/formats.md): file, line, column, severity, rule ("code") and message.
    /// </summary>
    [GeneratedRegex(@"^(?<file>[^:]+):(?<line>\d+):(?<column>\d+): (?<severity>error|warning|info) (?<rule>[a-z][a-z-]*) (?<message>.+)$")]
    public static partial Regex ProblemMatcher();

    /// <summary>
    /// The create-index-not-concurrently fixture (two medium findings, and missing-lock-timeout on the knexfile) and a
    /// third migration with no down (blocking) whose foreign key has no onDelete and no index (two low), under <paramref name="folder"/>.
    /// </summary>
    public static void WriteProject(TempRepo repo, string folder = "")
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "fixtures", "create-index-not-concurrently", "bad");
        foreach (var file in Directory.EnumerateFiles(fixture, "*", SearchOption.AllDirectories))
        {
            repo.Write(Path.Combine(folder, Path.GetRelativePath(fixture, file)), File.ReadAllText(file));
        }

        repo.Write(Path.Combine(folder, "migrations", "20250103000000_create_posts.js"), """
            exports.up = async function (knex) {
              await knex.schema.createTable('posts', (table) => {
                table.increments('id');
                table.integer('user_id').references('users.id');
              });
            };
            """);
    }
}

/// <summary>--format compact and --format gitlab, the formats ESLint users and GitLab's merge requests read.</summary>
public sealed class OneLineFormatTests
{
    [Fact]
    public void Compact_prints_one_matcher_readable_line_per_finding_then_one_summary_line()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo);
        repo.Commit();
        var result = Audit.Run(repo.Root);

        var lines = CompactReport.Render(result).Split('\n');
        Assert.Equal(string.Empty, lines[^1]);
        var problems = lines[..^2].Select(l => OneLineProject.ProblemMatcher().Match(l)).ToList();
        Assert.All(problems, m => Assert.True(m.Success));
        Assert.Equal(
            [
                "migrations/20250103000000_create_posts.js:1:1 error missing-down",
                "migrations/20250103000000_create_posts.js:4:1 info fk-missing-on-delete",
                "migrations/20250103000000_create_posts.js:4:1 info fk-missing-index",
                "migrations/20250102000000_index_users.js:3:1 warning create-index-not-concurrently",
                "migrations/20250102000000_index_users.js:5:1 warning create-index-not-concurrently",
                "knexfile.js:2:1 warning missing-lock-timeout",
            ],
            problems.Select(m => $"{m.Groups["file"]}:{m.Groups["line"]}:{m.Groups["column"]} {m.Groups["severity"]} {m.Groups["rule"]}").ToArray());
        Assert.EndsWith(" (blocking)", problems[0].Groups["message"].Value, StringComparison.Ordinal);
        Assert.DoesNotContain(problems, m => m.Groups["rule"].Value != "missing-down" && m.Groups["message"].Value.EndsWith("(blocking)", StringComparison.Ordinal));
        Assert.Equal("migaudit: NOT READY - 6 findings (1 blocking), 0 unknowns", lines[^2]);
        Assert.DoesNotMatch(OneLineProject.ProblemMatcher(), lines[^2]);
    }

    [Fact]
    public void Compact_points_a_finding_without_a_file_at_the_knexfile_else_at_migaudit_and_keeps_each_on_one_line()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo);
        repo.Commit();
        var audited = Audit.Run(repo.Root);
        var fileless = new Finding { Rule = "pool-mismatch", Severity = Severity.Medium, Blocking = false, Message = "first line\nsecond line\u001b[31m" };
        var result = audited with { Findings = [fileless], Unknowns = [new ReadinessUnknown("not read", null, null)] };

        Assert.Equal(
            "knexfile.js:1:1: warning pool-mismatch first line second line\\e[31m\n" +
            "knexfile.js:1:1: warning unknown not read\n" +
            "migaudit: UNKNOWN - 1 finding (0 blocking), 1 unknown\n",
            CompactReport.Render(result));

        var withoutKnexfile = result with { Input = result.Input with { Project = result.Input.Project with { Knexfile = null } } };
        Assert.StartsWith("migaudit:1:1: warning pool-mismatch first line", CompactReport.Render(withoutKnexfile), StringComparison.Ordinal);
    }

    [Fact]
    public void Gitlab_code_quality_paths_are_from_the_repository_root_when_the_project_is_in_a_subfolder()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo, "server");
        repo.Commit();
        var result = Audit.Run(repo.PathOf("server"));

        var issues = JsonNode.Parse(GitlabReport.Render(result))!.AsArray();
        Assert.Equal(
            [
                "migaudit/missing-down blocker server/migrations/20250103000000_create_posts.js:1",
                "migaudit/fk-missing-on-delete minor server/migrations/20250103000000_create_posts.js:4",
                "migaudit/fk-missing-index minor server/migrations/20250103000000_create_posts.js:4",
                "migaudit/create-index-not-concurrently major server/migrations/20250102000000_index_users.js:3",
                "migaudit/create-index-not-concurrently major server/migrations/20250102000000_index_users.js:5",
                "migaudit/missing-lock-timeout major server/knexfile.js:2",
            ],
            issues.Select(i => $"{i!["check_name"]} {i["severity"]} {i["location"]!["path"]}:{i["location"]!["lines"]!["begin"]}").ToArray());

        // The keys GitLab's code quality report reads, and nothing it would refuse: a fingerprint per issue, unique.
        Assert.All(issues, i => Assert.Equal(["description", "check_name", "fingerprint", "severity", "location"], i!.AsObject().Select(p => p.Key).ToArray()));
        Assert.Equal(issues.Count, issues.Select(i => i!["fingerprint"]!.GetValue<string>()).Distinct().Count());
        Assert.Equal(result.Findings[0].Fingerprint(), issues[0]!["fingerprint"]!.GetValue<string>());
        Assert.StartsWith(result.Findings[0].Message + " Fix: ", issues[0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);

        // The other formats keep paths relative to the audited folder.
        Assert.StartsWith("migrations/20250103000000_create_posts.js:1:1: error missing-down ", CompactReport.Render(result), StringComparison.Ordinal);
    }

    [Fact]
    public void Gitlab_gives_two_findings_with_one_fingerprint_distinct_ones_and_lists_unknowns()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo);
        repo.Commit();
        var audited = Audit.Run(repo.Root);
        var twice = audited.Findings[0];
        var result = audited with { Findings = [twice, twice with { Line = 9 }], Unknowns = [new ReadinessUnknown("not read", "knexfile.js", 4)] };

        var issues = JsonNode.Parse(GitlabReport.Render(result))!.AsArray();
        Assert.Equal([twice.Fingerprint(), twice.Fingerprint() + "-2"], issues.Take(2).Select(i => i!["fingerprint"]!.GetValue<string>()).ToArray());
        Assert.Equal("migaudit/unknown major knexfile.js:4 not read", $"{issues[2]!["check_name"]} {issues[2]!["severity"]} {issues[2]!["location"]!["path"]}:{issues[2]!["location"]!["lines"]!["begin"]} {issues[2]!["description"]}");
    }
}
