using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Rules;

/// <summary>update-delete-without-where on its fixtures, and the row locks it claims, on a real PostgreSQL.</summary>
public sealed class UpdateDeleteWithoutWhereRuleTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static AuditResult AuditFixture(string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("update-delete-without-where", side));
        repo.Commit("fixture");
        return Audit.Run(repo.Root);
    }

    [Fact]
    public void Knex_and_sql_writes_of_every_row_of_an_existing_table_are_found()
    {
        var findings = AuditFixture("bad").Findings;

        Assert.Equal([2, 3, 4, 6, 7], findings.Select(f => f.Line!.Value));
        Assert.All(findings, f => Assert.Equal(("update-delete-without-where", Severity.Medium, false), (f.Rule, f.Severity, f.Blocking)));
        Assert.StartsWith("20250102000000_backfill.js updates every row of users (update with no WHERE, line 2), and users existed before this migration: PostgreSQL takes a ROW EXCLUSIVE lock on users and a row lock on each row it writes", findings[0].Message);
        Assert.StartsWith("20250102000000_backfill.js deletes every row of sessions (del with no WHERE, line 4), and sessions existed before this migration: every row production holds in it is deleted", findings[2].Message);
        Assert.StartsWith("Backfill in batches", findings[0].Action);
    }

    [Fact]
    public void A_where_a_table_the_migration_creates_or_batches_find_nothing()
    {
        var result = AuditFixture("good");
        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [SkippableFact]
    public async Task An_update_of_every_row_makes_another_sessions_update_of_one_row_wait_and_lets_reads_go_on()
    {
        Requires.Postgres();
        var database = "rows_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");
        var url = LiveDatabase.ConnectionTo(server.Postgres, database);
        await LiveDatabase.ExecuteAsync(url, "CREATE TABLE users (id serial PRIMARY KEY, plan text); INSERT INTO users (plan) VALUES ('a'), ('b');");

        await using var migration = new NpgsqlConnection(url);
        await migration.OpenAsync();
        await using var transaction = await migration.BeginTransactionAsync();
        await new NpgsqlCommand("UPDATE users SET plan = 'free'", migration, transaction).ExecuteNonQueryAsync();

        await using var other = new NpgsqlConnection(url);
        await other.OpenAsync();
        await new NpgsqlCommand("SET lock_timeout = '200ms'", other).ExecuteNonQueryAsync();
        Assert.Equal(2L, await new NpgsqlCommand("SELECT count(*) FROM users", other).ExecuteScalarAsync());
        var waited = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("UPDATE users SET plan = 'x' WHERE id = 1", other).ExecuteNonQueryAsync());
        Assert.Equal("55P03", waited.SqlState);

        // The advice: a batch that commits releases its row locks.
        await transaction.CommitAsync();
        Assert.Equal(1, await new NpgsqlCommand("UPDATE users SET plan = 'x' WHERE id = 1", other).ExecuteNonQueryAsync());
    }
}
