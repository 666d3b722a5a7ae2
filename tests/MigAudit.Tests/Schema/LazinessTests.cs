using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// Knex builders run only when then() is called on them. The replay applies only those that run, and
/// unexecuted-builder reports the rest; real knex on PostgreSQL builds exactly the replayed schema.
/// </summary>
public sealed class LazinessTests
{
    private static TempRepo BadFixture()
    {
        var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("unexecuted-builder", "bad"));
        repo.Commit("fixture");
        return repo;
    }

    [Fact]
    public void Every_builder_that_never_runs_is_reported_at_its_line_and_not_replayed()
    {
        using var repo = BadFixture();
        var result = Audit.Run(repo.Root);
        Assert.Equal(
            [
                ("migrations/20250101000000_create_users.js", 6, true),
                ("migrations/20250102000000_create_tags.js", 3, true),
                ("migrations/20250103000000_index_users.js", 7, true),
                ("migrations/20250104000000_guard.js", 2, true),
                ("migrations/20250105000000_held.js", 2, true),
            ],
            result.Findings.Select(f => (f.File!, f.Line!.Value, f.Blocking)));
        Assert.All(result.Findings, f => Assert.Equal("unexecuted-builder", f.Rule));
        Assert.Contains("returned inside an array: Knex awaits only a returned promise", result.Findings[1].Message);
        Assert.Contains("the builder object is always truthy, so the condition always holds", result.Findings[3].Message);

        var schema = result.Input.Schema.Schema;
        Assert.Equal(["users"], schema.Tables.Keys);
        Assert.Equal(["id", "email", "name"], schema.Table("users")!.Columns.Select(c => c.Name));
        Assert.Empty(schema.Table("users")!.Indexes);
    }

    [Fact]
    public void A_builder_started_with_then_but_not_awaited_runs_and_is_reported_as_not_awaited()
    {
        using var repo = Audit.Project(("20250101000000_float.js", """
            exports.up = async (knex) => {
              knex.schema.createTable('floating', (t) => { t.increments('id'); }).then(() => console.log('done'));
              await knex.schema.createTable('awaited', (t) => { t.increments('id'); });
            };
            exports.down = async () => {};
            """));
        var result = Audit.Run(repo.Root);
        var finding = Assert.Single(result.Of("unexecuted-builder"));
        Assert.Equal((2, false), (finding.Line!.Value, finding.Blocking));
        Assert.Contains("runs without being awaited", finding.Message);
        Assert.Equal(["awaited", "floating"], result.Input.Schema.Schema.Tables.Keys.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Real_knex_on_postgresql_builds_exactly_what_the_replay_says_and_none_of_the_dropped_builders()
    {
        Requires.PostgresAndKnex();
        using var repo = BadFixture();
        NodeKnex.LinkInto(repo);
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.All(json.RootElement.GetProperty("migrations").EnumerateArray(), m => Assert.Equal("ok", m.GetProperty("up").GetString()));
        Assert.Equal(5, json.RootElement.GetProperty("migrations").GetArrayLength());

        // The real catalog has users (id, email, name) and nothing the dropped builders would have made.
        Assert.Equal(0, json.RootElement.GetProperty("staticModelDifferences").GetArrayLength());
    }
}
