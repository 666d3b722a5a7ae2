using System.Text.Json;
using MigAudit.Live;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>
/// verify runs project code against the scratch database and nothing else: a scrubbed environment, sockets only to
/// the scratch server, the project's pg only to the scratch database, credentials never on a command line. Real
/// PostgreSQL servers and real knex and pg from npm.
/// </summary>
public sealed class VerifySafetyTests
{
    private static TempRepo Project(params (string Name, string Content)[] migrations)
    {
        var repo = Audit.Project(migrations);
        NodeKnex.LinkInto(repo);
        return repo;
    }

    private static string Connecting(string clientOptions) => $$"""
        const { Client } = require('pg');
        exports.up = async (knex) => {
          const client = new Client({{clientOptions}});
          await client.connect();
          await client.query('CREATE TABLE hacked (id int)');
          await client.end();
          await knex.schema.createTable('harmless', (t) => { t.increments('id'); });
        };
        exports.down = (knex) => knex.schema.dropTable('harmless');
        """;

    private static async Task<bool> HasTable(ThrowawayPostgres server, string table)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename = @name", connection);
        query.Parameters.AddWithValue("name", table);
        return (long)(await query.ExecuteScalarAsync())! > 0;
    }

    private static JsonElement FirstMigration(CliResult run) => JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations")[0];

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_migration_that_connects_to_another_server_is_refused_and_that_server_is_untouched()
    {
        Requires.PostgresAndKnex();
        using var other = ThrowawayPostgres.Start(tcp: true);
        using var repo = Project(("20250101000000_sneaky.js", Connecting("{ host: '127.0.0.1', port: Number(process.env.OTHER_PORT), user: 'postgres', database: 'postgres' }")));

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--set", $"OTHER_PORT={other.Port}");

        Assert.Equal(1, run.ExitCode);
        var migration = FirstMigration(run);
        Assert.Equal("failed", migration.GetProperty("up").GetString());
        Assert.StartsWith($"migaudit verify refused a connection to 127.0.0.1:{other.Port}: migrations run only against the scratch database", migration.GetProperty("upError").GetString());
        Assert.False(await HasTable(other, "hacked"));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Another_database_on_the_scratch_server_itself_is_refused()
    {
        Requires.PostgresAndKnex();
        using var server = ThrowawayPostgres.Start(tcp: true);
        using var repo = Project(("20250101000000_sneaky.js", Connecting("{ host: process.env.PGHOST, port: Number(process.env.PGPORT), user: 'postgres', database: 'postgres' }")));

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--database", server.Url());

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("migaudit verify refused a connection to database \"postgres\": migrations run only against the scratch database migaudit_verify_", FirstMigration(run).GetProperty("upError").GetString());
        Assert.False(await HasTable(server, "hacked"));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Another_database_on_the_scratch_server_through_postgres_js_or_mysql2_is_refused()
    {
        Requires.PostgresAndKnex();
        using var server = ThrowawayPostgres.Start(tcp: true);
        using var postgresJs = Project(("20250101000000_postgres_js.js", """
            const postgres = require('postgres');
            exports.up = async (knex) => {
              const sql = postgres({ host: process.env.PGHOST, port: Number(process.env.PGPORT), user: 'postgres', database: 'postgres' });
              await sql`CREATE TABLE hacked (id int)`;
              await sql.end();
            };
            exports.down = async () => {};
            """));
        using var mysql2 = Project(("20250101000000_mysql2.js", """
            const mysql = require('mysql2/promise');
            exports.up = async () => {
              const connection = await mysql.createConnection({ host: process.env.PGHOST, port: Number(process.env.PGPORT), database: 'shop' });
              await connection.query('CREATE TABLE hacked (id int)');
            };
            exports.down = async () => {};
            """));
        var database = server.Url();

        var viaPostgresJs = await CliRunner.RunAsync("verify", postgresJs.Root, "--format", "json", "--database", database);
        var viaMysql2 = await CliRunner.RunAsync("verify", mysql2.Root, "--format", "json", "--database", database);

        Assert.StartsWith("migaudit verify refused a connection to database \"postgres\": migrations run only against the scratch database migaudit_verify_", FirstMigration(viaPostgresJs).GetProperty("upError").GetString());
        Assert.StartsWith("migaudit verify refused a connection to database \"shop\": migrations run only against the scratch database migaudit_verify_", FirstMigration(viaMysql2).GetProperty("upError").GetString());
        Assert.False(await HasTable(server, "hacked"));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_database_url_in_the_env_file_points_at_the_scratch_database_and_the_real_one_is_untouched()
    {
        Requires.PostgresAndKnex();
        using var production = ThrowawayPostgres.Start(tcp: true);
        using var repo = Project(("20250101000000_uses_its_own_client.js", Connecting("{ connectionString: process.env.PROD_DB_URL }")));
        repo.Write("verify.env", $"# what the app needs\nexport PROD_DB_URL=\"{production.Url()}\"\nFEATURE=on # inline comment\n");

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--env-file", repo.PathOf("verify.env"));

        // The migration ran on the scratch database (its table "hacked" went there, and is left behind by the down).
        Assert.Equal("ok", FirstMigration(run).GetProperty("up").GetString());
        Assert.Equal(["table hacked is left behind"], FirstMigration(run).GetProperty("downDifferences").EnumerateArray().Select(d => d.GetString()));
        Assert.False(await HasTable(production, "hacked"));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_missing_variable_gets_a_hint_and_the_env_file_supplies_it()
    {
        Requires.PostgresAndKnex();
        using var repo = Project(("20250101000000_needs_a_key.js", """
            exports.up = async (knex) => {
              if (!process.env.ENCRYPTION_KEY) throw new Error('ENCRYPTION_KEY environment variable needs to be set!');
              await knex.schema.createTable('secrets', (t) => { t.increments('id'); });
            };
            exports.down = (knex) => knex.schema.dropTable('secrets');
            """));

        var without = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        Assert.Equal("ENCRYPTION_KEY environment variable needs to be set! (the migrations run with a scrubbed environment: pass ENCRYPTION_KEY with --set ENCRYPTION_KEY=VALUE or --env-file FILE)", FirstMigration(without).GetProperty("upError").GetString());

        repo.Write("verify.env", "ENCRYPTION_KEY='s3cr3t value'\n");
        var with = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--env-file", repo.PathOf("verify.env"));
        Assert.True(with.ExitCode == 0, with.Stdout + with.Stderr);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task The_password_is_on_no_command_line_and_in_no_output()
    {
        Requires.PostgresAndKnex();
        using var server = ThrowawayPostgres.Start(tcp: true);
        using var repo = Project(("20250101000000_slow.js", """
            exports.up = async (knex) => {
              await knex.raw('select pg_sleep(1.5)');
              await knex.schema.createTable('t', (t) => { t.increments('id'); });
            };
            exports.down = (knex) => knex.schema.dropTable('t');
            """));
        const string password = "pw-7f3a9c-never-shown";

        await LiveDatabase.ExecuteAsync(server.ConnectionString, $"CREATE ROLE verifier LOGIN CREATEDB PASSWORD '{password}'");
        var verify = CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--database", $"postgres://verifier:{password}@127.0.0.1:{server.Port}/postgres");
        var seen = new List<string>();
        while (!verify.IsCompleted)
        {
            foreach (var process in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)))
            {
                try
                {
                    var commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
                    if (commandLine.Contains("knex-driver", StringComparison.Ordinal))
                    {
                        seen.Add(commandLine);
                    }
                }
                catch (IOException)
                {
                    // The process ended while being read.
                }
            }

            await Task.Delay(50);
        }

        var run = await verify;
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.NotEmpty(seen);
        Assert.DoesNotContain(seen, line => line.Contains(password, StringComparison.Ordinal));
        Assert.DoesNotContain(password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_migration_error_that_quotes_a_connection_string_is_redacted()
    {
        var text = Verifier.Explain("connect ECONNREFUSED for postgres://admin:hunter2@db.internal:5432/app", VerifyOptions.None);

        Assert.Equal("connect ECONNREFUSED for postgres://admin:***@db.internal:5432/app", text);
    }

    /// <summary>Runs migaudit as its own process (signals go to it, not to the test host) and interrupts it mid-migration.</summary>
    private static async Task<int> InterruptMidMigration(TempRepo repo, string signal, params string[] arguments) =>
        (await InterruptMidMigrationOnThrowaway(repo, signal, arguments)).ExitCode;

    private static async Task<(int ExitCode, string? Server)> InterruptMidMigrationOnThrowaway(TempRepo repo, string signal, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "migaudit.dll"), "verify", repo.Root }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Processes.CommandLines().Any(l => l.Contains("knex-driver", StringComparison.Ordinal) && l.Contains(repo.Root, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow >= deadline || process.HasExited)
            {
                Assert.Fail("the knex driver never started: " + await errors);
            }

            await Task.Delay(100);
        }

        // The migration sleeps in the database for a minute: once a backend runs it, it is mid-migration. (A run on a
        // given server has no throwaway server: the driver having started is as far as the test can see.)
        string? server = null;
        while (arguments.Length == 0 && (server = Processes.ThrowawayServerRunningASelect(process.Id)) is null)
        {
            if (DateTime.UtcNow >= deadline || process.HasExited)
            {
                Assert.Fail("the sleeping migration never ran: " + await errors);
            }

            await Task.Delay(50);
        }
        System.Diagnostics.Process.Start("kill", [signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        await output;
        Assert.Contains("verify interrupted: the knex driver was stopped", await errors);
        return (process.ExitCode, server);
    }

    private const string Sleeping = "exports.up = (knex) => knex.raw('select pg_sleep(60)');\nexports.down = () => {};\n";

    [SkippableFact]
    public async Task Sigint_mid_migration_stops_the_driver_and_removes_the_throwaway_server_and_its_folder()
    {
        Requires.PostgresAndKnex();
        using var repo = Project(("20250101000000_slow.js", Sleeping));
        var (exitCode, server) = await InterruptMidMigrationOnThrowaway(repo, "-INT");

        Assert.Equal(130, exitCode);
        Assert.NotNull(server);
        Assert.DoesNotContain(Processes.CommandLines(), l => l.Contains("knex-driver", StringComparison.Ordinal) && l.Contains(repo.Root, StringComparison.Ordinal));
        Assert.False(Directory.Exists(server), $"{server} is left behind");
        Assert.DoesNotContain(Processes.CommandLines(), l => l.Contains(server, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Sigterm_mid_migration_drops_the_scratch_database_on_a_given_server()
    {
        Requires.PostgresAndKnex();
        using var server = ThrowawayPostgres.Start(tcp: true);
        using var repo = Project(("20250101000000_slow.js", Sleeping));

        Assert.Equal(143, await InterruptMidMigration(repo, "-TERM", "--database", server.Url()));

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var databases = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'migaudit_verify_%'", connection);
        Assert.Equal(0L, (long)(await databases.ExecuteScalarAsync())!);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_nested_server_project_with_a_snake_case_wrap_identifier_passes_from_the_repository_root()
    {
        // The shape of a real monorepo: package.json, node_modules and the knexfile in server/, verify run at the root;
        // the knexfile renames camelCase identifiers to snake_case, which the driver must keep (it loads the knexfile).
        Requires.PostgresAndKnex();
        using var repo = new TempRepo();
        repo.Write("README.md", "# app\n");
        repo.Write("server/package.json", "{ \"name\": \"server\", \"dependencies\": { \"knex\": \"3.1.0\", \"pg\": \"8.13.1\" } }\n");
        repo.Write("server/knexfile.js", """
            const { snakeCase } = require('lodash');
            module.exports = {
              production: {
                client: 'pg',
                connection: process.env.DATABASE_URL,
                wrapIdentifier: (value, origImpl) => origImpl(value === '*' ? value : snakeCase(value)),
                migrations: { directory: './db/migrations' },
              },
            };
            """);
        repo.Write("server/db/migrations/20250101000000_accounts.js", """
            exports.up = (knex) => knex.schema.createTable('userAccounts', (t) => {
              t.increments('id');
              t.string('firstName').notNullable();
              t.timestamp('createdAt').defaultTo(knex.fn.now()).index();
            });
            exports.down = (knex) => knex.schema.dropTable('userAccounts');
            """);
        repo.Commit();
        Directory.CreateSymbolicLink(repo.PathOf("server/node_modules"), Path.Combine(NodeKnex.ScriptsDirectory!, "node_modules"));

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var result = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.Equal(0, result.GetProperty("staticModelDifferences").GetArrayLength());
    }

    [SkippableFact]
    public void Snake_case_matches_lodash()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        string[] names = ["createdAt", "userAccounts", "first_name", "HTMLParser", "user2fa", "id", "userId", "APIKey", "users_createdAt_index", "ABC", "x1Y2", "already_snake_case"];

        var output = NodeKnex.WithKnex($"const {{ snakeCase }} = require(require('path').join(process.cwd(), 'node_modules', 'lodash'));\nconsole.log(JSON.stringify({JsonSerializer.Serialize(names)}.map(snakeCase)));\n");

        Assert.Equal(JsonSerializer.Deserialize<string[]>(output), names.Select(MigAudit.Core.IdentifierCase.SnakeCase));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_that_cannot_load_fails_as_the_knex_cli_would_and_says_to_install()
    {
        Requires.PostgresAndKnex();
        using var repo = Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Write("knexfile.js", "require('not-installed-anywhere');\n" + Audit.Knexfile).Commit("a knexfile that needs a package");

        var run = await CliRunner.RunAsync("verify", repo.Root);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"migaudit: knexfile.js failed to load, as it would for the knex CLI: Cannot find module 'not-installed-anywhere' (run 'npm install' in {repo.Root}: 'knex migrate:latest' fails the same way)", run.Stderr);
    }
}
