using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Engine;

/// <summary>
/// Inline suppressions in ESLint's forms (next line, same line, block, file) with a required reason; the ones that do
/// not work as written (unknown rule, no reason, hiding nothing) reported by suppression-problem; the settings file's
/// "suppress" for findings no comment can sit above, and its "baseline".
/// </summary>
public sealed class SuppressionTests
{
    private static AuditResult AuditFixture(string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("suppression-problem", side));
        repo.Commit("fixture");
        return Audit.Run(repo.Root);
    }

    [Fact]
    public void Every_form_hides_the_finding_it_names_and_counts_it()
    {
        var result = AuditFixture("good");
        Assert.Empty(result.Findings);
        Assert.Equal(6, result.Suppressed);
    }

    [Fact]
    public void Unknown_rules_missing_reasons_missing_rules_and_unused_suppressions_are_each_reported_at_their_comment()
    {
        var result = AuditFixture("bad");
        Assert.Equal(
            [
                ("migrations/20250101000000_create_events.js", 4, "migaudit-disable-next-line names 'prefer-json', which is not a migaudit rule, so it suppresses nothing (run 'migaudit rules' for the ids)."),
                ("migrations/20250101000000_create_events.js", 6, "migaudit-disable-next-line prefer-jsonb gives no reason, so it suppresses nothing: a suppression must say why after \"--\"."),
                ("migrations/20250101000000_create_events.js", 8, "migaudit-disable-next-line prefer-jsonb suppresses nothing: no prefer-jsonb finding is on the line it covers any more, so it would only hide a future one."),
                ("migrations/20250101000000_create_events.js", 10, "migaudit-disable-next-line names no rule: migaudit suppresses only the rules a comment names (// migaudit-disable-next-line rule-id -- reason)."),
                ("migrations/20250102000000_create_audit.js", 1, "migaudit-disable-file prefer-jsonb suppresses nothing: no prefer-jsonb finding is in this file any more, so it would only hide a future one."),
                ("migrations/20250102000000_create_audit.js", 4, "migaudit-disable prefer-timestamptz suppresses nothing: no prefer-timestamptz finding is in its block any more, so it would only hide a future one."),
            ],
            result.Of("suppression-problem").Select(f => (f.File!, f.Line!.Value, f.Message)).OrderBy(f => f.Item1, StringComparer.Ordinal).ThenBy(f => f.Item2));

        // The typo and the comment without a reason hide nothing: their findings stand.
        Assert.Equal([5, 7], result.Of("prefer-jsonb").Select(f => f.Line!.Value).Order());
        Assert.Equal(0, result.Suppressed);
    }

    [Fact]
    public void A_settings_file_suppression_hides_history_findings_by_file_and_an_unused_one_is_reported()
    {
        using var repo = Audit.Project(("20250101000000_create_users.js", Audit.CreateTable("users")), ("20250102000000_create_posts.js", Audit.CreateTable("posts")));
        repo.Git("tag", "v1.0.0");
        repo.Delete("migrations/20250102000000_create_posts.js").Commit("squash posts");
        Assert.Single(Audit.Run(repo.Root).Of("deleted-migration"));

        repo.Write(".migauditrc.json", """
            { "suppress": [
              { "rules": "deleted-migration", "files": "migrations/20250102*", "reason": "production was rebuilt from a dump after the squash" },
              { "rules": ["late-migration"], "files": "migrations/**", "reason": "kept for an old branch" }
            ] }
            """);
        var settings = MigAudit.Engine.AuditSettings.Load(repo.Root);
        var result = MigAudit.Engine.Auditor.Run(repo.Root, new MigAudit.Knex.Discovery.DiscoveryOptions(), settings, baseline: null);
        Assert.Empty(result.Of("deleted-migration"));
        Assert.Equal(1, result.Suppressed);
        var unused = Assert.Single(result.Of("suppression-problem"));
        Assert.EndsWith(".migauditrc.json", unused.File);
        Assert.Contains("suppress[1] (late-migration in migrations/**) in ", unused.Message);
        Assert.EndsWith(".migauditrc.json suppresses nothing: no late-migration finding matches it any more.", unused.Message);
    }

    [Theory]
    [InlineData("""{ "suppress": [ { "rules": "deleted-migration", "files": "migrations/*" } ] }""", "suppress[0]: 'reason' must be a non-empty string (a suppression says why)")]
    [InlineData("""{ "suppress": [ { "rules": "deleted-migrations", "files": "migrations/*", "reason": "x" } ] }""", "suppress[0]: unknown rule id 'deleted-migrations'")]
    [InlineData("""{ "suppress": { "rules": "deleted-migration" } }""", "'suppress' must be an array")]
    [InlineData("""{ "suppress": [ { "rule": "deleted-migration", "files": "m", "reason": "x" } ] }""", "suppress[0]: unknown key 'rule' (known: rules, files, reason)")]
    public async Task A_wrong_suppress_entry_is_a_usage_error_naming_it(string settings, string message)
    {
        using var repo = Audit.Project(("20250101000000_create_users.js", Audit.CreateTable("users")));
        repo.Write(".migauditrc.json", settings);
        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task The_baseline_named_in_the_settings_file_is_written_and_then_used()
    {
        using var repo = Audit.Project(("20250101000000_create_users.js", Audit.CreateTable("users", withDown: false)));
        repo.Write(".migauditrc.json", """{ "baseline": "ci/migaudit-baseline.json" }""");
        Directory.CreateDirectory(repo.PathOf("ci"));

        var write = await CliRunner.RunAsync("audit", repo.Root, "--write-baseline");
        Assert.Equal(0, write.ExitCode);
        Assert.True(File.Exists(repo.PathOf("ci/migaudit-baseline.json")), write.Stderr);

        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.Contains("\"baselined\": 1", run.Stdout);

        repo.Write(".migauditrc.json", """{ "baseline": "ci/missing.json" }""");
        var missing = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("'baseline' names ci/missing.json, which does not exist", missing.Stderr);
    }
}
