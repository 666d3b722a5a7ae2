using System.Text.Json;
using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>The dialect read from the knexfile's client (or the installed driver), stated in every report, and no PostgreSQL claim on other databases.</summary>
public sealed class DialectTests
{
    private static TempRepo ProjectWithClient(string client, string? packageJson = null)
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", $"module.exports = {{\n  production: {{\n    client: {client},\n    connection: process.env.DATABASE_URL,\n  }},\n}};\n");
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        if (packageJson is not null)
        {
            repo.Write("package.json", packageJson);
        }

        repo.Commit();
        return repo;
    }

    [Theory]
    [InlineData("'pg'", SqlDialect.PostgreSQL)]
    [InlineData("'postgresql'", SqlDialect.PostgreSQL)]
    [InlineData("'postgres'", SqlDialect.PostgreSQL)]
    [InlineData("'pgnative'", SqlDialect.PostgreSQL)]
    [InlineData("'cockroachdb'", SqlDialect.PostgreSQL)]
    [InlineData("'mysql'", SqlDialect.MySQL)]
    [InlineData("'mysql2'", SqlDialect.MySQL)]
    [InlineData("'sqlite3'", SqlDialect.SQLite)]
    [InlineData("'sqlite'", SqlDialect.SQLite)]
    [InlineData("'better-sqlite3'", SqlDialect.SQLite)]
    [InlineData("'mssql'", SqlDialect.MSSQL)]
    [InlineData("'oracledb'", SqlDialect.Oracle)]
    public void Knex_client_names_and_aliases_give_the_dialect_with_the_line_they_are_read_from(string client, SqlDialect expected)
    {
        using var repo = ProjectWithClient(client);
        var dialect = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions()).Dialect;
        Assert.Equal(expected, dialect.Dialect);
        Assert.Equal(client.Trim('\''), dialect.Client);
        Assert.Equal($"knexfile.js:3, client {client}", dialect.Source);
    }

    [Fact]
    public void A_client_chosen_at_run_time_is_decided_by_the_only_driver_installed()
    {
        using var repo = ProjectWithClient("process.env.DB_CLIENT", """{ "dependencies": { "knex": "^3.1.0", "pg": "^8.13.0" } }""");
        var dialect = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions()).Dialect;
        Assert.Equal(SqlDialect.PostgreSQL, dialect.Dialect);
        Assert.Null(dialect.Client);
        Assert.Equal("the client is chosen at run time (knexfile.js:3: unknown (process.env.DB_CLIENT)); pg is the only database driver in package.json", dialect.Source);
    }

    [Fact]
    public void A_client_chosen_at_run_time_between_two_installed_drivers_is_unknown_and_postgresql_only_rules_do_not_run()
    {
        using var repo = ProjectWithClient("process.env.DB_CLIENT", """{ "dependencies": { "pg": "^8.13.0" }, "devDependencies": { "sqlite3": "^5.1.0" } }""");
        var result = Audit.Run(repo.Root);
        var dialect = result.Input.Project.Dialect;
        Assert.Equal(SqlDialect.Unknown, dialect.Dialect);
        Assert.Equal([SqlDialect.PostgreSQL, SqlDialect.SQLite], dialect.Possible);
        Assert.Equal("unknown: the client is chosen at run time (knexfile.js:3: unknown (process.env.DB_CLIENT)); package.json installs drivers for PostgreSQL, SQLite: name the one production uses with --client NAME (or \"client\" in .migauditrc.json) to run that database's rules", dialect.Describe());
        Assert.Empty(result.Of("ssl-mismatch"));
    }

    [Fact]
    public void A_client_that_is_not_one_of_knex_clients_is_unknown_and_says_so()
    {
        using var repo = ProjectWithClient("'postgress'");
        var dialect = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions()).Dialect;
        Assert.Equal(SqlDialect.Unknown, dialect.Dialect);
        Assert.Equal("knexfile.js:3: client 'postgress' is not one of Knex's clients", dialect.Source);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_sqlite_project_is_described_with_sqlite_types_and_defaults_and_no_postgresql_claim()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("dialects", "sqlite"));
        repo.Commit("fixture");

        var text = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Contains("Database:    SQLite (knexfile.js:3, client 'better-sqlite3')", text.Stdout);
        Assert.DoesNotContain("PostgreSQL", text.Stdout);
        Assert.DoesNotContain("pg's default", text.Stdout);
        Assert.Contains("  min:                  1 (knex's default)", text.Stdout);
        Assert.Contains("  max:                  1 (knex's default)", text.Stdout);
        Assert.Contains("  ssl:                  off (SQLite opens a local file)", text.Stdout);

        var result = Audit.Run(repo.Root);
        var notes = result.Input.Schema.Schema.Table("notes")!;
        Assert.Equal(["id:integer", "author_id:integer", "score:float", "state:text"], notes.Columns.Select(c => $"{c.Name}:{c.Type}"));
        var authors = result.Input.Schema.Schema.Table("authors")!;
        Assert.Equal(["id"], authors.PrimaryKey);
        Assert.Equal(["datetime", "datetime"], authors.Columns.Where(c => c.Name.EndsWith("_at", StringComparison.Ordinal)).Select(c => c.Type));

        // SQLite does not index a foreign key's column by itself either: that claim holds there.
        var finding = Assert.Single(result.Findings);
        Assert.Equal("fk-missing-index", finding.Rule);
        Assert.Contains("SQLite does not create one for a foreign key", finding.Message);

        var json = JsonDocument.Parse((await CliRunner.RunAsync("audit", repo.Root, "--format", "json")).Stdout).RootElement.GetProperty("dialect");
        Assert.Equal("sqlite", json.GetProperty("name").GetString());
        Assert.Equal("better-sqlite3", json.GetProperty("client").GetString());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_mysql_project_gets_mysql_types_no_unindexed_foreign_key_claim_and_mediumtext_compiles()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("dialects", "mysql"));
        repo.Commit("fixture");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
        var customers = result.Input.Schema.Schema.Table("customers")!;
        Assert.Equal(["id:int unsigned", "email:varchar(191)", "notes:mediumtext", "created_at:timestamp", "updated_at:timestamp"], customers.Columns.Select(c => $"{c.Name}:{c.Type}"));
        var orders = result.Input.Schema.Schema.Table("orders")!;
        Assert.Equal("enum('new', 'paid', 'shipped')", orders.Column("status")!.Type);
        Assert.Equal("float(10, 2)", orders.Column("total")!.Type);
        Assert.Equal("int unsigned", orders.Column("customer_id")!.Type);

        var text = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Contains("Database:    MySQL (knexfile.js:3, client 'mysql2')", text.Stdout);
        Assert.DoesNotContain("PostgreSQL", text.Stdout);
        var schema = await CliRunner.RunAsync("schema", repo.Root);
        Assert.StartsWith("Database: MySQL (knexfile.js:3, client 'mysql2')", schema.Stdout);
    }

    [Fact]
    public void A_column_method_knex_cannot_compile_for_postgresql_is_a_chain_error_there()
    {
        using var repo = Audit.Project(("20250101000000_posts.js", """
            exports.up = (knex) => knex.schema.createTable('posts', (t) => {
              t.increments();
              t.mediumtext('body');
            });
            exports.down = (knex) => knex.schema.dropTable('posts');
            """));
        var finding = Assert.Single(Audit.Run(repo.Root).Of("chain-error"));
        Assert.Equal(3, finding.Line);
        Assert.Contains("table.mediumtext('body'): Knex 3 cannot compile this column for PostgreSQL (it writes the type \"undefined\", which the database refuses, or throws while compiling); use table.specificType('body', '<type>')", finding.Message);
    }

    private const string ClientGuarded = """
        exports.up = async (knex) => {
          if (knex.client.config.client !== 'sqlite3') return;
          await knex.schema.createTable('sqlite_only', (t) => { t.increments('id'); });
        };
        exports.down = async () => {};
        """;

    private const string HeldFlag = """
        exports.up = async (knex) => {
          const isSQLite = knex.client.dialect === 'sqlite3';
          if (isSQLite) {
            await knex.schema.createTable('sqlite_flagged', (t) => { t.increments('id'); });
          }
        };
        exports.down = async () => {};
        """;

    private const string DriverBranch = """
        exports.up = async (knex) => {
          if (knex.client.driverName === 'pg') {
            await knex.schema.createTable('pg_only', (t) => { t.increments('id'); });
          } else {
            await knex.schema.createTable('elsewhere', (t) => { t.increments('id'); });
          }
        };
        exports.down = async () => {};
        """;

    [Theory]
    [InlineData("'pg'", "pg_only", "")]
    [InlineData("'sqlite3'", "elsewhere,sqlite_flagged,sqlite_only", "")]
    [InlineData("'mysql2'", "elsewhere", "")]
    [InlineData("process.env.DB_CLIENT", "", "elsewhere,pg_only,sqlite_flagged,sqlite_only")]
    public void Branches_on_the_database_client_are_decided_by_the_knexfile_client(string client, string tables, string unknown)
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", $"module.exports = {{ production: {{ client: {client}, connection: process.env.DATABASE_URL }} }};\n");
        repo.Write("migrations/20250101000000_guarded.js", ClientGuarded);
        repo.Write("migrations/20250102000000_branch.js", DriverBranch);
        repo.Write("migrations/20250103000000_flag.js", HeldFlag);
        repo.Commit();
        var schema = Audit.Run(repo.Root).Input.Schema.Schema;
        Assert.Equal(tables, string.Join(',', schema.Tables.Keys.Order(StringComparer.Ordinal)));
        Assert.Equal(unknown, string.Join(',', schema.UnknownTables.Keys.Order(StringComparer.Ordinal)));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Values_read_from_the_environment_show_as_unknown_in_the_schema_and_never_as_sql()
    {
        using var repo = Audit.Project(("20250101000000_prices.js", """
            exports.up = (knex) => knex.schema.createTable('prices', (t) => {
              t.increments('id');
              t.decimal('amount', process.env.PRICE_PRECISION, 2);
              t.string('currency').defaultTo(process.env.DEFAULT_CURRENCY);
            });
            exports.down = (knex) => knex.schema.dropTable('prices');
            """));
        var columns = Audit.Run(repo.Root).Input.Schema.Schema.Table("prices")!.Columns;
        Assert.Equal("decimal(?, 2)", columns[1].Type);
        Assert.Equal("unknown (process.env.DEFAULT_CURRENCY)", columns[2].Default);

        var sql = (await CliRunner.RunAsync("schema", repo.Root, "--format", "sql")).Stdout;
        Assert.Contains("-- INCOMPLETE: column amount has a type migaudit cannot write as SQL: decimal(?, 2)\n", sql);
        Assert.Contains("\"currency\" varchar(255) /* DEFAULT not statically known: unknown (process.env.DEFAULT_CURRENCY) */", sql);
        Assert.DoesNotContain("JsUnknown", sql);
    }

    [SkippableFact]
    public void Knex_throws_on_a_table_method_of_another_dialect_and_the_replay_reports_the_same_message()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var calls = new[] { ("pg", SqlDialect.PostgreSQL, "create", "charset('utf8mb4')"), ("pg", SqlDialect.PostgreSQL, "alter", "engine('InnoDB')"),
            ("pg", SqlDialect.PostgreSQL, "alter", "inherits('p')"), ("mysql2", SqlDialect.MySQL, "create", "inherits('p')"),
            ("mysql2", SqlDialect.MySQL, "alter", "collate('utf8mb4_bin')"), ("better-sqlite3", SqlDialect.SQLite, "create", "engine('InnoDB')") };
        foreach (var (client, dialect, context, call) in calls)
        {
            var builder = context == "create" ? "createTable('c'" : "alterTable('t'";
            var knex = NodeKnex.WithKnex($$"""
                const k = require(require('path').join(process.cwd(), 'node_modules', 'knex'))({ client: '{{client}}', useNullAsDefault: true });
                try { k.schema.{{builder}}, (t) => { t.integer('x'); t.{{call}}; }).toString(); console.log('no error'); } catch (e) { console.log(e.message); }
                """).TrimEnd();
            var replay = Audit.Replay(dialect, $"exports.up = (knex) => knex.schema.createTable('t', (t) => {{ t.increments('id'); }});\nexports.down = async () => {{}};\n",
                $"exports.up = (knex) => knex.schema.{builder}, (t) => {{ t.integer('x'); t.{call}; }});\nexports.down = async () => {{}};\n");
            Assert.StartsWith("Knex ", knex);
            Assert.Contains(knex, Assert.Single(replay.Migrations[1].ChainProblems).Message);
        }

        // Where knex accepts them: MySQL's charset in createTable; PostgreSQL's inherits, which merges the parent's columns (not modeled: unknown).
        var mysql = Audit.Replay(SqlDialect.MySQL, "exports.up = (knex) => knex.schema.createTable('c', (t) => { t.integer('x'); t.charset('utf8mb4'); });\nexports.down = async () => {};\n");
        Assert.Empty(mysql.Migrations[0].ChainProblems);
        Assert.Null(mysql.Schema.UncertaintyOf(mysql.Schema.Table("c")!));
        var pg = Audit.Replay(SqlDialect.PostgreSQL, "exports.up = (knex) => knex.schema.createTable('c', (t) => { t.integer('x'); t.inherits('orgs'); });\nexports.down = async () => {};\n");
        Assert.Empty(pg.Migrations[0].ChainProblems);
        Assert.Contains("table.inherits()", pg.Schema.UncertaintyOf(pg.Schema.Table("c")!)!.Describe());
    }
}
