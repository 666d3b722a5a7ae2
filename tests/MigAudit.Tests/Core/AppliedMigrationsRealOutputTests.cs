using MigAudit.Core;
using MigAudit.Live;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Core;

/// <summary>
/// The texts --applied reads, produced for real: real knex 3.1.0 migrates two migrations of three on the throwaway
/// PostgreSQL server, then knex's own 'migrate:list' and this machine's psql print what knex_migrations holds. Each text
/// must read as exactly the two applied names.
/// </summary>
public sealed class AppliedMigrationsRealOutputTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string First = "20240101000000_create_users.js";
    private const string Second = "20240102000000_create_posts.js";
    private const string Pending = "20240103000000_create_tags.js";

    [SkippableFact]
    public async Task Knex_migrate_list_and_every_psql_form_read_as_the_applied_names()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Requires.Postgres();
        var psql = FindPsql();
        Requires.Dependency(psql is not null, "psql (apt-get install postgresql-client)");

        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL } };\n");
        repo.Write("migrations/" + First, Audit.CreateTable("users"));
        repo.Write("migrations/" + Second, Audit.CreateTable("posts"));
        NodeKnex.LinkInto(repo);
        var database = "applied_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");
        var latest = await KnexAsync(repo, database, "migrate:latest");
        Assert.True(latest.ExitCode == 0, latest.Stdout + latest.Stderr);
        repo.Write("migrations/" + Pending, Audit.CreateTable("tags"));

        var list = await KnexAsync(repo, database, "migrate:list");
        Assert.True(list.ExitCode == 0, list.Stdout + list.Stderr);
        Assert.Contains($"Found 1 Pending Migration file/files.\n{Pending}\n", list.Stdout);
        AssertApplied(list.Stdout, AppliedMigrations.KnexListFormat);

        // colorette colours the list when FORCE_COLOR is set (or stdout is a terminal), as in a paste from a terminal.
        var coloured = await KnexAsync(repo, database, "migrate:list", ("FORCE_COLOR", "1"));
        Assert.Contains("\u001b[36m" + First, coloured.Stdout);
        AssertApplied(coloured.Stdout, AppliedMigrations.KnexListFormat);

        var names = "SELECT name FROM knex_migrations ORDER BY id";
        var rows = "SELECT * FROM knex_migrations ORDER BY id";
        AssertApplied(await PsqlAsync(psql, database, "-c", names), AppliedMigrations.PsqlFormat);
        AssertApplied(await PsqlAsync(psql, database, "-c", rows), AppliedMigrations.PsqlFormat);
        AssertApplied(await PsqlAsync(psql, database, "-A", "-c", names), AppliedMigrations.PsqlUnalignedFormat);
        AssertApplied(await PsqlAsync(psql, database, "-A", "-c", rows), AppliedMigrations.PsqlUnalignedFormat);
        AssertApplied(await PsqlAsync(psql, database, "-At", "-c", names), AppliedMigrations.LinesFormat);
        AssertApplied(await PsqlAsync(psql, database, "-t", "-c", names), AppliedMigrations.LinesFormat);
        AssertApplied(await PsqlAsync(psql, database, "--csv", "-c", names), AppliedMigrations.CsvFormat);
        AssertApplied(await PsqlAsync(psql, database, "--csv", "-c", rows), AppliedMigrations.CsvFormat);
        AssertApplied(await PsqlAsync(psql, database, "-At", "-c", "SELECT json_agg(t) FROM (SELECT * FROM knex_migrations ORDER BY id) t"), AppliedMigrations.JsonFormat);
        AssertApplied(await PsqlAsync(psql, database, "-At", "-c", "SELECT json_agg(name ORDER BY id) FROM knex_migrations"), AppliedMigrations.JsonFormat);

        // json_agg in psql's aligned table is a table without a name column: the error says to use -At.
        var aligned = await PsqlAsync(psql, database, "-c", "SELECT json_agg(t) FROM knex_migrations t");
        var error = Assert.Throws<ProjectException>(() => AppliedMigrations.Parse(aligned, "stdin"));
        Assert.StartsWith("stdin:1: a psql table without a name column (columns: json_agg): for a JSON result, run psql with -At", error.Message);

        // The case --applied exists for: an applied migration's file is gone, and migrate:list refuses to list at all.
        repo.Delete("migrations/" + First);
        var corrupt = await KnexAsync(repo, database, "migrate:list");
        Assert.NotEqual(0, corrupt.ExitCode);
        Assert.Contains($"The migration directory is corrupt, the following files are missing: {First}", corrupt.Stdout + corrupt.Stderr);
        error = Assert.Throws<ProjectException>(() => AppliedMigrations.Parse(corrupt.Stdout + corrupt.Stderr, "stdin"));
        Assert.Contains("knex migrate:list refuses to list when applied migrations are missing from the directory", error.Message);
        AssertApplied(await PsqlAsync(psql, database, "-c", names), AppliedMigrations.PsqlFormat);
    }

    /// <summary>psql beside the server's binaries, else on PATH (Debian links initdb and psql from different places).</summary>
    private static string? FindPsql() =>
        new[] { ThrowawayPostgres.FindBinaries()! }.Concat((Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            .Select(folder => Path.Combine(folder, "psql"))
            .FirstOrDefault(File.Exists);

    private static void AssertApplied(string text, string format)
    {
        var applied = AppliedMigrations.Parse(text, "stdin");
        Assert.True(applied.Names.SequenceEqual([First, Second]) && applied.Format == format,
            $"read {applied.Format} [{string.Join(", ", applied.Names)}] from:\n{text}");
    }

    /// <summary>knex's own CLI; the URL with the password travels in the environment, never in argv.</summary>
    private async Task<CliResult> KnexAsync(TempRepo repo, string database, string command, params (string Name, string Value)[] environment)
    {
        var cli = Path.Combine(NodeKnex.ScriptsDirectory!, "node_modules", "knex", "bin", "cli.js");
        var variables = new Dictionary<string, string?> { ["DATABASE_URL"] = server.Postgres!.Url(database), ["FORCE_COLOR"] = null, ["NO_COLOR"] = null };
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        return await ChildProcess.RunAsync("node", [cli, command, "--knexfile", repo.PathOf("knexfile.js"), "--env", "production"], repo.Root, variables);
    }

    /// <summary>psql without ~/.psqlrc (-X), the password in PGPASSWORD; its stdout, which must be all it printed.</summary>
    private async Task<string> PsqlAsync(string? psql, string database, params string[] arguments)
    {
        var postgres = server.Postgres!;
        var result = await ChildProcess.RunAsync(psql!, ["-X", "-v", "ON_ERROR_STOP=1", .. arguments], environment: new Dictionary<string, string?>
        {
            ["PGHOST"] = "127.0.0.1",
            ["PGPORT"] = postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = "postgres",
            ["PGDATABASE"] = database,
            ["PGPASSWORD"] = postgres.SuperuserPassword,
        });
        Assert.True(result.ExitCode == 0 && result.Stderr.Length == 0, result.Stderr);
        return result.Stdout;
    }
}
