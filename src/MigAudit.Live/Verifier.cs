using System.Diagnostics;
using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Live.Sandbox;
using MigAudit.Reporting;
using Npgsql;

namespace MigAudit.Live;

public enum StepStatus
{
    Ok,
    Failed,
    NotRun,
    NotRestored,
}

public sealed record VerifyStep
{
    public required string Migration { get; init; }
    public StepStatus Up { get; init; } = StepStatus.NotRun;
    public string? UpError { get; init; }
    public long UpMilliseconds { get; init; }
    public StepStatus Down { get; init; } = StepStatus.NotRun;
    public string? DownError { get; init; }
    public long DownMilliseconds { get; init; }
    public IReadOnlyList<string> DownDifferences { get; init; } = [];

    /// <summary>The locks the up newly held just before its transaction went on (null: untraced, it ran without a transaction).</summary>
    public IReadOnlyList<TracedLock>? UpLocks { get; init; }

    /// <summary>Tables and indexes the up rewrote (their storage file changed).</summary>
    public IReadOnlyList<string> UpRewrites { get; init; } = [];

    /// <summary>The SQL the up sent in the batch run, as knex sent it (bindings as $n, values not kept).</summary>
    public IReadOnlyList<string> UpSql { get; init; } = [];

    /// <summary>Where the traced locks and the static prediction disagree (see <see cref="LockComparison"/>); null when not compared.</summary>
    public IReadOnlyList<string>? LockDisagreements { get; init; }

    /// <summary>
    /// The locks the up held in its own transaction, every earlier migration committed (latest again, one migration at
    /// a time); null when that pass did not run it or it ran without a transaction.
    /// </summary>
    public IReadOnlyList<TracedLock>? UpLocksAlone { get; init; }

    /// <summary>The up ran in latest again's pass one migration at a time (traced there unless it has no transaction).</summary>
    public bool RanAlone { get; init; }

    /// <summary>Each static lock claim of the up, judged by <see cref="UpLocksAlone"/> (see <see cref="LockClaims"/>).</summary>
    public IReadOnlyList<LockClaim> LockClaims { get; init; } = [];
}

public sealed record VerifyResult
{
    public required IReadOnlyList<VerifyStep> Steps { get; init; }
    public bool? LatestAgain { get; init; }
    public string? LatestAgainError { get; init; }
    public IReadOnlyList<string> StaticModelDifferences { get; init; } = [];

    /// <summary>The static replay compared with the real schema fact by fact; <see cref="StaticModelDifferences"/> is its lines.</summary>
    public StaticComparison StaticComparison { get; init; } = StaticComparison.NotCompared("the chain did not run");
    public required string Server { get; init; }
    public required string Database { get; init; }
    public bool Kept { get; init; }
    public TimeSpan Elapsed { get; init; }

    /// <summary>--skip-latest-again: the final migrate:latest was not asked for.</summary>
    public bool LatestAgainSkipped { get; init; }

    /// <summary>Untrusted extensions migaudit created in the scratch database before the chain, which its role could not.</summary>
    public IReadOnlyList<string> PreparedExtensions { get; init; } = [];

    /// <summary>Where the project's code ran, and what that covers.</summary>
    public string Isolation { get; init; } = string.Empty;

    /// <summary>
    /// What the knexfile names as its client when that is not PostgreSQL, and what verify did: it always runs knex's pg
    /// client against its scratch PostgreSQL, so for a project that runs SQLite or MySQL its answers are PostgreSQL's.
    /// Null when the client is PostgreSQL.
    /// </summary>
    public string? Client { get; init; }

    /// <summary>
    /// Why knex's migrate:latest failed outside every migration's up (an invalid migration in the list, a corrupt
    /// migration directory): the batch never started, and no migration is blamed for it. Null otherwise.
    /// </summary>
    public string? BatchError { get; init; }

    /// <summary>--no-lock-trace: no up's locks or rewrites were read.</summary>
    public bool LockTracingSkipped { get; init; }

    /// <summary>Why no up was traced in its own transaction (every lock claim untraceable), or null when they were.</summary>
    public string? LockClaimsWhyUntraced { get; init; }

    public int ClaimsCount(LockClaimVerdict verdict) => Steps.Sum(s => s.LockClaims.Count(c => c.Verdict == verdict));

