using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>A deleted or renamed migration matters by the databases that can have it: the releases whose tree held it.</summary>
public sealed class ReleaseTests
{
    private static TempRepo Project()
    {
        var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Git("tag", "v1.0.0");
        return repo;
    }

    [Fact]
    public void A_migration_shipped_in_releases_then_deleted_after_the_newest_blocks_the_next_deploy_and_names_them()
    {
        using var repo = Project();
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Git("tag", "v1.1.0");
        repo.Git("tag", "v1.2.0");
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Commit("drop orders");

        var result = Audit.Run(repo.Root);
        Assert.Equal(["v1.1.0", "v1.2.0"], Assert.Single(result.Input.Deleted).Releases);
        Assert.Empty(Assert.Single(result.Input.Deleted).ReleasesSince!);
        var finding = Assert.Single(result.Of("deleted-migration"));
        Assert.True(finding.Blocking);
        Assert.Equal((FindingScope.Pending, Evidence.Certain), (finding.Scope, finding.Evidence));
        Assert.Equal(["v1.1.0", "v1.2.0"], finding.ScopeReleases);
        Assert.EndsWith("It shipped in releases v1.1.0 to v1.2.0 (2), and no release has the deletion yet: the next deploy is the first without it.", finding.Message);
    }

    [Fact]
    public void A_deletion_later_releases_have_run_since_is_history_production_lived_with_and_does_not_block()
    {
        using var repo = Project();
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Git("tag", "v1.1.0");
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Commit("drop orders");
        repo.Git("tag", "v1.2.0");
        repo.Write("migrations/20250103000000_teams.js", Audit.CreateTable("teams"));
        repo.Commit("teams");
        repo.Git("tag", "v1.3.0");

        var result = Audit.Run(repo.Root);
        Assert.Equal(["v1.2.0", "v1.3.0"], Assert.Single(result.Input.Deleted).ReleasesSince);
        var finding = Assert.Single(result.Of("deleted-migration"));
        Assert.False(finding.Blocking);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal((FindingScope.LongShipped, Evidence.Certain), (finding.Scope, finding.Evidence));
        Assert.Equal(["v1.2.0", "v1.3.0"], finding.ScopeReleases);
        Assert.EndsWith("It shipped in release v1.1.0, and releases v1.2.0 to v1.3.0 (2) have run since the deletion: wherever those are deployed, production has already lived with it (Knex stopped there, and the row was removed, or list validation is off).", finding.Message);
        Assert.Empty(finding.DecidingNames);
        Assert.True(result.Ready);
    }

    [Fact]
    public void A_migration_added_and_deleted_between_releases_is_mainline_only_and_does_not_block()
    {
        using var repo = Project();
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Commit("drop orders before any release");
        repo.Git("tag", "v1.1.0");

        var result = Audit.Run(repo.Root);
        Assert.Empty(Assert.Single(result.Input.Deleted).Releases!);
        var finding = Assert.Single(result.Of("deleted-migration"));
        Assert.False(finding.Blocking);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.EndsWith("It was in no release: only databases built from the mainline while it existed (such as staging) have it; release v1.1.0 has run since the deletion.", finding.Message);
        Assert.Equal(FindingScope.LongShipped, finding.Scope);
        Assert.Equal(["v1.1.0"], finding.ScopeReleases);
        Assert.True(result.Ready);
    }

    [Fact]
    public void Only_tags_matching_the_releases_setting_count()
    {
        using var repo = Project();
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Git("tag", "nightly-20250102");
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Commit("drop orders");
        repo.Write(".migauditrc.json", "{ \"releases\": \"v*\" }");

        var all = Audit.Run(repo.Root);
        Assert.Equal(["nightly-20250102"], Assert.Single(all.Input.Deleted).Releases);
        var settings = MigAudit.Engine.AuditSettings.Load(repo.Root);
        var releasesOnly = MigAudit.Engine.Auditor.Run(repo.Root, new MigAudit.Knex.Discovery.DiscoveryOptions(), settings, baseline: null);
        Assert.Empty(Assert.Single(releasesOnly.Input.Deleted).Releases!);
        Assert.False(Assert.Single(releasesOnly.Of("deleted-migration")).Blocking);
    }

