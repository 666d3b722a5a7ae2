using System.Text.Json;
using MigAudit.Core;
using MigAudit.Live;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>'migaudit plan' against a real database that real knex migrated, holding a table of 150,000 rows.</summary>
public sealed class PlanTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private readonly ThrowawayPostgres? postgres = server.Postgres;

    private void Ready()
    {
        Requires.Dependency(postgres is not null, "PostgreSQL (apt-get install postgresql)");
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
    }

    private const string Users = "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); t.integer('score'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n";

    private const string Pending = """
        exports.up = async (knex) => {
          await knex.schema.alterTable('users', (t) => { t.index('email'); });
          await knex.schema.createTable('posts', (t) => { t.increments('id'); t.integer('user_id').references('users.id').onDelete('CASCADE').index(); });
        };
        exports.down = async (knex) => {
          await knex.schema.dropTable('posts');
          await knex.schema.alterTable('users', (t) => { t.dropIndex('email'); });
        };
        """;

    private const string Rename = "exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.renameColumn('score', 'points'); });\nexports.down = (knex) => knex.schema.alterTable('users', (t) => { t.renameColumn('points', 'score'); });\n";

    /// <summary>A database real knex migrated to the first migration, with 150,000 users analyzed; two migrations pending.</summary>
    private async Task<(TempRepo Repo, string Url)> PendingAsync()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Commit();
        var url = await LiveDatabase.MigratedAsync(postgres!, repo, "plan");
        await LiveDatabase.ExecuteAsync(Verifier.ToConnectionString(url), "INSERT INTO users (email, score) SELECT 'user' || g || '@example.com', g FROM generate_series(1, 150000) g; ANALYZE users;");
        repo.Write("migrations/20250102000000_index_email.js", Pending);
        repo.Write("migrations/20250103000000_rename_score.js", Rename);
        repo.Commit("pending");
        return (repo, url);
    }


    private static async Task<JsonElement> PlanAsync(TempRepo repo, string url, int exit)
    {
        var run = await CliRunner.RunAsync("plan", repo.Root, "--database", url, "--format", "json");
        Assert.True(run.ExitCode == exit, run.Stdout + run.Stderr);
        return JsonDocument.Parse(run.Stdout).RootElement;
    }

    private static List<JsonElement> Steps(JsonElement root) => [.. root.GetProperty("pending").EnumerateArray().SelectMany(m => m.GetProperty("steps").EnumerateArray())];

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_pending_index_on_a_table_of_150000_rows_shows_its_size_lock_and_build_in_a_read_only_session()
    {
        Ready();
        var (repo, url) = await PendingAsync();
        using (repo)
        {
            var root = await PlanAsync(repo, url, exit: 0);

            Assert.True(root.GetProperty("readOnly").GetBoolean());
            Assert.Equal(1, root.GetProperty("applied").GetInt32());
            Assert.True(root.GetProperty("oneTransaction").GetBoolean());
            Assert.Equal(["20250102000000_index_email.js", "20250103000000_rename_score.js"], root.GetProperty("pending").EnumerateArray().Select(m => m.GetProperty("name").GetString()));

            // The new table's own statements lock nobody and are left out; its foreign key locks users too.
            var steps = Steps(root);
            Assert.Equal(
                [("users", "creates index users_email_index", "SHARE", "build", "medium"), ("users", "is referenced by the new foreign key posts_user_id_foreign from posts", "SHARE ROW EXCLUSIVE", "none", "low"), ("users", "renames column score to points", "ACCESS EXCLUSIVE", "none", "low")],
                steps.Select(s => (s.GetProperty("table").GetString()!, s.GetProperty("statement").GetString()!, s.GetProperty("lock").GetString()!, s.GetProperty("rowWork").GetString()!, s.GetProperty("risk").GetString()!)));
            Assert.InRange(steps[0].GetProperty("rows").GetInt64(), 140_000, 160_000);
            Assert.True(steps[0].GetProperty("bytes").GetInt64() > 5 << 20);
            Assert.Equal("seconds to minutes", steps[0].GetProperty("duration").GetString());

            // The batch's one transaction holds the first migration's lock on users (raised to SHARE ROW EXCLUSIVE by
            // its foreign key) through the rename; the index build on the live users is the work done under it.
            var longest = root.GetProperty("longestLocks").EnumerateArray().ToList();
            Assert.Equal(
                [("20250102000000_index_email.js", "users", "SHARE ROW EXCLUSIVE", 2, "batch", 2, 1), ("20250103000000_rename_score.js", "users", "ACCESS EXCLUSIVE", 1, "batch", 1, 0)],
                longest.Select(l => (l.GetProperty("migration").GetString()!, l.GetProperty("table").GetString()!, l.GetProperty("mode").GetString()!, l.GetProperty("line").GetInt32(),
                    l.GetProperty("release").GetString()!, l.GetProperty("migrationsHeld").GetInt32(), l.GetProperty("workWhileHeld").GetInt32())));
            Assert.InRange(longest[0].GetProperty("workRows").GetInt64(), 140_000, 160_000);
            Assert.Equal(steps[0].GetProperty("bytes").GetInt64(), longest[0].GetProperty("workBytes").GetInt64());

            // The session plan reads through refuses any write.
            await using var session = await ReadOnlySession.OpenCheckedAsync(url, "plan");
            await using var write = new NpgsqlCommand("CREATE INDEX should_not_exist ON users (score)", session);
            var error = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
            Assert.Equal("25006", error.SqlState);
            await using var check = new NpgsqlCommand("SELECT count(*) FROM pg_indexes WHERE tablename = 'users'", session);
            Assert.Equal(1L, await check.ExecuteScalarAsync());
        }
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task An_open_transaction_holding_a_conflicting_lock_makes_the_step_high_and_is_named()
    {
        Ready();
        var (repo, url) = await PendingAsync();
        using (repo)
        {
            // A writer's ROW EXCLUSIVE conflicts with CREATE INDEX's SHARE and with the rename's ACCESS EXCLUSIVE.
            await using var writer = new NpgsqlConnection(Verifier.ToConnectionString(url));
            await writer.OpenAsync();
            await using var transaction = await writer.BeginTransactionAsync();
            await using (var insert = new NpgsqlCommand("INSERT INTO users (email) VALUES ('open@example.com')", writer, transaction))
            {
                await insert.ExecuteNonQueryAsync();
            }

            var root = await PlanAsync(repo, url, exit: 1);

            var session = Assert.Single(root.GetProperty("sessions").EnumerateArray());
            Assert.Equal(writer.ProcessID, session.GetProperty("pid").GetInt32());
            Assert.Equal("idle in transaction", session.GetProperty("state").GetString());
            Assert.Contains("users RowExclusiveLock", session.GetProperty("locks").EnumerateArray().Select(l => l.GetString()));
            Assert.Equal(["high", "high", "high"], Steps(root).Select(s => s.GetProperty("risk").GetString()));
            Assert.Contains($"it waits behind pid {writer.ProcessID} (idle in transaction", Steps(root)[0].GetProperty("why").GetString());
            Assert.Equal("high", root.GetProperty("worstRisk").GetString());

            var markdown = await CliRunner.RunAsync("plan", repo.Root, "--database", url, "--format", "markdown");
            Assert.StartsWith("### migaudit plan: 2 pending migrations, highest risk high\n", markdown.Stdout.ReplaceLineEndings("\n"));
            Assert.Contains("| 20250102000000_index_email.js | 2 | users | creates index users_email_index | SHARE | builds an index from every row |", markdown.Stdout);
        }
    }

    [SkippableFact]
    public async Task The_lock_conflicts_migaudit_uses_are_postgresqls_own_for_every_pair_of_modes()
    {
        Requires.Postgres();
        string[] modes = ["ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", "SHARE UPDATE EXCLUSIVE", "SHARE", "SHARE ROW EXCLUSIVE", "EXCLUSIVE", "ACCESS EXCLUSIVE"];
        string[] pgLocks = ["AccessShareLock", "RowShareLock", "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock"];
        var database = "locks_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(postgres!.ConnectionString, $"CREATE DATABASE {database}");
        var url = Verifier.ToConnectionString(postgres.Url(database));
        await LiveDatabase.ExecuteAsync(url, "CREATE TABLE t (id int)");
        await using var holder = new NpgsqlConnection(url);
        await using var asker = new NpgsqlConnection(url);
        await holder.OpenAsync();
        await asker.OpenAsync();
        for (var held = 0; held < modes.Length; held++)
        {
            for (var asked = 0; asked < modes.Length; asked++)
            {
                await using var holding = await holder.BeginTransactionAsync();
                await new NpgsqlCommand($"LOCK TABLE t IN {modes[held]} MODE", holder, holding).ExecuteNonQueryAsync();
                await using var asking = await asker.BeginTransactionAsync();
                var waits = false;
                try
                {
                    await new NpgsqlCommand($"LOCK TABLE t IN {modes[asked]} MODE NOWAIT", asker, asking).ExecuteNonQueryAsync();
                }
                catch (PostgresException error) when (error.SqlState == "55P03")
                {
                    waits = true;
                }

                Assert.True(waits == LockEffects.Conflicts(modes[asked], pgLocks[held]), $"{modes[asked]} asked while {modes[held]} is held: PostgreSQL {(waits ? "waits" : "grants it")}");
                await asking.RollbackAsync();
                await holding.RollbackAsync();
            }
        }
    }
}
