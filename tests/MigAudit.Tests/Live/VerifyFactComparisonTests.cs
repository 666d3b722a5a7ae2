using System.Text.Json;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Schema;
using MigAudit.Live;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Live;

/// <summary>
/// verify's static-vs-real comparison, fact by fact (issue #30 item 5): nullability, defaults, foreign key actions,
/// index details and checks, on real PostgreSQL; what the replay leaves unknown is counted, never a difference.
/// </summary>
public sealed class VerifyFactComparisonTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Tables = """
          await knex.schema.createTable('users', (t) => { t.increments('id'); });
          await knex.schema.createTable('orders', (t) => { t.increments('id'); t.text('status'); t.integer('user_id'); });
        """;

    /// <summary>NOT NULL, a default and a foreign key's ON DELETE set through raw SQL the replay reads.</summary>
    private const string Readable = $$"""
        exports.up = async (knex) => {
        {{Tables}}
          await knex.raw('ALTER TABLE orders ALTER COLUMN status SET NOT NULL');
          await knex.raw("ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new'");
          await knex.raw('ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE');
        };
        exports.down = async (knex) => {
          await knex.schema.dropTable('orders');
          await knex.schema.dropTable('users');
        };
        """;

    /// <summary>The same SQL, decoded at run time: the replay cannot read it.</summary>
    private static readonly string Unreadable = $$"""
        const sql = (text) => Buffer.from(text, 'base64').toString('utf8');
        exports.up = async (knex) => {
        {{Tables}}
          await knex.raw(sql('{{Convert.ToBase64String("ALTER TABLE orders ALTER COLUMN status SET NOT NULL, ALTER COLUMN status SET DEFAULT 'new', ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE"u8)}}'));
        };
        exports.down = async (knex) => {
          await knex.schema.dropTable('orders');
          await knex.schema.dropTable('users');
        };
        """;

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Raw_sql_the_replay_reads_matches_every_fact_of_the_real_schema()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20250101000000_orders.js", Readable));
        NodeKnex.LinkInto(repo);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var comparison = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("staticModelComparison");
        Assert.True(comparison.GetProperty("compared").GetBoolean());
        Assert.Equal(0, comparison.GetProperty("differences").GetArrayLength());
        Assert.Equal(0, comparison.GetProperty("unknownFacts").GetInt32());
        // users: id's type, not null, default and the primary key (4); orders: three columns' (9), the primary key and the foreign key (11).
        Assert.Equal(15, comparison.GetProperty("sameFacts").GetInt32());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Raw_sql_the_replay_cannot_read_leaves_facts_unknown_and_counted_not_differences()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20250101000000_orders.js", Unreadable));
        NodeKnex.LinkInto(repo);

        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var comparison = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("staticModelComparison");
        Assert.Equal(0, comparison.GetProperty("differences").GetArrayLength());
        // Where the replay's stated value differs (status's not null and default) or it lacks the fact (the foreign key),
        // the statement it could not read may have made it so: 3 facts unknown; the 12 others agree.
        Assert.Equal(3, comparison.GetProperty("unknownFacts").GetInt32());
        Assert.Equal(12, comparison.GetProperty("sameFacts").GetInt32());
        var reason = Assert.Single(comparison.GetProperty("unknownReasons").EnumerateArray()).GetString();
        Assert.StartsWith("20250101000000_orders.js:5: ", reason);

        var text = await CliRunner.RunAsync("verify", repo.Root);
        Assert.Contains("The static schema replay matches the real schema: 12 facts agree; 3 facts the replay leaves unknown are not compared (20250101000000_orders.js:5: ", text.Stdout);
    }

    [SkippableFact]
    public async Task Each_fact_the_replay_states_wrongly_is_listed_with_both_values()
    {
        Requires.Postgres();
        var postgres = server.Postgres!;
        var database = "facts_" + Guid.NewGuid().ToString("n")[..10];
        await LiveDatabase.ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        var url = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = database }.ConnectionString;
        await using var connection = new NpgsqlConnection(url);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("""
            CREATE TABLE users (id serial PRIMARY KEY, email varchar(255));
            CREATE TABLE "user" (id serial PRIMARY KEY, "group" text CONSTRAINT user_group_unique UNIQUE);
            CREATE TABLE orders (
              id serial PRIMARY KEY,
              status text NOT NULL DEFAULT 'new',
              user_id integer CONSTRAINT orders_user_id_foreign REFERENCES users (id) ON DELETE CASCADE,
              total integer CONSTRAINT orders_total_check CHECK (total > 0),
              owner_id integer CONSTRAINT orders_owner_id_foreign REFERENCES "user" (id));
            CREATE INDEX orders_status_index ON orders (status) WHERE status <> 'done';
            CREATE INDEX users_email_index ON users USING hash (email);
            CREATE TABLE audit (id integer);
            """, connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        // What the replay of plain knex states: no NOT NULL, no default, no ON DELETE, no check, an index over every
        // row, a btree index, a table the database lacks; and no table audit. Keywords ("user", "group") are quoted as
        // PostgreSQL quotes them, so they are no difference.
        using var repo = Audit.Project(("20250101000000_tables.js", """
            exports.up = async (knex) => {
              await knex.schema.createTable('user', (t) => { t.increments('id'); t.text('group').unique(); });
              await knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); t.index(['email'], 'users_email_index'); });
              await knex.schema.createTable('orders', (t) => {
                t.increments('id');
                t.text('status').index();
                t.integer('user_id').references('id').inTable('users');
                t.integer('total');
                t.integer('owner_id').references('id').inTable('user');
              });
              await knex.schema.createTable('refunds', (t) => { t.increments('id'); });
            };
            """));
        var replay = SchemaReplayer.Replay(repo.Root, [new SchemaReplayer.Input("20250101000000_tables.js", Path.Combine(repo.Root, "migrations", "20250101000000_tables.js"))], new ParsedModuleCache());

        var comparison = await StaticComparison.RunAsync(replay.Schema, await SchemaSnapshot.ReadAsync(connection), connection, IdentifierTransform.None, role: null);

        Assert.Equal(
            [
                "audit: table: database present, replay absent",
                "orders: check orders_total_check: database check, replay (absent)",
                "orders: column status default: database 'new'::text, replay none",
                "orders: column status not null: database yes, replay no",
                "orders: foreign key orders_user_id_foreign: database (user_id) references users(id) on delete CASCADE on update NO ACTION, replay (user_id) references users(id) on delete NO ACTION on update NO ACTION",
                "orders: index orders_status_index where: database (status <> 'done'::text), replay none",
                "refunds: table: database absent, replay present",
                "users: index users_email_index: database (email) using hash, replay (email) using btree",
            ],
            comparison.Lines);
        Assert.Equal(0, comparison.UnknownFacts);
    }

    [SkippableFact]
    public async Task A_type_knex_writes_per_client_is_unknown_when_the_client_is_not_known()
    {
        Requires.Postgres();
        var postgres = server.Postgres!;
        var database = "client_" + Guid.NewGuid().ToString("n")[..10];
        await LiveDatabase.ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = database }.ConnectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE games (id serial PRIMARY KEY, wpm real, title varchar(255) NOT NULL)", connection))
        {
            await create.ExecuteNonQueryAsync();
        }

        using var repo = Audit.Project(("20250101000000_games.js", """
            exports.up = (knex) => knex.schema.createTable('games', (t) => { t.increments('id'); t.float('wpm'); t.string('title').notNullable(); });
            """));
        var replayer = new SchemaReplayer(repo.Root, new ParsedModuleCache(), dialect: SqlDialect.Unknown);
        replayer.Step(new SchemaReplayer.Input("20250101000000_games.js", Path.Combine(repo.Root, "migrations", "20250101000000_games.js")));

        var comparison = await StaticComparison.RunAsync(replayer.Result.Schema, await SchemaSnapshot.ReadAsync(connection), connection, IdentifierTransform.None, role: null);

        // increments and float: knex writes serial/real on PostgreSQL, other types on MySQL and SQLite; string: varchar(255) on all three.
        Assert.Equal([], comparison.Lines);
        Assert.Equal(4, comparison.UnknownFacts);
        Assert.Equal(["the replay does not know the project's client, and knex writes this column's type differently per client"], comparison.UnknownReasons);
        Assert.Equal(6, comparison.SameFacts);
    }

    [SkippableFact]
    public async Task A_type_written_to_end_the_probe_statement_is_refused_not_run()
    {
        Requires.Postgres();
        var postgres = server.Postgres!;
        var database = "probe_" + Guid.NewGuid().ToString("n")[..10];
        await LiveDatabase.ExecuteAsync(postgres.ConnectionString, $"CREATE DATABASE {database}");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = database }.ConnectionString);
        await connection.OpenAsync();
        const string Hostile = "integer); CREATE TABLE pwned (x integer); --";

        var written = await TypeProbe.WrittenByPostgresAsync(connection, [("integer", "0"), (Hostile, null), ("varchar(20)", "''")]);

        Assert.Equal(new TypeProbe.Written("integer", "0", null), written[("integer", "0")]);
        Assert.Equal(new TypeProbe.Written("character varying(20)", "''::character varying", null), written[("varchar(20)", "''")]);
        Assert.Null(written[(Hostile, null)].Type);
        Assert.NotNull(written[(Hostile, null)].Refused);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('pwned') IS NULL", connection);
        Assert.True((bool)(await exists.ExecuteScalarAsync())!);
    }
}
