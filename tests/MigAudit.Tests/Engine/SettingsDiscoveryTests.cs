using MigAudit.Engine;
using MigAudit.Tests.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Engine;

/// <summary>
/// Where .migauditrc.json is looked for: the audited folder, then each folder above it up to the repository's top
/// level (as ESLint and Prettier search), never above it; and --config FILE instead.
/// </summary>
public sealed class SettingsDiscoveryTests
{
    [Fact]
    public void A_settings_file_at_the_repository_root_applies_to_a_project_in_a_subfolder_with_its_paths_read_from_its_folder()
    {
        using var repo = new TempRepo();
        repo.Write(".migauditrc.json", """{ "knexfile": "server/knexfile.js", "migrations": ["server/migrations"], "ignore": ["server/migrations/20250103*"], "rules": { "fk-missing-index": "off" } }""");
        OneLineProject.WriteProject(repo, "server");
        repo.Commit();

        var settings = AuditSettings.Load(repo.PathOf("server"));
        Assert.Equal(("../.migauditrc.json", "knexfile.js", "migrations", "server/"), (settings.Source, settings.Knexfile, Assert.Single(settings.Migrations), settings.IgnoreBase));

        // What the file ignores is gone: the third migration's findings (its pattern is written from the root) and fk-missing-index.
        var result = MigAudit.Engine.Auditor.Run(repo.PathOf("server"), new MigAudit.Knex.Discovery.DiscoveryOptions { Knexfile = settings.Knexfile, MigrationDirectories = settings.Migrations }, settings, baseline: null);
        Assert.Equal(["create-index-not-concurrently", "create-index-not-concurrently", "missing-lock-timeout"], result.Findings.Select(f => f.Rule).ToArray());
        Assert.Equal(3, result.Ignored);
    }

    [Fact]
    public void The_nearest_file_wins_and_package_json_counts_as_one()
    {
        using var repo = new TempRepo();
        repo.Write("package.json", """{ "name": "monorepo", "private": true, "migaudit": { "failOn": "medium" } }""");
        repo.Write("services/auth/db/.keep", string.Empty);
        repo.Write("services/.migauditrc.json", """{ "failOn": "low" }""");
        repo.Write("tools/x/.keep", string.Empty);
        repo.Commit();

        Assert.Equal(("low", "../../.migauditrc.json"), (AuditSettings.Load(repo.PathOf("services/auth/db")).FailOn, AuditSettings.Load(repo.PathOf("services/auth/db")).Source));
        Assert.Equal(("medium", "../../package.json (\"migaudit\")"), (AuditSettings.Load(repo.PathOf("tools/x")).FailOn, AuditSettings.Load(repo.PathOf("tools/x")).Source));
        Assert.Equal(("medium", "package.json (\"migaudit\")"), (AuditSettings.Load(repo.Root).FailOn, AuditSettings.Load(repo.Root).Source));
    }

    [Fact]
    public void The_search_stops_at_the_repository_and_outside_one_reads_only_the_audited_folder()
    {
        using var outer = new TempRepo(init: false);
        outer.Write(".migauditrc.json", """{ "failOn": "never" }""");
        outer.Write("loose/.keep", string.Empty);
        outer.Git("init", "-q", "app");
        outer.Write("app/server/.keep", string.Empty);

        // Above the repository's top level (app/, which holds .git), a file never applies.
        Assert.Null(AuditSettings.Load(outer.PathOf("app/server")).Source);
        Assert.Null(AuditSettings.Load(outer.PathOf("app")).Source);

        // Outside a repository only the audited folder is read: a home folder's file is never someone's settings.
        Assert.Null(AuditSettings.Load(outer.PathOf("loose")).Source);
        Assert.Equal("never", AuditSettings.Load(outer.Root).FailOn);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Config_names_the_settings_file_and_a_missing_one_is_a_usage_error()
    {
        using var repo = new TempRepo();
        OneLineProject.WriteProject(repo, "server");
        repo.Write("server/.migauditrc.json", """{ "rules": { "fk-missing-on-delete": "off" } }""");
        repo.Write("ci/migaudit.json", """{ "knexfile": "../server/knexfile.js", "rules": { "missing-down": "off" } }""");
        repo.Commit();

        var usual = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--format", "compact");
        Assert.Equal(1, usual.ExitCode);
        Assert.DoesNotContain(" fk-missing-on-delete ", usual.Stdout);

        // --config replaces the project's file (fk-missing-on-delete is back) and reads its paths from its own folder.
        var named = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--config", repo.PathOf("ci/migaudit.json"), "--format", "compact");
        Assert.Equal(0, named.ExitCode);
        Assert.Contains(" fk-missing-on-delete ", named.Stdout);
        Assert.DoesNotContain(" missing-down ", named.Stdout);

        var missing = await CliRunner.RunAsync("audit", repo.PathOf("server"), "--config", repo.PathOf("ci/none.json"));
        Assert.Equal((2, $"migaudit: --config: {repo.PathOf("ci/none.json")} does not exist"), (missing.ExitCode, missing.Stderr.Trim()));
    }
}
