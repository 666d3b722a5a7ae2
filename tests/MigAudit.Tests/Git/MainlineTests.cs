using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>
/// History is read along the first-parent line of the audited branch: what happened inside a merged branch before
/// its merge never reached a database built from the mainline. Real repositories with branches and merges.
/// </summary>
public sealed class MainlineTests
{
    private static TempRepo Project()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Commit("users");
        return repo;
    }

    /// <summary>A feature branch that adds a draft migration, then replaces it before any merge; back on main.</summary>
    private static void DraftReplacedOnABranch(TempRepo repo)
    {
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("migrations/20250102000000_draft.js", Audit.CreateTable("drafts"));
        repo.Commit("draft");
        repo.Delete("migrations/20250102000000_draft.js");
        repo.Write("migrations/20250103000000_final.js", Audit.CreateTable("finals"));
        repo.Commit("replace the draft");
        repo.Git("checkout", "-q", "main");
    }

    private static void Merge(TempRepo repo, string branch, params string[] how) =>
        repo.Git(["-c", "user.name=Test Author", "-c", "user.email=test@example.invalid", "merge", "-q", .. how, branch, "-m", $"Merge {branch}"]);

    [Fact]
    public void A_migration_added_and_removed_inside_a_merged_branch_is_branch_only_not_deleted()
    {
        using var repo = Project();
        DraftReplacedOnABranch(repo);
        Merge(repo, "feature", "--no-ff");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Deleted);
        Assert.Empty(result.Of("deleted-migration"));
        Assert.Equal(["migrations/20250102000000_draft.js"], result.Input.BranchOnly);
        Assert.True(result.Ready);
    }

    [Fact]
    public void A_squash_merged_branch_leaves_only_its_net_result()
    {
        using var repo = Project();
        DraftReplacedOnABranch(repo);
        Merge(repo, "feature", "--squash");
        repo.Commit("squashed feature");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Input.Deleted);
        Assert.Empty(result.Input.BranchOnly);
        Assert.Equal(["20250101000000_create_users.js", "20250103000000_final.js"], result.Input.Migrations.Select(m => m.Name));
        Assert.True(result.Ready);
    }

    [Fact]
    public void A_migration_deleted_on_the_mainline_after_a_merge_is_still_deleted()
    {
        using var repo = Project();
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Git("checkout", "-q", "main");
        Merge(repo, "feature", "--no-ff");
        repo.Git("tag", "v1.0.0");
        repo.Delete("migrations/20250102000000_orders.js");
        var deletion = repo.Commit("drop orders");

        var result = Audit.Run(repo.Root);
        var deleted = Assert.Single(result.Input.Deleted);
        Assert.Equal(deletion, deleted.DeletionCommit!.Id);
        Assert.Empty(result.Input.BranchOnly);
        Assert.True(Assert.Single(result.Of("deleted-migration")).Blocking);
    }

    [Fact]
    public void Late_means_late_to_the_mainline_the_merge_not_the_branch_commit()
    {
        using var repo = Project();
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders, written first");
        repo.Git("checkout", "-q", "main");
        repo.Write("migrations/20250105000000_invoices.js", Audit.CreateTable("invoices"));
        repo.Commit("invoices, on main meanwhile");
        Merge(repo, "feature", "--no-ff");

        var result = Audit.Run(repo.Root);
        var late = Assert.Single(result.Of("late-migration"));
        Assert.Equal("migrations/20250102000000_orders.js", late.File);
        Assert.Equal("Merge feature", result.Migration("20250102000000_orders.js").Git.Added!.Subject);
    }

    [Fact]
    public void The_mainline_setting_reads_another_branch_and_an_unknown_one_is_a_one_line_error()
    {
        using var repo = Project();
        repo.Git("checkout", "-q", "-b", "feature");
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("orders");
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Commit("drop orders on the feature branch");

        Assert.Single(Audit.Run(repo.Root).Input.Deleted);
        repo.Write(".migauditrc.json", "{ \"mainline\": \"main\" }");
        var onMain = MigAudit.Engine.Auditor.Run(repo.Root, new MigAudit.Knex.Discovery.DiscoveryOptions(), MigAudit.Engine.AuditSettings.Load(repo.Root), baseline: null);
        Assert.Empty(onMain.Input.Deleted);
        Assert.Equal("main", onMain.Input.Git.Branch);

        repo.Write(".migauditrc.json", "{ \"mainline\": \"nope\" }");
        var error = Assert.Throws<MigAudit.Core.ProjectException>(() => MigAudit.Engine.Auditor.Run(repo.Root, new MigAudit.Knex.Discovery.DiscoveryOptions(), MigAudit.Engine.AuditSettings.Load(repo.Root), baseline: null));
        Assert.Equal("mainline 'nope' is not a branch or commit of this repository", error.Message);
    }
}
