using MigAudit.Core;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MigAudit.Live;

/// <summary>
/// A PostgreSQL server of its own, from the machine's binaries, in a temp folder on a free loopback port,
/// with durability switched off (it holds nothing worth keeping). As root it runs as the postgres system user.
/// Stopped and deleted on dispose.
/// </summary>
public sealed class ThrowawayPostgres : IDisposable
{
    private readonly string directory;
    private readonly string binaries;
    private bool stopped;

    private ThrowawayPostgres(string directory, string binaries, int port)
    {
        this.directory = directory;
        this.binaries = binaries;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false;Timeout=15";

    /// <summary>The folder with initdb and pg_ctl, or null when PostgreSQL is not installed.</summary>
    public static string? FindBinaries()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            if (File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl")))
            {
                return folder;
            }
        }

        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var version) ? version : 0)
                .FirstOrDefault()
            : null;
    }

    public static ThrowawayPostgres Start()
    {
        var binaries = FindBinaries() ?? throw new ProjectException("PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql): install it (e.g. apt-get install postgresql) or pass --database URL");
        var directory = Path.Combine(Path.GetTempPath(), "migaudit-pg-" + Guid.NewGuid().ToString("n")[..8]);
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var server = new ThrowawayPostgres(directory, binaries, port);
        try
        {
            if (IsRoot)
            {
                Run("chown", "-R", "postgres:postgres", directory);
            }

            server.Pg("initdb", "-D", Path.Combine(directory, "data"), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C");
            server.Pg("pg_ctl", "-D", Path.Combine(directory, "data"), "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off", "start");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private void Pg(string tool, params string[] arguments)
    {
        var path = Path.Combine(binaries, tool);
        if (IsRoot)
        {
            Run("runuser", ["-u", "postgres", "--", path, .. arguments]);
        }
        else
        {
            Run(path, arguments);
        }
    }

    private static void Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new ProjectException($"{file} could not be started");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ProjectException($"{Path.GetFileName(file)} {string.Join(' ', arguments.Take(2))} failed: {(stderr.Result + stdout).Trim()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!stopped)
        {
            stopped = true;
            try
            {
                if (File.Exists(Path.Combine(directory, "data", "postmaster.pid")))
                {
                    Pg("pg_ctl", "-D", Path.Combine(directory, "data"), "-m", "immediate", "-w", "stop");
                }
            }
            catch (ProjectException)
            {
                // Already stopped: nothing to do.
            }

            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
