using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Hostile;

/// <summary>
/// Commands migaudit prints for a person to paste (fix's git mv, a deleted migration's git checkout) quote the
/// repository's file names: pasted into a shell, they rename or restore that file, and a "$(...)" in a name never runs.
/// </summary>
public sealed class ShellCommandTests
{
    private const string Hostile = "z$(touch pwned)'q.js";

    private static Task<CliResult> Shell(string program, string command, string folder) => ChildProcess.RunAsync(program, ["-c", command], folder);

    private static void AssertNothingRan(TempRepo repo) =>
        Assert.Empty(Directory.EnumerateFiles(repo.Root, "pwned", SearchOption.AllDirectories));

    [Theory]
    [InlineData("migrations/20250101000000_users.js", "migrations/20250101000000_users.js")]
    [InlineData("-rf", "-rf")]
    [InlineData("", "''")]
    [InlineData("a b", "'a b'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(touch pwned)`id`;&|<>*?~^!#\"\\", "'$(touch pwned)`id`;&|<>*?~^!#\"\\'")]
    [InlineData("a\nb\u001b[31m'\\", "$'a\\x0ab\\x1b[31m\\'\\\\'")]
    [InlineData("\u202eevil", "$'\\xe2\\x80\\xaeevil'")]
    public async Task A_shell_word_is_quoted_only_when_needed_and_reads_back_as_the_name(string name, string quoted)
    {
        Assert.Equal(quoted, Quoting.ShellWord(name));
        using var folder = new TempRepo(init: false);
        var echoed = await Shell("bash", "printf '%s' " + quoted, folder.Root);
        Assert.Equal(0, echoed.ExitCode);
        Assert.Equal(name, echoed.Stdout);
        if (!quoted.StartsWith('$'))
        {
            // Without control characters the word is plain POSIX: dash reads it the same.
            Assert.Equal(name, (await Shell("sh", "printf '%s' " + quoted, folder.Root)).Stdout);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Root));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Fix_prints_a_git_mv_that_renames_a_hostile_name_when_pasted_into_bash()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")), ("20250101000000_" + Hostile, Audit.CreateTable("items")));
        var run = await CliRunner.RunAsync("fix", repo.Root, "--rule", "duplicate-version");
        Assert.Equal(0, run.ExitCode);
        const string command = "git mv -- 'migrations/20250101000000_z$(touch pwned)'\\''q.js' 'migrations/20250101000001_z$(touch pwned)'\\''q.js'";
        Assert.Equal(
            "# duplicate-version: give 20250101000000_z$(touch pwned)'q.js a version of its own, keeping its place\n" + command + "\n\n",
            run.Stdout[..run.Stdout.IndexOf("\n\n", StringComparison.Ordinal)] + "\n\n");
        AssertNothingRan(repo);

        var pasted = await Shell("bash", command, repo.Root);
        Assert.True(pasted.ExitCode == 0, pasted.Stderr);
        AssertNothingRan(repo);
        Assert.False(File.Exists(repo.PathOf("migrations/20250101000000_" + Hostile)));
        Assert.True(File.Exists(repo.PathOf("migrations/20250101000001_" + Hostile)));
        Assert.Equal(["migrations/20250101000000_users.js", "migrations/20250101000001_" + Hostile], repo.Git("ls-files", "-z", "migrations").Split('\0', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Fix_apply_reports_the_same_quoted_command_it_ran()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")), ("20250101000000_" + Hostile, Audit.CreateTable("items")));
        var run = await CliRunner.RunAsync("fix", repo.Root, "--rule", "duplicate-version", "--apply");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("\ngit mv -- 'migrations/20250101000000_z$(touch pwned)'\\''q.js' 'migrations/20250101000001_z$(touch pwned)'\\''q.js'\n", run.Stdout);
        Assert.True(File.Exists(repo.PathOf("migrations/20250101000001_" + Hostile)));
        AssertNothingRan(repo);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_deleted_migrations_restore_command_restores_a_hostile_name_when_pasted_into_bash()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")), ("20250102000000_" + Hostile, Audit.CreateTable("items")));
        repo.Delete("migrations/20250102000000_" + Hostile);
        var deletion = repo.Commit("delete it");

        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        var finding = JsonNode.Parse(run.Stdout)!["findings"]!.AsArray().Single(f => f!["rule"]!.GetValue<string>() == "deleted-migration")!;
        var command = $"git checkout '{deletion[..10]}^' -- 'migrations/20250102000000_z$(touch pwned)'\\''q.js'";
        Assert.StartsWith($"Restore it ({command}) or document it", finding["action"]!.GetValue<string>());

        var pasted = await Shell("bash", command, repo.Root);
        Assert.True(pasted.ExitCode == 0, pasted.Stderr);
        AssertNothingRan(repo);
        Assert.Equal(Audit.CreateTable("items"), File.ReadAllText(repo.PathOf("migrations/20250102000000_" + Hostile)));
    }
}
