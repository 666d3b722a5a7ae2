using MigAudit.Core;
using MigAudit.Live.Sandbox;
using Npgsql;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MigAudit.Live;

/// <summary>
/// A PostgreSQL server of its own, from the machine's binaries, with durability switched off (it holds nothing worth
/// keeping). It trusts no one: the superuser has a random password checked with SCRAM, and by default the server listens
/// on a Unix socket only, in a folder of a folder only its owner can open (as root, the postgres system user runs it).
/// It is the direct child of migaudit's spawner thread under <c>setpriv --pdeathsig KILL</c>, so it dies with migaudit,
/// <c>kill -9</c> included, and its backends follow (they watch the postmaster). Stopped and deleted on dispose; folders
/// left by a killed migaudit are removed by the next start.
/// </summary>
public sealed partial class ThrowawayPostgres : IDisposable
{
    /// <summary>The port number names the socket file (.s.PGSQL.5432); without TCP no port is taken on the machine.</summary>
    private const int SocketPort = 5432;
    private const string FolderPrefix = "migaudit-pg-";

    private readonly string directory;
    private readonly string binaries;
    private readonly string host;
    private readonly Process postmaster;
    private readonly StringBuilder log;
    private bool stopped;

    private ThrowawayPostgres(string directory, string binaries, string host, Process postmaster, StringBuilder log, int? tcpPort, string password)
    {
        this.directory = directory;
        this.binaries = binaries;
        this.host = host;
        this.postmaster = postmaster;
        this.log = log;
        TcpPort = tcpPort;
        SuperuserPassword = password;
    }

    /// <summary>The folder holding the server's Unix socket (.s.PGSQL.5432): what a sandbox binds to reach it.</summary>
    public string SocketDirectory => Path.Combine(directory, "socket");

    /// <summary>The loopback TCP port, only for a server started with <see cref="Start(bool)"/>'s tcp (tests that need a URL).</summary>
    public int? TcpPort { get; }

    /// <summary>The TCP port; a socket-only server has none.</summary>
    public int Port => TcpPort ?? throw new InvalidOperationException("this throwaway server listens on a Unix socket only");

    public string SuperuserPassword { get; }

    /// <summary>The superuser's connection, through the Unix socket.</summary>
    public string ConnectionString => ConnectionFor("postgres", "postgres", SuperuserPassword);

    /// <summary>A connection through the Unix socket as <paramref name="user"/>.</summary>
    public string ConnectionFor(string database, string user, string password) => new NpgsqlConnectionStringBuilder
    {
        Host = host,
        // The socket file is named after the port the server was given: a server with TCP names it after its TCP port.
        Port = TcpPort ?? SocketPort,
        Username = user,
        Password = password,
        Database = database,
        Pooling = false,
        Timeout = 15,
    }.ConnectionString;

    /// <summary>The superuser's postgres:// URL over loopback TCP (a server started with tcp).</summary>
    public string Url(string database = "postgres") => $"postgres://postgres:{Uri.EscapeDataString(SuperuserPassword)}@127.0.0.1:{Port}/{database}";

    /// <summary>The folder with initdb and postgres, or null when PostgreSQL is not installed.</summary>
    public static string? FindBinaries() => PostgresInstallations.FindServerPrograms(PostgresInstallations.Here);

    /// <param name="tcp">Also listen on a free loopback port (SCRAM still required): for tests that stand in for another server.</param>
    public static ThrowawayPostgres Start(bool tcp = false)
    {
        using var folder = Reserve();
        return folder.Start(tcp);
    }

