using MigAudit.Core;
using MigAudit.Live.Sandbox;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MigAudit.Live;

/// <param name="PackageFolder">Where knex is resolved from (upwards, as Node does): the knexfile's folder, else the project root.</param>
/// <param name="Knexfile">The knexfile the driver loads, as the knex CLI would (null: none; migaudit's settings are used).</param>
/// <param name="OwnMigrations">Use the knexfile's migrations settings (its migrationSource included) rather than migaudit's.</param>
public sealed record DriverProject(string PackageFolder, string? Knexfile, string? Environment, bool OwnMigrations);

/// <summary>What the sandboxed driver may read besides the system, and the folder of the socket it connects through.</summary>
public sealed record DriverSandbox(IReadOnlyList<string> ReadOnlyFolders, string SocketFolder);

public sealed record DriverReply(bool Ok, IReadOnlyList<string> Names, string? Error, long Milliseconds);

/// <summary>A lock the migration's backend held on a relation of the project, e.g. users / AccessExclusiveLock.</summary>
public sealed record TracedLock(string Relation, string Mode);

/// <summary>
/// One migration of a chain run in one command, with the catalog its own transaction saw right after it; for an up, the
/// locks it newly held (null: untraced, it ran without a transaction) and the relations it rewrote.
/// </summary>
public sealed record ChainStep(string Name, long Milliseconds, SchemaSnapshot Snapshot)
{
    /// <summary>The driver read every table after this step (the first of a chain, or a change it cannot follow table by table).</summary>
    public bool WholeSnapshot { get; init; }

    public IReadOnlyList<TracedLock>? Locks { get; init; }
    public IReadOnlyList<string> Rewrites { get; init; } = [];

    /// <summary>The statements an up sent, as knex sent them (bindings as $n; their values are not kept).</summary>
    public IReadOnlyList<string> Sql { get; init; } = [];
}

/// <summary>The migration of a chain that threw, and its error.</summary>
public sealed record ChainFailure(string Name, string Error, long Milliseconds);

/// <summary>A whole chain in one migrate:latest or migrate:rollback --all: the steps that ran, and the one that failed.</summary>
public sealed record ChainReply(bool Ok, IReadOnlyList<ChainStep> Steps, ChainFailure? Failed, string? Error, long Milliseconds);

/// <summary>The embedded Node script, running the project's own knex against the scratch database, one command at a time.</summary>
public sealed class KnexDriver : IDisposable
{
    private readonly Process process;
    private readonly string runFolder;

    /// <summary>The passwords the driver was given (and migaudit's PGPASSWORD): masked in every error it sends back.</summary>
    private readonly string?[] secrets;

    /// <summary>What the driver printed besides its replies (Node's own errors, the project's console output), for when it dies.</summary>
    private readonly OutputTail output;

    private readonly Func<string, string> explain;
    private bool disposed;

    private KnexDriver(Process process, string runFolder, string?[] secrets, OutputTail output, Func<string, string> explain)
    {
        this.explain = explain;
        this.process = process;
        this.runFolder = runFolder;
        this.secrets = secrets;
        this.output = output;
    }

    /// <summary>Variables kept from migaudit's own environment on Linux and macOS: what Node and npm need to run, nothing that names a database.</summary>
    private static readonly string[] InheritedVariables = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ"];

    /// <summary>
    /// What Windows programs need besides: Node cannot open a socket without SystemRoot (Winsock loads its providers from
    /// there), os.tmpdir() reads TEMP/TMP, os.homedir() USERPROFILE, npm's cache APPDATA/LOCALAPPDATA, child processes
    /// ComSpec and PATHEXT. Windows names are matched whatever their case (Path, PATH).
    /// </summary>
    private static readonly string[] InheritedOnWindows = ["Path", "PATHEXT", "SystemRoot", "SystemDrive", "windir", "ComSpec", "TEMP", "TMP", "USERPROFILE", "HOMEDRIVE", "HOMEPATH", "APPDATA", "LOCALAPPDATA", "ProgramData", "ProgramFiles", "NUMBER_OF_PROCESSORS", "PROCESSOR_ARCHITECTURE", "TZ"];

