using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>What enum-value-used-in-same-transaction claims, run with real knex 3.1.0 on PostgreSQL: 55P04 in the batch, and the fix.</summary>
public sealed class EnumValueKnexTruthTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [SkippableTheory]
    [InlineData(false, false, "55P04 update \"users\" set \"status\" = $1 where \"status\" = $2 - unsafe use of new value \"suspended\" of enum type user_status")]
    [InlineData(true, false, "55P04 update \"users\" set \"status\" = $1 where \"id\" < $2 - unsafe use of new value \"archived\" of enum type user_status")]
    [InlineData(false, true, "55P04 update \"users\" set \"status\" = $1 where \"status\" = $2 - unsafe use of new value \"suspended\" of enum type user_status")]
    public async Task The_bad_fixture_fails_where_the_value_is_used(bool withoutTheSameMigrationCase, bool freshDatabase, string outcome)
    {
        using var repo = Fixture("bad");
        if (withoutTheSameMigrationCase)
        {
            repo.Delete("migrations/20250102000000_suspend_banned.js");
        }

        var database = await NewDatabaseAsync();

        // The table and its type first, as production has them; then the pending batch in one transaction. On a fresh
        // database the type is created in the same transaction, and the value is refused all the same.
        if (!freshDatabase)
        {
            Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.up(config)"));
        }

        Assert.Equal(outcome, LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.latest(config)"));
    }

    [SkippableFact]
    public async Task The_good_fixture_runs_as_one_deploy()
    {
        using var repo = Fixture("good");
        var database = await NewDatabaseAsync();

        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "migrate.up(config).then(() => knex('users').insert({ status: 'banned' })).then(() => knex.migrate.latest(config))"));
        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres!, repo, database, "raw(\"SELECT 1 FROM users WHERE status = 'suspended'\").then((r) => { if (r.rows.length !== 1) throw new Error('not suspended'); })"));
    }

    private static TempRepo Fixture(string side)
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("enum-value-used-in-same-transaction", side));
        return repo;
    }

    private async Task<string> NewDatabaseAsync()
    {
        var database = "enumtx_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");
        return database;
    }
}