    /// <summary>
    /// The server's folder, made before the server: its socket folder can be bound into the driver's sandbox, and the
    /// knexfile loaded there, before initdb's second or two is spent (a knexfile that cannot load then fails at once).
    /// </summary>
    /// <exception cref="ProjectException">PostgreSQL or setpriv is not installed.</exception>
    public static Reservation Reserve()
    {
        var machine = PostgresInstallations.Here;
        var binaries = PostgresInstallations.FindServerPrograms(machine) ?? throw new ProjectException(
            $"PostgreSQL's server programs (initdb and postgres) are not on PATH or in {string.Join(", ", machine.InstallFolders.Select(f => f.Replace("{version}", "<version>", StringComparison.Ordinal)))}: " +
            "install PostgreSQL (e.g. apt-get install postgresql, brew install postgresql@16, or the EDB installer on Windows), put its bin folder on PATH, or pass --database URL");
        if (OperatingSystem.IsLinux() && !File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv"))
        {
            throw new ProjectException("setpriv (util-linux) is not installed: migaudit needs it to tie the throwaway PostgreSQL server's life to its own");
        }

        RemoveAbandoned();
        var directory = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("n")[..12]);
        FileModes.CreateDirectory(directory, FileModes.OwnerOnly);
        File.WriteAllText(Path.Combine(directory, "owner"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // The socket's folder: others may pass through it (a sandbox's user reaches it through a bind mount) but not list
        // it; its parent, which only the server's user opens, keeps every other local user away.
        FileModes.CreateDirectory(Path.Combine(directory, "socket"), FileModes.PassThrough);
        // Windows has no Unix socket PostgreSQL and Npgsql both use: the server listens on loopback TCP only, on a port
        // chosen now so the driver's connection is known before the server starts.
        return new Reservation(binaries, directory, OperatingSystem.IsWindows() ? FreePort() : null);
    }

    /// <summary>A throwaway server's folder before its server runs; disposed unstarted, the folder goes.</summary>
    public sealed class Reservation : IDisposable
    {
        private readonly string binaries;
        private readonly string directory;
        private readonly int? tcpOnlyPort;
        private bool started;

        internal Reservation(string binaries, string directory, int? tcpOnlyPort)
        {
            this.binaries = binaries;
            this.directory = directory;
            this.tcpOnlyPort = tcpOnlyPort;
        }

        /// <summary>The folder the server's Unix socket will be in.</summary>
        public string SocketDirectory => Path.Combine(directory, "socket");

        /// <summary>The host a client names to reach the server: its socket folder, or loopback where it listens on TCP only (Windows).</summary>
        public string Host => tcpOnlyPort is null ? SocketDirectory : "127.0.0.1";

        /// <summary>The port that names the socket file, or the loopback port of a TCP-only server.</summary>
        public int Port => tcpOnlyPort ?? SocketPort;

        /// <summary>initdb, then the server, in the reserved folder; the server then owns (and removes) the folder.</summary>
        public ThrowawayPostgres Start(bool tcp = false)
        {
            started = true;
            var password = LocalMachine.NewSecret();
            try
            {
                var passwordFile = Path.Combine(directory, "password");
                File.WriteAllText(passwordFile, password + "\n");
                FileModes.Set(passwordFile, FileModes.Secret);
                if (LocalMachine.IsRoot && !OperatingSystem.IsWindows())
                {
                    Run("chown", "-R", "postgres:postgres", directory);
                }

                RunAsServerUser(binaries, "initdb", "-D", Path.Combine(directory, "data"), "-U", "postgres", "--auth=scram-sha-256", "--pwfile", passwordFile, "--no-sync", "-E", "UTF8", "--locale=C");
                File.Delete(passwordFile);
                var tcpPort = tcpOnlyPort ?? (tcp ? FreePort() : null);
                var (postmaster, log) = OperatingSystem.IsWindows() ? StartOnWindows(binaries, directory, tcpPort!.Value) : StartPostmaster(binaries, directory, tcpPort);
                var server = new ThrowawayPostgres(directory, binaries, Host, postmaster, log, tcpPort, password);
                server.WaitUntilReady();
                return server;
            }
            catch
            {
                LocalMachine.TryDeleteFolder(directory);
                throw;
            }
        }

        public void Dispose()
        {
            if (!started)
            {
                LocalMachine.TryDeleteFolder(directory);
            }
        }
    }

    private static (Process, StringBuilder) StartPostmaster(string binaries, string directory, int? tcpPort)
    {
        // On Linux, setpriv ties the server's life to migaudit's (macOS has no parent-death signal: there the server is
        // stopped on dispose, and a killed migaudit leaves it to the next run's clean-up of abandoned folders).
        var start = new ProcessStartInfo(OperatingSystem.IsLinux() ? "setpriv" : Path.Combine(binaries, "postgres")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in OperatingSystem.IsLinux() ? [.. ServerUserArguments(), "--pdeathsig", "KILL", "--", Path.Combine(binaries, "postgres")] : Array.Empty<string>())
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in new[]
        {
            "-D", Path.Combine(directory, "data"),
            "-p", (tcpPort ?? SocketPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-k", Path.Combine(directory, "socket"),
            "-c", "listen_addresses=" + (tcpPort is null ? string.Empty : "127.0.0.1"),
            "-c", "unix_socket_permissions=0777",
            "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
            "-c", "dynamic_shared_memory_type=mmap",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var log = new StringBuilder();
        var process = ProcessSpawner.Start(start);
        process.ErrorDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        process.OutputDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return (process, log);
    }

    /// <summary>Waits until the server accepts a connection, or says why it stopped.</summary>
    private void WaitUntilReady()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (postmaster.HasExited)
            {
                throw new ProjectException($"the throwaway PostgreSQL server stopped while starting: {Log().Trim()}");
            }

            try
            {
                using var connection = new NpgsqlConnection(ConnectionString);
                connection.Open();
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                // Not accepting connections yet (no socket, or "the database system is starting up").
                Thread.Sleep(20);
            }
        }
    }

    private string Log()
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    /// <summary>
    /// Folders of throwaway servers whose migaudit was killed: the server died with it (its parent-death signal), but the
    /// folder stayed. Only those whose owner process is gone and whose postmaster is not running are removed.
    /// </summary>
    private static void RemoveAbandoned()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (File.Exists(Path.Combine(folder, "owner"))
                && int.TryParse(SafeReadFirstLine(Path.Combine(folder, "owner")), out var owner) && !Alive(owner)
                && !(int.TryParse(SafeReadFirstLine(Path.Combine(folder, "data", "postmaster.pid")), out var server) && Alive(server)))
            {
                LocalMachine.TryDeleteFolder(folder);
            }
        }
    }