    [Fact]
    public void Without_release_tags_a_deletion_is_a_question_for_production_and_the_verdict_is_unknown()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")), ("20250102000000_orders.js", Audit.CreateTable("orders")));
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Commit("drop orders");
        var result = Audit.Run(repo.Root);
        Assert.Null(Assert.Single(result.Input.Deleted).Releases);
        var finding = Assert.Single(result.Of("deleted-migration"));
        Assert.False(finding.Blocking);
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal((FindingScope.Unknown, Evidence.Likely), (finding.Scope, finding.Evidence));
        Assert.Equal(["20250102000000_orders.js"], finding.DecidingNames);
        Assert.EndsWith("The repository has no release tags, so whether production recorded it cannot be told from history: tell migaudit which names production holds with --applied (the rows of SELECT name FROM knex_migrations).", finding.Message);
        Assert.Equal("unknown", result.Verdict);
        var question = Assert.Single(result.Unknowns);
        Assert.Equal(["20250102000000_orders.js"], question.Names);
        Assert.StartsWith("1 finding blocks only if production's knex_migrations holds the name 20250102000000_orders.js, and the repository has no release tags to tell: answer with 'migaudit audit --applied FILE'", question.Reason);
    }

    private const string ValidationOff = """
        module.exports = {
          production: {
            client: 'pg',
            connection: process.env.DATABASE_URL,
            migrations: { directory: './migrations', disableMigrationsListValidation: true },
          },
        };
        """;

    [Theory]
    [InlineData("if (!(await knex.schema.hasTable('users'))) { await knex.schema.createTable('users', (t) => { t.increments('id'); }); }", false, "it fails nowhere (its statements are guarded)")]
    [InlineData("await knex.schema.createTable('users', (t) => { t.increments('id'); });", true, "that second run fails: createTable('users'): the table already exists at this point")]
    public void With_list_validation_off_a_renamed_migration_runs_again_and_the_replay_says_whether_that_fails(string body, bool blocking, string message)
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", ValidationOff);
        repo.Write("migrations/20250101000000_users.ts", $"export async function up(knex) {{ {body} }}\nexport async function down() {{}}\n");
        repo.Commit();
        repo.Git("tag", "v1.0.0");
        repo.Git("mv", "migrations/20250101000000_users.ts", "migrations/20250101000000_users.js");
        repo.Commit("compile to js");

        var finding = Assert.Single(Audit.Run(repo.Root).Of("renamed-migration"));
        Assert.Equal(blocking, finding.Blocking);
        Assert.Contains(message, finding.Message);
        Assert.EndsWith("Under its old name: it shipped in release v1.0.0, and no release has the rename yet: the next deploy is the first without it.", finding.Message);
    }

    [Fact]
    public void An_edit_and_a_late_migration_say_which_releases_hold_the_databases_they_concern()
    {
        using var repo = Project();
        repo.Write("migrations/20250103000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Git("tag", "v1.1.0");
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users").Replace("t.increments('id');", "t.increments('id');\n    t.string('email');", StringComparison.Ordinal));
        repo.Write("migrations/20250102000000_teams.js", Audit.CreateTable("teams"));
        repo.Commit("edit users, and a late teams");

        var result = Audit.Run(repo.Root);

        Assert.Equal(["v1.0.0", "v1.1.0"], result.Migration("20250101000000_users.js").Git.EarlierVersionReleases);
        Assert.EndsWith("Releases v1.0.0 to v1.1.0 (2) shipped an earlier version.", Assert.Single(result.Of("edited-migration")).Message);
        Assert.Equal(["v1.1.0"], result.Migration("20250102000000_teams.js").Git.Late!.Releases);
        Assert.EndsWith("Release v1.1.0 shipped 20250103000000_orders.js before it arrived.", Assert.Single(result.Of("late-migration")).Message);
    }

    [Fact]
    public void A_late_migration_a_release_holds_has_run_wherever_that_release_is_deployed_and_is_low()
    {
        using var repo = Project();
        repo.Write("migrations/20250103000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Git("tag", "v1.1.0");
        repo.Write("migrations/20250102000000_teams.js", Audit.CreateTable("teams"));
        repo.Commit("a late teams");

        var pending = Assert.Single(Audit.Run(repo.Root).Of("late-migration"));
        Assert.Equal(Severity.Medium, pending.Severity);
        Assert.Equal(FindingScope.Pending, pending.Scope);
        Assert.EndsWith("Release v1.1.0 shipped 20250103000000_orders.js before it arrived.", pending.Message);

        repo.Git("tag", "v1.2.0");
        var shipped = Assert.Single(Audit.Run(repo.Root).Of("late-migration"));
        Assert.Equal(Severity.Low, shipped.Severity);
        Assert.False(shipped.Blocking);
        Assert.Equal(FindingScope.Shipped, shipped.Scope);
        Assert.Equal(["v1.2.0"], shipped.ScopeReleases);
        Assert.EndsWith("Release v1.1.0 shipped 20250103000000_orders.js before it arrived. It has shipped (release v1.2.0 holds it): wherever a release with it is deployed it has already run, so the order it ran in is history there, and a fresh database runs it in name order.", shipped.Message);
    }

    [Fact]
    public void An_edit_made_before_any_release_shipped_the_first_version_says_so()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users").Replace("t.increments('id');", "t.increments('id');\n    t.string('email');", StringComparison.Ordinal));
        repo.Commit("edit before the first release");
        repo.Git("tag", "v1.0.0");

        var result = Audit.Run(repo.Root);

        Assert.EndsWith("No release shipped an earlier version: only databases built from the mainline meanwhile (such as staging) have one.", Assert.Single(result.Of("edited-migration")).Message);
    }
}
