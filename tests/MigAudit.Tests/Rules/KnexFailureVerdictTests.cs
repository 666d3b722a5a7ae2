using System.Text.Json.Nodes;
using MigAudit.Engine;
using MigAudit.Knex.Discovery;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>A finding that says Knex itself fails carries predictsKnexFailure, and no setting puts it beside "ready".</summary>
public sealed class KnexFailureVerdictTests
{
    private const string MissingFolderKnexfile = """
        module.exports = { client: 'pg', migrations: { directory: './db/migrations' } };
        """;

    [Fact]
    public void A_missing_migration_folder_predicts_knex_failure_in_json()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", MissingFolderKnexfile).Commit();

        var result = Audit.Run(repo.Root);

        var json = JsonNode.Parse(JsonReport.Render(result, "test"))!;
        Assert.Equal("not-ready", json["verdict"]!.GetValue<string>());
        var finding = Assert.Single(json["findings"]!.AsArray(), f => f!["rule"]!.GetValue<string>() == "migration-source-unknown")!;
        Assert.True(finding["predictsKnexFailure"]!.GetValue<bool>());
        Assert.Contains("ENOENT", finding["message"]!.GetValue<string>());
    }

    [Fact]
    public void Turning_the_rule_off_ignoring_the_file_or_a_baseline_cannot_make_a_failing_project_ready()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", MissingFolderKnexfile).Commit();
        var settings = new AuditSettings
        {
            Rules = new Dictionary<string, string> { ["migration-source-unknown"] = "off" },
            Ignore = ["knexfile.js"],
        };

        var result = Auditor.Run(repo.Root, new DiscoveryOptions(), settings, baseline: _ => true);

        Assert.False(result.Ready);
        Assert.True(Assert.Single(result.Findings).PredictsKnexFailure);
    }

    [Fact]
    public void A_chain_error_predicts_knex_failure_and_a_risk_does_not()
    {
        using var repo = Audit.Project(
            ("20250101000000_posts.js", Audit.CreateTable("posts")),
            ("20250102000000_posts_again.js", Audit.CreateTable("posts", withDown: false)));

        var result = Audit.Run(repo.Root);

        Assert.True(Assert.Single(result.Of("chain-error")).PredictsKnexFailure);
        Assert.NotEmpty(result.Of("missing-down"));
        Assert.All(result.Findings.Where(f => f.Rule != "chain-error"), f => Assert.False(f.PredictsKnexFailure));
    }
}
