using MigAudit.Core;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MigAudit.Live;

/// <summary>
/// The throwaway server on Windows. postgres.exe refuses to start under an account with administrative rights (as CI
/// runners' are), and pg_ctl is PostgreSQL's own way round it: it starts the server with a restricted token. So pg_ctl
/// starts and stops it there, and the server listens on loopback TCP only (no Unix socket).
/// </summary>
public sealed partial class ThrowawayPostgres
{
    private static (Process, StringBuilder) StartOnWindows(string binaries, string directory, int port)
    {
        var data = Path.Combine(directory, "data");
        var logFile = Path.Combine(directory, "server.log");
        var options = string.Join(' ',
            "-p", port.ToString(CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=''",
            "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off");
        var start = new ProcessStartInfo(ProgramIn(binaries, "pg_ctl")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "start", "-D", data, "-l", logFile, "-w", "-t", "60", "-o", options })
        {
            start.ArgumentList.Add(argument);
        }

        using (var pgCtl = Process.Start(start) ?? throw new ProjectException("pg_ctl could not be started"))
        {
            // pg_ctl -w returns once the server accepts connections, or when it stopped starting.
            var stderr = pgCtl.StandardError.ReadToEndAsync();
            var stdout = pgCtl.StandardOutput.ReadToEnd();
            pgCtl.WaitForExit();
            if (pgCtl.ExitCode != 0)
            {
                var log = File.Exists(logFile) ? File.ReadAllText(logFile) : string.Empty;
                throw new ProjectException($"the throwaway PostgreSQL server did not start: {(stderr.Result + stdout + log).Trim()}");
            }
        }

        // postmaster.pid's first line is the server's process id: the process to watch while verify runs.
        var pid = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        return (Process.GetProcessById(pid), new StringBuilder());
    }

    /// <summary>pg_ctl's immediate shutdown (the server's SIGQUIT elsewhere): nothing here is worth a checkpoint.</summary>
    private void StopOnWindows()
    {
        if (postmaster.HasExited)
        {
            return;
        }

        using (var pgCtl = Process.Start(new ProcessStartInfo(ProgramIn(binaries, "pg_ctl"), ["stop", "-D", Path.Combine(directory, "data"), "-m", "immediate", "-w"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }))
        {
            pgCtl?.WaitForExit();
        }

        if (!postmaster.WaitForExit(10_000))
        {
            postmaster.Kill(entireProcessTree: true);
            postmaster.WaitForExit();
        }
    }
}
