using System.Text.Json;
using MigAudit.Live;
using MigAudit.Live.Sandbox;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>
/// Hostile migrations against verify's operating-system sandbox and its scratch server, each written the way the
/// security test walked around the old JavaScript-level guards. Where a probe could silently find nothing, the same
/// probe is run with --run-project-code-unsandboxed and must find what it looks for: the probe itself is shown to work.
/// Real PostgreSQL, real knex and pg from npm, bubblewrap.
/// </summary>
public sealed class SandboxAttackTests
{
    private static TempRepo Project(string migration)
    {
        var repo = Audit.Project(("20250101000000_probe.js", migration));
        NodeKnex.LinkInto(repo);
        return repo;
    }

    /// <summary>migaudit in a process of its own, with <paramref name="environment"/> added to its environment.</summary>
    private static Task<CliResult> Migaudit(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        CliRunner.Binary is { } binary
            ? ChildProcess.RunAsync(binary, arguments, environment: environment)
            : ChildProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "migaudit.dll"), .. arguments], environment: environment);

    private static string UpError(CliResult run)
    {
        Assert.True(run.Stdout.StartsWith('{'), run.Stdout + run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations")[0].GetProperty("upError").GetString() ?? "(none)";
    }

    /// <summary>A migration that reports what it found by failing with it: the verify report carries it back.</summary>
    private const string Probe = """
        const fs = require('fs');
        const found = [];
        // Given reversed, so that the sandbox's own environment does not hold it.
        const secret = [...process.env.LOOK_FOR_REVERSED].reverse().join('');
        for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          for (const file of ['environ', 'cmdline']) {
            try { if (fs.readFileSync(`/proc/${pid}/${file}`, 'latin1').includes(secret)) found.push(`${file} of ${pid}`); } catch {}
          }
        }
        try { fs.readFileSync(process.env.HOST_HOME + '/.pgpass', 'utf8'); found.push('the home folder'); } catch {}
        try { fs.writeFileSync(process.env.OUTSIDE + '/written', 'x'); found.push('a write outside'); } catch {}
        try { fs.writeFileSync(__dirname + '/written', 'x'); found.push('a write into the project'); } catch {}
        exports.up = async () => { throw new Error('found: ' + (found.join(', ') || 'nothing')); };
        exports.down = async () => {};
        """;

    [SkippableFact]
    public async Task Project_code_sees_nothing_of_migaudits_environment_command_line_home_or_files_and_writes_nowhere()
    {
        Requires.PostgresAndKnex();
        using var repo = Project(Probe);
        using var home = new TempRepo();
        using var outside = new TempRepo();
        var secret = "s3cret-" + Guid.NewGuid().ToString("n");
        home.Write(".pgpass", $"*:*:*:*:{secret}\n");
        var environment = new Dictionary<string, string?> { ["AWS_SECRET_ACCESS_KEY"] = secret, ["HOME"] = home.Root };
        string[] arguments = ["verify", repo.Root, "--format", "json", "--set", $"HOST_HOME={home.Root}", "--set", $"OUTSIDE={outside.Root}", "--set", "LOOK_FOR_REVERSED=" + new string(secret.Reverse().ToArray())];

        var sandboxed = await Migaudit(environment, arguments);
        Assert.Equal("found: nothing", UpError(sandboxed));
        Assert.False(File.Exists(outside.PathOf("written")));
        Assert.False(File.Exists(repo.PathOf("migrations/written")));

        var unsandboxed = await Migaudit(environment, [.. arguments, "--run-project-code-unsandboxed"]);
        // Without the sandbox the same probe finds migaudit's environment, the home folder and writes where it likes
        // (the --set value it was given is in its own environment too, so it is not counted).
        Assert.Matches("^found: environ of [0-9]+, .*the home folder, a write outside, a write into the project$", UpError(unsandboxed));
        Assert.Contains("UNSANDBOXED", unsandboxed.Stdout, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Child_processes_workers_udp_and_dns_reach_no_other_server()
    {
        Requires.PostgresAndKnex();
        using var other = ThrowawayPostgres.Start(tcp: true);
        using var repo = Project("""
            const { execFileSync } = require('child_process');
            const { Worker } = require('worker_threads');
            const connect = `require('net').connect(Number(process.env.OTHER_PORT), '127.0.0.1').on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(0); })`;
            exports.up = async () => {
              const outcomes = [];
              outcomes.push('child ' + execFileSync(process.execPath, ['-e', connect]).toString().trim());
              outcomes.push('worker ' + await new Promise((resolve) => {
                const worker = new Worker(connect.replace(/console\.log/g, "require('worker_threads').parentPort.postMessage"), { eval: true });
                worker.on('message', resolve);
              }));
              outcomes.push('dns ' + await new Promise((resolve) => require('dns').lookup('example.com', (e) => resolve(e ? e.code : 'resolved'))));
              outcomes.push('udp ' + await new Promise((resolve) => {
                const socket = require('dgram').createSocket('udp4');
                socket.send('x', 53, '1.1.1.1', (e) => { socket.close(); resolve(e ? e.code : 'sent'); });
              }));
              throw new Error(outcomes.join(', '));
            };
            exports.down = async () => {};
            """);
        string[] arguments = ["verify", repo.Root, "--format", "json", "--set", $"OTHER_PORT={other.Port}"];

        var sandboxed = await CliRunner.RunAsync(arguments);
        var unsandboxed = await CliRunner.RunAsync([.. arguments, "--run-project-code-unsandboxed"]);

        // Inside, the network namespace has a loopback of its own where nothing listens, and no route anywhere else.
        Assert.Equal("child ECONNREFUSED, worker ECONNREFUSED, dns EAI_AGAIN, udp ENETUNREACH", UpError(sandboxed));
        Assert.StartsWith("child connected, worker connected, ", UpError(unsandboxed), StringComparison.Ordinal);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task The_chain_runs_as_a_role_that_is_no_superuser_and_reaches_no_other_database()
    {
        Requires.PostgresAndKnex();
        using var repo = Project("""
            exports.up = async (knex) => {
              const outcomes = [];
              for (const sql of ["CREATE EXTENSION dblink", "COPY (SELECT 1) TO PROGRAM 'id'", "ALTER ROLE CURRENT_USER SUPERUSER", "CREATE EXTENSION pgcrypto"]) {
                await knex.raw('SAVEPOINT probe');
                try { await knex.raw(sql); outcomes.push('ok'); await knex.raw('RELEASE SAVEPOINT probe'); } catch (e) { outcomes.push(e.message.replace(/^.* - /, '')); await knex.raw('ROLLBACK TO SAVEPOINT probe'); }
              }
              // A fresh copy of pg, with the startup parameters set directly: past every JavaScript guard.
              for (const name of Object.keys(require.cache)) delete require.cache[name];
              const client = new (require('pg').Client)({ host: process.env.PGHOST, port: Number(process.env.PGPORT), user: process.env.PGUSER, password: process.env.PGPASSWORD, database: 'x' });
              client.connectionParameters.database = 'postgres';
              try { await client.connect(); outcomes.push('connected'); await client.end(); } catch (e) { outcomes.push(e.message); }
              throw new Error(outcomes.join(' | '));
            };
            exports.down = async () => {};
            """);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.Equal(
            "permission denied to create extension \"dblink\" | must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program"
            + " | must be superuser to alter superuser roles or change superuser attribute | ok | permission denied for database \"postgres\""
            + " (dblink reaches outside the database, so migaudit never creates it on the scratch server, where the chain runs as a non-superuser)",
            UpError(run));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Untrusted_extensions_asked_for_if_not_exists_are_created_beforehand_and_named_and_others_fail_with_the_reason()
    {
        Requires.PostgresAndKnex();
        using var repo = Project("""
            exports.up = async (knex) => {
              await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
              await knex.schema.createExtensionIfNotExists('citext');
              await knex.schema.createTable('t', (t) => { t.specificType('email', 'citext'); });
            };
            exports.down = (knex) => knex.schema.dropTable('t');
            """);
        using var plain = Project("exports.up = (knex) => knex.raw('CREATE EXTENSION pageinspect');\nexports.down = () => {};\n");
        using var outward = Project("exports.up = (knex) => knex.raw('CREATE EXTENSION IF NOT EXISTS dblink');\nexports.down = () => {};\n");

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        var plainRun = await CliRunner.RunAsync("verify", plain.Root, "--format", "json");
        var outwardRun = await CliRunner.RunAsync("verify", outward.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Equal(["pg_stat_statements"], JsonDocument.Parse(run.Stdout).RootElement.GetProperty("preparedExtensions").EnumerateArray().Select(e => e.GetString()));
        Assert.EndsWith(
            "permission denied to create extension \"pageinspect\" (pageinspect is not a trusted extension: on the scratch server the chain runs as a non-superuser, and migaudit creates such an extension beforehand only when the migration asks for it with IF NOT EXISTS (a plain CREATE EXTENSION would then fail with 'already exists'))",
            UpError(plainRun),
            StringComparison.Ordinal);
        Assert.EndsWith(
            "permission denied to create extension \"dblink\" (dblink reaches outside the database, so migaudit never creates it on the scratch server, where the chain runs as a non-superuser)",
            UpError(outwardRun),
            StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_detached_process_a_migration_starts_ends_with_verify()
    {
        Requires.PostgresAndKnex();
        var marker = "migaudit-orphan-" + Guid.NewGuid().ToString("n");
        using var repo = Project($$"""
            exports.up = async (knex) => {
              require('child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)', '{{marker}}'], { detached: true, stdio: 'ignore' }).unref();
              await knex.schema.createTable('t', (t) => { t.increments('id'); });
            };
            exports.down = (knex) => knex.schema.dropTable('t');
            """);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--skip-latest-again");
        var orphanGone = await Eventually(() => !Processes.WithCommandLine(marker).Any(), TimeSpan.FromSeconds(10));
        var control = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--skip-latest-again", "--run-project-code-unsandboxed");
        var unsandboxedOrphans = Processes.WithCommandLine(marker).ToList();
        foreach (var pid in unsandboxedOrphans)
        {
            System.Diagnostics.Process.GetProcessById(pid).Kill();
        }

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.True(orphanGone, "the process the migration started outlived verify");
        Assert.True(control.ExitCode == 0, control.Stdout + control.Stderr);
        Assert.Single(unsandboxedOrphans);
    }

    [SkippableFact]
    public async Task During_a_verify_no_other_user_reaches_the_server_and_kill_9_leaves_no_server_or_driver_running()
    {
        Requires.PostgresAndKnex();
        Skip.IfNot(LocalMachine.IsRoot, "switching to another local user needs root");
        using var repo = Project("exports.up = (knex) => knex.raw('select pg_sleep(60)');\nexports.down = () => {};\n");
        var start = CliRunner.Binary is { } binary
            ? new System.Diagnostics.ProcessStartInfo(binary)
            : new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "migaudit.dll")]);
        foreach (var argument in new[] { "verify", repo.Root })
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = start.RedirectStandardError = true;
        using var migaudit = System.Diagnostics.Process.Start(start)!;
        string? folder = null;
        Assert.True(await Eventually(() => (folder = Processes.ThrowawayServerRunningASelect(migaudit.Id)) is not null, TimeSpan.FromSeconds(60)), "the sleeping migration never ran");
        var postmaster = int.Parse(File.ReadAllLines(Path.Combine(folder!, "data", "postmaster.pid"))[0].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var psql = new[] { ThrowawayPostgres.FindBinaries()!, "/usr/bin" }.Select(f => Path.Combine(f, "psql")).First(File.Exists);
        var socket = Path.Combine(folder!, "socket");

        var asNobody = await ChildProcess.RunAsync("runuser", ["-u", "nobody", "--", psql, "-h", socket, "-U", "postgres", "-d", "postgres", "-w", "-c", "select 1"]);
        var asRootWithoutPassword = await ChildProcess.RunAsync(psql, ["-h", socket, "-U", "postgres", "-d", "postgres", "-w", "-c", "select 1"], environment: new Dictionary<string, string?> { ["PGPASSWORD"] = null });
        var serverCommandLine = File.ReadAllText($"/proc/{postmaster}/cmdline").Split('\0');
        System.Diagnostics.Process.Start("kill", ["-9", migaudit.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        var allGone = await Eventually(() => !Directory.Exists($"/proc/{postmaster}") && !Processes.WithCommandLine(repo.Root).Any(), TimeSpan.FromSeconds(20));

        Assert.NotEqual(0, asNobody.ExitCode);
        Assert.Contains("Permission denied", asNobody.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, asRootWithoutPassword.ExitCode);
        Assert.Contains("no password supplied", asRootWithoutPassword.Stderr, StringComparison.Ordinal);
        Assert.Contains("listen_addresses=", serverCommandLine);
        Assert.True(allGone, "the throwaway server or the sandboxed driver outlived a kill -9 of migaudit");
    }

    /// <summary>Waits for a condition, checking it every 50 ms, until <paramref name="limit"/>; whether it came true.</summary>
    private static async Task<bool> Eventually(Func<bool> condition, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}

/// <summary>What /proc shows of the machine's processes.</summary>
internal static class Processes
{
    public static IEnumerable<int> WithCommandLine(string text)
    {
        foreach (var (pid, commandLine) in All())
        {
            if (commandLine.Contains(text, StringComparison.Ordinal) && pid != Environment.ProcessId)
            {
                yield return pid;
            }
        }
    }

    /// <summary>The folder of the throwaway server that migaudit process <paramref name="owner"/> started, once one of its backends runs a SELECT.</summary>
    public static string? ThrowawayServerRunningASelect(int owner)
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), "migaudit-pg-*"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(folder, "owner")).Trim() == owner.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    && File.ReadAllLines(Path.Combine(folder, "data", "postmaster.pid"))[0].Trim() is var postmaster
                    && All().Any(p => Parent(p.Pid) == postmaster && p.CommandLine.Contains("migaudit_verify_", StringComparison.Ordinal) && p.CommandLine.TrimEnd().EndsWith("SELECT", StringComparison.Ordinal)))
                {
                    return folder;
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
            {
                // Not a running server (yet, or any more).
            }
        }

        return null;
    }

    private static string? Parent(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?[5..].Trim();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every process's command line (arguments joined by spaces).</summary>
    public static IEnumerable<string> CommandLines() => All().Select(p => p.CommandLine);

    private static IEnumerable<(int Pid, string CommandLine)> All()
    {
        foreach (var process in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(process), out var pid))
            {
                continue;
            }

            string? commandLine = null;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Gone while being read.
            }

            if (commandLine is not null)
            {
                yield return (pid, commandLine);
            }
        }
    }
}
