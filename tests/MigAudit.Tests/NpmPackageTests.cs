using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>
/// The npm packages scripts/build-npm.sh makes (the launcher and this platform's binary package), installed into a new
/// Node project the way a user would, then run with npx on a PATH that has node, npm and git but no .NET.
/// scripts/test.sh builds them and names their folder in MIGAUDIT_NPM_PACKAGES.
/// </summary>
public sealed class NpmPackageTests
{
    private static string? PackagesFolder => Environment.GetEnvironmentVariable("MIGAUDIT_NPM_PACKAGES") is { Length: > 0 } folder && Directory.Exists(folder) ? folder : null;

    /// <summary>npm's name for this machine: process.platform-process.arch.</summary>
    private static string PlatformKey =>
        (OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "win32") + "-" +
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    [SkippableFact]
    [Trait("Surface", "npm")]
    public async Task Npx_migaudit_runs_the_native_binary_from_the_platform_package_without_dotnet()
    {
        Requires.Dependency(PackagesFolder is not null, "the npm packages (scripts/build-npm.sh, then MIGAUDIT_NPM_PACKAGES)");
        var tarballs = Directory.GetFiles(PackagesFolder!, "*.tgz").Order(StringComparer.Ordinal).ToArray();
        var launcher = Assert.Single(tarballs, t => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(t), @"^migaudit-\d"));
        var platform = Assert.Single(tarballs, t => Path.GetFileName(t).StartsWith($"migaudit-{PlatformKey}-", StringComparison.Ordinal));
        var version = Path.GetFileName(launcher)["migaudit-".Length..^".tgz".Length];

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
        Requires.Dependency(PackagesFolder is not null, "the npm packages (scripts/build-npm.sh, then MIGAUDIT_NPM_PACKAGES)");
        var launcher = Assert.Single(Directory.GetFiles(PackagesFolder!, "migaudit-*.tgz"), t => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(t), @"^migaudit-\d"));
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
        Requires.Dependency(PackagesFolder is not null, "the npm packages (scripts/build-npm.sh, then MIGAUDIT_NPM_PACKAGES)");
        var licence = File.ReadAllText(Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "LICENSE"));
        Assert.StartsWith("MIT License\n\nCopyright (c) 2026 migaudit contributors\n", licence, StringComparison.Ordinal);

        // The launcher and this platform's binary package: every package.json build-npm.sh writes.
        var tarballs = Directory.GetFiles(PackagesFolder!, "migaudit-*.tgz");
        Assert.Equal(2, tarballs.Length);
        foreach (var tarball in tarballs)
        {
            var files = TarballFiles(tarball);
            using var manifest = JsonDocument.Parse(files["package/package.json"]);
            Assert.Equal("MIT", manifest.RootElement.GetProperty("license").GetString());
            Assert.Equal(licence, files.GetValueOrDefault("package/LICENSE"));
        }
    }

    /// <summary>The text of each file in an npm tarball (a gzipped tar whose entries start with package/).</summary>
    private static Dictionary<string, string> TarballFiles(string tarball)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(tarball), System.IO.Compression.CompressionMode.Decompress);
        using var tar = new System.Formats.Tar.TarReader(gzip);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is { } data && (entry.Name.EndsWith(".json", StringComparison.Ordinal) || entry.Name.EndsWith("LICENSE", StringComparison.Ordinal)))
            {
                files[entry.Name] = new StreamReader(data).ReadToEnd();
            }
        }

        return files;
    }

    /// <summary>A PATH of one folder with links to the named programs only (dotnet is never among them); deleted on dispose.</summary>
    private sealed class ProgramsOnly : IDisposable
    {
        public ProgramsOnly(params string[] programs)
        {
            Folder = Path.Combine(Path.GetTempPath(), "migaudit-path-" + Guid.NewGuid().ToString("n")[..8]);
            Directory.CreateDirectory(Folder);
            foreach (var program in programs)
            {
                var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
                    ?? throw new InvalidOperationException($"{program} is not on PATH");
                File.CreateSymbolicLink(Path.Combine(Folder, program), Path.GetFullPath(found));
            }
        }

        public string Folder { get; }

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }

    private static Task<CliResult> RunAsync(string workingDirectory, string program, params string[] arguments) => RunAsync(workingDirectory, program, arguments, null);

    /// <summary>With <paramref name="path"/>, the program is found there and is the whole PATH; DOTNET_ROOT is unset.</summary>
    private static Task<CliResult> RunAsync(string workingDirectory, string program, string[] arguments, string? path) =>
        ChildProcess.RunAsync(path is null ? program : Path.Combine(path, program), arguments, workingDirectory, path is null
            ? new Dictionary<string, string?> { ["npm_config_update_notifier"] = "false" }
            : new Dictionary<string, string?> { ["npm_config_update_notifier"] = "false", ["PATH"] = path, ["DOTNET_ROOT"] = null, [CliRunner.BinaryVariable] = null });
}
