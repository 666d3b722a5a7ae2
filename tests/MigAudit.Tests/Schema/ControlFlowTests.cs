using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// return and throw end the function in the replay as they do in Node; a return behind a condition the replay
/// cannot decide leaves the rest unknown (reported as not followed), never replayed as if it surely ran.
/// </summary>
public sealed class ControlFlowTests
{
    private const string Visits = """
        exports.up = (knex) => knex.schema.createTable('visits', (t) => {
          t.increments('id');
          t.integer('user_id');
        });
        exports.down = (knex) => knex.schema.dropTable('visits');
        """;

    /// <summary>The shape of a real project's migration: a guard held in a variable, then an early return.</summary>
    private const string GuardedUserId = """
        exports.up = async (knex) => {
          const hasUserIDColumn = await knex.schema.hasColumn('visits', 'user_id');
          if (hasUserIDColumn) return;
          await knex.schema.alterTable('visits', (t) => {
            t.integer('user_id');
          });
        };
        exports.down = async () => {};
        """;


    [Fact]
    public void A_guarded_early_return_stops_the_replay_as_it_stops_node()
    {
        using var repo = Audit.Project(("20250101000000_visits.js", Visits), ("20250102000000_user_id.js", GuardedUserId));
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("chain-error"));
        Assert.Equal(["id", "user_id"], result.Input.Schema.Schema.Table("visits")!.Columns.Select(c => c.Name));
        var step = result.Input.Schema.Migrations[1];
        Assert.True(step.Up.Complete);
    }

    [Fact]
    public void Throw_ends_the_function()
    {
        using var repo = Audit.Project(("20250101000000_stop.js", """
            exports.up = async (knex) => {
              await knex.schema.createTable('first', (t) => { t.increments('id'); });
              throw new Error('not yet');
              await knex.schema.createTable('never', (t) => { t.increments('id'); });
            };
            exports.down = async () => {};
            """));
        var tables = Audit.Run(repo.Root).Input.Schema.Schema.Tables.Keys.Order(StringComparer.Ordinal);
        Assert.Equal(["first"], tables);
    }

    [Fact]
    public void An_undecidable_early_return_makes_what_follows_it_unknown_not_replayed_as_certain()
    {
        using var repo = Audit.Project(("20250101000000_cloud.js", """
            exports.up = async (knex) => {
              await knex.schema.createTable('always', (t) => { t.increments('id'); });
              if (!process.env.CLOUD) return;
              await knex.schema.createTable('cloud_only', (t) => { t.increments('id'); });
            };
            exports.down = async () => {};
            """));
        var result = Audit.Run(repo.Root);
        var schema = result.Input.Schema.Schema;
        Assert.Equal(["always"], schema.Tables.Keys);
        Assert.True(schema.IsKnown(schema.Table("always")!));
        var why = Assert.Single(schema.UnknownTables, t => t.Key == "cloud_only").Value;
        Assert.Equal(3, why.Line);
        Assert.Equal("depends on a condition not statically known (!process.env.CLOUD)", why.Reason);
        Assert.True(result.Input.Schema.Migrations[0].Up.Complete);
    }

    [Fact]
    public void A_throw_caught_by_its_try_does_not_end_the_function_for_certain()
    {
        using var repo = Audit.Project(("20250101000000_try.js", """
            exports.up = async (knex) => {
              try {
                await knex.schema.createTable('first', (t) => { t.increments('id'); });
                throw new Error('handled below');
              } catch (error) {
                console.log(error);
              }
              await knex.schema.createTable('after', (t) => { t.increments('id'); });
            };
            exports.down = async () => {};
            """));
        var result = Audit.Run(repo.Root);
        Assert.Equal(["first"], result.Input.Schema.Schema.Tables.Keys);
        Assert.Equal(8, Assert.Single(result.Input.Schema.Migrations[0].Up.Gaps).Line);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Real_knex_on_postgresql_agrees_with_the_replay_of_the_guarded_return()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20250101000000_visits.js", Visits), ("20250102000000_user_id.js", GuardedUserId));
        NodeKnex.LinkInto(repo);
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(["ok", "ok"], json.RootElement.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("up").GetString()));
        Assert.Equal(0, json.RootElement.GetProperty("staticModelDifferences").GetArrayLength());
    }

    [Fact]
    public void ForEach_and_map_over_a_static_array_are_unrolled_with_knex_laziness()
    {
        using var repo = Audit.Project(("20250101000000_loops.js", """
            const lookups = ['colors', 'sizes'];
            exports.up = async (knex) => {
              await Promise.all(lookups.map((name) => knex.schema.createTable(name, (t) => { t.increments('id'); })));
              ['never_a', 'never_b'].forEach((name) => knex.schema.createTable(name, (t) => { t.increments('id'); }));
              ['floating'].forEach(async (name) => { await knex.schema.createTable(name, (t) => { t.increments('id'); }); });
            };
            exports.down = async () => {};
            """));
        var result = Audit.Run(repo.Root);
        Assert.Equal(["colors", "floating", "sizes"], result.Input.Schema.Schema.Tables.Keys.Order(StringComparer.Ordinal));
        Assert.True(result.Input.Schema.Migrations[0].Up.Complete);
        Assert.Equal([(4, true), (4, true), (5, false)], result.Of("unexecuted-builder").Select(f => (f.Line!.Value, f.Blocking)));
    }
}