    /// <summary>The variables of <paramref name="environment"/> the driver keeps: what node needs on the platform, and NODE_*.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Inherited(IEnumerable<KeyValuePair<string, string>> environment, bool windows)
    {
        var kept = windows ? new HashSet<string>(InheritedOnWindows, StringComparer.OrdinalIgnoreCase) : new HashSet<string>(InheritedVariables, StringComparer.Ordinal);
        return environment.Where(e => kept.Contains(e.Key) || e.Key.StartsWith("NODE_", windows ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
    }

    /// <param name="environment">The variables the migrations get on top of the scrubbed environment (connection variables already pointed at the scratch database).</param>
    /// <param name="allowNetwork">Lets migrations open sockets to hosts other than the scratch server (other databases on it stay refused).</param>
    /// <param name="project">Where the project's knex is installed, and the knexfile environment the driver loads (its own configuration, with the connection and pool replaced).</param>
    /// <param name="sandbox">The folders the sandboxed driver may read and the scratch server's socket folder; null runs node without an operating-system sandbox (--run-project-code-unsandboxed, and the tests of the driver itself).</param>
    /// <param name="explain">Adds to a fatal error what the user can do about it (the flag that passes a variable the knexfile wants).</param>
    /// <returns>The driver once it has loaded knex and the knexfile (it has not connected yet).</returns>
    /// <exception cref="ProjectException">The knexfile cannot load, knex is not installed, or node stopped; the driver is gone.</exception>
    public static KnexDriver Start(string projectRoot, JsonObject knexConnection, JsonObject migrations, IReadOnlyDictionary<string, string> environment, bool allowNetwork = false, DriverProject? project = null, DriverSandbox? sandbox = null, Func<string, string>? explain = null, CancellationToken cancellation = default)
    {
        project ??= new DriverProject(projectRoot, null, null, OwnMigrations: false);

        // A folder of migaudit's own: the driver script in a private part, and, as root, the staging points the sandbox's
        // user passes through (0711: it can reach a known name, not list the folder).
        var run = Directory.CreateTempSubdirectory("migaudit-run-").FullName;
        FileModes.Set(run, FileModes.PassThrough);
        var driverFolder = Path.Combine(run, "private", "driver");
        FileModes.CreateDirectory(Path.Combine(run, "private"), FileModes.OwnerOnly);
        FileModes.CreateDirectory(driverFolder, FileModes.PassThrough);
        var staging = Path.Combine(run, "stage");
        FileModes.CreateDirectory(staging, FileModes.PassThrough);
        var script = Path.Combine(driverFolder, "knex-driver.js");
        using (var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("knex-driver.js")!)
        using (var file = File.Create(script))
        {
            resource.CopyTo(file);
        }

        FileModes.Set(script, FileModes.Readable);
        ProcessStartInfo start;
        if (sandbox is null)
        {
            start = new ProcessStartInfo("node") { WorkingDirectory = projectRoot };
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(projectRoot);
        }
        else
        {
            var layout = new SandboxLayout(sandbox.ReadOnlyFolders, sandbox.SocketFolder, driverFolder, projectRoot, allowNetwork);
            start = NodeSandbox.StartInfo(layout, staging, "node", [Path.Combine(NodeSandbox.DriverInside, "knex-driver.js"), projectRoot]);
        }

        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        // A scrubbed environment: the variables of migaudit's own shell (a production DATABASE_URL, cloud keys) never
        // reach the migrations; only what Node needs, NODE_* and what the caller gives.
        start.Environment.Clear();
        var own = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => new KeyValuePair<string, string>((string)e.Key, (string?)e.Value ?? string.Empty));
        foreach (var (name, value) in Inherited(own, OperatingSystem.IsWindows()))
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = ProcessSpawner.Start(start);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            LocalMachine.TryDeleteFolder(run);
            throw new ProjectException(sandbox is null
                ? "Node.js is not installed: 'migaudit verify' runs the project's own knex with node"
                : $"{start.FileName} could not be started: 'migaudit verify' runs the project's own knex with node inside bubblewrap");
        }

        var output = new OutputTail();
        process.ErrorDataReceived += (_, line) => output.Add(line.Data);
        process.BeginErrorReadLine();

        // The configuration, password included, goes through the pipe: a command line is readable by every local user.
        process.StandardInput.WriteLine(new JsonObject
        {
            ["connection"] = knexConnection,
            ["migrations"] = migrations,
            ["allowNetwork"] = allowNetwork,
            ["packageFolder"] = project.PackageFolder,
            ["knexfile"] = project.Knexfile,
            ["environment"] = project.Environment,
            ["ownMigrations"] = project.OwnMigrations,
        }.ToJsonString());
        process.StandardInput.Flush();
        string?[] secrets = [knexConnection["password"]?.GetValue<string>(), environment.GetValueOrDefault("PGPASSWORD"), Environment.GetEnvironmentVariable("PGPASSWORD")];
        var driver = new KnexDriver(process, run, secrets, output, explain ?? (e => e));
        try
        {
            // Nothing connects while knex and the knexfile load (knex opens its pool at the first query): a knexfile
            // that cannot load is known here, before the caller spends anything on a database.
            driver.AwaitReply("loading the knexfile", LoadTimeout, cancellation);
        }
        catch
        {
            driver.Kill();
            driver.Dispose();
            throw;
        }

        return driver;
    }