    public bool Passed => BatchError is null && Steps.All(s => s.Up == StepStatus.Ok && s.Down == StepStatus.Ok) && (LatestAgain == true || LatestAgainSkipped);
}

/// <summary>
/// 'migaudit verify': runs the chain for real with the project's own knex on a scratch database migaudit creates
/// (migaudit_verify_&lt;random&gt;) and drops afterwards — each migration up with a schema snapshot after it, then each
/// down in reverse compared with the snapshot before its up, then latest again. It never touches another database:
/// the connection variables the project reads are pointed at the scratch database for the driver process.
/// </summary>
/// <param name="Variables">What the migrations need (--env-file, --set); connection URLs among them are pointed at the scratch database.</param>
/// <param name="AllowNetwork">Lets migrations reach hosts other than the scratch server.</param>
/// <param name="LatestAgain">After every down, run migrate:latest once more (the default): downs that leave something behind make it fail.</param>
/// <param name="TraceLocks">After each up, read the locks its transaction holds and the relations it rewrote (the default); --no-lock-trace turns it off.</param>
/// <param name="Unsandboxed">--run-project-code-unsandboxed: run node without the operating-system sandbox (only where none can be built, and said in the report).</param>
public sealed record VerifyOptions(IReadOnlyDictionary<string, string> Variables, bool AllowNetwork = false, bool LatestAgain = true, bool TraceLocks = true, bool Unsandboxed = false)
{
    public static readonly VerifyOptions None = new(new Dictionary<string, string>());
}

