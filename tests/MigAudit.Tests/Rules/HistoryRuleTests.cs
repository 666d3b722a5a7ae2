using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>The history rules, each on a bad and a good repository built commit by commit.</summary>
public sealed class HistoryRuleTests
{
    private const string Dir = "migrations";

    private static TempRepo Project()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        return repo;
    }

    private static string M(string name) => $"{Dir}/{name}";

    [Fact]
    public void Deleted_by_commit_names_commit_author_and_date()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Write(M("20250102000000_create_orders.js"), Audit.CreateTable("orders"));
        repo.Commit("add", "Ada Lovelace <ada@example.invalid>");
        repo.Git("tag", "v1.0.0");
        repo.Delete(M("20250102000000_create_orders.js"));
        var deletion = repo.Commit("remove orders", "Grace Hopper <grace@example.invalid>");

        var result = Audit.Run(repo.Root);
        var deleted = Assert.Single(result.Input.Deleted);
        Assert.Equal("20250102000000_create_orders.js", deleted.Name);
        Assert.Equal(deletion, deleted.DeletedIn);
        Assert.Equal("Grace Hopper", deleted.DeletionCommit!.Author);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 12, 0, 0, TimeSpan.Zero), deleted.DeletionCommit.Date);
        var finding = Assert.Single(result.Of("deleted-migration"));
        Assert.True(finding.Blocking);
        Assert.Contains("\"The migration directory is corrupt, the following files are missing: 20250102000000_create_orders.js\"", finding.Message);
        Assert.Equal(1, result.Statistics.Deleted);
    }

    [Fact]
    public void Deleted_in_working_tree_only()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Commit();
        repo.Delete(M("20250101000000_create_users.js"));

        var result = Audit.Run(repo.Root);
        var deleted = Assert.Single(result.Input.Deleted);
        Assert.Equal("working-tree", deleted.DeletedIn);
        Assert.Single(result.Of("deleted-migration"));
    }

    [Fact]
    public void Deleted_then_restored_is_not_deleted()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Commit();
        repo.Delete(M("20250101000000_create_users.js"));
        repo.Commit("oops");
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Commit("restore");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Deleted);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Extension_only_rename_in_a_commit_is_a_rename_not_a_deletion()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.ts"), "import { Knex } from 'knex';\n\nexport async function up(knex: Knex): Promise<void> {\n  await knex.schema.createTable('users', (t) => t.increments('id'));\n}\n\nexport async function down(knex: Knex): Promise<void> {\n  await knex.schema.dropTable('users');\n}\n");
        repo.Commit();
        repo.Git("tag", "v1.0.0");
        repo.Delete(M("20250101000000_create_users.ts"));
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        var rename = repo.Commit("convert to js");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Deleted);
        var renamed = Assert.Single(result.Input.Renamed);
        Assert.Equal(("20250101000000_create_users.ts", "20250101000000_create_users.js", rename), (renamed.OldName, renamed.NewName, renamed.RenamedIn));
        Assert.True(renamed.ExtensionOnly);
        var finding = Assert.Single(result.Of("renamed-migration"));
        Assert.True(finding.Blocking);
        Assert.Contains("only its extension changed", finding.Message);
        Assert.Equal(TrackingState.Committed, result.Migration("20250101000000_create_users.js").Git.State);
    }

    [Fact]
    public void Rename_in_working_tree_is_detected_by_content()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Commit();
        repo.Move(M("20250101000000_create_users.js"), M("20250101000000_users.js"));

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Deleted);
        var renamed = Assert.Single(result.Input.Renamed);
        Assert.Equal("working-tree", renamed.RenamedIn);
        Assert.False(renamed.ExtensionOnly);
        Assert.Single(result.Of("renamed-migration"));
    }

    [Fact]
    public void Moving_between_configured_directories_keeps_the_knex_name()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { client: 'pg', migrations: { directory: ['./db/a', './db/b'] } };\n");
        repo.Write("db/a/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();
        Directory.CreateDirectory(repo.PathOf("db/b"));
        repo.Git("mv", "db/a/20250101000000_create_users.js", "db/b/20250101000000_create_users.js");
        repo.Commit("move");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Renamed);
        Assert.Empty(result.Input.Deleted);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Edited_after_commit_lists_the_edit_and_good_case_is_clean()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        var added = repo.Commit();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users").Replace("t.increments('id');", "t.increments('id');\n    t.string('email');", StringComparison.Ordinal));
        var edit = repo.Commit("add email");

        var result = Audit.Run(repo.Root);
        var git = result.Migration("20250101000000_create_users.js").Git;
        Assert.Equal(added, git.Added!.Id);
        Assert.Equal([edit], git.EditedIn.Select(c => c.Id));
        var finding = Assert.Single(result.Findings);
        Assert.Equal("edited-migration", finding.Rule);
        Assert.False(finding.Blocking);

        using var good = Project();
        good.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        good.Commit();
        good.Write(M("20250102000000_add_email.js"), Audit.CreateTable("emails"));
        good.Commit();
        Assert.Empty(Audit.Run(good.Root).Findings);
    }

    [Fact]
    public void Uncommitted_change_to_committed_migration_is_an_edit()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Commit();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("members"));

        var result = Audit.Run(repo.Root);
        var finding = Assert.Single(result.Of("edited-migration"));
        Assert.Contains("has uncommitted changes", finding.Message);
    }

    [Fact]
    public void Late_migration_is_reported_against_the_later_one_already_committed()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Write(M("20250301000000_create_orders.js"), Audit.CreateTable("orders"));
        var later = repo.Commit();
        repo.Write(M("20250201000000_create_items.js"), Audit.CreateTable("items"));
        repo.Commit("merge old branch");

        var result = Audit.Run(repo.Root);
        var finding = Assert.Single(result.Findings);
        Assert.Equal("late-migration", finding.Rule);
        Assert.Equal("migrations/20250201000000_create_items.js", finding.File);
        var late = result.Migration("20250201000000_create_items.js").Git.Late!;
        Assert.Equal("20250301000000_create_orders.js", late.LaterMigration);
        Assert.Equal(later, late.LaterCommit!.Id);
    }

    [Fact]
    public void Migrations_committed_together_are_never_late_and_in_order_additions_are_fine()
    {
        using var repo = Project();
        repo.Write(M("20250301000000_create_orders.js"), Audit.CreateTable("orders"));
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Commit();
        repo.Write(M("20250401000000_create_items.js"), Audit.CreateTable("items"));
        repo.Commit();

        Assert.Empty(Audit.Run(repo.Root).Findings);
    }

    [Fact]
    public void Untracked_migration_is_reported_and_counted()
    {
        using var repo = Project();
        repo.Write(M("20250101000000_create_users.js"), Audit.CreateTable("users"));
        repo.Commit();
        repo.Write(M("20250102000000_create_orders.js"), Audit.CreateTable("orders"));
        repo.Write(M("20250103000000_create_items.js"), Audit.CreateTable("items"));
        repo.Git("add", M("20250103000000_create_items.js"));

        var result = Audit.Run(repo.Root);
        Assert.Equal(2, result.Of("untracked-migration").Count);
        Assert.True(result.Migration("20250103000000_create_items.js").Git.Staged);
        Assert.False(result.Migration("20250102000000_create_orders.js").Git.Staged);
        Assert.Equal((3, 1, 2), (result.Statistics.Active, result.Statistics.Committed, result.Statistics.Untracked));
        Assert.True(result.Ready);
    }

    [Fact]
    public void Untracked_migration_that_sorts_before_a_committed_one_is_late_too()
    {
        using var repo = Project();
        repo.Write(M("20250301000000_create_orders.js"), Audit.CreateTable("orders"));
        repo.Commit();
        repo.Write(M("20250201000000_create_items.js"), Audit.CreateTable("items"));

        var result = Audit.Run(repo.Root);
        var late = Assert.Single(result.Of("late-migration"));
        Assert.Contains("is not committed yet", late.Message);
        Assert.Equal("Give 20250201000000_create_items.js a timestamp after 20250301000000_create_orders.js before committing it", late.Action);
    }
}
