using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>
/// --database as libpq means it, against a real server: a TLS requirement is kept, and the password comes from the URL,
/// PGPASSWORD or a password file, for migaudit's own connection and verify's driver alike. The environment variables
/// are given to migaudit in a process of its own: the test host's environment is shared by every test running in it.
/// </summary>
public sealed class ConnectionTests(PostgresServer fixture) : IClassFixture<PostgresServer>
{
    private const string Users = "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n";

    /// <summary>migaudit in a process of its own, with <paramref name="environment"/> added to its environment.</summary>
    private static Task<CliResult> Migaudit(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        CliRunner.Binary is { } binary
            ? ChildProcess.RunAsync(binary, arguments, environment: environment)
            : ChildProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "migaudit.dll"), .. arguments], environment: environment);

    /// <summary>No connection setting of the machine running the tests reaches the child.</summary>
    private static Dictionary<string, string?> Clean(TempRepo home) => new()
    {
        ["HOME"] = home.Root,
        ["PGPASSWORD"] = null,
        ["PGPASSFILE"] = null,
        ["PGSERVICE"] = null,
        ["PGSERVICEFILE"] = null,
        ["PGHOST"] = null,
        ["PGUSER"] = null,
        ["PGSSLMODE"] = null,
    };

    private async Task<(TempRepo Repo, string Url)> MigratedAsync()
    {
        Requires.Dependency(fixture.Postgres is not null, "PostgreSQL (apt-get install postgresql)");
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Commit();
        return (repo, await LiveDatabase.MigratedAsync(fixture.Postgres!, repo, "conn"));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Drift_with_sslmode_require_refuses_a_server_without_tls_instead_of_connecting_in_plaintext()
    {
        var (repo, url) = await MigratedAsync();
        using (repo)
        {
            var run = await CliRunner.RunAsync("drift", repo.Root, "--database", url + "?sslmode=require", "--format", "json");
            Assert.Equal(2, run.ExitCode);
            Assert.Equal(string.Empty, run.Stdout);
            Assert.Contains("SSL", run.Stderr, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(fixture.Postgres!.SuperuserPassword, run.Stderr, StringComparison.Ordinal);

            // The same URL with sslmode=disable connects: it is the TLS requirement that stops drift, not the URL.
            var plain = await CliRunner.RunAsync("drift", repo.Root, "--database", url + "?sslmode=disable", "--format", "json");
            Assert.Equal(0, plain.ExitCode);
        }
    }

    /// <summary>The URL without its password: user, host, port and database only.</summary>
    private string WithoutPassword(string url) => url.Replace(":" + Uri.EscapeDataString(fixture.Postgres!.SuperuserPassword) + "@", "@", StringComparison.Ordinal);

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Drift_and_verify_take_the_password_from_PGPASSWORD_when_the_URL_has_none()
    {
        Requires.PostgresAndKnex();
        var (repo, url) = await MigratedAsync();
        using var home = new TempRepo(init: false);
        using (repo)
        {
            var environment = Clean(home);
            environment["PGPASSWORD"] = fixture.Postgres!.SuperuserPassword;
            var bare = WithoutPassword(url);
            Assert.DoesNotContain(fixture.Postgres.SuperuserPassword, bare, StringComparison.Ordinal);

            var drift = await Migaudit(environment, "drift", repo.Root, "--database", bare, "--format", "json");
            Assert.True(drift.ExitCode == 0, drift.Stderr);

            // verify's driver gets it too (before, knex's pg failed with "client password must be a string"), and the migration runs.
            var verify = await Migaudit(environment, "verify", repo.Root, "--database", bare, "--format", "json");
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
            var migration = JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("migrations")[0];
            Assert.Equal("ok", migration.GetProperty("up").GetString());

            // Without it, the same URL fails with one line that names no password.
            var without = await Migaudit(Clean(home), "drift", repo.Root, "--database", bare, "--format", "json");
            Assert.Equal(2, without.ExitCode);
        }
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Drift_and_verify_take_the_password_from_the_password_file_PGPASSFILE_names()
    {
        Requires.PostgresAndKnex();
        var (repo, url) = await MigratedAsync();
        using var home = new TempRepo(init: false);
        using (repo)
        {
            var server = fixture.Postgres!;
            home.Write("pgpass", $"127.0.0.1:{server.Port}:*:postgres:{server.SuperuserPassword.Replace(":", "\\:", StringComparison.Ordinal)}\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(home.PathOf("pgpass"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            var environment = Clean(home);
            environment["PGPASSFILE"] = home.PathOf("pgpass");

            var drift = await Migaudit(environment, "drift", repo.Root, "--database", WithoutPassword(url), "--format", "json");
            Assert.True(drift.ExitCode == 0, drift.Stderr);

            var verify = await Migaudit(environment, "verify", repo.Root, "--database", WithoutPassword(url), "--format", "json");
            Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        }
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Verify_refuses_a_URL_that_requires_tls_rather_than_send_the_migrations_connection_in_plaintext()
    {
        Requires.PostgresAndKnex();
        var (repo, url) = await MigratedAsync();
        using (repo)
        {
            var run = await CliRunner.RunAsync("verify", repo.Root, "--database", url + "?sslmode=verify-full", "--format", "json");
            Assert.Equal(2, run.ExitCode);
            Assert.Contains("verify cannot keep sslmode=verify-full", run.Stderr, StringComparison.Ordinal);
        }
    }
}