public static partial class Verifier
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    /// <param name="cancellation">An interruption (SIGINT, SIGTERM): the driver is killed, and the scratch database dropped and the throwaway server removed unless <paramref name="keep"/>, before <see cref="OperationCanceledException"/> leaves.</param>
    /// <exception cref="ProjectException">No operating-system sandbox can be built here and the caller did not ask to run without one.</exception>
    public static async Task<VerifyResult> RunAsync(AuditResult audit, string? databaseUrl, bool keep, IProgress<string>? progress = null, VerifyOptions? options = null, CancellationToken cancellation = default)
    {
        options ??= VerifyOptions.None;
        var clock = Stopwatch.StartNew();
        if (!options.Unsandboxed && NodeSandbox.WhyUnavailable is { } why)
        {
            throw new ProjectException($"'migaudit verify' runs the project's own code only inside an operating-system sandbox, and none can be built here: {why}. To run the migrations without one, where they can read your files, your environment's secrets and your network as you can, pass --run-project-code-unsandboxed");
        }

        ThrowawayPostgres.Reservation? reservation = null;
        ThrowawayPostgres? server = null;
        DatabaseProxy? proxy = null;
        string? admin = null;
        string serverText;
        Chain chain;
        var database = "migaudit_verify_" + Guid.NewGuid().ToString("n")[..10];
        if (databaseUrl is null)
        {
            // Only the folder for now: the server starts once the knexfile has loaded.
            reservation = ThrowawayPostgres.Reserve();
            serverText = OperatingSystem.IsWindows() ? $"throwaway PostgreSQL on 127.0.0.1:{reservation.Port}" : "throwaway PostgreSQL on a private Unix socket";
            chain = new Chain(reservation.Host, reservation.Port, ChainRole, LocalMachine.NewSecret(), OwnRole: true);
        }
        else
        {
            admin = ToConnectionString(databaseUrl);
            var builder = new NpgsqlConnectionStringBuilder(admin);
            RefuseTlsTheDriverCannotKeep(builder);
            serverText = $"{builder.Host}:{builder.Port} (user {builder.Username})";
            chain = new Chain(builder.Host!, builder.Port, builder.Username ?? "postgres", builder.Password, OwnRole: false);
        }

        var run = options.Unsandboxed ? null : Directory.CreateTempSubdirectory("migaudit-proxy-").FullName;
        try
        {
            if (run is not null && reservation is null)
            {
                // The sandbox has no network: the one server the URL names is reached through a socket migaudit relays.
                FileModes.Set(run, FileModes.PassThrough);
                proxy = DatabaseProxy.Start(run, chain.Host, chain.Port);
            }

            // The knexfile is loaded before anything slow (initdb, the server, the database): one that cannot load fails
            // in the time node takes to start. knex connects only when the chain's first query needs a connection.
            progress?.Report("loading the knexfile");
            using var driver = StartDriver(audit, database, chain, proxy?.Folder ?? reservation?.SocketDirectory, options, cancellation);
            if (reservation is not null)
            {
                progress?.Report("starting a throwaway PostgreSQL server");
                server = reservation.Start();
                admin = server.ConnectionString;
            }

            var scratch = new NpgsqlConnectionStringBuilder(admin) { Database = database, Pooling = false }.ConnectionString;
            var created = CreateAsync(admin!, database, chain, server is null ? [] : ScratchExtensions.AskedFor(MigrationTexts(audit)));
            try
            {
                var steps = await RunChainAsync(audit, scratch, chain, driver, created, progress, options, cancellation);
                return steps with
                {
                    Server = serverText,
                    Database = database,
                    Kept = keep,
                    Elapsed = clock.Elapsed,
                    Isolation = Isolation(options, server is not null),
                    Client = ClientNote(audit.Input.Project.Dialect),
                };
            }
            finally
            {
                // Whatever went wrong meanwhile, the CREATE is let finish first: a DROP that ran before its commit would find
                // nothing, and the database would be left behind.
                await created.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                driver.Dispose();
                if (!keep)
                {
                    await DropAsync(admin!, database);
                }
            }
        }
        finally
        {
            // A throwaway server cannot be kept: it listens on a private socket and dies with migaudit anyway.
            server?.Dispose();
            reservation?.Dispose();
            proxy?.Dispose();
            if (run is not null)
            {
                LocalMachine.TryDeleteFolder(run);
            }
        }
    }

    /// <summary>The role the chain runs as on a throwaway server: it owns the scratch database and nothing else.</summary>
    private const string ChainRole = "migaudit_chain";

    /// <summary>Where and as whom the driver connects: a socket folder (throwaway) or the URL's host, and the role.</summary>
    private sealed record Chain(string Host, int Port, string User, string? Password, bool OwnRole);

    /// <summary>
    /// The driver reaches a --database server through migaudit's relay (or, unsandboxed, with only host, port, user and
    /// password), without TLS: a URL that requires TLS is refused rather than have the migrations' connection, password
    /// included, cross the network in plaintext.
    /// </summary>
    private static void RefuseTlsTheDriverCannotKeep(NpgsqlConnectionStringBuilder builder)
    {
        if (builder.SslMode is SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull && !builder.Host!.StartsWith('/'))
        {
            throw new ProjectException($"verify cannot keep sslmode={builder.SslMode switch { SslMode.Require => "require", SslMode.VerifyCA => "verify-ca", _ => "verify-full" }} for the migrations' own connection (knex reaches the server through a relay without TLS), so it stops rather than send it in plaintext; drift and plan keep it");
        }
    }

    /// <summary>What the report says about where the project's code ran.</summary>
    private static string Isolation(VerifyOptions options, bool throwaway) => options.Unsandboxed
        ? "UNSANDBOXED (--run-project-code-unsandboxed): the migrations ran as migaudit's user, able to read its files and reach its network; only JavaScript-level guards stood in their way"
        : (throwaway
            ? "sandboxed (bubblewrap): no network, a read-only view of the system and the project, no view of migaudit's process or home; the chain ran as a non-superuser role that owns only the scratch database"
            : "sandboxed (bubblewrap): no network but the given server, reached through a socket migaudit relays; the chain ran as the URL's role, so it could reach whatever that role can on that server")
        + (options.AllowNetwork ? "; --allow-network shared the machine's network with it" : string.Empty);

    /// <returns>The untrusted extensions migaudit created in the scratch database for the chain (see <see cref="ScratchExtensions"/>).</returns>
    private static async Task<IReadOnlyList<string>> CreateAsync(string admin, string database, Chain chain, IReadOnlyList<string> extensions)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        var statements = new List<string>();
        if (chain.OwnRole)
        {
            // A throwaway server's chain runs as a role that owns the scratch database and nothing else: no superuser
            // (no COPY ... TO PROGRAM, no untrusted extensions such as dblink), no connection to the server's other
            // databases. A database owner may still create trusted extensions (pgcrypto, citext, uuid-ossp...).
            statements.Add($"CREATE ROLE {Quoting.SqlIdentifier(chain.User)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {Quoting.SqlLiteral(chain.Password!)}");
            statements.Add("REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC");
            statements.Add($"CREATE DATABASE {Quoting.SqlIdentifier(database)} OWNER {Quoting.SqlIdentifier(chain.User)}");
        }
        else
        {
            statements.Add($"CREATE DATABASE {Quoting.SqlIdentifier(database)}");
        }

        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync();
        }

        return chain.OwnRole
            ? await ScratchExtensions.PrepareAsync(new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString, extensions)
            : [];
    }

    /// <summary>The text of each migration file, for the extensions they ask for; a file that cannot be read asks for none.</summary>
    private static IEnumerable<string> MigrationTexts(AuditResult audit)
    {
        foreach (var migration in audit.Input.Migrations)
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(audit.Input.Project.Root, migration.Path));
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            yield return text;
        }
    }

    /// <summary>
    /// The knex driver for the chain, its knexfile loaded: the connection variables the project reads point at the
    /// scratch database (not created yet: knex connects at the chain's first query).
    /// </summary>
    /// <param name="socketFolder">The throwaway server's (reserved) socket folder or the relay's; null for an unsandboxed --database.</param>
    private static KnexDriver StartDriver(AuditResult audit, string databaseName, Chain chain, string? socketFolder, VerifyOptions options, CancellationToken cancellation)
    {
        // Inside the sandbox the server is a socket folder at a fixed path; without one, the folder or host as it is.
        var host = options.Unsandboxed ? (socketFolder ?? chain.Host) : NodeSandbox.SocketInside;
        var port = options.Unsandboxed && socketFolder is null ? chain.Port : 5432;
        var credentials = Uri.EscapeDataString(chain.User) + (chain.Password is { Length: > 0 } p ? ":" + Uri.EscapeDataString(p) : string.Empty);
        var address = host.StartsWith('/')
            ? $"{credentials}@localhost:{port}/{databaseName}?host={Uri.EscapeDataString(host)}"
            : $"{credentials}@{(host.Contains(':') ? $"[{host}]" : host)}:{port}/{databaseName}";
        var url = $"{UrlScheme(audit, options)}://{address}";

        // The user's variables first; a database URL among them points at the scratch database like the rest, in the
        // scheme it was written with (a knexfile may insist on postgresql:// and exit on postgres://).
        var environment = options.Variables.ToDictionary(v => v.Key, v => IsDatabaseUrl(v.Value) ? $"{SchemeOf(v.Value)}://{address}" : v.Value, StringComparer.Ordinal);
        foreach (var (name, value) in new Dictionary<string, string>
        {
            ["DATABASE_URL"] = url,
            ["PGHOST"] = host,
            ["PGPORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = chain.User,
            ["PGDATABASE"] = databaseName,
        })
        {
            environment[name] = value;
        }

        environment.TryAdd("NODE_ENV", audit.Input.Project.Environment ?? "production");
        if (chain.Password is { Length: > 0 } password)
        {
            environment["PGPASSWORD"] = password;
        }

        // Connection variables the project reads (DB_URL, DATABASE_URI...) also point at the scratch database.
        foreach (var scenario in audit.Input.Configuration.Scenarios.Where(s => s.Id == ScenarioIds.Production))
        {
            foreach (var (name, value) in scenario.Variables.Where(v => IsDatabaseUrl(v.Value)))
            {
                environment[name] = url;
            }
        }

        var settings = audit.Input.Project.Settings;
        var root = audit.Input.Project.Root;
        var migrations = new JsonObject
        {
            ["directory"] = JsonNodes.Strings(settings.Directories.Select(d => Path.GetFullPath(Path.Combine(root, d)))),
            ["tableName"] = settings.TableName,
            ["loadExtensions"] = JsonNodes.Strings(settings.LoadExtensions),
            ["sortDirsSeparately"] = settings.SortDirsSeparately,
        };
        if (settings.SchemaName is not null)
        {
            migrations["schemaName"] = settings.SchemaName;
        }

        var connection = new JsonObject
        {
            ["host"] = host,
            ["port"] = port,
            ["user"] = chain.User,
            ["database"] = databaseName,
        };
        if (chain.Password is { Length: > 0 } secret)
        {
            connection["password"] = secret;
        }

        var driverProject = DriverProjectOf(audit.Input.Project);
        var sandbox = options.Unsandboxed ? null : new DriverSandbox(SandboxFolders(audit, driverProject), socketFolder!);
        return KnexDriver.Start(root, connection, migrations, environment, options.AllowNetwork, driverProject, sandbox, error => Explain(error, options)!, cancellation);
    }

    private static async Task<VerifyResult> RunChainAsync(AuditResult audit, string scratch, Chain chain, KnexDriver driver, Task<IReadOnlyList<string>> created, IProgress<string>? progress, VerifyOptions options, CancellationToken cancellation)
    {
        var settings = audit.Input.Project.Settings;
        var names = audit.Input.Migrations.Select(m => m.Name).ToList();
        var steps = names.Select(n => new VerifyStep { Migration = n }).ToArray();
        var preparedExtensions = await created;
        var snapshots = new List<SchemaSnapshot>();
        await using var database = new NpgsqlConnection(scratch);
        await database.OpenAsync(cancellation);
        snapshots.Add(await SchemaSnapshot.ReadAsync(database, settings.TableName));
        var chainTimeout = StepTimeout + TimeSpan.FromMinutes(names.Count);

        // Every up in one migrate:latest, as production runs a fresh database: all pending migrations in one
        // transaction unless one opts out. Each migration's snapshot is taken inside that transaction, right after it.
        var up = driver.SendChain("up", settings.TableName, chainTimeout, cancellation, options.TraceLocks);
        string? batchError = null;
        var applied = 0;
        foreach (var step in up.Steps)
        {
            var i = applied++;
            progress?.Report($"[{i + 1}/{names.Count}] up   {names[i]}: ok ({step.Milliseconds} ms)");
            steps[i] = steps[i] with
            {
                Up = StepStatus.Ok,
                UpMilliseconds = step.Milliseconds,
                UpError = step.Name != names[i] ? $"knex ran {step.Name} here, migaudit expected {names[i]}" : null,
                UpLocks = step.Locks,
                UpRewrites = step.Rewrites,
                UpSql = step.Sql,
            };
            snapshots.Add(step.Snapshot);
        }

        if (up.Ok && applied < names.Count)
        {
            steps[applied] = steps[applied] with
            {
                Up = StepStatus.Failed,
                UpError = $"knex ran {applied} migrations and stopped: it does not list {names[applied]} (migaudit lists {names.Count})",
            };
        }
        else if (!up.Ok && applied < names.Count)
        {
            if (up.Failed is { } failed)
            {
                progress?.Report($"[{applied + 1}/{names.Count}] up   {names[applied]}: FAILED ({failed.Milliseconds} ms)");
                steps[applied] = steps[applied] with
                {
                    Up = StepStatus.Failed,
                    UpError = Explain(failed.Error, options),
                    UpMilliseconds = failed.Milliseconds,
                };
            }
            else
            {
                // No migration's up was running: knex refused the batch itself (it validates every pending migration
                // before running any, and checks the list against its table), so no migration is to blame for it.
                batchError = Explain(up.Error ?? "migrate:latest failed", options);
                progress?.Report($"knex refused the batch: {batchError}");
            }

            // What the failed batch rolled back is applied again one migration at a time, so that each down is still tried.
            var committed = await CountAppliedAsync(database, settings);
            for (var i = committed; i < applied; i++)
            {
                var again = driver.Send("up", StepTimeout, cancellation);
                if (!again.Ok)
                {
                    steps[i] = steps[i] with { Up = StepStatus.Failed, UpError = Explain(again.Error, options) };
                    applied = i;
                    break;
                }
            }
        }

        var finalSnapshot = snapshots[^1];
        // Compared before the downs, while the chain's schema (its enum types, its extensions) is in the database for
        // the probe of the replay's types; only a complete chain is compared: the replay models the last migration's schema.
        var comparison = applied == names.Count && batchError is null
            ? await StaticComparison.RunAsync(audit.Input.Schema.Schema, finalSnapshot, database, audit.Input.Project.IdentifierTransform, chain.OwnRole ? chain.User : null)
            : StaticComparison.NotCompared(applied < names.Count ? $"the chain stopped before {names[applied]}: the replay's schema is that of the whole chain" : "knex refused the batch");
        var downOk = true;

        // Every down in one migrate:rollback --all (each in its own transaction, as Knex runs a rollback). Each down is
        // judged on the changes: what it changed against the inverse of what its own up changed (see DownComparison),
        // so a fault is reported once, at the down that made it, and not again at every down after it.
        if (applied > 0)
        {
            var down = driver.SendChain("down", settings.TableName, chainTimeout, cancellation);
            var beforeDown = snapshots[applied];
            var i = applied - 1;
            foreach (var step in down.Steps.Take(applied))
            {
                progress?.Report($"[{i + 1}/{names.Count}] down {names[i]}: ok ({step.Milliseconds} ms)");
                var differences = DownComparison.Differences(snapshots[i], snapshots[i + 1], beforeDown, step.Snapshot);
                beforeDown = step.Snapshot;
                steps[i] = steps[i] with
                {
                    Down = differences.Count == 0 ? StepStatus.Ok : StepStatus.NotRestored,
                    DownMilliseconds = step.Milliseconds,
                    DownDifferences = differences,
                };
                i--;
            }

            if (!down.Ok && i >= 0)
            {
                progress?.Report($"[{i + 1}/{names.Count}] down {names[i]}: FAILED");
                steps[i] = steps[i] with { Down = StepStatus.Failed, DownError = Explain(down.Failed?.Error ?? down.Error, options), DownMilliseconds = down.Failed?.Milliseconds ?? 0 };
                downOk = false;
            }
        }

        bool? latestAgain = null;
        string? latestError = null;
        string? eachWhyNot = !options.TraceLocks ? "--no-lock-trace"
            : !options.LatestAgain ? "--skip-latest-again: the chain did not go up again one migration at a time"
            : applied < names.Count || !downOk || batchError is not null ? "the chain did not go up and down cleanly, so it did not go up again one migration at a time"
            : null;
        if (applied == names.Count && downOk && options.LatestAgain && options.TraceLocks)
        {
            // Latest again, one migration at a time: each up in its own transaction after every earlier one committed,
            // as an existing database meets it. Its locks are its own: in the batch, a table an earlier migration
            // created is already held ACCESS EXCLUSIVE, so a later migration's lock on it shows nowhere.
            var each = driver.SendChain("each", settings.TableName, chainTimeout, cancellation, traceLocks: true);
            for (var k = 0; k < each.Steps.Count && k < names.Count; k++)
            {
                steps[k] = steps[k] with { RanAlone = each.Steps[k].Name == names[k], UpLocksAlone = each.Steps[k].Name == names[k] ? each.Steps[k].Locks : null };
            }

            var ok = each.Ok && each.Steps.Count == names.Count;
            progress?.Report($"up again, one migration at a time: {(ok ? "ok" : "FAILED")} ({each.Milliseconds} ms)");
            (latestAgain, latestError) = (ok, ok ? null : Explain(each.Failed is { } f ? $"{f.Name}: {f.Error}" : each.Error ?? $"knex ran {each.Steps.Count} of {names.Count} migrations", options));
        }
        else if (applied == names.Count && downOk && options.LatestAgain)
        {
            var reply = driver.Send("latest", StepTimeout, cancellation);
            progress?.Report($"latest again: {(reply.Ok ? "ok" : "FAILED")} ({reply.Milliseconds} ms)");
            (latestAgain, latestError) = (reply.Ok, reply.Ok ? null : Explain(reply.Error, options));
        }

        return new VerifyResult
        {
            PreparedExtensions = preparedExtensions,
            Steps = LockClaims.Judge(LockComparison.WithDisagreements(steps, audit), audit, eachWhyNot),
            LockClaimsWhyUntraced = eachWhyNot,
            LatestAgain = latestAgain,
            LatestAgainError = latestError,
            BatchError = batchError,
            LatestAgainSkipped = !options.LatestAgain,
            LockTracingSkipped = !options.TraceLocks,
            StaticModelDifferences = comparison.Lines,
            StaticComparison = comparison,
            Server = string.Empty,
            Database = string.Empty,
        };
    }

    /// <summary>How many migrations the migrations table records: what a failed batch left committed.</summary>
    private static async Task<int> CountAppliedAsync(NpgsqlConnection database, MigrationSettings settings)
    {
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Quoting.SqlQualified(settings.SchemaName, settings.TableName)}", database);
        try
        {
            return Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>The knexfile's folder holds the package (server/package.json beside server/knexfile.js in a monorepo).</summary>
    public static DriverProject DriverProjectOf(KnexProject project)
    {
        var knexfile = project.Knexfile is { } file ? Path.GetFullPath(Path.Combine(project.Root, file.Path)) : null;
        return new DriverProject(
            knexfile is null ? project.Root : Path.GetDirectoryName(knexfile)!,
            knexfile,
            project.Knexfile is { SingleConfiguration: false } ? project.Environment : null,
            OwnMigrations: project.Settings.Source == ConfigSource.Knexfile && knexfile is not null && !knexfile.EndsWith(".json", StringComparison.Ordinal));
    }

    /// <summary>
    /// What the sandboxed driver reads: the repository (a monorepo's hoisted node_modules and shared config included), the
    /// real folders of node_modules links on the way up from the package (npm link, pnpm, a workspace link), and node's
    /// own install when it is outside /usr.
    /// </summary>
    private static List<string> SandboxFolders(AuditResult audit, DriverProject project)
    {
        var folders = new List<string> { audit.Input.Git.TopLevel ?? audit.Input.Project.Root, audit.Input.Project.Root };
        for (var directory = new DirectoryInfo(project.PackageFolder); directory is not null; directory = directory.Parent)
        {
            var modules = new DirectoryInfo(Path.Combine(directory.FullName, "node_modules"));
            if (modules.Exists && modules.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                folders.Add(target.FullName);
            }
        }

        if (NodeSandbox.NodeInstallFolder() is { } node)
        {
            folders.Add(node);
        }

        return folders;
    }

    /// <summary>Whether the project's knex can be required from its package folder (or a folder above it, as Node looks).</summary>
    public static bool KnexInstalled(KnexProject project)
    {
        for (var directory = new DirectoryInfo(DriverProjectOf(project).PackageFolder); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "node_modules", "knex", "package.json")))
            {
                return true;
            }
        }

        return false;
    }

    private static string? ClientNote(DialectInfo dialect) => dialect.IsPostgreSQL ? null
        : dialect.Dialect == SqlDialect.Unknown
            ? $"the project's database is unknown ({dialect.Source}): verify ran the migrations with knex's pg client on PostgreSQL"
            : $"the project's database is {dialect.Describe()}: verify ran the migrations with knex's pg client on PostgreSQL instead, so what it says holds for PostgreSQL, not for that database";

    private static bool IsDatabaseUrl(string value) =>
        value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>postgres or postgresql, as the URL spells it (pg reads both; a project's own check may accept one).</summary>
    private static string SchemeOf(string url) => url[..url.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant();

    /// <summary>
    /// The scheme of the DATABASE_URL migaudit gives the migrations: the one the project writes. pg accepts both, but a
    /// knexfile that checks its URL (<c>if (!url.startsWith('postgresql://')) process.exit(1)</c>) accepts only its own:
    /// the user's --set URL, else the spelling the knexfile's text uses (the configuration's scenarios hold migaudit's own
    /// stand-in URLs, which say nothing of the project's).
    /// </summary>
    private static string UrlScheme(AuditResult audit, VerifyOptions options)
    {
        if (options.Variables.Values.FirstOrDefault(IsDatabaseUrl) is { } given)
        {
            return SchemeOf(given);
        }

        string text;
        try
        {
            text = audit.Input.Project.Knexfile is { } knexfile ? File.ReadAllText(Path.Combine(audit.Input.Project.Root, knexfile.Path)) : string.Empty;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            text = string.Empty;
        }

        return text.Contains("postgresql://", StringComparison.Ordinal) && !text.Contains("postgres://", StringComparison.Ordinal) ? "postgresql" : "postgres";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(?<name>[A-Z][A-Z0-9_]{2,})\b[^.\n:]{0,60}\b(?:environment variable|env var|is not set|must be set|needs to be set|is required|is missing|undefined)|(?:environment variable|env var|missing|required|set)\s+['""`]?(?<name2>[A-Z][A-Z0-9_]{2,})\b")]
    private static partial System.Text.RegularExpressions.Regex MissingVariable();

    /// <summary>
    /// A migration's error as the report shows it: connection strings and passwords redacted, and when it names an
    /// environment variable the migrations need, the flag that passes one.
    /// </summary>
    public static string? Explain(string? error, VerifyOptions options)
    {
        if (error is null)
        {
            return null;
        }

        var text = MigAudit.Config.Redaction.Redact(error);
        var match = MissingVariable().Match(error);
        var name = match.Groups["name"].Success ? match.Groups["name"].Value : match.Groups["name2"].Value;
        if (ScratchExtensions.Explain(error) is { } extension)
        {
            return $"{text} ({extension})";
        }

        return match.Success && !options.Variables.ContainsKey(name)
            ? $"{text} (the migrations run with a scrubbed environment: pass {name} with --set {name}=VALUE or --env-file FILE)"
            : text;
    }

    /// <summary>
    /// Where the static replay's model disagrees with the real schema by table, column and index names and foreign key
    /// counts (drift's read-only comparison: verify compares every fact, see <see cref="StaticComparison"/>). Only
    /// what the replay says it knows is compared; what it marks unknown is neither present nor absent.
    /// </summary>
    /// <param name="transform">The knexfile's wrapIdentifier: the replay keeps names as the migrations write them, the database has them renamed.</param>
    public static IReadOnlyList<string> CompareWithStatic(SchemaModel model, SchemaSnapshot real, IdentifierTransform transform = IdentifierTransform.None)
    {
        if (transform == IdentifierTransform.SnakeCase)
        {
            model = StaticComparison.Renamed(model, IdentifierCase.SnakeCase);
        }

        var differences = new List<string>();
        foreach (var table in real.Tables.Keys.Where(t => model.Table(t) is null && model.Unknown is null && !model.UnknownTables.ContainsKey(t)).Order(StringComparer.Ordinal))
        {
            differences.Add($"table {table} exists in the database but not in the static model");
        }

        foreach (var table in model.Tables.Values.Where(t => !real.Tables.ContainsKey(t.Name) && model.ExistenceKnown(t)).Select(t => t.Name).Order(StringComparer.Ordinal))
        {
            differences.Add($"table {table} is in the static model but not in the database");
        }

        foreach (var (name, table) in model.Tables.Where(t => real.Tables.ContainsKey(t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var realColumns = real.Tables[name].Columns.Select(c => c.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
            var modelColumns = table.Columns.Where(c => model.Knows(table, c.Origin)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            if (model.UncertaintyOf(table) is null)
            {
                differences.AddRange(realColumns.Except(table.Columns.Select(c => c.Name)).Order(StringComparer.Ordinal).Select(c => $"column {name}.{c} exists in the database but not in the static model"));
            }

            differences.AddRange(modelColumns.Except(realColumns).Order(StringComparer.Ordinal).Select(c => $"column {name}.{c} is in the static model but not in the database"));
            var realIndexes = real.Tables[name].Indexes.Select(i => i.Split(':')[0]).Where(i => !i.EndsWith("_pkey", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
            var modelIndexes = table.Indexes.Where(i => model.KnowsIndex(table, i.Origin)).Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
            if (model.IndexesKnown(table))
            {
                differences.AddRange(realIndexes.Except(table.Indexes.Select(i => i.Name)).Order(StringComparer.Ordinal).Select(i => $"index {i} on {name} exists in the database but not in the static model"));
            }

            differences.AddRange(modelIndexes.Except(realIndexes).Order(StringComparer.Ordinal).Select(i => $"index {i} on {name} is in the static model but not in the database"));
            var realForeignKeys = real.Tables[name].Constraints.Count(c => c.Contains("FOREIGN KEY", StringComparison.Ordinal));
            if (model.IsKnown(table) && realForeignKeys != table.ForeignKeys.Count)
            {
                differences.Add($"{name} has {realForeignKeys} foreign keys in the database, {table.ForeignKeys.Count} in the static model");
            }
        }

        return differences;
    }

    private static async Task DropAsync(string admin, string database)
    {
        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Quoting.SqlIdentifier(database)} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server may be gone already (throwaway stopped): nothing left to drop.
        }
    }

    /// <summary>--database as an Npgsql connection string: libpq's URI or keyword=value, resolved as libpq resolves it (see <see cref="ConnectionUrl"/>).</summary>
    /// <exception cref="ProjectException">A parameter migaudit does not honour, a malformed address, a missing service.</exception>
    public static string ToConnectionString(string url) => ConnectionUrl.Parse(url).ConnectionString;

    /// <summary>Why the database address cannot be used (one line that never quotes it: it may hold a password), or null.</summary>
    public static string? AddressProblem(string url)
    {
        try
        {
            ConnectionUrl.Parse(url);
            return null;
        }
        catch (ProjectException problem)
        {
            return problem.Message;
        }
    }
}
