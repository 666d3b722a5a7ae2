using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>
/// What migaudit says PostgreSQL rewrites, checked on a real server: the table's relfilenode before and after the
/// statement, on a table with a row, in a session whose TimeZone is not UTC.
/// </summary>
public sealed class RewriteTruthTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [SkippableTheory]
    [InlineData("varchar(255)", "varchar(255)")]
    [InlineData("varchar(255)", "varchar(500)")]
    [InlineData("varchar(255)", "varchar(100)")]
    [InlineData("varchar(255)", "text")]
    [InlineData("varchar(100)", "varchar")]
    [InlineData("text", "varchar")]
    [InlineData("text", "varchar(100)")]
    [InlineData("character varying(20)", "character varying(40)")]
    [InlineData("varchar(100)", "char(100)")]
    [InlineData("integer", "bigint")]
    [InlineData("int4", "integer")]
    [InlineData("integer", "text")]
    [InlineData("numeric(10,2)", "numeric(12,2)")]
    [InlineData("numeric(10,2)", "numeric(12,3)")]
    [InlineData("numeric(10,2)", "numeric")]
    [InlineData("json", "jsonb")]
    [InlineData("bit(3)", "varbit")]
    [InlineData("cidr", "inet")]
    [InlineData("timestamp", "timestamptz")]
    [InlineData("timestamptz", "timestamp")]
    [InlineData("varchar(20)[]", "text[]")]
    [InlineData("varchar[]", "text[]")]
    [InlineData("text[]", "text[]")]
    public async Task A_type_change_rewrites_exactly_when_migaudit_says_so(string from, string to)
    {
        var verdict = SqlRewrites.TypeChange(from, to);
        var rewrote = await RewritesAsync($"CREATE TABLE t (id serial PRIMARY KEY, c {from}); INSERT INTO t (c) VALUES (NULL);", $"ALTER TABLE t ALTER COLUMN c TYPE {to}");

        // Depends on the time zone: the session here is not UTC, so it rewrites.
        Assert.NotEqual(RewriteVerdict.Unknown, verdict);
        Assert.Equal(rewrote, verdict is RewriteVerdict.Yes or RewriteVerdict.DependsOnTimeZone);
    }

    [SkippableTheory]
    [InlineData("integer", "0")]
    [InlineData("text", "'free'")]
    [InlineData("timestamptz", "CURRENT_TIMESTAMP")]
    [InlineData("timestamptz", "CURRENT_TIMESTAMP(6)")]
    [InlineData("timestamptz", "now()")]
    [InlineData("jsonb", "'{}'::jsonb")]
    [InlineData("uuid", "gen_random_uuid()")]
    [InlineData("uuid", "(gen_random_uuid())")]
    [InlineData("double precision", "random()")]
    [InlineData("timestamptz", "clock_timestamp()")]
    [InlineData("bigserial", null)]
    [InlineData("serial", null)]
    [InlineData("integer", null)]
    public async Task Adding_a_column_rewrites_exactly_when_migaudit_says_so(string type, string? defaultValue)
    {
        var verdict = SqlRewrites.AddColumnDefault(defaultValue, type);
        var rewrote = await RewritesAsync("CREATE TABLE t (id serial PRIMARY KEY); INSERT INTO t DEFAULT VALUES;", $"ALTER TABLE t ADD COLUMN c {type}{(defaultValue is null ? string.Empty : " DEFAULT " + defaultValue)}");

        Assert.NotEqual(RewriteVerdict.Unknown, verdict);
        Assert.Equal(rewrote, verdict == RewriteVerdict.Yes);
    }

    private async Task<bool> RewritesAsync(string setup, string statement)
    {
        Requires.Postgres();
        var database = "rewrite_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");

        var builder = new NpgsqlConnectionStringBuilder(server.Postgres.ConnectionString) { Database = database, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand("SET TIME ZONE 'Europe/Paris'; " + setup, connection).ExecuteNonQueryAsync();
        const string Node = "SELECT relfilenode FROM pg_class WHERE relname = 't'";
        var before = await new NpgsqlCommand(Node, connection).ExecuteScalarAsync();
        await new NpgsqlCommand(statement, connection).ExecuteNonQueryAsync();
        var after = await new NpgsqlCommand(Node, connection).ExecuteScalarAsync();
        return !Equals(before, after);
    }
}
