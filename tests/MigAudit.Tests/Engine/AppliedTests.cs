using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Engine;

/// <summary>
/// audit --applied: production's list of names decides every history finding. Knex fails "The migration directory is
/// corrupt" exactly on a database whose table holds a name no file has (knex 3.1.0, checked on real PostgreSQL by
/// AppliedMigrationsRealOutputTests), so a held name blocks with certain evidence and a name not held is no finding.
/// </summary>
public sealed class AppliedTests
{
    /// <summary>
    /// A project without release tags: orders deleted, teams renamed (.ts to .js), projects arrived late after tasks,
    /// users edited. Without a list, the deletion and the rename are the verdict's question.
    /// </summary>
    private static TempRepo TaglessHistory()
    {
        var repo = Audit.Project(
            ("20250101000000_users.js", Audit.CreateTable("users")),
            ("20250102000000_orders.js", Audit.CreateTable("orders")),
            ("20250103000000_teams.ts", Audit.CreateTable("teams")),
            ("20250105000000_tasks.js", Audit.CreateTable("tasks")));
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Git("mv", "migrations/20250103000000_teams.ts", "migrations/20250103000000_teams.js");
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("accounts"));
        repo.Commit("drop orders, compile teams, users becomes accounts");
        repo.Write("migrations/20250104000000_projects.js", Audit.CreateTable("projects"));
        repo.Commit("projects, late");
        return repo;
    }

    private static AuditResult Run(TempRepo repo, params string[] applied) =>
        Auditor.Run(repo.Root, new DiscoveryOptions(), new AuditSettings { Applied = new AppliedNames(applied.ToHashSet(StringComparer.Ordinal), "production.txt") }, baseline: null);

    [Fact]
    public void Without_a_list_the_deletion_and_the_rename_are_one_question_and_the_verdict_is_unknown()
    {
        using var repo = TaglessHistory();
        var result = Audit.Run(repo.Root);

        Assert.Equal("unknown", result.Verdict);
        var question = Assert.Single(result.Unknowns);
        Assert.Equal(["20250102000000_orders.js", "20250103000000_teams.ts"], question.Names.Order(StringComparer.Ordinal));
        Assert.All(result.Findings.Where(f => f.Rule is "deleted-migration" or "renamed-migration"), f => Assert.Equal((FindingScope.Unknown, Evidence.Likely, false), (f.Scope, f.Evidence, f.Blocking)));
        Assert.Single(result.Of("late-migration"));
        Assert.Single(result.Of("edited-migration"));
    }

    [Fact]
    public void Names_production_holds_block_with_certain_evidence()
    {
        using var repo = TaglessHistory();
        var result = Run(repo, "20250101000000_users.js", "20250102000000_orders.js", "20250103000000_teams.ts", "20250105000000_tasks.js");

        Assert.Equal("not-ready", result.Verdict);
        Assert.Empty(result.Unknowns);
        var deleted = Assert.Single(result.Of("deleted-migration"));
        var renamed = Assert.Single(result.Of("renamed-migration"));
        foreach (var finding in new[] { deleted, renamed })
        {
            Assert.Equal((true, Severity.High, FindingScope.Pending, Evidence.Certain), (finding.Blocking, finding.Severity, finding.Scope, finding.Evidence));
            Assert.Empty(finding.DecidingNames);
        }

        Assert.EndsWith("Production's migrations table (production.txt) holds 20250102000000_orders.js, so its next 'knex migrate:latest' meets this.", deleted.Message);
        Assert.EndsWith("Under its old name: production's migrations table (production.txt) holds 20250103000000_teams.ts, so its next 'knex migrate:latest' meets this.", renamed.Message);

        // Production ran tasks and not projects: the late one runs out of order there, for certain. It ran users: the
        // edit never runs there, and the finding's migration is shipped.
        Assert.EndsWith("Production's migrations table (production.txt) holds 20250105000000_tasks.js and not 20250104000000_projects.js: its next batch runs it out of order.", Assert.Single(result.Of("late-migration")).Message);
        Assert.Equal(FindingScope.Pending, Assert.Single(result.Of("late-migration")).Scope);
        Assert.Equal(FindingScope.Shipped, Assert.Single(result.Of("edited-migration")).Scope);
    }

    [Fact]
    public void Names_production_never_recorded_are_no_finding()
    {
        using var repo = TaglessHistory();

        // A production database built before orders, teams, tasks and projects existed, with the new name of nothing.
        var result = Run(repo, "20250101000000_users.js");

        Assert.Empty(result.Of("deleted-migration"));
        Assert.Empty(result.Of("renamed-migration"));
        Assert.Empty(result.Of("late-migration"));
        Assert.Single(result.Of("edited-migration"));
        Assert.Empty(result.Unknowns);
        Assert.Equal("ready", result.Verdict);

        // A database that never ran users either: its edit runs in its current version there, so no finding at all.
        var fresh = Run(repo);
        Assert.Empty(fresh.Of("edited-migration"));
        Assert.Equal("ready", fresh.Verdict);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task The_cli_reads_psql_output_from_stdin_and_a_committed_list_from_the_settings()
    {
        using var repo = TaglessHistory();
        Assert.Equal(3, (await CliRunner.RunAsync("audit", repo.Root)).ExitCode);

        const string psql = " name \n------------------------------\n 20250101000000_users.js\n 20250102000000_orders.js\n(2 rows)\n\n";
        var run = await CliRunner.RunWithInputAsync(psql, "audit", repo.Root, "--applied", "-", "--format", "json");
        Assert.True(run.ExitCode == 1, run.Stderr);
        var json = JsonNode.Parse(run.Stdout)!;
        Assert.Equal("""{"source":"stdin","names":2}""", json["applied"]!.ToJsonString());
        var deleted = json["findings"]!.AsArray().Single(f => f!["rule"]!.GetValue<string>() == "deleted-migration")!;
        Assert.Equal(("certain", "pending", true), (deleted["evidence"]!.GetValue<string>(), deleted["scope"]!.GetValue<string>(), deleted["blocking"]!.GetValue<bool>()));
        Assert.DoesNotContain(json["findings"]!.AsArray(), f => f!["rule"]!.GetValue<string>() == "renamed-migration");

        // The team commits the answer once: the settings name it, and CI passes on what production really holds.
        repo.Write("ops/production-migrations.txt", "20250101000000_users.js\n");
        repo.Write(".migauditrc.json", """{ "applied": "ops/production-migrations.txt" }""");
        var committed = await CliRunner.RunAsync("audit", repo.Root);
        Assert.True(committed.ExitCode == 0, committed.Stdout + committed.Stderr);
        Assert.Contains("Production:  1 name in its migrations table, from ops/production-migrations.txt (--applied): history findings are decided by them", committed.Stdout.Split('\n'));
    }

    [Theory]
    [InlineData("{ \"applied\": \"../outside.txt\" }", null, ".migauditrc.json: 'applied' must name a file inside the project, not ../outside.txt")]
    [InlineData("{ \"applied\": \"missing.txt\" }", null, ".migauditrc.json: 'applied' names missing.txt, which does not exist")]
    [InlineData(null, "nowhere.txt", "--applied: nowhere.txt does not exist")]
    [Trait("Surface", "cli")]
    public async Task A_list_that_cannot_be_read_is_a_usage_error_naming_it(string? settings, string? option, string message)
    {
        using var repo = TaglessHistory();
        if (settings is not null)
        {
            repo.Write(".migauditrc.json", settings);
        }

        var run = await CliRunner.RunAsync(option is null ? ["audit", repo.Root] : ["audit", repo.Root, "--applied", option]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"migaudit: {message}", run.Stderr.TrimEnd());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task One_database_list_for_a_repository_of_several_sets_asks_which_set_it_belongs_to()
    {
        using var repo = new TempRepo();
        repo.Write("package.json", "{ \"private\": true, \"workspaces\": [\"services/*\"] }\n");
        foreach (var service in new[] { "accounts", "billing" })
        {
            repo.Write($"services/{service}/knexfile.js", "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n");
            repo.Write($"services/{service}/migrations/20240101120000_create_{service}.js", Audit.CreateTable(service));
        }

        repo.Write("production.txt", "20240101120000_create_accounts.js\n");
        repo.Commit("two services");

        var run = await CliRunner.RunAsync("audit", repo.Root, "--applied", repo.PathOf("production.txt"));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"migaudit: --applied is one database's migrations table ({repo.PathOf("production.txt")}), and this repository has several migration sets (services/accounts/migrations, services/billing/migrations): choose the set", run.Stderr);

        var chosen = await CliRunner.RunAsync("audit", repo.Root, "--applied", repo.PathOf("production.txt"), "--knexfile", "services/accounts/knexfile.js");
        Assert.True(chosen.ExitCode == 0, chosen.Stdout + chosen.Stderr);
    }
}
