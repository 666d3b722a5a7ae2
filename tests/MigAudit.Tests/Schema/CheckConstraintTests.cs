using System.Text.Json;
using MigAudit.Core;
using MigAudit.Knex.Schema;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Schema;

/// <summary>
/// Knex's enu() on PostgreSQL is a text column with an inline CHECK, which PostgreSQL names &lt;table&gt;_&lt;column&gt;_check;
/// real projects later drop and re-create it by that name to change the allowed values.
/// </summary>
public sealed class CheckConstraintTests(PostgresServer server) : IClassFixture<PostgresServer>
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

    private static string Up(string body) => $"exports.up = async (knex) => {{\n  {body}\n}};\nexports.down = async () => {{}};\n";

    private const string Base = "await knex.schema.createTable('t', (t) => { t.increments('id'); t.integer('n'); t.string('a'); });";

    [SkippableFact]
    public void Knex_writes_column_checks_inline_when_created_and_as_numbered_constraints_when_altered()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var sql = NodeKnex.WithKnex("""
            console.log(knex.schema.createTable('c', (t) => { t.integer('x').checkBetween([0, 10]).checkPositive(); t.string('s').checkIn(['a'], 'My_In'); }).toString());
            console.log(knex.schema.alterTable('t', (t) => { t.integer('n').checkPositive().checkNegative().checkBetween([1, 2], 'Named').alter(); }).toString());
            console.log(knex.schema.createTable('c', (t) => { t.increments('id').checkPositive(); }).toString());
            """);
        Assert.Equal("""
            create table "c" ("x" integer check ("x" > 0) check ("x" between 0 and 10), "s" varchar(255) constraint My_In check ("s" in ('a')))
            alter table "t" alter column "n" drop default;
            alter table "t" alter column "n" drop not null;
            alter table "t" alter column "n" type integer using ("n"::integer);
            alter table "t" add constraint t_n_1 check("n" > 0);
            alter table "t" add constraint t_n_2 check("n" < 0);
            alter table "t" add constraint Named check("n" between 1 and 2)
            create table "c" ("id" serial primary key)

            """.ReplaceLineEndings("\n"), sql);
    }

    [Fact]
    public void The_replay_names_column_checks_as_postgresql_does()
    {
        // Names read from PostgreSQL 15's catalog after real knex ran these (the conformance suite runs them too).
        var replay = Audit.Replay(SqlDialect.PostgreSQL, Up(Base), Up("""
            await knex.schema.createTable('c', (t) => { t.integer('x').checkBetween([0, 10]).checkPositive(); t.string('s').checkIn(['a'], 'My_In'); t.enu('e', ['a']).checkIn(['a']); });
            await knex.schema.alterTable('t', (t) => { t.integer('n').checkPositive().checkNegative().checkBetween([1, 2], 'Named').alter(); });
            await knex.schema.createTable('t_n', (t) => { t.integer('x').checkPositive(); t.increments('id').checkPositive(); });
            await knex.schema.alterTable('t', (t) => { t.integer('n_x').checkPositive(); });
            await knex.schema.createTable('a_very_long_table_name_that_goes_on_and_on_forever', (t) => { t.integer('a_very_long_column_name_that_also_goes_on_and_on').checkPositive().checkNegative(); });
            """));
        Assert.Empty(replay.Migrations.SelectMany(m => m.ChainProblems));
        var schema = replay.Schema;
        Assert.Equal(["c_x_check", "c_x_check1", "my_in", "c_e_check", "c_e_check1"], schema.Table("c")!.Checks);
        Assert.Equal(["t_n_1", "t_n_2", "named", "t_n_x_check1"], schema.Table("t")!.Checks);
        Assert.Equal(["t_n_x_check"], schema.Table("t_n")!.Checks);
        Assert.Equal(
            ["a_very_long_table_name_that__a_very_long_column_name_that_check", "a_very_long_table_name_that__a_very_long_column_name_tha_check1"],
            schema.Table("a_very_long_table_name_that_goes_on_and_on_forever")!.Checks);
    }

    [Fact]
    public void A_check_the_replay_cannot_vouch_for_makes_the_table_unknown_and_dropping_the_column_drops_its_checks()
    {
        var replay = Audit.Replay(SqlDialect.PostgreSQL, Up(Base), Up("""
            await knex.schema.alterTable('t', (t) => { t.integer('x').checkPositive().checkIn([1, 2]); });
            await knex.schema.alterTable('t', (t) => { t.dropColumn('x'); t.check('n > 0', [], 'T_Positive'); });
            """));
        Assert.Empty(replay.Migrations[1].ChainProblems);
        Assert.Equal(["t_positive"], replay.Schema.Table("t")!.Checks);
        Assert.Null(replay.Schema.UncertaintyOf(replay.Schema.Table("t")!));

        // checkPositive() on a varchar: PostgreSQL refuses "v" > 0 (operator does not exist), so the replay claims nothing.
        var varchar = Audit.Replay(SqlDialect.PostgreSQL, Up(Base), Up("await knex.schema.alterTable('t', (t) => { t.string('v').checkPositive(); });"));
        Assert.Empty(varchar.Migrations[1].ChainProblems);
        Assert.Contains("checkPositive() on column v", varchar.Schema.UncertaintyOf(varchar.Schema.Table("t")!)!.Describe());
    }

    [Fact]
    public void Knex_failures_around_checks_are_chain_errors_on_postgresql()
    {
        var replay = Audit.Replay(SqlDialect.PostgreSQL, Up(Base), Up("await knex.schema.alterTable('t', (t) => { t.integer('x').check('x > 0'); });"),
            Up("await knex.schema.alterTable('t', (t) => { t.check('n > 0'); });"), Up("await knex.schema.alterTable('t', (t) => { t.dropChecks(['t_missing']); });"));
        Assert.Equal("column.check(): knex 3.1.0 has no column check() to compile: building the table throws \"TypeError: Cannot read properties of undefined (reading 'apply')\" and the migration fails; use table.check('<sql>', [], '<name>') or a modifier such as checkPositive()/checkIn()",
            Assert.Single(replay.Migrations[1].ChainProblems).Message);
        Assert.Equal("table.check() without a constraint name in alterTable: knex 3.1.0 writes add constraint \"t\"_1, which PostgreSQL refuses (syntax error at or near \"_1\"); give the check a name",
            Assert.Single(replay.Migrations[2].ChainProblems).Message);
        Assert.Equal("drop constraint 't_missing' on t: no such constraint at this point", Assert.Single(replay.Migrations[3].ChainProblems).Message);
    }

    [SkippableFact]
    public void Every_client_of_knex_throws_on_a_column_check()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var output = NodeKnex.WithKnex("""
            for (const client of ['pg', 'mysql2', 'better-sqlite3', 'mssql', 'oracledb']) {
              const k = require(require('path').join(process.cwd(), 'node_modules', 'knex'))({ client, useNullAsDefault: true });
              try { k.schema.createTable('c', (t) => { t.integer('x').check('x > 0'); }).toString(); console.log(client + ': no error'); }
              catch (e) { console.log(client + ': ' + e.constructor.name + ': ' + e.message); }
            }
            """);
        Assert.Equal(string.Concat(new[] { "pg", "mysql2", "better-sqlite3", "mssql", "oracledb" }.Select(c => $"{c}: TypeError: Cannot read properties of undefined (reading 'apply')\n")), output);
        foreach (var dialect in new[] { SqlDialect.PostgreSQL, SqlDialect.MySQL, SqlDialect.SQLite })
        {
            var replay = Audit.Replay(dialect, Up(Base), Up("await knex.schema.alterTable('t', (t) => { t.integer('x').check('x > 0'); });"));
            Assert.Contains("Cannot read properties of undefined (reading 'apply')", Assert.Single(replay.Migrations[1].ChainProblems).Message);
        }
    }

    [SkippableFact]
    public async Task The_reserved_words_are_the_ones_postgresql_refuses_as_a_constraint_name()
    {
        Requires.Postgres();
        await using var connection = new NpgsqlConnection(server.Postgres!.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')", connection);
        var words = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            words.Add(reader.GetString(0));
        }

        Assert.Equal(words.Order(StringComparer.Ordinal), SchemaState.ReservedWords.Order(StringComparer.Ordinal));
        Assert.Equal("my_check", SchemaState.UnquotedName("My_Check"));
        Assert.Null(SchemaState.UnquotedName("user"));
        Assert.Null(SchemaState.UnquotedName("my check"));
    }
}
