using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>What transaction-nesting claims of a raw COMMIT or ROLLBACK in a Knex migration, run with real knex 3.1.0 on PostgreSQL.</summary>
public sealed class TransactionNestingKnexTruthTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [SkippableFact]
    public async Task A_rollback_undoes_the_work_before_it_and_knex_still_records_the_migration()
    {
        using var repo = Fixture("bad");
        var database = await NewDatabaseAsync();

        // As production: the table and 20250102 deployed before, then 20250103 on its own transaction.
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.up(config).then(() => knex.migrate.up(config)).then(() => knex.migrate.latest(config))"));

        Assert.Equal("level,rank,subtitle", await ScalarAsync(database, UsersColumnsAfterTheFirstMigration));
        Assert.Equal("20250101000000_create_users.js,20250102000000_add_level.js,20250103000000_add_title.js", await ScalarAsync(database, "SELECT string_agg(name, ',' ORDER BY id) FROM knex_migrations"));
    }

    [SkippableFact]
    public async Task A_commit_ends_the_batch_transaction_so_later_migrations_run_without_one()
    {
        using var repo = Fixture("bad");
        var database = await NewDatabaseAsync();

        // 20250102 and 20250103 in one migrate:latest: 20250102's COMMIT ended the batch's transaction, so 20250103's
        // ROLLBACK finds none and undoes nothing.
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.up(config).then(() => knex.migrate.latest(config))"));

        Assert.Equal("level,rank,title,subtitle", await ScalarAsync(database, UsersColumnsAfterTheFirstMigration));
    }

    private const string UsersColumnsAfterTheFirstMigration =
        "SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = 'users' AND ordinal_position > 8";

    [SkippableFact]
    public async Task After_a_commit_a_later_failure_leaves_the_work_before_it_applied_and_unrecorded()
    {
        using var repo = Fixture("bad");
        repo.Delete("migrations/20250103000000_add_title.js");
        repo.Write("migrations/20250102000000_add_level.js", "exports.up = async function (knex) {\n  await knex.raw('BEGIN; ALTER TABLE users ADD COLUMN level integer; COMMIT;');\n  await knex.raw('ALTER TABLE users ADD COLUMN team integer REFERENCES missing (id)');\n};\n\nexports.down = (knex) => knex.raw('ALTER TABLE users DROP COLUMN level');\n");
        var database = await NewDatabaseAsync();

        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.up(config)"));
        Assert.Equal("42P01 ALTER TABLE users ADD COLUMN team integer REFERENCES missing (id) - relation \"missing\" does not exist", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.latest(config)"));
        Assert.Equal("1", await ScalarAsync(database, "SELECT count(*)::text FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'level'"));
        Assert.Equal("1", await ScalarAsync(database, "SELECT count(*)::text FROM knex_migrations"));

        // The next deploy runs the migration again over what stayed.
        Assert.Equal("42701 BEGIN; ALTER TABLE users ADD COLUMN level integer; COMMIT; - column \"level\" of relation \"users\" already exists", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.latest(config)"));
    }

    [SkippableFact]
    public async Task The_good_fixture_runs_every_statement_with_knex()
    {
        using var repo = Fixture("good");
        var database = await NewDatabaseAsync();

        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.up(config).then(() => knex.migrate.latest(config))"));

        Assert.Equal("level,rank,title,subtitle", await ScalarAsync(database, UsersColumnsAfterTheFirstMigration));
        Assert.Equal("3", await ScalarAsync(database, "SELECT count(*)::text FROM knex_migrations"));
    }

    private static TempRepo Fixture(string side)
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("transaction-nesting", side));
        return repo;
    }

    private async Task<string> NewDatabaseAsync()
    {
        var database = "txnest_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");
        return database;
    }

    private async Task<string?> ScalarAsync(string database, string sql)
    {
        var builder = new NpgsqlConnectionStringBuilder(server.Postgres!.ConnectionString) { Database = database, Pooling = false };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return (string?)await new NpgsqlCommand(sql, connection).ExecuteScalarAsync();
    }
}
