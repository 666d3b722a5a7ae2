using System.Text.Json;
using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

public sealed class SchemaReplayTests
{
    private static AuditResult Replay(params (string Name, string Content)[] migrations)
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        foreach (var (name, content) in migrations)
        {
            repo.Write(name.Contains('/') ? name : "migrations/" + name, content);
        }

        repo.Commit();
        return Audit.Run(repo.Root);
    }

    [Fact]
    public void Guards_are_decided_by_the_replayed_schema()
    {
        var result = Replay(
            ("20250101000000_users.js", Audit.CreateTable("users")),
            ("20250102000000_guarded.js", """
                exports.up = async function (knex) {
                  if (!(await knex.schema.hasTable('users'))) {
                    await knex.schema.createTable('users', (t) => t.increments('id'));
                  }
                  const hasEmail = await knex.schema.hasColumn('users', 'email');
                  if (!hasEmail) {
                    await knex.schema.alterTable('users', (t) => {
                      t.string('email').notNullable().unique();
                    });
                  }
                  return knex.schema.hasTable('teams').then((exists) => {
                    if (!exists) {
                      return knex.schema.createTable('teams', (t) => {
                        t.increments('id');
                      });
                    }
                  });
                };
                exports.down = async function (knex) {
                  await knex.schema.dropTableIfExists('teams');
                  await knex.schema.alterTable('users', (t) => t.dropColumn('email'));
                };
                """));
        var schema = result.Input.Schema.Schema;
        Assert.Equal(["id", "email"], schema.Table("users")!.Columns.Select(c => c.Name));
        Assert.Equal("users_email_unique", Assert.Single(schema.Table("users")!.Indexes).Name);
        Assert.NotNull(schema.Table("teams"));
        var replay = result.Input.Schema.Migrations[1];
        Assert.True(replay.Up.Complete);
        Assert.Empty(replay.ChainProblems);
        Assert.Empty(replay.DownLeftovers);

        // The only findings are the lock ones: unique() and a NOT NULL column without a default on the users table an
        // earlier migration made, with no lock_timeout anywhere.
        Assert.Equal(["add-unique-constraint", "add-not-null-column-without-default", "missing-lock-timeout"], result.Findings.Select(f => f.Rule));
    }

    [Fact]
    public void Renames_drop_and_recreate()
    {
        var result = Replay(
            ("20250101000000_a.js", Audit.CreateTable("accounts")),
            ("20250102000000_b.js", """
                exports.up = (knex) => knex.schema
                  .renameTable('accounts', 'customers')
                  .alterTable('customers', (t) => {
                    t.string('full_name');
                    t.renameColumn('full_name', 'name');
                  });
                exports.down = (knex) => knex.schema
                  .alterTable('customers', (t) => t.dropColumn('name'))
                  .renameTable('customers', 'accounts');
                """),
            ("20250103000000_c.js", """
                exports.up = async (knex) => {
                  await knex.schema.dropTable('customers');
                  await knex.schema.createTable('customers', (t) => {
                    t.bigIncrements('id');
                    t.string('email', 320).notNullable();
                  });
                };
                exports.down = async (knex) => {
                  await knex.schema.dropTable('customers');
                  await knex.schema.createTable('customers', (t) => {
                    t.increments('id');
                    t.string('name');
                  });
                };
                """));
        var customers = result.Input.Schema.Schema.Table("customers")!;
        Assert.Null(result.Input.Schema.Schema.Table("accounts"));
        Assert.Equal([("id", "bigserial"), ("email", "varchar(320)")], customers.Columns.Select(c => (c.Name, c.Type)));
        Assert.Equal("20250103000000_c.js", customers.Origin.Migration);
        Assert.All(result.Input.Schema.Migrations, m => Assert.Empty(m.ChainProblems));

        // Only the lock rules speak: renaming and dropping a live table. The column added and renamed in the same
        // migration is no running code's column.
        Assert.Equal(["rename-table", "drop-table", "missing-lock-timeout"], result.Findings.Select(f => f.Rule));
    }

    [Fact]
    public void Raw_ddl_in_knex_raw_and_in_a_non_knex_migration()
    {
        var result = Replay(
            ("20250101000000_users.js", Audit.CreateTable("users")),
            ("20250102000000_orders.js", """
                exports.up = async function (knex) {
                  await knex.raw(`
                    CREATE TABLE IF NOT EXISTS orders (
                      id BIGSERIAL PRIMARY KEY,
                      user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                      "status" VARCHAR(32) NOT NULL DEFAULT 'new',
                      total NUMERIC(10, 2),
                      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                      CONSTRAINT orders_total_positive CHECK (total >= 0),
                      UNIQUE (user_id, created_at)
                    );
                    CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_orders_status ON orders USING btree (status);
                    ALTER TABLE orders ADD COLUMN note TEXT, ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
                    COMMENT ON TABLE orders IS 'orders; with a semicolon';
                  `);
                };
                exports.down = async function (knex) {
                  await knex.raw('DROP INDEX IF EXISTS idx_orders_status; DROP TABLE orders');
                };
                """));
        var orders = result.Input.Schema.Schema.Table("orders")!;
        Assert.Equal(["id", "user_id", "status", "total", "created_at", "note"], orders.Columns.Select(c => c.Name));
        Assert.Equal(["id"], orders.PrimaryKey);
        Assert.Equal([("orders_user_id_fkey", "CASCADE"), ("orders_user_fk2", "SET NULL")], orders.ForeignKeys.Select(f => (f.Name, f.OnDelete!)));
        Assert.Equal(["orders_user_id_created_at_key", "idx_orders_status"], orders.Indexes.Select(i => i.Name));
        Assert.Equal("'new'", orders.Column("status")!.Default);
        Assert.Equal("numeric(10,2)", orders.Column("total")!.Type);
        var replay = result.Input.Schema.Migrations[1];
        Assert.Equal((4, 4), (replay.Up.Understood, replay.Up.Total));
        Assert.Empty(replay.DownLeftovers);
        Assert.Equal(2, replay.IndexesDeclared);
    }

    [Fact]
    public void Esm_and_typescript_migrations_and_a_helper_module_that_builds_a_table()
    {
        // ES module syntax in a .js file of a package without "type" needs Node 20.19+ or 22.12+ (require(esm)): declared here.
        var result = Replay(
            ("./package.json", """{ "private": true, "engines": { "node": "^20.19.0 || >=22.12.0" } }"""),
            ("migrations/helpers/tables.js", """
                exports.createStandardTable = function (knex, name, extra) {
                  return knex.schema.createTable(name, (table) => {
                    table.uuid('id').primary();
                    table.uuid('workspace_id').notNullable();
                    extra(table);
                    table.timestamps(true, true);
                    table.index(['workspace_id', 'created_at']);
                  });
                };
                """),
            ("20250101000000_projects.ts", """
                import type { Knex } from 'knex';
                import { createStandardTable } from './helpers/tables';

                const TABLE: string = 'projects';

                export async function up(knex: Knex): Promise<void> {
                  await createStandardTable(knex, TABLE, (table: Knex.CreateTableBuilder) => {
                    table.string('name', 120).notNullable();
                  });
                }

                export async function down(knex: Knex): Promise<void> {
                  await knex.schema.dropTable(TABLE);
                }
                """),
            ("20250102000000_tasks.js", """
                export const up = async (knex) => {
                  for (const table of ['tasks', 'notes']) {
                    await knex.schema.createTable(table, (t) => {
                      t.increments('id');
                      t.uuid('project_id').references('projects.id').onDelete('CASCADE').index();
                    });
                  }
                };
                export const down = async (knex) => {
                  await knex.schema.dropTable('notes');
                  await knex.schema.dropTable('tasks');
                };
                """));
        var projects = result.Input.Schema.Schema.Table("projects")!;
        Assert.Equal(["id", "workspace_id", "name", "created_at", "updated_at"], projects.Columns.Select(c => c.Name));
        Assert.Equal("projects_workspace_id_created_at_index", Assert.Single(projects.Indexes).Name);
        Assert.Equal("projects", Assert.Single(result.Input.Schema.Schema.Table("notes")!.ForeignKeys).ReferencesTable);
        Assert.All(result.Input.Schema.Migrations, m => Assert.True(m.Up.Complete && m.Down.Complete, m.Migration));
        // The only finding: tasks' and notes' foreign keys lock projects, a live table, SHARE ROW EXCLUSIVE, and the
        // knexfile sets no lock_timeout.
        Assert.Equal(["missing-lock-timeout"], result.Findings.Select(f => f.Rule));
    }

    [Fact]
    public void Unknown_code_is_reported_as_not_understood_and_no_rule_fires_from_it()
    {
        var result = Replay(
            ("20250101000000_dynamic.js", """
                const tables = require('./config').tables;
                exports.up = async function (knex) {
                  await knex.schema.createTable('known', (t) => t.increments('id'));
                  for (const name of tables) {
                    await knex.schema.createTable(name, (t) => t.increments('id'));
                  }
                  await knex.schema.createView('v', (view) => view.as(knex('known')));
                };
                exports.down = async function (knex) {
                  await knex.schema.dropTable('known');
                };
                """));
        var replay = Assert.Single(result.Input.Schema.Migrations);
        // Understood: createTable('known'), its t.increments() and createView (it changes no table); not: the loop.
        Assert.Equal((3, 4), (replay.Up.Understood, replay.Up.Total));
        Assert.Equal([4], replay.Up.Gaps.Select(g => g.Line));
        Assert.Contains("loop over values not statically known", replay.Up.Gaps[0].Reason);
        Assert.Empty(replay.DownLeftovers);
        Assert.Empty(result.Findings);
        using var json = JsonDocument.Parse(MigAudit.Reporting.JsonReport.Render(result, "test"));
        var coverage = json.RootElement.GetProperty("coverage")[0];
        Assert.Equal(4, coverage.GetProperty("up").GetProperty("total").GetInt32());
        Assert.Equal(1, coverage.GetProperty("notUnderstood").GetArrayLength());
    }

    [Fact]
    public void Sql_the_reader_does_not_know_is_not_understood()
    {
        var result = Replay(("20250101000000_fn.js", """
            exports.up = (knex) => knex.raw(`
              CREATE TABLE a (id int);
              CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$ BEGIN NEW.updated_at = now(); RETURN NEW; END; $$ LANGUAGE plpgsql;
            `);
            exports.down = (knex) => knex.raw('DROP FUNCTION touch(); DROP TABLE a;');
            """));
        var replay = Assert.Single(result.Input.Schema.Migrations);
        Assert.Equal((1, 2), (replay.Up.Understood, replay.Up.Total));
        Assert.StartsWith("CREATE OR is not read", replay.Up.Gaps[0].Reason);
        Assert.NotNull(result.Input.Schema.Schema.Table("a"));
    }
}
