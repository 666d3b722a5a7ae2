using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>
/// The packages the npm registry will serve (the launcher and this platform's binary package), installed into a new
/// Node project the way a user would, then run with npx on a PATH that has node, npm and git but no .NET.
/// scripts/test.sh builds them and names their folder in MIGAUDIT_NPM_PACKAGES. The self-contained package the README's
/// quick start installs is NpmLocalPackageTests'.
/// </summary>
public sealed class NpmPackageTests
{
    private static string PlatformKey => NpmPackages.PlatformKey;

    [SkippableFact]
    [Trait("Surface", "npm")]
    public async Task Npx_migaudit_runs_the_native_binary_from_the_platform_package_without_dotnet()
    {
        var folder = NpmPackages.RequireFolder();
        var launcher = NpmPackages.Launcher(folder);
        var version = NpmPackages.Version(launcher);
        var platform = Path.Combine(folder, $"migaudit-{PlatformKey}-{version}.tgz");

        // A Knex project that is also the Node project migaudit is installed into.
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Write("package.json", """{ "name": "knex-app", "version": "1.0.0", "private": true }""");
        repo.Write(".gitignore", "node_modules/\n");
        repo.Commit();

        var install = await RunAsync(repo.Root, "npm", "install", "--save-dev", "--no-audit", "--no-fund", "--loglevel=error", launcher, platform);
        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.True(File.Exists(Path.Combine(repo.Root, "node_modules", "@migaudit", PlatformKey, "bin", "migaudit")));

        // The other platforms' packages are optional dependencies npm leaves out here.
        Assert.Equal([PlatformKey], Directory.GetDirectories(Path.Combine(repo.Root, "node_modules", "@migaudit")).Select(d => Path.GetFileName(d)!).ToArray());

        // npx runs its command through sh; migaudit runs git.
        using var noDotnet = new ProgramsOnly("node", "npm", "npx", "sh", "git");
        var reported = await RunAsync(repo.Root, "npx", ["migaudit", "--version"], noDotnet.Folder);
        Assert.Equal(0, reported.ExitCode);
        Assert.StartsWith(version + "+", reported.Stdout.Trim(), StringComparison.Ordinal);

        var audit = await RunAsync(repo.Root, "npx", ["migaudit", "audit", "--format", "json"], noDotnet.Folder);
        Assert.Equal(1, audit.ExitCode);
        using var json = JsonDocument.Parse(audit.Stdout);
        Assert.Equal("not-ready", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(["missing-down"], json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()!).Distinct().ToArray());

        // With no command, in the project folder: the text report, as knex users run linters.
        var text = await RunAsync(repo.Root, "npx", ["migaudit"], noDotnet.Folder);
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("Production Readiness: NOT READY", text.Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "npm")]
    public async Task Without_the_platform_package_the_launcher_says_how_to_install_it()
    {
        var launcher = NpmPackages.Launcher(NpmPackages.RequireFolder());
        using var project = new TempRepo(init: false);
        project.Write("package.json", """{ "name": "app", "version": "1.0.0", "private": true }""");

        // --omit=optional: what a lockfile made elsewhere or a CI that turns optional dependencies off leaves behind.
        var install = await RunAsync(project.Root, "npm", "install", "--omit=optional", "--no-audit", "--no-fund", "--loglevel=error", launcher);
        Assert.True(install.ExitCode == 0, install.Stderr);
        using var noDotnet = new ProgramsOnly("node", "npm", "npx", "sh");
        var run = await RunAsync(project.Root, "npx", ["migaudit", "--version"], noDotnet.Folder);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"migaudit: the package @migaudit/{PlatformKey}, which holds migaudit's binary for this platform, is not installed", run.Stderr);
        Assert.Empty(run.Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "npm")]
    public void Every_packed_package_carries_the_MIT_licence_in_its_metadata_and_as_a_file()
    {
        var folder = NpmPackages.RequireFolder();
        var licence = File.ReadAllText(Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "LICENSE"));
        Assert.StartsWith("MIT License\n\nCopyright (c) 2026 migaudit contributors\n", licence, StringComparison.Ordinal);

        // The launcher, this platform's binary package and the self-contained package: every package.json build-npm.sh writes.
        var tarballs = Directory.GetFiles(folder, "migaudit-*.tgz", SearchOption.AllDirectories);
        Assert.Equal(3, tarballs.Length);
        foreach (var tarball in tarballs)
        {
            var files = NpmPackages.TarballFiles(tarball);
            using var manifest = JsonDocument.Parse(files["package/package.json"]);
            Assert.Equal("MIT", manifest.RootElement.GetProperty("license").GetString());
            Assert.Equal(licence, files.GetValueOrDefault("package/LICENSE"));
        }
    }

    private static Task<CliResult> RunAsync(string workingDirectory, string program, params string[] arguments) => NpmPackages.RunAsync(workingDirectory, program, arguments);

    private static Task<CliResult> RunAsync(string workingDirectory, string program, string[] arguments, string? path) => NpmPackages.RunAsync(workingDirectory, program, arguments, path);
}