    /// <summary>How long node may take to load knex and the knexfile (a TypeScript one through ts-node included).</summary>
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromMinutes(2);

    /// <exception cref="OperationCanceledException">migaudit was interrupted: the driver is killed at once, mid-migration.</exception>
    public DriverReply Send(string op, TimeSpan timeout, CancellationToken cancellation = default)
    {
        var reply = Exchange(new JsonObject { ["op"] = op }, $"knex migrate:{op}", timeout, cancellation);
        return new DriverReply(
            reply["ok"]!.GetValue<bool>(),
            reply["names"] is JsonArray names ? names.Select(n => n!.GetValue<string>()).ToList() : [],
            Redact(reply["error"]?.GetValue<string>()),
            reply["ms"]?.GetValue<long>() ?? 0);
    }

    /// <summary>An error as the project's code wrote it, without the passwords: a migration may throw the connection it was given.</summary>
    private string? Redact(string? error) => error is null ? null : MigAudit.Config.Redaction.Redact(error, secrets);

    /// <summary>
    /// Every pending up in one migrate:latest ("up"), every pending up by migrate:up one migration at a time, each in its
    /// own transaction ("each"), or every applied down in one migrate:rollback --all ("down"), with
    /// a snapshot of the catalog taken inside each migration's transaction, right after it. The driver sends the first
    /// snapshot whole and, after that, the tables it read again and the names they replace.
    /// </summary>
    /// <param name="traceLocks">After each up, also read the locks its transaction holds and the relations' storage files (false: --no-lock-trace).</param>
    /// <param name="fullSnapshots">Read every table again after every step (the tests compare it with reading only what changed).</param>
    public ChainReply SendChain(string direction, string migrationsTable, TimeSpan timeout, CancellationToken cancellation = default, bool traceLocks = true, bool fullSnapshots = false)
    {
        var reply = Exchange(new JsonObject { ["op"] = "chain", ["direction"] = direction, ["snapshotSql"] = SchemaSnapshot.Sql, ["snapshotForTablesSql"] = SchemaSnapshot.SqlForTables, ["tablesMarker"] = SchemaSnapshot.TablesMarker, ["traceLocks"] = traceLocks, ["fullSnapshots"] = fullSnapshots }, $"knex migrate:{direction switch { "up" => "latest", "each" => "up (one migration at a time)", _ => "rollback --all" }}", timeout, cancellation);
        SchemaSnapshot? previous = null;
        var steps = new List<ChainStep>();
        foreach (var step in reply["steps"]!.AsArray())
        {
            var read = SchemaSnapshot.FromRows(step!["rows"]!.AsArray().Select(r => new SnapshotRow(r![0]!.GetValue<int>(), r[1]!.GetValue<string>(), r[2]!.GetValue<string>(), r[3]?.GetValue<string>(), r[4]?.GetValue<int>() ?? 0)), migrationsTable);
            var whole = previous is null || step["full"]?.GetValue<bool>() != false;
            var snapshot = whole ? read : previous!.With(read, step["replaced"]!.AsArray().Select(name => name!.GetValue<string>()));
            previous = snapshot;
            steps.Add(new ChainStep(step["name"]!.GetValue<string>(), step["ms"]!.GetValue<long>(), snapshot)
            {
                WholeSnapshot = whole,
                Locks = step["locks"] is JsonArray locks ? locks.Select(l => new TracedLock(l![0]!.GetValue<string>(), l[1]!.GetValue<string>())).ToList() : null,
                Rewrites = step["rewrites"] is JsonArray rewrites ? rewrites.Select(r => r!.GetValue<string>()).ToList() : [],
                Sql = step["sql"] is JsonArray sql ? sql.Select(q => Redact(q!.GetValue<string>())!).ToList() : [],
            });
        }

        var failed = reply["failed"] is JsonObject f
            ? new ChainFailure(f["name"]!.GetValue<string>(), Redact(f["error"]!.GetValue<string>())!, f["ms"]!.GetValue<long>())
            : null;
        return new ChainReply(reply["ok"]!.GetValue<bool>(), steps, failed, Redact(reply["error"]?.GetValue<string>()), reply["ms"]?.GetValue<long>() ?? 0);
    }

