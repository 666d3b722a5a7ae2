using MigAudit.Live;

namespace MigAudit.Tests.Live;

/// <summary>
/// Where verify finds initdb and postgres, on folder layouts made here the way each platform's installers make them:
/// PATH first (with the platform's separator and program names), then the install folders, newest version first.
/// </summary>
public sealed class PostgresInstallationsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("migaudit-pg-layout-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Programs(string folder, params string[] names)
    {
        var full = Path.Combine(root, folder);
        Directory.CreateDirectory(full);
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(full, name), string.Empty);
        }

        return full;
    }

    [Fact]
    public void On_windows_the_edb_installers_newest_version_is_found_by_its_exe_files()
    {
        var programFiles = Path.Combine(root, "Program Files");
        Programs("Program Files/PostgreSQL/9.6/bin", "initdb.exe", "postgres.exe");
        var newest = Programs("Program Files/PostgreSQL/16/bin", "initdb.exe", "postgres.exe");
        Programs("Program Files/PostgreSQL/14/bin", "initdb.exe", "postgres.exe");

        // pgAdmin's folder and a client-only install (psql, no server) are not servers.
        Programs("Program Files/PostgreSQL/pgAdmin 4/bin", "initdb.exe", "postgres.exe");
        Programs("Program Files/PostgreSQL/17/bin", "psql.exe");

        var machine = new PostgresInstallations.Machine(Windows: true, Path: string.Empty, PostgresInstallations.InstallFoldersOf("windows", programFiles));
        Assert.Equal(newest, PostgresInstallations.FindServerPrograms(machine));
    }

    [Fact]
    public void On_windows_path_is_split_on_semicolons_and_quoted_folders_are_read()
    {
        var onPath = Programs("Tools/PG 15/bin", "initdb.exe", "postgres.exe");
        Programs("Program Files/PostgreSQL/16/bin", "initdb.exe", "postgres.exe");
        var path = string.Join(';', Path.Combine(root, "nothing"), $"\"{onPath}\"", string.Empty);

        var machine = new PostgresInstallations.Machine(Windows: true, path, PostgresInstallations.InstallFoldersOf("windows", Path.Combine(root, "Program Files")));
        Assert.Equal(onPath, PostgresInstallations.FindServerPrograms(machine));
    }

    [Fact]
    public void Program_names_follow_the_platform()
    {
        // Unix program names on a Windows machine, and .exe files on a Unix one, are not the server.
        var unixNames = Programs("unix/bin", "initdb", "postgres");
        var windowsNames = Programs("windows/bin", "initdb.exe", "postgres.exe");

        Assert.Null(PostgresInstallations.FindServerPrograms(new(Windows: true, unixNames, [])));
        Assert.Null(PostgresInstallations.FindServerPrograms(new(Windows: false, windowsNames, [])));
        Assert.Equal(unixNames, PostgresInstallations.FindServerPrograms(new(Windows: false, $"{windowsNames}:{unixNames}", [])));
    }

    [Fact]
    public void On_macos_postgres_app_comes_before_homebrew_and_its_latest_link_is_not_a_version()
    {
        var patterns = PostgresInstallations.InstallFoldersOf("macos", string.Empty).Select(p => root + p).ToList();
        Programs("Applications/Postgres.app/Contents/Versions/latest/bin", "initdb", "postgres");
        var app = Programs("Applications/Postgres.app/Contents/Versions/15/bin", "initdb", "postgres");
        Programs("opt/homebrew/opt/postgresql@17/bin", "initdb", "postgres");

        Assert.Equal(app, PostgresInstallations.FindServerPrograms(new(Windows: false, "/usr/bin:/bin", patterns)));
    }

    [Fact]
    public void On_macos_homebrew_kegs_that_are_not_linked_are_found_newest_first()
    {
        var patterns = PostgresInstallations.InstallFoldersOf("macos", string.Empty).Select(p => root + p).ToList();
        Programs("opt/homebrew/opt/postgresql@14/bin", "initdb", "postgres");
        var newest = Programs("opt/homebrew/opt/postgresql@16/bin", "initdb", "postgres");
        Programs("opt/homebrew/opt/postgresql@16-client/bin", "initdb", "postgres");

        Assert.Equal(newest, PostgresInstallations.FindServerPrograms(new(Windows: false, string.Empty, patterns)));
    }

    [Fact]
    public void On_linux_debian_and_pgdg_layouts_are_compared_by_version_not_by_text()
    {
        var patterns = PostgresInstallations.InstallFoldersOf("linux", string.Empty).Select(p => root + p).ToList();
        Programs("usr/lib/postgresql/9.6/bin", "initdb", "postgres");
        var newest = Programs("usr/lib/postgresql/15/bin", "initdb", "postgres");

        Assert.Equal(newest, PostgresInstallations.FindServerPrograms(new(Windows: false, string.Empty, patterns)));

        // Without Debian's layout, the PGDG RPMs' folder.
        Directory.Delete(Path.Combine(root, "usr/lib"), recursive: true);
        var rpm = Programs("usr/pgsql-16/bin", "initdb", "postgres");
        Assert.Equal(rpm, PostgresInstallations.FindServerPrograms(new(Windows: false, string.Empty, patterns)));
    }

    [Fact]
    public void Nothing_installed_is_null()
    {
        var patterns = PostgresInstallations.InstallFoldersOf("linux", string.Empty).Select(p => root + p).ToList();
        Assert.Null(PostgresInstallations.FindServerPrograms(new(Windows: false, Path.Combine(root, "bin"), patterns)));
    }
}
