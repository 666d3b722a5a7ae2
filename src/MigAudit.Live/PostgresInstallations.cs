using System.Globalization;

namespace MigAudit.Live;

/// <summary>
/// Where verify looks for PostgreSQL's server programs (initdb and postgres) to start its throwaway server: the folders
/// of PATH first, as a shell would find them, then the folders each platform's installers use, newest version first.
/// </summary>
public static class PostgresInstallations
{
    /// <summary>What the search needs to know about the machine; <see cref="Here"/> is this one.</summary>
    /// <param name="Windows">Programs end in .exe and PATH is split on ';'.</param>
    /// <param name="Path">The PATH variable's value.</param>
    /// <param name="InstallFolders">Patterns of install folders, in order of preference; a <c>{version}</c> part matches a folder named by a version number (16, 15.4, postgresql@16's 16).</param>
    public sealed record Machine(bool Windows, string Path, IReadOnlyList<string> InstallFolders);

    /// <summary>This machine: its PATH and the install folders of its platform.</summary>
    public static Machine Here => new(OperatingSystem.IsWindows(), Environment.GetEnvironmentVariable("PATH") ?? string.Empty, InstallFoldersOf(
        OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : "linux",
        Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles)));

    /// <summary>
    /// The install folders of a platform:
    /// Linux: Debian and Ubuntu's postgresql-N packages (/usr/lib/postgresql/N/bin), the PGDG RPMs (/usr/pgsql-N/bin), a source
    /// build's default prefix (/usr/local/pgsql/bin);
    /// macOS: Postgres.app (/Applications/Postgres.app/Contents/Versions/N/bin), Homebrew's postgresql@N on Apple silicon
    /// and Intel (/opt/homebrew/opt, /usr/local/opt; kegs that are not linked onto PATH), the EDB installer (/Library/PostgreSQL/N/bin);
    /// Windows: the EDB installer (C:\Program Files\PostgreSQL\N\bin).
    /// </summary>
    public static IReadOnlyList<string> InstallFoldersOf(string platform, string programFiles) => platform switch
    {
        "windows" => [System.IO.Path.Combine(programFiles, "PostgreSQL", "{version}", "bin")],
        "macos" =>
        [
            "/Applications/Postgres.app/Contents/Versions/{version}/bin",
            "/opt/homebrew/opt/postgresql@{version}/bin",
            "/usr/local/opt/postgresql@{version}/bin",
            "/Library/PostgreSQL/{version}/bin",
        ],
        _ => ["/usr/lib/postgresql/{version}/bin", "/usr/pgsql-{version}/bin", "/usr/local/pgsql/bin"],
    };

    /// <summary>The folder holding both initdb and postgres, or null when none does.</summary>
    public static string? FindServerPrograms(Machine machine)
    {
        bool HasServer(string folder) => Has(folder, "initdb", machine.Windows) && Has(folder, "postgres", machine.Windows);

        var onPath = machine.Path.Split(machine.Windows ? ';' : ':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f => f.Trim('"')).FirstOrDefault(HasServer);
        return onPath ?? machine.InstallFolders.SelectMany(Expand).FirstOrDefault(HasServer);
    }

    /// <summary>Whether a folder holds a program, by the platform's file name for it.</summary>
    public static bool Has(string folder, string program, bool windows) => File.Exists(System.IO.Path.Combine(folder, FileName(program, windows)));

    /// <summary>A program's file name on the platform: initdb.exe on Windows, initdb elsewhere.</summary>
    public static string FileName(string program, bool windows) => windows ? program + ".exe" : program;

    /// <summary>A pattern's existing folders, the highest version first; a pattern without a version is itself.</summary>
    private static IEnumerable<string> Expand(string pattern)
    {
        var at = pattern.IndexOf("{version}", StringComparison.Ordinal);
        if (at < 0)
        {
            return [pattern];
        }

        // The version is (part of) one folder name: list that name's parent and match the rest of the name.
        var separator = pattern.LastIndexOfAny(['/', '\\'], at);
        var parent = pattern[..separator];
        var namePrefix = pattern[(separator + 1)..at];
        var afterVersion = pattern[(at + "{version}".Length)..];
        var nameEnd = afterVersion.IndexOfAny(['/', '\\']);
        var nameSuffix = nameEnd < 0 ? afterVersion : afterVersion[..nameEnd];
        var rest = afterVersion[nameSuffix.Length..];
        string[] folders;
        try
        {
            folders = Directory.Exists(parent) ? Directory.GetDirectories(parent) : [];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return folders
            .Select(d => (Folder: d, Name: System.IO.Path.GetFileName(d)))
            .Where(d => d.Name.StartsWith(namePrefix, StringComparison.Ordinal) && d.Name.EndsWith(nameSuffix, StringComparison.Ordinal) && d.Name.Length > namePrefix.Length + nameSuffix.Length)
            .Select(d => (d.Folder, Version: VersionOf(d.Name[namePrefix.Length..^nameSuffix.Length])))
            .Where(d => d.Version is not null)
            .OrderByDescending(d => d.Version)
            .Select(d => d.Folder + rest);
    }

    /// <summary>"16", "15.4" or "9.6": a version number; anything else (Postgres.app's "latest" link) is not one.</summary>
    private static Version? VersionOf(string name) =>
        name.All(c => char.IsAsciiDigit(c) || c == '.') && name.Length > 0 && !name.StartsWith('.') && !name.EndsWith('.')
            ? Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null
            : null;
}
