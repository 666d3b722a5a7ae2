using System.Text.Json;
using MigAudit.Live;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>'migaudit drift' on real databases that real knex migrated, then changed behind the project's back.</summary>
public sealed class DriftTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private readonly ThrowawayPostgres? postgres = server.Postgres;

    /// <summary>Skips the test (fails it in CI) without the PostgreSQL server of the fixture and real knex.</summary>
    private void Ready()
    {
        Requires.Dependency(postgres is not null, "PostgreSQL (apt-get install postgresql)");
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
    }

    private const string Users = "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n";
    private const string Posts = "exports.up = (knex) => knex.schema.createTable('posts', (t) => { t.increments('id'); t.integer('user_id').references('id').inTable('users').onDelete('CASCADE'); });\nexports.down = (knex) => knex.schema.dropTable('posts');\n";

    /// <summary>A committed project and a database that real knex migrated to its latest state.</summary>
    private async Task<(TempRepo Repo, string Url)> MigratedAsync()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Write("migrations/20250102000000_posts.js", Posts);
        repo.Commit();
        return (repo, await LiveDatabase.MigratedAsync(postgres!, repo, "drift"));
    }


    private static async Task<(int Exit, JsonElement Root, JsonDocument Document)> DriftAsync(TempRepo repo, string url)
    {
        var run = await CliRunner.RunAsync("drift", repo.Root, "--database", url, "--format", "json");
        Assert.True(run.ExitCode is 0 or 1, run.Stderr);
        var document = JsonDocument.Parse(run.Stdout);
        return (run.ExitCode, document.RootElement, document);
    }

    private static List<string> Kinds(JsonElement root) => root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("kind").GetString()!).ToList();

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Up_to_date_database_has_no_drift_and_the_session_is_read_only()
    {
        Ready();

        var (repo, url) = await MigratedAsync();
        using (repo)
        {
            var (exit, root, document) = await DriftAsync(repo, url);
            using (document)
            {
                Assert.Equal(0, exit);
                Assert.True(root.GetProperty("readOnly").GetBoolean());
                Assert.Equal(2, root.GetProperty("applied").GetInt32());
                Assert.Equal(["unindexed-foreign-key"], Kinds(root));
            }

            await using var session = await ReadOnlySession.OpenCheckedAsync(url, "drift");
            await using var write = new NpgsqlCommand("CREATE TABLE should_not_exist (id int)", session);
            var error = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
            Assert.Equal("25006", error.SqlState);
            Assert.Contains("read-only transaction", error.MessageText);
        }
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Applied_migration_whose_file_was_deleted_blocks_knex()
    {
        Ready();

        var (repo, url) = await MigratedAsync();
        using (repo)
        {
            repo.Delete("migrations/20250102000000_posts.js");
            repo.Commit("remove posts");
            var (exit, root, document) = await DriftAsync(repo, url);
            using (document)
            {
                Assert.Equal(1, exit);
                var missing = root.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "missing-file");
                Assert.True(missing.GetProperty("blocking").GetBoolean());
                Assert.Contains("\"The migration directory is corrupt, the following files are missing: 20250102000000_posts.js\"", missing.GetProperty("message").GetString());
                Assert.Contains("deleted (by commit", missing.GetProperty("message").GetString());
                Assert.Contains("orphaned-table", Kinds(root));
            }
        }
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Extension_only_rename_is_recognised()
    {
        Ready();

        var (repo, url) = await MigratedAsync();
        using (repo)
        {
            repo.Git("mv", "migrations/20250102000000_posts.js", "migrations/20250102000000_posts.cjs");
            repo.Commit("cjs");
            var (exit, root, document) = await DriftAsync(repo, url);
            using (document)
            {
                Assert.Equal(1, exit);
                var renamed = root.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "renamed");
                Assert.Contains("renamed to 20250102000000_posts.cjs (extension only)", renamed.GetProperty("message").GetString());
                Assert.Contains("20250102000000_posts.cjs is pending", root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("message").GetString()).First(m => m!.Contains("pending", StringComparison.Ordinal)));
            }
        }
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Orphaned_table_held_lock_and_an_out_of_order_pending_migration()
    {
        Ready();

        var (repo, url) = await MigratedAsync();
        using (repo)
        {
            var admin = Verifier.ToConnectionString(url);
            await LiveDatabase.ExecuteAsync(admin, "CREATE TABLE legacy_reports (id int)");
            await LiveDatabase.ExecuteAsync(admin, "UPDATE knex_migrations_lock SET is_locked = 1");
            repo.Write("migrations/20250101120000_tags.js", "exports.up = (knex) => knex.schema.createTable('tags', (t) => t.increments('id'));\nexports.down = (knex) => knex.schema.dropTable('tags');\n");
            var (exit, root, document) = await DriftAsync(repo, url);
            using (document)
            {
                Assert.Equal(1, exit);
                var messages = root.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("kind").GetString()! + ":" + f.GetProperty("message").GetString(), f => f);
                Assert.Contains(messages.Keys, k => k.StartsWith("orphaned-table:table legacy_reports exists here but no active migration creates it", StringComparison.Ordinal));
                Assert.Contains(messages.Keys, k => k.StartsWith("lock-held:", StringComparison.Ordinal));
                Assert.Contains(messages.Keys, k => k.StartsWith("pending:20250101120000_tags.js is pending and sorts before 20250102000000_posts.js", StringComparison.Ordinal));
                Assert.DoesNotContain(messages.Keys, k => k.StartsWith("missing-table:", StringComparison.Ordinal));
            }
        }
    }
}
