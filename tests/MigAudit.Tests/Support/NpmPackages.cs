using System.Text.RegularExpressions;

namespace MigAudit.Tests.Support;

/// <summary>
/// The npm packages scripts/build-npm.sh makes, found through MIGAUDIT_NPM_PACKAGES (scripts/test.sh sets it), and how
/// the tests run npm and npx against them: on a PATH with node, npm and git but no .NET.
/// </summary>
public static partial class NpmPackages
{
    public static string? Folder => Environment.GetEnvironmentVariable("MIGAUDIT_NPM_PACKAGES") is { Length: > 0 } folder && Directory.Exists(folder) ? folder : null;

    /// <summary>Skips (fails in CI) when the packages were not built.</summary>
    public static string RequireFolder()
    {
        Requires.Dependency(Folder is not null, "the npm packages (scripts/build-npm.sh, then MIGAUDIT_NPM_PACKAGES)");
        return Folder!;
    }

    /// <summary>npm's name for this machine: process.platform-process.arch (the tests build on glibc Linux, macOS or Windows).</summary>
    public static string PlatformKey =>
        (OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "win32") + "-" +
        System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    /// <summary>The launcher package, migaudit-&lt;version&gt;.tgz (published; the platform packages are optional dependencies).</summary>
    public static string Launcher(string folder) =>
        Assert.Single(Directory.GetFiles(folder, "migaudit-*.tgz"), t => LauncherName().IsMatch(Path.GetFileName(t)));

    /// <summary>The version the launcher's tarball is named with.</summary>
    public static string Version(string launcher) => Path.GetFileName(launcher)["migaudit-".Length..^".tgz".Length];

    /// <summary>The self-contained package for local installs: local/migaudit-&lt;version&gt;-&lt;key&gt;.tgz.</summary>
    public static string Local(string folder) => Path.Combine(folder, "local", $"migaudit-{Version(Launcher(folder))}-{PlatformKey}.tgz");

    public static Task<CliResult> RunAsync(string workingDirectory, string program, params string[] arguments) => RunAsync(workingDirectory, program, arguments, null);

    /// <summary>With <paramref name="path"/>, the program is found there and is the whole PATH; DOTNET_ROOT is unset.</summary>
    public static Task<CliResult> RunAsync(string workingDirectory, string program, string[] arguments, string? path) =>
        ChildProcess.RunAsync(path is null ? program : Path.Combine(path, program), arguments, workingDirectory, path is null
            ? new Dictionary<string, string?> { ["npm_config_update_notifier"] = "false" }
            : new Dictionary<string, string?> { ["npm_config_update_notifier"] = "false", ["PATH"] = path, ["DOTNET_ROOT"] = null, [CliRunner.BinaryVariable] = null });

    /// <summary>The text of each file in an npm tarball (a gzipped tar whose entries start with package/).</summary>
    public static Dictionary<string, string> TarballFiles(string tarball)
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

    [GeneratedRegex(@"^migaudit-\d[^/]*\.tgz$")]
    private static partial Regex LauncherName();
}

/// <summary>A PATH of one folder with links to the named programs only (dotnet is never among them); deleted on dispose.</summary>
public sealed class ProgramsOnly : IDisposable
{
    public ProgramsOnly(params string[] programs)
    {
        Folder = Path.Combine(Path.GetTempPath(), "migaudit-path-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(Folder);
        foreach (var program in programs)
        {
            var found = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"{program} is not on PATH");
            File.CreateSymbolicLink(Path.Combine(Folder, program), Path.GetFullPath(found));
        }
    }

    public string Folder { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
