using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>
/// The lock claims of a new table's foreign key (SHARE ROW EXCLUSIVE on the live table it references), of ATTACH
/// PARTITION (SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the partition) and of REINDEX SCHEMA inside
/// Knex's transaction (refused), each judged by real knex on a real PostgreSQL through verify.
/// </summary>
public sealed class ReferencedAndPartitionLockTruthTests
{
    private static string Compact(JsonElement element) => JsonSerializer.Serialize(element);

    private static IEnumerable<string> Claims(JsonElement migration) =>
        migration.GetProperty("lockClaims").EnumerateArray().Select(c => $"{c.GetProperty("table").GetString()} {c.GetProperty("mode").GetString()} {c.GetProperty("verdict").GetString()}");

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_new_tables_foreign_key_locks_the_live_table_it_references_share_row_exclusive()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(
            ("20250101000000_users.js", "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n"),
            ("20250102000000_posts.js", "exports.up = (knex) => knex.schema.createTable('posts', (t) => { t.increments('id'); t.integer('user_id').references('users.id'); });\nexports.down = (knex) => knex.schema.dropTable('posts');\n"));
        NodeKnex.LinkInto(repo);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var posts = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations")[1];
        Assert.Equal(["users SHARE ROW EXCLUSIVE confirmed"], Claims(posts));
        Assert.Contains("""{"relation":"users","mode":"SHARE ROW EXCLUSIVE"}""", posts.GetProperty("upLocksAlone").EnumerateArray().Select(Compact));
        Assert.Equal(0, posts.GetProperty("lockDisagreements").GetArrayLength());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Attach_partition_locks_the_parent_share_update_exclusive_and_the_partition_access_exclusive()
    {
        Requires.PostgresAndKnex();
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("attach-partition-without-check", "bad"));
        NodeKnex.LinkInto(repo);
        repo.Commit("fixture");

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var attach = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations")[1];
        Assert.Equal(
            ["measurements SHARE UPDATE EXCLUSIVE confirmed", "measurements_2021 ACCESS EXCLUSIVE confirmed", "measurements_2022 ACCESS EXCLUSIVE confirmed"],
            Claims(attach).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(0, attach.GetProperty("lockDisagreements").GetArrayLength());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Reindex_schema_inside_knexs_transaction_fails_as_the_static_rule_says()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(
            ("20250101000000_users.js", "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email').index(); });\nexports.down = (knex) => knex.schema.dropTable('users');\n"),
            ("20250102000000_reindex.js", "exports.up = (knex) => knex.raw('REINDEX SCHEMA public');\nexports.down = (knex) => knex.raw('SELECT 1');\n"));
        NodeKnex.LinkInto(repo);

        var finding = Assert.Single(Audit.Run(repo.Root).Of("concurrently-in-transaction"));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.Equal(1, run.ExitCode);
        var migrations = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations");
        Assert.Equal(["ok", "failed"], migrations.EnumerateArray().Select(m => m.GetProperty("up").GetString()));
        Assert.EndsWith("REINDEX SCHEMA cannot run inside a transaction block", migrations[1].GetProperty("upError").GetString());
        Assert.Contains("PostgreSQL refuses it with \"REINDEX SCHEMA cannot run inside a transaction block\"", finding.Message, StringComparison.Ordinal);
    }
}
