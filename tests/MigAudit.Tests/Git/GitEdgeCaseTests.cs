using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>Repositories that are not the happy path still get an audit, with what could not be known said plainly.</summary>
public sealed class GitEdgeCaseTests
{
    private static TempRepo ThreeCommits()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Commit();
        repo.Write("migrations/20250102000000_b.js", Audit.CreateTable("b"));
        repo.Commit();
        repo.Write("migrations/20250103000000_c.js", Audit.CreateTable("c"));
        repo.Commit();
        return repo;
    }

    [Fact]
    public void Not_a_repository_is_audited_without_history()
    {
        using var folder = new TempRepo(init: false);
        folder.Write("knexfile.js", Audit.Knexfile);
        folder.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        var result = Audit.Run(folder.Root);
        Assert.False(result.Input.Git.IsRepository);
        Assert.Contains("not a git repository", Assert.Single(result.Input.Git.Limitations));
        Assert.Equal(TrackingState.Unknown, result.Migration("20250101000000_a.js").Git.State);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Repository_without_commits()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        var result = Audit.Run(repo.Root);
        Assert.False(result.Input.Git.HasCommits);
        Assert.Contains(result.Input.Git.Limitations, l => l.Contains("no commits"));
        // An uncommitted migration is the next deploy's: its increments() key gets type-advice too.
        Assert.Equal(["type-advice", "untracked-migration"], result.Findings.Select(f => f.Rule).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Shallow_clone_says_history_is_incomplete()
    {
        using var origin = ThreeCommits();
        using var clone = new TempRepo(init: false);
        var cloned = MigAudit.Git.GitRunner.Run(clone.Root, "-c", "protocol.file.allow=always", "clone", "-q", "--depth", "1", "file://" + origin.Root, "work");
        Assert.True(cloned.Ok, cloned.Stderr);

        var result = Audit.Run(Path.Combine(clone.Root, "work"));
        Assert.True(result.Input.Git.IsShallow);
        Assert.Contains(result.Input.Git.Limitations, l => l.StartsWith("shallow clone", StringComparison.Ordinal));
        Assert.Equal(3, result.Statistics.Committed);
        Assert.Empty(result.Findings);
    }

    [Fact]
    public void Detached_head_is_audited_at_that_commit()
    {
        using var repo = ThreeCommits();
        repo.Git("checkout", "-q", "--detach", "HEAD~1");
        var result = Audit.Run(repo.Root);
        Assert.True(result.Input.Git.IsDetached);
        Assert.Contains(result.Input.Git.Limitations, l => l.StartsWith("detached HEAD", StringComparison.Ordinal));
        Assert.Equal(2, result.Statistics.Active);
        Assert.Empty(result.Input.Deleted);
    }

    [Fact]
    public void Project_in_a_subfolder_of_the_repository()
    {
        using var repo = new TempRepo();
        repo.Write("server/knexfile.js", Audit.Knexfile);
        repo.Write("server/migrations/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Write("server/migrations/20250102000000_b.js", Audit.CreateTable("b"));
        repo.Commit();
        repo.Delete("server/migrations/20250102000000_b.js");
        var deletion = repo.Commit("drop b");

        var result = Audit.Run(repo.PathOf("server"));
        var deleted = Assert.Single(result.Input.Deleted);
        Assert.Equal(("migrations/20250102000000_b.js", deletion), (deleted.Path, deleted.DeletedIn));
        Assert.Equal(1, result.Statistics.Committed);
    }
}
