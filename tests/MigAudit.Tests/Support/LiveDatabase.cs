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
    public static async Task<(KnexDriver Driver, string Url)> DriverOnNewDatabaseAsync(ThrowawayPostgres postgres, TempRepo repo, string prefix)
    {
        var database = prefix + "_" + Guid.NewGuid().ToString("n")[..8];
        await ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        var connection = new JsonObject { ["host"] = postgres.SocketDirectory, ["port"] = postgres.Port, ["user"] = "postgres", ["password"] = postgres.SuperuserPassword, ["database"] = database };
        var migrations = new JsonObject { ["directory"] = new JsonArray(repo.PathOf("migrations")) };
        return (KnexDriver.Start(repo.Root, connection, migrations, new Dictionary<string, string>()), postgres.Url(database));
    }
}
