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
                ("migrations/20250106000000_create_workflow_tables.js", 18, false),
                ("migrations/20250108000000_add_work_item_status.js", 7, false),
            ],
            result.Findings.Select(f => (f.File!, f.Line!.Value, f.Blocking)));
        Assert.All(result.Findings, f => Assert.Equal("unexecuted-builder", f.Rule));
        Assert.Contains("returned inside an array: Knex awaits only a returned promise", result.Findings[1].Message);
        Assert.EndsWith("Databases built by the chain lack what it would add: table tags, column tags.id, column tags.name.", result.Findings[1].Message, StringComparison.Ordinal);
        Assert.Contains("the builder object is always truthy, so the condition always holds", result.Findings[3].Message);

        // The key 20250107000000 adds anyway: await would make that migration fail, so the advice is to remove the builder.
        Assert.EndsWith("Its change is made anyway: the chain makes foreign key work_items_job_id_workflow_step_index_foreign on work_items by 20250107000000_add_work_item_foreign_keys.js (line 4); so databases built by the chain have it and the builder is dead code.", result.Findings[5].Message, StringComparison.Ordinal);
        Assert.Equal("Remove the dead builder at line 18; do not add await: 20250107000000_add_work_item_foreign_keys.js (line 4) would then fail, as PostgreSQL refuses to make foreign key work_items_job_id_workflow_step_index_foreign on work_items a second time (\"constraint \"work_items_job_id_workflow_step_index_foreign\" for relation \"work_items\" already exists\")", result.Findings[5].Action);

        // The index 20250106000000 made already: run there, the builder would fail.
        Assert.Contains("Had it run, it would fail at this point (line 8: index 'work_items_job_id_workflow_step_index_index' already exists", result.Findings[6].Message, StringComparison.Ordinal);
        Assert.Equal("Remove the dead builder at line 7; do not add await: the migration would then fail at line 8", result.Findings[6].Action);

        var schema = result.Input.Schema.Schema;
        Assert.Equal(["users", "work_items", "workflow_steps"], schema.Tables.Keys.Order(StringComparer.Ordinal));
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
        Assert.Equal(8, json.RootElement.GetProperty("migrations").GetArrayLength());

        // The real catalog has users (id, email, name) and nothing the dropped builders would have made.
        Assert.Equal(0, json.RootElement.GetProperty("staticModelDifferences").GetArrayLength());
    }
}
