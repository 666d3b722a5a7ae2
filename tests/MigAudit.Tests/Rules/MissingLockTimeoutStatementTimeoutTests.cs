using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Rules;

/// <summary>
/// missing-lock-timeout and statement_timeout: set, it bounds a lock wait too (low); turned off with 0 before a lock,
/// nothing does; and what PostgreSQL 15 really does with each.
/// </summary>
public sealed class MissingLockTimeoutStatementTimeoutTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Rule = "missing-lock-timeout";

    private static Finding? Audited(string? knexfile = null, bool withoutSlogan = false, params (string Name, string Text)[] migrations)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(Rule, "bad"));
        if (knexfile is not null)
        {
            repo.Write("knexfile.js", $"module.exports = {{ production: {{ client: 'pg', {knexfile}, migrations: {{ directory: './migrations' }} }} }};\n");
        }

        if (withoutSlogan)
        {
            repo.Delete("migrations/20250106000000_add_slogan.js");
        }

        foreach (var (name, text) in migrations)
        {
            repo.Write("migrations/" + name, text);
        }

        repo.Commit();
        return Audit.Run(repo.Root).Of(Rule).SingleOrDefault();
    }

    [Fact]
    public void Statement_timeout_turned_off_before_the_lock_is_said_and_the_finding_stays_medium()
    {
        var finding = Audited()!;

        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.EndsWith(" 20250106000000_add_slogan.js sets statement_timeout = 0 (line 3) before its lock: that turns off any statement_timeout the role or database sets (ALTER ROLE/DATABASE ... SET), the one limit that would otherwise end the wait, however long it queues.", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("connection: { connectionString: process.env.DATABASE_URL, statement_timeout: 30000 }", "connection.statement_timeout = 30000")]
    [InlineData("connection: { connectionString: process.env.DATABASE_URL, options: '-c statement_timeout=30s' }", "the connection's options")]
    public void A_statement_timeout_on_every_connection_bounds_the_wait_and_lowers_the_finding(string setting, string source)
    {
        var finding = Audited(setting, withoutSlogan: true)!;

        Assert.Equal(Severity.Low, finding.Severity);
        Assert.EndsWith($" statement_timeout is set ({source}), and it bounds the wait too: the stall ends when it fires, but it must also allow the statement's own work (a rewrite, an index build), so the queue can last that long; lock_timeout bounds only the wait for the lock.", finding.Message, StringComparison.Ordinal);

        // A migration that turns it off takes that bound away again.
        var off = Audited(setting)!;
        Assert.Equal(Severity.Medium, off.Severity);
        Assert.Contains("that turns off the statement_timeout the connection sets, the one limit", off.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_waiting_migration_setting_its_own_statement_timeout_lowers_it_and_set_config_and_zero_units_are_read()
    {
        const string Setting = "exports.down = async function (knex) {{ await knex.raw('ALTER TABLE {0} DROP COLUMN {1}'); }};\n";
        (string, string) Migration(string name, string set, string table, string column) => (name,
            $"exports.up = async function (knex) {{\n  await knex.raw(\"{set}\");\n  await knex.raw('ALTER TABLE {table} ADD COLUMN {column} text');\n}};\n" + string.Format(System.Globalization.CultureInfo.InvariantCulture, Setting, table, column));

        var each = Audited(null, true,
            Migration("20250102000000_add_level.js", "SET statement_timeout TO '5min'", "users", "level"),
            Migration("20250103000000_add_title.js", "SELECT set_config('statement_timeout', '30s', true)", "teams", "title"),
            Migration("20250105000000_add_badge.js", "SET SESSION statement_timeout = 30000", "users", "badge"))!;
        Assert.Equal(Severity.Low, each.Severity);
        Assert.Contains(" Each of them sets statement_timeout, which bounds the wait too", each.Message, StringComparison.Ordinal);

        // '0ms' is 0 too, and lock_timeout = 0 is no lock_timeout: both leave the wait unbounded.
        var zero = Audited(null, true,
            Migration("20250102000000_add_level.js", "SELECT set_config('statement_timeout', '0ms', true)", "users", "level"),
            Migration("20250103000000_add_title.js", "SET LOCAL lock_timeout = 0", "teams", "title"))!;
        Assert.Equal(Severity.Medium, zero.Severity);
        Assert.Contains("(first: 20250102000000_add_level.js takes an ACCESS EXCLUSIVE lock on users, line 3; 2 more)", zero.Message, StringComparison.Ordinal);
        Assert.Contains(" 20250102000000_add_level.js sets statement_timeout = 0 (line 2) before its lock", zero.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Statement_timeout_ends_a_lock_wait_lock_timeout_too_and_set_local_zero_takes_the_bound_away()
    {
        Requires.Postgres();
        var database = "timeouts_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");
        var url = LiveDatabase.ConnectionTo(server.Postgres, database);
        await LiveDatabase.ExecuteAsync(url, "CREATE TABLE users (id serial PRIMARY KEY)");

        // A long read holds ACCESS SHARE: the migration's ALTER TABLE has to wait for it.
        await using var reader = new NpgsqlConnection(url);
        await reader.OpenAsync();
        await using var reading = await reader.BeginTransactionAsync();
        await new NpgsqlCommand("SELECT count(*) FROM users", reader, reading).ExecuteScalarAsync();

        await using var migration = new NpgsqlConnection(url);
        await migration.OpenAsync();
        await new NpgsqlCommand("SET statement_timeout = '300ms'", migration).ExecuteNonQueryAsync();
        var cancelled = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("ALTER TABLE users ADD COLUMN level int", migration).ExecuteNonQueryAsync());
        Assert.Equal("57014", cancelled.SqlState);
        await new NpgsqlCommand("SET statement_timeout = 0; SET lock_timeout = '300ms'", migration).ExecuteNonQueryAsync();
        var gaveUp = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("ALTER TABLE users ADD COLUMN level int", migration).ExecuteNonQueryAsync());
        Assert.Equal("55P03", gaveUp.SqlState);

        // The connection's statement_timeout, then SET LOCAL statement_timeout = 0 in the migration's transaction: the
        // ALTER waits well past the 300 ms, and the application's reads queue behind it.
        await new NpgsqlCommand("SET lock_timeout = 0; SET statement_timeout = '300ms'", migration).ExecuteNonQueryAsync();
        await using var transaction = await migration.BeginTransactionAsync();
        await new NpgsqlCommand("SET LOCAL statement_timeout = 0", migration, transaction).ExecuteNonQueryAsync();
        var alter = new NpgsqlCommand("ALTER TABLE users ADD COLUMN level int", migration, transaction).ExecuteNonQueryAsync();

        await using var watcher = new NpgsqlConnection(url);
        await watcher.OpenAsync();
        var waitedLong = false;
        for (var attempt = 0; attempt < 200 && !waitedLong; attempt++)
        {
            waitedLong = (bool)(await new NpgsqlCommand(
                "SELECT coalesce(bool_or(wait_event_type = 'Lock' AND now() - query_start > interval '900 ms'), false) FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE users%'",
                watcher).ExecuteScalarAsync())!;
            if (!waitedLong)
            {
                await new NpgsqlCommand("SELECT pg_sleep(0.05)", watcher).ExecuteNonQueryAsync();
            }
        }

        Assert.True(waitedLong);
        Assert.False(alter.IsCompleted);
        await new NpgsqlCommand("SET lock_timeout = '200ms'", watcher).ExecuteNonQueryAsync();
        var queued = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("SELECT count(*) FROM users", watcher).ExecuteScalarAsync());
        Assert.Equal("55P03", queued.SqlState);

        await reading.CommitAsync();
        Assert.Equal(-1, await alter);
        await transaction.CommitAsync();
    }
}