    private static string? SafeReadFirstLine(string file)
    {
        try
        {
            return File.ReadLines(file).FirstOrDefault();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // No such process (ArgumentException), or one this user cannot inspect, which is not migaudit's.
            return error is System.ComponentModel.Win32Exception;
        }
    }

    /// <summary>setpriv's arguments that make the command the server's user: as root, postgres (which refuses to run as root).</summary>
    private static string[] ServerUserArguments() => LocalMachine.IsRoot ? ["--reuid=postgres", "--regid=postgres", "--init-groups"] : [];

    private static void RunAsServerUser(string binaries, string tool, params string[] arguments)
    {
        if (OperatingSystem.IsLinux())
        {
            Run("setpriv", [.. ServerUserArguments(), "--", Path.Combine(binaries, tool), .. arguments]);
        }
        else
        {
            // initdb drops an administrator's rights itself on Windows; elsewhere the user runs it as they would by hand.
            Run(ProgramIn(binaries, tool), arguments);
        }
    }

    /// <summary>A PostgreSQL program's file in its bin folder: with .exe on Windows.</summary>
    private static string ProgramIn(string binaries, string tool) => Path.Combine(binaries, PostgresInstallations.FileName(tool, OperatingSystem.IsWindows()));

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
            var shown = arguments.SkipWhile(a => a.StartsWith("--", StringComparison.Ordinal)).Take(2);
            throw new ProjectException($"{Path.GetFileName(file)} {string.Join(' ', shown)} failed: {(stderr.Result + stdout).Trim()}");
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
        if (stopped)
        {
            return;
        }

        stopped = true;
        try
        {
            // SIGQUIT is PostgreSQL's immediate shutdown: nothing here is worth a checkpoint.
            if (OperatingSystem.IsWindows())
            {
                StopOnWindows();
            }
            else if (!postmaster.HasExited)
            {
                Process.Start("kill", ["-QUIT", postmaster.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
                if (!postmaster.WaitForExit(10_000))
                {
                    postmaster.Kill();
                    postmaster.WaitForExit();
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        postmaster.Dispose();
        LocalMachine.TryDeleteFolder(directory);
    }
}
