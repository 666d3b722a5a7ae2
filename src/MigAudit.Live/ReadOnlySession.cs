using MigAudit.Core;
using Npgsql;

namespace MigAudit.Live;

/// <summary>
/// The read-only session 'drift' and 'plan' read a live database through: default_transaction_read_only set at
/// connect and the session's transactions made READ ONLY, both checked before anything is read, so any write the code
/// might send is refused by PostgreSQL itself ("cannot execute ... in a read-only transaction").
/// </summary>
public static class ReadOnlySession
{
    public static async Task<NpgsqlConnection> OpenAsync(string databaseUrl)
    {
        var builder = new NpgsqlConnectionStringBuilder(Verifier.ToConnectionString(databaseUrl));

        // Added to the URL's own options (or PGOPTIONS'), not in their place; a later -c wins, so this one is last.
        builder.Options = $"{builder.Options} -c default_transaction_read_only=on".TrimStart();
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return connection;
    }

    /// <summary>Opens the session and checks both settings; stops before reading anything when either is off.</summary>
    public static async Task<NpgsqlConnection> OpenCheckedAsync(string databaseUrl, string command)
    {
        var connection = await OpenAsync(databaseUrl);
        if (await ScalarAsync(connection, "SHOW default_transaction_read_only") as string != "on" ||
            await ScalarAsync(connection, "SHOW transaction_read_only") as string != "on")
        {
            await connection.DisposeAsync();
            throw new ProjectException($"the session could not be made read-only; {command} stops without reading anything");
        }

        return connection;
    }

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    /// <summary>The names in Knex's migrations table, in the order they were applied; null when the table does not exist.</summary>
    public static async Task<List<string>?> AppliedMigrationsAsync(NpgsqlConnection connection, MigrationSettings settings)
    {
        var table = Quoting.SqlQualified(settings.SchemaName, settings.TableName);
        if (await ScalarAsync(connection, $"SELECT to_regclass({Quoting.SqlLiteral(table)})::text") is null)
        {
            return null;
        }

        var applied = new List<string>();
        await using var command = new NpgsqlCommand($"SELECT name FROM {table} ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            applied.Add(reader.GetString(0));
        }

        return applied;
    }

    /// <summary>Whether Knex's migration lock is held (is_locked = 1): every knex migrate command then waits and fails.</summary>
    public static async Task<bool> MigrationLockHeldAsync(NpgsqlConnection connection, MigrationSettings settings)
    {
        var lockTable = Quoting.SqlQualified(settings.SchemaName, settings.TableName + "_lock");
        return await ScalarAsync(connection, $"SELECT to_regclass({Quoting.SqlLiteral(lockTable)})::text") is not null &&
               await ScalarAsync(connection, $"SELECT max(is_locked) FROM {lockTable}") is int locked && locked > 0;
    }
}
