using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Reporting;

/// <summary>Fingerprints (v2) come from rule, file and what the finding is about, so a baseline survives unrelated change.</summary>
public sealed class BaselineFingerprintTests
{
    private static TempRepo DuplicateVersions()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_accounts.js", Audit.CreateTable("accounts"));
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();
        return repo;
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_baseline_still_matches_after_a_migration_is_added()
    {
        using var repo = DuplicateVersions();
        Assert.Contains("(#2 of 2)", Assert.Single(Audit.Run(repo.Root).Findings).Message);
        Assert.Equal(0, (await CliRunner.RunAsync("audit", repo.Root, "--write-baseline")).ExitCode);
        var written = JsonNode.Parse(File.ReadAllText(repo.PathOf(".migaudit-baseline.json")))!;
        Assert.Equal(2, written["schemaVersion"]!.GetValue<int>());
        Assert.Equal("migaudit/v2", written["fingerprintVersion"]!.GetValue<string>());
        Assert.Equal("", written["findings"]![0]!["key"]!.GetValue<string>());

        repo.Write("migrations/20250102000000_create_orders.js", Audit.CreateTable("orders"));
        repo.Commit("one more migration");
        Assert.Contains("(#2 of 3)", Assert.Single(Audit.Run(repo.Root).Findings).Message);

        var run = await CliRunner.RunAsync("audit", repo.Root, "--baseline", ".migaudit-baseline.json", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        Assert.Empty(JsonNode.Parse(run.Stdout)!["findings"]!.AsArray());
        Assert.Equal(string.Empty, run.Stderr);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_version_1_baseline_is_read_with_a_notice_and_its_message_fingerprints_still_count()
    {
        using var repo = DuplicateVersions();
        var finding = Assert.Single(Audit.Run(repo.Root).Findings);
        var legacy = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{finding.Rule}\n{finding.File}\n{finding.Message}")))[..32];
        repo.Write("old-baseline.json", $$"""{ "schemaVersion": 1, "tool": "migaudit 0.9.0", "findings": [ { "fingerprint": "{{legacy}}", "rule": "duplicate-version" } ] }""");

        var run = await CliRunner.RunAsync("audit", repo.Root, "--baseline", "old-baseline.json");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("migaudit: old-baseline.json is a version 1 baseline: its fingerprints include each finding's message", run.Stderr);
        Assert.Contains("refresh it with --write-baseline", run.Stderr);
    }

    [Fact]
    public void Findings_of_one_rule_in_one_file_have_distinct_fingerprints()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_schema.js", """
            exports.up = async (knex) => {
              await knex.schema.createTable('users', (t) => { t.increments('id'); });
              await knex.schema.createTable('teams', (t) => { t.increments('id'); });
              await knex.schema.createTable('posts', (t) => {
                t.increments('id');
                t.integer('user_id').references('id').inTable('users');
                t.integer('team_id').references('id').inTable('teams');
              });
            };
            exports.down = async (knex) => {
              await knex.schema.dropTable('posts');
              await knex.schema.dropTable('teams');
              await knex.schema.dropTable('users');
            };
            """);
        repo.Commit();
        var findings = Audit.Run(repo.Root).Of("fk-missing-on-delete");
        Assert.Equal(["posts(team_id)->teams", "posts(user_id)->users"], findings.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, findings.Select(f => f.Fingerprint()).Distinct().Count());
    }
}
