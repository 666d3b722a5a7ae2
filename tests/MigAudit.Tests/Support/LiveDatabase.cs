using System.Text.Json.Nodes;
using MigAudit.Live;
using Npgsql;

namespace MigAudit.Tests.Support;

/// <summary>One throwaway PostgreSQL server per test class (null without PostgreSQL installed), shared by the live tests.</summary>
public sealed class PostgresServer : IDisposable
{
    public ThrowawayPostgres? Postgres { get; } = ThrowawayPostgres.FindBinaries() is null ? null : ThrowawayPostgres.Start(tcp: true);

    public void Dispose() => Postgres?.Dispose();
}

/// <summary>Databases on a throwaway server, migrated by real knex.</summary>
public static class LiveDatabase
{
    /// <summary>A database's own connection string on the server, without pooling (a test's connections end with it).</summary>
    public static string ConnectionTo(ThrowawayPostgres postgres, string database) =>
        new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = database, Pooling = false }.ConnectionString;

    /// <summary>A new database named <paramref name="prefix"/>_&lt;random&gt; with <paramref name="setup"/> run in it; its name.</summary>
    public static async Task<string> CreateAsync(ThrowawayPostgres postgres, string prefix, string setup)
    {
        var database = prefix + "_" + Guid.NewGuid().ToString("n")[..8];
        await ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        await ExecuteAsync(ConnectionTo(postgres, database), setup);
        return database;
    }

    /// <summary>The first column of every row the query returns, as text.</summary>
    public static async Task<List<string>> RowsAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var reader = await new NpgsqlCommand(sql, connection).ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A new database that real knex migrated with the project's migrations; its postgres:// URL.</summary>
    public static async Task<string> MigratedAsync(ThrowawayPostgres postgres, TempRepo repo, string prefix)
    {
        NodeKnex.LinkInto(repo);
        var (driver, url) = await DriverOnNewDatabaseAsync(postgres, repo, prefix);
        using (driver)
        {
            var reply = driver.Send("latest", TimeSpan.FromMinutes(1));
            Assert.True(reply.Ok, reply.Error);
        }

        return url;
    }

    /// <summary>A new, empty database and verify's knex driver for the project's migrations on it (real knex, linked in by the caller); its postgres:// URL.</summary>
    /// <summary>
    /// knex's own migrate.latest() of the repository's migrations folder on a new database, with the knex and pg of
    /// tests/node (then migrate.rollback() when <paramref name="rollback"/>): "ok", or the error's code and message
    /// (the last line the script printed).
    /// </summary>
    public static async Task<string> KnexLatestOutcomeAsync(ThrowawayPostgres postgres, TempRepo repo, string prefix, bool rollback = false)
    {
        NodeKnex.LinkInto(repo);
        var database = prefix + "_" + Guid.NewGuid().ToString("n")[..8];
        await ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        var script = repo.PathOf("latest.js");
        File.WriteAllText(script, $$"""
            const knex = require('knex')({ client: 'pg', connection: {{System.Text.Json.JsonSerializer.Serialize(postgres.Url(database))}} });
            const config = { directory: {{System.Text.Json.JsonSerializer.Serialize(repo.PathOf("migrations"))}} };
            knex.migrate.latest(config)
              .then(() => {{(rollback ? "knex.migrate.rollback(config)" : "undefined")}})
              .then(() => console.log('ok'), (error) => console.log(error.code + ' ' + error.message))
              .finally(() => knex.destroy());
            """);
        var (exit, stdout, stderr) = NodeKnex.Run(script);
        Xunit.Assert.True(exit == 0, stderr);
        return stdout.Trim().Split('\n')[^1];
    }

    /// <summary>
    /// Real knex (tests/node) runs <paramref name="calls"/> on the repository's migrations folder, as
    /// <c>knex.&lt;calls&gt;</c> with <c>config</c> bound to { directory } (e.g. "migrate.latest(config)"), on
    /// <paramref name="database"/>, which must exist: "ok", or the error's code and message.
    /// </summary>
    public static string KnexRun(ThrowawayPostgres postgres, TempRepo repo, string database, string calls)
    {
        if (!File.Exists(repo.PathOf("node_modules")) && !Directory.Exists(repo.PathOf("node_modules")))
        {
            NodeKnex.LinkInto(repo);
        }

        var script = repo.PathOf("knex-run.js");
        File.WriteAllText(script, $$"""
            const knex = require('knex')({ client: 'pg', connection: {{System.Text.Json.JsonSerializer.Serialize(postgres.Url(database))}} });
            const config = { directory: {{System.Text.Json.JsonSerializer.Serialize(repo.PathOf("migrations"))}} };
            knex.{{calls}}
              .then(() => console.log('ok'), (error) => console.log(error.code + ' ' + error.message))
              .finally(() => knex.destroy());
            """);
        var (exit, stdout, stderr) = NodeKnex.Run(script);
        Xunit.Assert.True(exit == 0, stderr);
        return stdout.Trim().Split('\n')[^1];
    }

    public static async Task<(KnexDriver Driver, string Url)> DriverOnNewDatabaseAsync(ThrowawayPostgres postgres, TempRepo repo, string prefix)
    {
        var database = prefix + "_" + Guid.NewGuid().ToString("n")[..8];
        await ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        var connection = new JsonObject { ["host"] = postgres.SocketDirectory, ["port"] = postgres.Port, ["user"] = "postgres", ["password"] = postgres.SuperuserPassword, ["database"] = database };
        var migrations = new JsonObject { ["directory"] = new JsonArray(repo.PathOf("migrations")) };
        return (KnexDriver.Start(repo.Root, connection, migrations, new Dictionary<string, string>()), postgres.Url(database));
    }
}
