using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Rules;

/// <summary>
/// A builder never awaited in a down (IvanMOA/Picket's 20220129003013_create_tickets_table.ts): only a rollback would
/// run it, so no deploy and no fresh database misses it, and the rollback goes on without it. Real knex 3.1.0 on
/// PostgreSQL shows the rollback succeeding with the function left in place.
/// </summary>
public sealed class UnexecutedBuilderInDownTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Tickets = """
        exports.up = async function (knex) {
          await knex.schema.createTable('tickets', (t) => {
            t.increments('id');
          });
          await knex.raw('create or replace function count_tickets() returns bigint language sql as $$ select count(*) from tickets $$');
        };

        exports.down = async function (knex) {
          await knex.schema.dropTable('tickets');
          knex.raw('drop function if exists count_tickets');
        };
        """;

    [Fact]
    public void A_dead_builder_in_a_down_is_medium_and_says_only_a_rollback_misses_it()
    {
        using var repo = Audit.Project(("20220129003013_create_tickets_table.js", Tickets));
        var result = Audit.Run(repo.Root);

        var finding = Assert.Single(result.Of("unexecuted-builder"));
        Assert.Equal((10, Severity.Medium, false), (finding.Line, finding.Severity, finding.Blocking));
        Assert.EndsWith("It is in the down, so only a rollback of 20220129003013_create_tickets_table.js misses it: 'knex migrate:rollback' goes on without it and leaves in place what it would undo; deploys and fresh databases are not affected.", finding.Message, StringComparison.Ordinal);
        Assert.Equal("Add await (or return) before the builder at line 10 in the down (a down is read when the rollback runs, so editing it is safe)", finding.Action);
        Assert.True(result.Ready);
    }

    [SkippableFact]
    public async Task Real_knex_rolls_back_without_it_and_leaves_the_function()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20220129003013_create_tickets_table.js", Tickets));
        NodeKnex.LinkInto(repo);
        var (driver, url) = await LiveDatabase.DriverOnNewDatabaseAsync(server.Postgres!, repo, "dead_down_builder");
        using (driver)
        {
            Assert.True(driver.Send("latest", TimeSpan.FromMinutes(1)).Ok);
            var rollback = driver.Send("rollback", TimeSpan.FromMinutes(1));
            Assert.True(rollback.Ok, rollback.Error);
        }

        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.Postgres!.ConnectionString) { Database = new Uri(url).AbsolutePath.TrimStart('/') }.ConnectionString);
        await db.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT (SELECT count(*) FROM pg_proc WHERE proname = 'count_tickets'), to_regclass('tickets') IS NULL", db);
        await using var row = await query.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal((1L, true), (row.GetInt64(0), row.GetBoolean(1)));
    }
}
