using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// Knex's enu() on PostgreSQL is a text column with an inline CHECK, which PostgreSQL names &lt;table&gt;_&lt;column&gt;_check;
/// real projects later drop and re-create it by that name to change the allowed values.
/// </summary>
public sealed class CheckConstraintTests
{
    private const string Events = """
        exports.up = (knex) => knex.schema.createTable('events', (t) => {
          t.increments('id');
          t.enu('event_type', ['created', 'deleted']);
        });
        exports.down = (knex) => knex.schema.dropTable('events');
        """;

    private const string WidenEnum = """
        exports.up = async (knex) => {
          await knex.raw('ALTER TABLE events DROP CONSTRAINT events_event_type_check');
          await knex.raw("ALTER TABLE events ADD CONSTRAINT events_event_type_check CHECK (event_type IN ('created', 'deleted', 'renamed'))");
        };
        exports.down = async (knex) => {
          await knex.raw('ALTER TABLE events DROP CONSTRAINT events_event_type_check');
          await knex.raw("ALTER TABLE events ADD CONSTRAINT events_event_type_check CHECK (event_type IN ('created', 'deleted'))");
        };
        """;

    [SkippableFact]
    public void Knex_sends_an_inline_check_for_enu()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var sql = NodeKnex.WithKnex("console.log(knex.schema.createTable('events', (t) => { t.enu('event_type', ['created', 'deleted']); }).toString());\n");
        Assert.Equal("create table \"events\" (\"event_type\" text check (\"event_type\" in ('created', 'deleted')))\n", sql);
    }

    [Fact]
    public void Dropping_the_enum_check_by_postgresql_name_is_no_chain_error_but_an_unknown_name_is()
    {
        using var repo = Audit.Project(("20250101000000_events.js", Events), ("20250102000000_widen.js", WidenEnum), ("20250103000000_typo.js", """
            exports.up = (knex) => knex.raw('ALTER TABLE events DROP CONSTRAINT events_kind_check');
            exports.down = async () => {};
            """));
        var result = Audit.Run(repo.Root);
        var error = Assert.Single(result.Of("chain-error"));
        Assert.Equal("migrations/20250103000000_typo.js", error.File);
        Assert.Contains("drop constraint 'events_kind_check' on events: no such constraint at this point", error.Message);
        Assert.Equal(["events_event_type_check"], result.Input.Schema.Schema.Table("events")!.Checks);
    }

    [Fact]
    public void A_table_with_an_unnamed_check_makes_an_unknown_drop_uncertain_not_an_error()
    {
        using var repo = Audit.Project(("20250101000000_prices.js", """
            exports.up = async (knex) => {
              await knex.raw('CREATE TABLE prices (id serial primary key, low int, high int, CHECK (low < high))');
              await knex.raw('ALTER TABLE prices DROP CONSTRAINT prices_check');
            };
            exports.down = (knex) => knex.schema.dropTable('prices');
            """));
        Assert.Empty(Audit.Run(repo.Root).Of("chain-error"));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Real_knex_on_postgresql_runs_the_widening_the_replay_accepts()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20250101000000_events.js", Events), ("20250102000000_widen.js", WidenEnum));
        NodeKnex.LinkInto(repo);
        Assert.Empty(Audit.Run(repo.Root).Of("chain-error"));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(["ok", "ok"], json.RootElement.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("up").GetString()));
        Assert.Equal(["ok", "ok"], json.RootElement.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("down").GetString()));
    }
}