    private JsonNode Exchange(JsonObject command, string what, TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            process.StandardInput.WriteLine(command.ToJsonString());
            process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // The driver has already exited: the reply it left before exiting says why, and is read below.
        }

        return AwaitReply(what, timeout, cancellation);
    }

    /// <summary>The driver's next reply; a fatal one (or none, the driver gone) is the user's error.</summary>
    private JsonNode AwaitReply(string what, TimeSpan timeout, CancellationToken cancellation)
    {
        var line = ReadReplyAsync();
        bool finished;
        try
        {
            finished = line.Wait((int)timeout.TotalMilliseconds, cancellation);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }

        if (!finished)
        {
            throw new TimeoutException($"{what} did not finish within {timeout.TotalSeconds:0} s");
        }

        if (line.Result is null)
        {
            throw new ProjectException(explain(Stopped()));
        }

        var reply = JsonNode.Parse(line.Result)!;
        if (reply["fatal"] is { } fatal)
        {
            // A knexfile that fails to load can quote its connection URL, password and all.
            throw new ProjectException(explain(Redact(fatal.GetValue<string>())!));
        }

        return reply;
    }

    /// <summary>The next protocol line (marked with a record separator); anything else is a migration's own output.</summary>
    private async Task<string?> ReadReplyAsync()
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var marker = line.IndexOf('\u001e', StringComparison.Ordinal);
            if (marker >= 0)
            {
                return line[(marker + 1)..];
            }

            output.Add(line);
        }

        return null;
    }

    /// <summary>
    /// Why the driver ended without a reply, in its own words: its exit code and the last lines it printed (a knexfile
    /// that checks DATABASE_URL and calls process.exit(1) says what it wanted there), passwords masked.
    /// </summary>
    private string Stopped()
    {
        // stdout has ended, so the process is exiting; WaitForExit also drains the asynchronous stderr reader.
        var exited = process.WaitForExit(5000);
        var code = exited ? $" with exit code {process.ExitCode}" : string.Empty;
        var said = output.Lines;
        return said.Count == 0
            ? $"the knex driver stopped unexpectedly{code}, printing nothing"
            : $"the knex driver stopped unexpectedly{code}; its last output (stdout and stderr): {string.Join(" | ", said.Select(l => Redact(l)))}";
    }

    /// <summary>Stops the driver and whatever the migration was doing, without waiting for it.</summary>
    public void Kill()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.WriteLine("{\"op\":\"quit\"}");
                if (!process.WaitForExit(5000))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception error) when (error is IOException or InvalidOperationException)
        {
        }

        process.Dispose();
        LocalMachine.TryDeleteFolder(runFolder);
    }

}
