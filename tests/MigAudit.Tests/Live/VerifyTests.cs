using System.Text.Json;
using MigAudit.Live;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>
/// 'migaudit verify' against a real PostgreSQL server with real knex and pg from npm (tests/node). These tests fail
/// in CI when PostgreSQL or knex is missing, and say they are skipped on a developer machine without them.
/// </summary>
public sealed class VerifyTests
{
    /// <summary>Skips the test (fails it in CI) without PostgreSQL and real knex.</summary>
    private static void Ready() => Requires.PostgresAndKnex();

    private static TempRepo Project(params (string Name, string Content)[] migrations)
    {
        var repo = Audit.Project(migrations);
        NodeKnex.LinkInto(repo);
        return repo;
    }

    /// <summary>A rule's fixture committed into a real repository, with the real knex and pg linked in, plus any extra files.</summary>
    private static TempRepo FixtureProject(string rule, string side, params (string Path, string Content)[] extra)
    {
        var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(rule, side));
        foreach (var (path, content) in extra)
        {
            repo.Write(path, content);
        }

        NodeKnex.LinkInto(repo);
        repo.Commit("fixture");
        return repo;
    }

    private const string Users = """
        exports.up = (knex) => knex.schema.createTable('users', (t) => {
          t.increments('id');
          t.string('email').notNullable().unique();
          t.timestamps(true, true);
        });
        exports.down = (knex) => knex.schema.dropTable('users');
        """;

    private const string Posts = """
        exports.up = async (knex) => {
          await knex.schema.createTable('posts', (t) => {
            t.increments('id');
            t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE').index();
            t.text('body');
          });
          await knex.raw('CREATE INDEX posts_body_idx ON posts (body)');
        };
        exports.down = async (knex) => {
          await knex.raw('DROP INDEX posts_body_idx');
          await knex.schema.dropTable('posts');
        };
        """;

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Passing_chain_goes_up_down_and_up_again_and_matches_the_static_model()
    {
        Ready();

        using var repo = Project(("20250101000000_users.js", Users), ("20250102000000_posts.js", Posts));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.True(root.GetProperty("latestAgain").GetBoolean());
        Assert.Equal(["ok", "ok"], root.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("up").GetString()));
        Assert.Equal(["ok", "ok"], root.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("down").GetString()));
        Assert.Equal(0, root.GetProperty("staticModelDifferences").GetArrayLength());
        Assert.StartsWith("migaudit_verify_", root.GetProperty("database").GetString());
        Assert.Contains("[2/2] up   20250102000000_posts.js: ok", run.Stderr);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Skipping_latest_again_still_passes_a_clean_chain_and_says_it_was_skipped()
    {
        Ready();

        using var repo = Project(("20250101000000_users.js", Users), ("20250102000000_posts.js", Posts));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--skip-latest-again");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("latestAgain").ValueKind);
        Assert.True(root.GetProperty("latestAgainSkipped").GetBoolean());
        Assert.Contains("latest again: skipped (--skip-latest-again)", (await CliRunner.RunAsync("verify", repo.Root, "--skip-latest-again")).Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Failing_migration_reports_the_database_error_and_stops_the_chain()
    {
        Ready();

        using var repo = Project(
            ("20250101000000_posts.js", Posts),
            ("20250102000000_users.js", Users));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        var first = json.RootElement.GetProperty("migrations")[0];
        Assert.Equal("failed", first.GetProperty("up").GetString());
        Assert.Contains("relation \"users\" does not exist", first.GetProperty("upError").GetString());
        Assert.Equal("not-run", json.RootElement.GetProperty("migrations")[1].GetProperty("up").GetString());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_migration_that_fails_only_inside_migrate_latests_single_transaction_fails_and_the_earlier_downs_are_still_tried()
    {
        Ready();

        // PostgreSQL refuses a new enum value in the transaction that added it: knex migrate:latest runs every pending
        // migration of a fresh database in one transaction, so the third fails there, though each alone would pass.
        using var repo = Project(
            ("20250101000000_mood.js", """
                exports.up = (knex) => knex.raw("CREATE TYPE mood AS ENUM ('sad')");
                exports.down = (knex) => knex.raw('DROP TYPE mood');
                """),
            ("20250102000000_happy.js", """
                exports.up = (knex) => knex.raw("ALTER TYPE mood ADD VALUE 'happy'");
                exports.down = async () => {};
                """),
            ("20250103000000_people.js", """
                exports.up = (knex) => knex.raw("CREATE TABLE people (id serial PRIMARY KEY, feeling mood NOT NULL DEFAULT 'happy')");
                exports.down = (knex) => knex.schema.dropTable('people');
                """));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.Equal(1, run.ExitCode);
        var migrations = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations");
        Assert.Equal(["ok", "ok", "failed"], migrations.EnumerateArray().Select(m => m.GetProperty("up").GetString()));
        Assert.Contains("unsafe use of new value \"happy\" of enum type mood", migrations[2].GetProperty("upError").GetString());
        Assert.Equal(["ok", "ok", "not-run"], migrations.EnumerateArray().Select(m => m.GetProperty("down").GetString()));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Concurrently_inside_knexs_transaction_fails_as_the_static_rule_says_and_with_transaction_false_it_passes()
    {
        Ready();

        // The static rule's claim, shown by real knex on a real PostgreSQL: the bad fixture fails with PostgreSQL's own message.
        using var bad = FixtureProject("concurrently-in-transaction", "bad");
        var failed = await CliRunner.RunAsync("verify", bad.Root, "--format", "json");
        var migrations = JsonDocument.Parse(failed.Stdout).RootElement.GetProperty("migrations");
        Assert.EndsWith("CREATE INDEX CONCURRENTLY cannot run inside a transaction block", migrations[1].GetProperty("upError").GetString());

        using var good = FixtureProject("concurrently-in-transaction", "good");
        var passed = await CliRunner.RunAsync("verify", good.Root, "--format", "json");
        Assert.True(passed.ExitCode == 0, passed.Stdout + passed.Stderr);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Without_lock_tracing_the_chain_is_still_verified_and_no_lock_or_rewrite_is_claimed()
    {
        Ready();

        // The same ALTER that the trace shows taking ACCESS EXCLUSIVE and rewriting users (integer -> bigint).
        using var repo = Project(
            ("20250101000000_users.js", """
                exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.integer('score'); });
                exports.down = (knex) => knex.schema.dropTable('users');
                """),
            ("20250102000000_score_bigint.js", """
                exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.bigInteger('score').alter(); });
                exports.down = (knex) => knex.schema.alterTable('users', (t) => { t.integer('score').alter(); });
                """));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json", "--no-lock-trace");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var root = JsonDocument.Parse(run.Stdout).RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.True(root.GetProperty("lockTracingSkipped").GetBoolean());
        Assert.True(root.GetProperty("latestAgain").GetBoolean());
        foreach (var migration in root.GetProperty("migrations").EnumerateArray())
        {
            Assert.Equal("ok", migration.GetProperty("down").GetString());
            Assert.False(migration.GetProperty("upLocksTraced").GetBoolean());
            Assert.Equal(JsonValueKind.Null, migration.GetProperty("upLocks").ValueKind);
            Assert.Equal(0, migration.GetProperty("upRewrites").GetArrayLength());
            Assert.Equal(JsonValueKind.Null, migration.GetProperty("lockDisagreements").ValueKind);
        }

        // The text says once that nothing was traced, and never that a migration ran without a transaction.
        var text = (await CliRunner.RunAsync("verify", repo.Root, "--no-lock-trace")).Stdout;
        Assert.Contains("locks and rewrites: not traced (--no-lock-trace)", text);
        Assert.DoesNotContain("locks: untraced", text);
        Assert.DoesNotContain("      rewrites:", text);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task The_trace_shows_each_migrations_own_locks_and_rewrites()
    {
        Ready();

        // One migration with transaction: false makes Knex run every migration of the batch in a transaction of its
        // own (Migrator's transactionForAll is off), so each one's locks are its own.
        using var repo = Project(
            ("20250100000000_extension.js", """
                exports.config = { transaction: false };
                exports.up = (knex) => knex.raw('SELECT 1');
                exports.down = (knex) => knex.raw('SELECT 1');
                """),
            ("20250101000000_users.js", """
                exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.integer('score'); t.string('email'); });
                exports.down = (knex) => knex.schema.dropTable('users');
                """),
            ("20250102000000_add_name.js", """
                exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.string('name'); });
                exports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('name'); });
                """),
            ("20250103000000_index_email.js", """
                exports.up = (knex) => knex.raw('CREATE INDEX users_email_index ON users (email)');
                exports.down = (knex) => knex.raw('DROP INDEX users_email_index');
                """),
            ("20250104000000_score_bigint.js", """
                exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.bigInteger('score').alter(); });
                exports.down = (knex) => knex.schema.alterTable('users', (t) => { t.integer('score').alter(); });
                """));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var migrations = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations");
        static string[] Locks(JsonElement migration) =>
            [.. migration.GetProperty("upLocks").EnumerateArray().Select(l => $"{l.GetProperty("relation").GetString()} {l.GetProperty("mode").GetString()}")];

        // A table the migration creates blocks nobody; an ADD COLUMN takes ACCESS EXCLUSIVE; CREATE INDEX a SHARE lock.
        Assert.False(migrations[0].GetProperty("upLocksTraced").GetBoolean());
        Assert.Empty(Locks(migrations[1]));
        Assert.Equal(["users ACCESS EXCLUSIVE"], Locks(migrations[2]));
        Assert.Equal(["users SHARE"], Locks(migrations[3]));
        Assert.Empty(migrations[3].GetProperty("upRewrites").EnumerateArray());

        // integer -> bigint is not binary-coercible: PostgreSQL rewrites the table (and its indexes).
        Assert.Contains("users ACCESS EXCLUSIVE", Locks(migrations[4]));
        Assert.Equal(["users", "users_email_index", "users_pkey"], migrations[4].GetProperty("upRewrites").EnumerateArray().Select(r => r.GetString()));
    }

    [SkippableTheory]
    [Trait("Surface", "cli")]
    [InlineData("create-index-not-concurrently", "users SHARE")]
    [InlineData("drop-index-not-concurrently", "users ACCESS EXCLUSIVE")]
    [InlineData("add-unique-constraint", "users ACCESS EXCLUSIVE")]
    [InlineData("add-not-null-column-without-default", "users ACCESS EXCLUSIVE")]
    [InlineData("add-column-volatile-default", "users ACCESS EXCLUSIVE")]
    [InlineData("add-serial-column", "users ACCESS EXCLUSIVE")]
    [InlineData("change-column-type", "users ACCESS EXCLUSIVE")]
    [InlineData("set-not-null", "users ACCESS EXCLUSIVE")]
    [InlineData("add-foreign-key-without-not-valid", "users SHARE ROW EXCLUSIVE")]
    [InlineData("add-foreign-key-without-not-valid", "teams SHARE ROW EXCLUSIVE")]
    [InlineData("add-check-without-not-valid", "users ACCESS EXCLUSIVE")]
    [InlineData("rename-column", "users ACCESS EXCLUSIVE")]
    [InlineData("drop-column", "users ACCESS EXCLUSIVE")]
    [InlineData("add-primary-key", "users ACCESS EXCLUSIVE")]
    [InlineData("truncate-table", "sessions ACCESS EXCLUSIVE")]
    [InlineData("truncate-cascade", "teams ACCESS EXCLUSIVE")]
    [InlineData("truncate-cascade", "badges ACCESS EXCLUSIVE")]
    [InlineData("reindex-not-concurrently", "users SHARE")]
    [InlineData("detach-partition-not-concurrently", "measurements ACCESS EXCLUSIVE")]
    [InlineData("detach-partition-not-concurrently", "measurements_2020 ACCESS EXCLUSIVE")]
    [InlineData("update-delete-without-where", "users ROW EXCLUSIVE")]
    [InlineData("add-exclusion-constraint", "bookings ACCESS EXCLUSIVE")]
    [InlineData("add-generated-column", "users ACCESS EXCLUSIVE")]
    [InlineData("alter-domain-constraint", "products SHARE")]
    [InlineData("alter-domain-constraint", "refunds SHARE")]
    [InlineData("attach-partition-without-check", "measurements_2021 ACCESS EXCLUSIVE")]
    public async Task The_trace_agrees_with_each_lock_rules_claim_on_its_bad_fixture(string rule, string claimedLock)
    {
        Ready();

        // A migration without a transaction makes Knex give every other one a transaction of its own, as on a database
        // where the table existed before the deploy: the lock is then the migration's own, not its batch's.
        using var repo = FixtureProject(rule, "bad", ("migrations/20250100000000_no_transaction.js", "exports.config = { transaction: false };\nexports.up = (knex) => knex.raw('SELECT 1');\nexports.down = (knex) => knex.raw('SELECT 1');\n"));

        var finding = Audit.Run(repo.Root).Of(rule).First();
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        var traced = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations").EnumerateArray()
            .Single(m => finding.File!.EndsWith(m.GetProperty("name").GetString()!, StringComparison.Ordinal));
        Assert.Contains(claimedLock, traced.GetProperty("upLocks").EnumerateArray().Select(l => $"{l.GetProperty("relation").GetString()} {l.GetProperty("mode").GetString()}"));
        Assert.Contains(claimedLock.Split(' ', 2)[1] + " lock", finding.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [Trait("Surface", "cli")]
    [InlineData("add-column-volatile-default", true)]
    [InlineData("add-serial-column", true)]
    [InlineData("change-column-type", true)]
    [InlineData("set-not-null", false)]
    [InlineData("add-not-null-column-without-default", false)]
    [InlineData("add-generated-column", true)]
    public async Task The_trace_shows_a_rewrite_exactly_where_a_lock_rule_claims_one(string rule, bool claimsRewrite)
    {
        Ready();

        using var repo = FixtureProject(rule, "bad", ("migrations/20250100000000_no_transaction.js", "exports.config = { transaction: false };\nexports.up = (knex) => knex.raw('SELECT 1');\nexports.down = (knex) => knex.raw('SELECT 1');\n"));
        var finding = Audit.Run(repo.Root).Of(rule).First();
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var traced = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations").EnumerateArray()
            .Single(m => finding.File!.EndsWith(m.GetProperty("name").GetString()!, StringComparison.Ordinal));
        Assert.Equal(claimsRewrite, traced.GetProperty("upRewrites").EnumerateArray().Any(r => r.GetString() == "users"));
        Assert.Equal(claimsRewrite, finding.Message.Contains("rewrites users", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [Trait("Surface", "cli")]
    [InlineData("concurrently-in-transaction", "good")]
    [InlineData("create-index-not-concurrently", "bad")]
    [InlineData("create-index-not-concurrently", "good")]
    [InlineData("drop-index-not-concurrently", "bad")]
    [InlineData("drop-index-not-concurrently", "good")]
    [InlineData("add-unique-constraint", "bad")]
    [InlineData("add-unique-constraint", "good")]
    [InlineData("add-not-null-column-without-default", "bad")]
    [InlineData("add-not-null-column-without-default", "good")]
    [InlineData("add-column-volatile-default", "bad")]
    [InlineData("add-column-volatile-default", "good")]
    [InlineData("add-serial-column", "bad")]
    [InlineData("add-serial-column", "good")]
    [InlineData("change-column-type", "bad")]
    [InlineData("change-column-type", "good")]
    [InlineData("set-not-null", "bad")]
    [InlineData("set-not-null", "good")]
    [InlineData("add-foreign-key-without-not-valid", "bad")]
    [InlineData("add-foreign-key-without-not-valid", "good")]
    [InlineData("add-check-without-not-valid", "bad")]
    [InlineData("add-check-without-not-valid", "good")]
    [InlineData("rename-column", "bad")]
    [InlineData("rename-column", "good")]
    [InlineData("rename-table", "bad")]
    [InlineData("rename-table", "good")]
    [InlineData("drop-column", "bad")]
    [InlineData("drop-column", "good")]
    [InlineData("drop-table", "bad")]
    [InlineData("drop-table", "good")]
    [InlineData("lock-held-across-batch", "bad")]
    [InlineData("lock-held-across-batch", "good")]
    [InlineData("missing-lock-timeout", "bad")]
    [InlineData("missing-lock-timeout", "good")]
    [InlineData("statements-after-access-exclusive", "bad")]
    [InlineData("statements-after-access-exclusive", "good")]
    [InlineData("add-primary-key", "bad")]
    [InlineData("add-primary-key", "good")]
    [InlineData("truncate-table", "bad")]
    [InlineData("truncate-table", "good")]
    [InlineData("truncate-cascade", "bad")]
    [InlineData("truncate-cascade", "good")]
    [InlineData("reindex-not-concurrently", "bad")]
    [InlineData("reindex-not-concurrently", "good")]
    [InlineData("detach-partition-not-concurrently", "bad")]
    [InlineData("detach-partition-not-concurrently", "good")]
    [InlineData("update-delete-without-where", "bad")]
    [InlineData("update-delete-without-where", "good")]
    [InlineData("not-valid-validated-in-same-transaction", "bad")]
    [InlineData("not-valid-validated-in-same-transaction", "good")]
    [InlineData("add-exclusion-constraint", "bad")]
    [InlineData("add-exclusion-constraint", "good")]
    [InlineData("add-generated-column", "bad")]
    [InlineData("add-generated-column", "good")]
    [InlineData("attach-partition-without-check", "bad")]
    [InlineData("attach-partition-without-check", "good")]
    public async Task The_trace_and_the_static_lock_prediction_agree_on_every_lock_fixture(string rule, string side)
    {
        Ready();

        // As production runs a fresh database: the whole chain in migrate:latest's one transaction (unless a
        // migration opts out), where a lock an earlier migration took is not taken again.
        using var repo = FixtureProject(rule, side);
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        // A bad fixture's down may not restore what its up dropped; every up runs.
        Assert.True(run.ExitCode == 0 || side == "bad" && run.ExitCode == 1, run.Stdout + run.Stderr);
        var migrations = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations").EnumerateArray().ToList();
        Assert.All(migrations, m => Assert.Equal(m.GetProperty("upLocksTraced").GetBoolean() ? JsonValueKind.Array : JsonValueKind.Null, m.GetProperty("lockDisagreements").ValueKind));
        Assert.Empty(migrations.Where(m => m.GetProperty("lockDisagreements").ValueKind == JsonValueKind.Array).SelectMany(m => m.GetProperty("lockDisagreements").EnumerateArray().Select(d => $"{m.GetProperty("name").GetString()}: {d.GetString()}")));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_disagreement_between_the_trace_and_the_replay_is_reported_where_the_replay_could_not_see()
    {
        Ready();

        // The replay reads LOCK TABLE as no schema change; the trace sees the SHARE lock it takes and held to the commit.
        using var repo = Project(
            ("20250101000000_users.js", "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n"),
            ("20250102000000_cluster.js", "exports.config = { transaction: false };\nexports.up = (knex) => knex.raw('SELECT 1');\nexports.down = (knex) => knex.raw('SELECT 1');\n"),
            ("20250103000000_alter.js", "exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.string('email'); });\nexports.down = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('email'); });\n"),
            ("20250104000000_lock.js", "exports.up = (knex) => knex.raw('LOCK TABLE users IN SHARE MODE');\nexports.down = (knex) => knex.raw('SELECT 1');\n"));
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var migrations = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations");
        Assert.Empty(migrations[2].GetProperty("lockDisagreements").EnumerateArray());
        Assert.Equal(["users: the trace shows SHARE, which the replay does not predict"], migrations[3].GetProperty("lockDisagreements").EnumerateArray().Select(d => d.GetString()));
        var text = await CliRunner.RunAsync("verify", repo.Root);
        Assert.Contains("      locks differ from the static prediction: users: the trace shows SHARE, which the replay does not predict", text.Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_migration_without_a_transaction_is_untraced_never_shown_without_locks()
    {
        Ready();

        using var good = FixtureProject("concurrently-in-transaction", "good");
        var run = await CliRunner.RunAsync("verify", good.Root);

        Assert.Contains("locks: untraced (it runs without a transaction: each statement releases its locks as it ends)", run.Stdout);
        var json = JsonDocument.Parse((await CliRunner.RunAsync("verify", good.Root, "--format", "json")).Stdout).RootElement.GetProperty("migrations");
        Assert.False(json[1].GetProperty("upLocksTraced").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json[1].GetProperty("upLocks").ValueKind);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Down_that_leaves_a_table_behind_is_shown_with_the_difference()
    {
        Ready();

        using var repo = Project(("20250101000000_tags.js", """
            exports.up = async (knex) => {
              await knex.schema.createTable('tags', (t) => t.increments('id'));
              await knex.schema.createTable('tag_aliases', (t) => t.increments('id'));
            };
            exports.down = (knex) => knex.schema.dropTable('tags');
            """));
        var run = await CliRunner.RunAsync("verify", repo.Root);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("down does not restore the schema: table tag_aliases is left behind", run.Stdout);
        Assert.Contains("not-restored", run.Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Given_server_gets_a_scratch_database_that_is_dropped_afterwards()
    {
        Ready();

        using var server = ThrowawayPostgres.Start(tcp: true);
        using var repo = Project(("20250101000000_users.js", Users));
        var url = server.Url();
        var run = await CliRunner.RunAsync("verify", repo.Root, "--database", url, "--format", "json");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);

        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var databases = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'migaudit_verify_%'", connection);
        Assert.Equal(0L, (long)(await databases.ExecuteScalarAsync())!);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Keep_without_a_given_server_is_refused_since_the_throwaway_server_dies_with_migaudit()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Users));

        var run = await CliRunner.RunAsync("verify", repo.Root, "--keep");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("migaudit: --keep keeps the scratch database on a server you give with --database: the throwaway server listens only on a private socket and stops with migaudit\n", run.Stderr);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Missing_knex_is_a_one_line_error_naming_npm_install()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Users);
        repo.Commit();
        var run = await CliRunner.RunAsync("verify", repo.Root);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("run 'npm install' there first", run.Stderr);
    }
}
