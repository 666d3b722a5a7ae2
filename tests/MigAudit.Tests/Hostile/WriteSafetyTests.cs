using System.Security.Cryptography;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Hostile;

/// <summary>Every write migaudit makes stays inside the project, never goes through a symbolic link, and never destroys work git cannot give back.</summary>
public sealed class WriteSafetyTests : IDisposable
{
    private readonly string outside = Path.Combine(Path.GetTempPath(), "migaudit-outside-" + Guid.NewGuid().ToString("n")[..8]);

    public WriteSafetyTests() => Directory.CreateDirectory(outside);

    public void Dispose() => Directory.Delete(outside, recursive: true);

    private string[] OutsideFiles() => Directory.EnumerateFileSystemEntries(outside, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

    private static Dictionary<string, string> Hashes(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Where(f => !f.Contains("/.git/", StringComparison.Ordinal))
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>A committed project with one deleted migration, so 'fix' wants to write its document and script.</summary>
    private static TempRepo WithDeletedMigration()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit();
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Commit("drop orders");
        return repo;
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Fix_refuses_a_committed_symlinked_folder_that_leads_outside()
    {
        using var repo = WithDeletedMigration();
        Directory.CreateSymbolicLink(repo.PathOf("docs"), outside);
        repo.Commit("docs is a link");

        var run = await CliRunner.RunAsync("fix", repo.Root, "--apply");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("migaudit: refusing to write docs/deleted-migrations.md: docs is a symbolic link, and migaudit never writes through one\n", run.Stderr);
        Assert.Empty(OutsideFiles());
        Assert.False(File.Exists(repo.PathOf("deleted-migrations-rollback.sql")), "nothing is written when one write is refused");
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Write_baseline_refuses_a_symlinked_file_and_a_path_outside_the_project()
    {
        using var repo = WithDeletedMigration();
        var victim = Path.Combine(outside, "victim.txt");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(repo.PathOf(".migaudit-baseline.json"), victim);

        var linked = await CliRunner.RunAsync("audit", repo.Root, "--write-baseline");
        Assert.Equal(2, linked.ExitCode);
        Assert.Equal("migaudit: refusing to write .migaudit-baseline.json: .migaudit-baseline.json is a symbolic link, and migaudit never writes through one\n", linked.Stderr.Replace(repo.Root + "/", string.Empty, StringComparison.Ordinal));
        Assert.Equal("precious", File.ReadAllText(victim));

        var escaping = await CliRunner.RunAsync("audit", repo.Root, "--write-baseline", Path.Combine(outside, "baseline.json"));
        Assert.Equal(2, escaping.ExitCode);
        Assert.StartsWith("migaudit: refusing to write ", escaping.Stderr);
        Assert.Contains("it is outside the project", escaping.Stderr);
        Assert.Equal([victim], OutsideFiles());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Write_baseline_keeps_a_file_it_did_not_write_unless_forced_and_refreshes_its_own()
    {
        using var repo = WithDeletedMigration();
        repo.Write(".migaudit-baseline.json", "my notes\n");
        var refused = await CliRunner.RunAsync("audit", repo.Root, "--write-baseline");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("exists and is not a migaudit baseline", refused.Stderr);
        Assert.Equal("my notes\n", File.ReadAllText(repo.PathOf(".migaudit-baseline.json")));

        Assert.Equal(0, (await CliRunner.RunAsync("audit", repo.Root, "--write-baseline", "--force")).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync("audit", repo.Root, "--write-baseline")).ExitCode);
        Assert.Contains("\"tool\": \"migaudit ", File.ReadAllText(repo.PathOf(".migaudit-baseline.json")));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Fix_keeps_a_document_the_user_wrote_unless_forced()
    {
        using var repo = WithDeletedMigration();
        repo.Write("docs/deleted-migrations.md", "# our own notes\n\nDo not lose these.\n");

        var run = await CliRunner.RunAsync("fix", repo.Root, "--apply");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("# not fixed (deleted-migration): docs/deleted-migrations.md: exists and was not written by migaudit", run.Stdout);
        Assert.Equal("# our own notes\n\nDo not lose these.\n", File.ReadAllText(repo.PathOf("docs/deleted-migrations.md")));

        Assert.Equal(0, (await CliRunner.RunAsync("fix", repo.Root, "--apply", "--force")).ExitCode);
        Assert.StartsWith("<!-- migaudit:generated", File.ReadAllText(repo.PathOf("docs/deleted-migrations.md")));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Fix_never_rewrites_an_uncommitted_migration_nor_one_git_cannot_vouch_for()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Commit();
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users", withDown: false));
        var before = Hashes(repo.Root);
        var untracked = await CliRunner.RunAsync("fix", repo.Root, "--rule", "missing-down", "--apply");
        Assert.Equal(2, untracked.ExitCode);
        Assert.Equal("migaudit: these files are not committed, so a rewrite could not be undone from git; commit them first: migrations/20250101000000_users.js\n", untracked.Stderr);
        Assert.Equal(before, Hashes(repo.Root));

        using var plain = new TempRepo(init: false);
        plain.Write("knexfile.js", Audit.Knexfile);
        plain.Write("migrations/20250101000000_users.js", Audit.CreateTable("users", withDown: false));
        var noGit = await CliRunner.RunAsync("fix", plain.Root, "--rule", "missing-down", "--apply");
        Assert.Equal(2, noGit.ExitCode);
        Assert.StartsWith("migaudit: git cannot say whether these files have uncommitted changes, so migaudit does not rewrite them: migrations/20250101000000_users.js", noGit.Stderr);
        Assert.Equal(Audit.CreateTable("users", withDown: false), File.ReadAllText(plain.PathOf("migrations/20250101000000_users.js")));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Fix_applied_twice_changes_nothing_the_second_time_after_a_tracked_renumbering()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250101000000_orders.js", Audit.CreateTable("orders"));
        repo.Write("migrations/20250103000000_items.js", Audit.CreateTable("items"));
        repo.Commit();

        var first = await CliRunner.RunAsync("fix", repo.Root, "--apply");
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("git mv -- migrations/20250101000000_users.js migrations/20250101000001_users.js", first.Stdout);
        Assert.Contains("| `20250101000000_users.js` | `20250101000001_users.js` | migaudit fix (duplicate-version) |", File.ReadAllText(repo.PathOf("docs/deleted-migrations.md")));
        var after = Hashes(repo.Root);

        var second = await CliRunner.RunAsync("fix", repo.Root, "--apply");
        Assert.Equal("Nothing to fix.\n", second.Stdout);
        Assert.Equal(after, Hashes(repo.Root));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_project_reached_through_a_symlink_it_was_given_can_still_be_written()
    {
        using var repo = WithDeletedMigration();
        var link = Path.Combine(outside, "project-link");
        Directory.CreateSymbolicLink(link, repo.Root);
        var run = await CliRunner.RunAsync("audit", link, "--write-baseline");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(File.Exists(repo.PathOf(".migaudit-baseline.json")));
        Assert.Equal(0, (await CliRunner.RunAsync("fix", link, "--apply")).ExitCode);
        Assert.True(File.Exists(repo.PathOf("deleted-migrations-rollback.sql")));
    }
}
