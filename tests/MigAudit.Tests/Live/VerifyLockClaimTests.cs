using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>
/// verify judges every static lock claim on a table that existed before its migration against that up traced alone,
/// in its own transaction with every earlier migration committed (latest again, one migration at a time, as knex's
/// migrate:up runs it): confirmed, refuted or untraceable with the reason. Real knex, real PostgreSQL.
/// </summary>
public sealed class VerifyLockClaimTests
{
    private static TempRepo Project()
    {
        var folder = new TempRepo(init: false);
        folder.Write("knexfile.js", Audit.Knexfile);
        folder.Write("migrations/20250101000000_t.js", """
            exports.up = (knex) => knex.schema.createTable('t', (t) => {
              t.increments('id');
              t.string('name');
            });
            exports.down = (knex) => knex.schema.dropTable('t');
            """);
        folder.Write("migrations/20250102000000_t_name_index.js", """
            exports.up = (knex) => knex.schema.alterTable('t', (t) => {
              t.index('name');
            });
            exports.down = (knex) => knex.schema.alterTable('t', (t) => t.dropIndex('name'));
            """);
        folder.Write("migrations/20250103000000_drop_t.js", """
            exports.up = (knex) => knex.schema.dropTable('t');
            exports.down = (knex) => knex.schema.createTable('t', (t) => {
              t.increments('id');
              t.string('name').index();
            });
            """);
        NodeKnex.LinkInto(folder);
        return folder;
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_lock_the_batch_cannot_see_is_confirmed_by_the_up_traced_alone_and_a_dropped_table_is_untraceable()
    {
        Requires.PostgresAndKnex();
        using var folder = Project();

        var run = await CliRunner.RunAsync("verify", folder.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        var migrations = root.GetProperty("migrations").EnumerateArray().ToList();
        // In migrate:latest's single transaction the first migration's CREATE TABLE holds t ACCESS EXCLUSIVE until
        // the batch commits: the index's SHARE lock is not newly taken there.
        Assert.Equal("[]", migrations[1].GetProperty("upLocks").GetRawText());
        Assert.Equal("""[{"relation":"t","mode":"SHARE"}]""", Compact(migrations[1].GetProperty("upLocksAlone")));
        Assert.Equal(
            """[{"table":"t","mode":"SHARE","line":2,"statement":"CreateIndex","verdict":"confirmed","traced":"SHARE","reason":null}]""",
            Compact(migrations[1].GetProperty("lockClaims")));
        Assert.Equal(
            """[{"table":"t","mode":"ACCESS EXCLUSIVE","line":1,"statement":"DropTable","verdict":"untraceable","traced":null,"reason":"the up drops t: its locks leave pg_locks\u0027 view with its pg_class row"}]""",
            Compact(migrations[2].GetProperty("lockClaims")));
        Assert.Equal(0, migrations[0].GetProperty("lockClaims").GetArrayLength());
        Assert.Equal("""{"confirmed":1,"refuted":0,"untraceable":1,"untracedWhy":null}""", Compact(root.GetProperty("lockClaims")));
        Assert.True(root.GetProperty("latestAgain").GetBoolean());

        // The SQL each up sent through knex, as knex sent it: what squawk and the lock rules can be compared on.
        Assert.Equal(
            [["create table \"t\" (\"id\" serial primary key, \"name\" varchar(255))"], ["create index \"t_name_index\" on \"t\" (\"name\")"], ["drop table \"t\""]],
            migrations.Select(m => m.GetProperty("upSql").EnumerateArray().Select(q => q.GetString()!).ToArray()));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Without_the_pass_one_migration_at_a_time_every_claim_is_untraceable_with_the_reason()
    {
        Requires.PostgresAndKnex();
        using var folder = Project();

        var run = await CliRunner.RunAsync("verify", folder.Root, "--skip-latest-again");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("Static lock claims on tables that existed before their migration, against each up traced in its own transaction: 0 confirmed, 0 refuted, 2 untraceable (--skip-latest-again: the chain did not go up again one migration at a time)", run.Stdout);
    }

    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);
}
