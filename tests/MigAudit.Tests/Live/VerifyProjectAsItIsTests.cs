using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>
/// verify runs the project's own knexfile as it is: the database URL in the scheme the project writes, and when the
/// knexfile stops the run, the project's own words and what to pass. Real PostgreSQL, real knex (tests/node).
/// </summary>
public sealed class VerifyProjectAsItIsTests
{
    private static TempRepo Project(string knexfile)
    {
        var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Write("knexfile.js", knexfile);
        NodeKnex.LinkInto(repo);
        repo.Commit("knexfile");
        return repo;
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_that_insists_on_postgresql_urls_gets_one()
    {
        Requires.PostgresAndKnex();
        using var repo = Project("""
            const url = process.env.DATABASE_URL;
            if (!url || !url.startsWith('postgresql://')) {
              console.error('DATABASE_URL must be a postgresql:// URL');
              process.exit(1);
            }
            module.exports = { production: { client: 'pg', connection: url, migrations: { directory: './migrations' } } };
            """);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.True(JsonDocument.Parse(run.Stdout).RootElement.GetProperty("passed").GetBoolean());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_that_exits_is_quoted_with_its_exit_code()
    {
        Requires.PostgresAndKnex();
        using var repo = Project("""
            module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } } };
            if (!process.env.REGION) {
              console.log('loading configuration');
              console.error('refusing to start: REGION is not set');
              process.exit(3);
            }
            """);

        var run = await CliRunner.RunAsync("verify", repo.Root);

        Assert.Equal(2, run.ExitCode);
        // Two streams read apart: their lines' order in the tail is not asserted.
        Assert.Contains("the knex driver stopped unexpectedly with exit code 3; its last output (stdout and stderr): ", run.Stderr);
        Assert.Contains("loading configuration", run.Stderr);
        Assert.Contains("refusing to start: REGION is not set", run.Stderr);
        Assert.Contains("pass REGION with --set REGION=VALUE or --env-file FILE", run.Stderr);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_that_throws_for_a_missing_variable_names_the_flag_that_passes_it()
    {
        Requires.PostgresAndKnex();
        using var repo = Project("""
            if (!process.env.DB_SCHEMA_NAME) throw new Error('DB_SCHEMA_NAME is not set');
            module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } } };
            """);

        var run = await CliRunner.RunAsync("verify", repo.Root);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("migaudit: knexfile.js failed to load, as it would for the knex CLI: DB_SCHEMA_NAME is not set (the migrations run with a scrubbed environment: pass DB_SCHEMA_NAME with --set DB_SCHEMA_NAME=VALUE or --env-file FILE)", run.Stderr);
        // The knexfile is loaded before the scratch server is started: no initdb, no server, for a run that cannot go on.
        Assert.Contains("loading the knexfile", run.Stderr);
        Assert.DoesNotContain("starting a throwaway PostgreSQL server", run.Stderr);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_that_loads_is_loaded_before_the_server_starts_and_the_chain_runs()
    {
        Requires.PostgresAndKnex();
        using var repo = Project(Audit.Knexfile);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var loading = run.Stderr.IndexOf("loading the knexfile", StringComparison.Ordinal);
        var starting = run.Stderr.IndexOf("starting a throwaway PostgreSQL server", StringComparison.Ordinal);
        Assert.True(loading >= 0 && starting > loading, run.Stderr);
        Assert.True(JsonDocument.Parse(run.Stdout).RootElement.GetProperty("passed").GetBoolean());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_that_picks_its_client_at_run_time_is_said_to_have_been_run_on_postgresql()
    {
        Requires.PostgresAndKnex();
        using var repo = Project("""
            module.exports = { production: { client: process.env.DB_CLIENT || 'better-sqlite3', connection: process.env.DATABASE_URL, useNullAsDefault: true, migrations: { directory: './migrations' } } };
            """);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        const string note = "the project's database is unknown (the client is chosen at run time (knexfile.js:1: unknown (process.env.DB_CLIENT || 'better-sqlite3')), and package.json installs no database driver): verify ran the migrations with knex's pg client on PostgreSQL";
        Assert.Equal(note, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("client").GetString());
        Assert.Contains("Client: " + note, (await CliRunner.RunAsync("verify", repo.Root)).Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_postgresql_knexfile_gets_no_client_note()
    {
        Requires.PostgresAndKnex();
        using var repo = Project(Audit.Knexfile);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("client").ValueKind);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_batch_knex_refuses_before_any_migration_blames_no_migration()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(
            ("20250101000000_users.js", Audit.CreateTable("users")),
            ("20250102000000_teams.js", Audit.CreateTable("teams", withDown: false)));
        NodeKnex.LinkInto(repo);
        repo.Commit("link knex");

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.Equal(1, run.ExitCode);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.Equal("Invalid migration: 20250102000000_teams.js must have both an up and down function", root.GetProperty("batchError").GetString());
        Assert.Equal(["not-run", "not-run"], root.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("up").GetString()));
        Assert.Contains("knex refused the batch before running any migration: Invalid migration: 20250102000000_teams.js must have both an up and down function", (await CliRunner.RunAsync("verify", repo.Root)).Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_knexfile_in_a_subfolder_is_loaded_from_its_own_folder_as_the_knex_cli_does()
    {
        Requires.PostgresAndKnex();
        // knex 3.1.0's CLI changes its working directory to the knexfile's folder before it loads it ("Working directory
        // changed to .../db"), so this knexfile loads with `knex --knexfile db/knexfile.js`. ts-node does the same
        // lookup for the tsconfig.json beside a knexfile.ts (dogooddesignco/botswelcome's packages/api/knexfile.ts).
        using var repo = new TempRepo();
        repo.Write("db/knexfile.js", """
            if (!require('fs').existsSync('migrations')) throw new Error(`${process.cwd()} is not the knexfile's folder`);
            module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './migrations' } } };
            """);
        repo.Write("db/migrations/20250101000000_users.js", Audit.CreateTable("users"));
        NodeKnex.LinkInto(repo);
        repo.Commit("knexfile in db/");

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(["ok"], root.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("up").GetString()));
    }
}
