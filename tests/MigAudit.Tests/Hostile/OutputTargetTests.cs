using System.Diagnostics;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Hostile;

/// <summary>
/// --output writes where the user says, inside the project or not, but never through a symbolic link the repository
/// committed, and never into a FIFO, a device or a folder: such a target is refused with one line and exit 2.
/// </summary>
public sealed class OutputTargetTests : IDisposable
{
    private readonly string outside = Path.Combine(Path.GetTempPath(), "migaudit-outside-" + Guid.NewGuid().ToString("n")[..8]);

    public OutputTargetTests() => Directory.CreateDirectory(outside);

    public void Dispose() => Directory.Delete(outside, recursive: true);

    private static TempRepo Project() => Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Audit_refuses_a_committed_symlink_as_output_and_leaves_its_target_alone()
    {
        using var repo = Project();
        var victim = Path.Combine(outside, "victim.txt");
        File.WriteAllText(victim, "precious\n");
        File.CreateSymbolicLink(repo.PathOf("report.md"), victim);
        repo.Commit("report.md is a link");

        var target = repo.PathOf("report.md");
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "markdown", "--output", target);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"migaudit: refusing to write {target}: it is a symbolic link, and migaudit never writes through one\n", run.Stderr);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal("precious\n", File.ReadAllText(victim));
        Assert.Equal(victim, new FileInfo(target).LinkTarget);
        Assert.Equal([victim], Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Audit_refuses_output_through_a_committed_symlinked_folder_inside_the_project()
    {
        using var repo = Project();
        Directory.CreateSymbolicLink(repo.PathOf("reports"), outside);
        repo.Commit("reports is a link");

        var target = repo.PathOf("reports/audit.html");
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "html", "--output", target);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"migaudit: refusing to write {target}: reports is a symbolic link, and migaudit never writes through one\n", run.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Audit_refuses_a_fifo_and_a_directory_as_output()
    {
        using var repo = Project();
        var fifo = repo.PathOf("report.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo])!)
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Opening a FIFO for writing blocks until a reader comes: a refusal must come without opening it.
        var piped = await CliRunner.RunAsync("audit", repo.Root, "--format", "json", "--output", fifo).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(2, piped.ExitCode);
        Assert.Equal($"migaudit: refusing to write {fifo}: it is a FIFO (named pipe), not a regular file\n", piped.Stderr);

        var folder = repo.PathOf("migrations");
        var directory = await CliRunner.RunAsync("audit", repo.Root, "--format", "json", "--output", folder);
        Assert.Equal(2, directory.ExitCode);
        Assert.Equal($"migaudit: refusing to write {folder}: it is a directory, not a regular file\n", directory.Stderr);
        Assert.Equal(["20250101000000_users.js"], Directory.GetFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Output_outside_the_project_is_written_and_an_existing_report_is_replaced_with_its_mode()
    {
        using var repo = Project();
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var target = Path.Combine(outside, "report.json");
        File.WriteAllText(target, "old report\n");
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "json", "--output", target);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"json report written to {target} (ready)\n", run.Stderr);
        Assert.StartsWith("{", File.ReadAllText(target));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(target));

        // Nothing else is left beside it: the temporary file was renamed over the report.
        Assert.Equal([target], Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Output_into_a_missing_folder_is_one_line()
    {
        using var repo = Project();
        var target = Path.Combine(outside, "missing", "report.md");
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "markdown", "--output", target);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"migaudit: cannot write {target}: the folder {Path.Combine(outside, "missing")} does not exist\n", run.Stderr);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Demo_refuses_a_symlink_as_output()
    {
        var victim = Path.Combine(outside, "victim.txt");
        File.WriteAllText(victim, "precious\n");
        var link = Path.Combine(outside, "report.html");
        File.CreateSymbolicLink(link, victim);

        var run = await CliRunner.RunAsync("demo", "--format", "html", "--output", link);
        Assert.Equal(2, run.ExitCode);
        Assert.EndsWith($"migaudit: refusing to write {link}: it is a symbolic link, and migaudit never writes through one\n", run.Stderr);
        Assert.Equal("precious\n", File.ReadAllText(victim));
    }
}
