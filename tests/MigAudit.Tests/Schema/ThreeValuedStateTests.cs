using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// The replayed schema is three-valued: known present, known absent, or unknown with the statement that made it so.
/// Chain errors and schema rules fire only on known facts; unknowns are reported as unknown.
/// </summary>
public sealed class ThreeValuedStateTests
{
    private const string Users = """
        exports.up = (knex) => knex.schema.createTable('users', (t) => {
          t.increments('id');
          t.string('email');
        });
        exports.down = (knex) => knex.schema.dropTable('users');
        """;

    [Fact]
    public void A_helper_given_only_the_table_builder_makes_only_that_table_unknown()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", Users),
            ("20250102000000_posts.js", """
                const { auditColumns } = require('@acme/db-helpers');
                exports.up = (knex) => knex.schema.createTable('posts', (t) => {
                  t.increments('id');
                  auditColumns(t);
                });
                exports.down = (knex) => knex.schema.dropTable('posts');
                """),
            ("20250103000000_cleanup.js", """
                exports.up = async (knex) => {
                  await knex.schema.alterTable('posts', (t) => { t.dropColumn('created_by'); });
                  await knex.schema.alterTable('users', (t) => { t.dropColumn('created_by'); });
                };
                exports.down = async () => {};
                """));
        var result = Audit.Run(repo.Root);
        var schema = result.Input.Schema.Schema;

        var posts = schema.Table("posts")!;
        Assert.False(schema.IsKnown(posts));
        Assert.Equal(("20250102000000_posts.js", 4), (schema.UncertaintyOf(posts)!.Migration, schema.UncertaintyOf(posts)!.Line));
        Assert.True(schema.IsKnown(schema.Table("users")!));

        // posts may have a created_by column (the helper could add it); users is known not to.
        var chain = Assert.Single(result.Of("chain-error"));
        Assert.Equal((3, "migrations/20250103000000_cleanup.js"), (chain.Line!.Value, chain.File));
        Assert.Contains("drop column users.created_by: the column does not exist at this point", chain.Message);
    }

    [Fact]
    public void Branches_of_an_undecidable_condition_are_both_replayed_and_what_differs_is_unknown()
    {
        using var repo = Audit.Project(
            ("20250101000000_storage.js", """
                exports.up = async (knex) => {
                  if (process.env.STORAGE === 's3') {
                    await knex.schema.createTable('s3_objects', (t) => { t.increments('id'); });
                  } else {
                    await knex.schema.createTable('local_files', (t) => { t.increments('id'); });
                  }
                  await knex.schema.createTable('uploads', (t) => { t.increments('id'); });
                };
                exports.down = async () => {};
                """),
            ("20250102000000_more.js", """
                exports.up = (knex) => knex.schema.alterTable('s3_objects', (t) => { t.string('etag'); });
                exports.down = (knex) => knex.schema.alterTable('s3_objects', (t) => { t.dropColumn('etag'); });
                """));
        var result = Audit.Run(repo.Root);
        var schema = result.Input.Schema.Schema;
        Assert.Equal(["local_files"], schema.UnknownTables.Keys);
        Assert.True(schema.IsKnown(schema.Table("uploads")!));
        var s3 = schema.Table("s3_objects")!;
        Assert.False(schema.IsKnown(s3));
        Assert.Equal("etag", Assert.Single(s3.Columns).Name);
        Assert.Empty(result.Of("chain-error"));
        Assert.Empty(result.Of("table-created-outside"));
        Assert.True(result.Input.Schema.Migrations[0].Up.Complete);
    }

    [Fact]
    public void A_failure_on_one_branch_only_is_an_unknown_outcome_not_a_chain_error()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", Users),
            ("20250102000000_maybe.js", """
                exports.up = async (knex) => {
                  if (process.env.LEGACY) {
                    await knex.schema.alterTable('users', (t) => { t.dropColumn('legacy_id'); });
                  }
                };
                exports.down = async () => {};
                """));
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("chain-error"));
        var outcome = Assert.Single(result.Input.Schema.Migrations[1].Unknowns);
        Assert.Equal(3, outcome.Line);
        Assert.Equal("drop column users.legacy_id: the column does not exist at this point", outcome.Message);
        Assert.Equal("depends on a condition not statically known (process.env.LEGACY)", outcome.Because.Reason);
    }

    [Fact]
    public void A_call_that_could_touch_any_table_makes_earlier_tables_unknown_but_not_later_ones()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", Users),
            ("20250102000000_legacy.js", """
                const legacy = require('./legacy-schema');
                exports.up = async (knex) => {
                  await legacy.apply(knex);
                  await knex.schema.createTable('fresh', (t) => { t.increments('id'); });
                  await knex.schema.alterTable('orders', (t) => { t.string('note'); });
                  await knex.schema.alterTable('users', (t) => { t.dropColumn('nickname'); });
                  await knex.schema.alterTable('fresh', (t) => { t.dropColumn('nickname'); });
                };
                exports.down = async () => {};
                """));
        var result = Audit.Run(repo.Root);
        var schema = result.Input.Schema.Schema;
        Assert.Equal(("20250102000000_legacy.js", 3), (schema.Unknown!.Migration, schema.Unknown.Line));
        Assert.False(schema.IsKnown(schema.Table("users")!));
        Assert.True(schema.IsKnown(schema.Table("fresh")!));

        // orders may come from the legacy module, users may have the column: only 'fresh' is known to lack it.
        Assert.Empty(result.Of("table-created-outside"));
        var chain = Assert.Single(result.Of("chain-error"));
        Assert.Equal(7, chain.Line);
        Assert.Contains("drop column fresh.nickname", chain.Message);
    }

    [Fact]
    public void A_table_dropped_earlier_is_known_absent()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", Users),
            ("20250102000000_drop.js", "exports.up = (knex) => knex.schema.dropTable('users');\nexports.down = async () => {};\n"),
            ("20250103000000_alter.js", "exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.string('x'); });\nexports.down = async () => {};\n"));
        var result = Audit.Run(repo.Root);
        var chain = Assert.Single(result.Of("chain-error"));
        Assert.Equal("migrations/20250103000000_alter.js", chain.File);
        Assert.Contains("alterTable('users'): table 'users' does not exist at this point", chain.Message);
        Assert.Empty(result.Of("table-created-outside"));
    }

    [Fact]
    public void A_guard_on_a_column_returns_early_as_knex_would()
    {
        using var repo = Audit.Project(
            ("20250101000000_visits.js", """
                exports.up = (knex) => knex.schema.createTable('visits', (t) => { t.increments('id'); t.integer('user_id'); });
                exports.down = (knex) => knex.schema.dropTable('visits');
                """),
            ("20250102000000_user_id.js", """
                exports.up = async (knex) => {
                  if (await knex.schema.hasColumn('visits', 'user_id')) return;
                  await knex.schema.alterTable('visits', (t) => { t.integer('user_id'); });
                };
                exports.down = async () => {};
                """));
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("chain-error"));
        Assert.Empty(result.Input.Schema.Migrations[1].Unknowns);
        Assert.True(result.Input.Schema.Migrations[1].Up.Complete);
    }

    [Fact]
    public void A_logical_and_runs_its_right_side_only_when_the_left_holds()
    {
        using var repo = Audit.Project(("20250101000000_flags.js", """
            exports.up = async (knex) => {
              const wanted = false;
              wanted && (await knex.schema.createTable('never', (t) => { t.increments('id'); }));
              process.env.AUDIT && (await knex.schema.createTable('audit_log', (t) => { t.increments('id'); }));
            };
            exports.down = async () => {};
            """));
        var schema = Audit.Run(repo.Root).Input.Schema.Schema;
        Assert.Empty(schema.Tables);
        Assert.Equal(["audit_log"], schema.UnknownTables.Keys);
    }

    [Fact]
    public void Schema_rules_make_no_claim_about_a_table_whose_contents_are_unknown()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", Users),
            ("20250102000000_posts.js", """
                exports.up = async (knex) => {
                  await knex.schema.createTable('posts', (t) => {
                    t.increments('id');
                    t.integer('user_id').references('users.id').onDelete('CASCADE');
                  });
                  await knex.raw('ALTER TABLE posts ALTER COLUMN user_id SET STATISTICS 500');
                };
                exports.down = (knex) => knex.schema.dropTable('posts');
                """));
        var result = Audit.Run(repo.Root);
        var schema = result.Input.Schema.Schema;
        Assert.False(schema.IsKnown(schema.Table("posts")!));
        Assert.True(schema.IsKnown(schema.Table("users")!));
        Assert.Null(schema.Unknown);
        Assert.Empty(result.Of("fk-missing-index"));
    }

    [Fact]
    public void Sql_about_views_functions_and_triggers_leaves_tables_known()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", Users),
            ("20250102000000_view.js", """
                exports.up = async (knex) => {
                  await knex.raw('CREATE VIEW active_users AS SELECT * FROM users');
                  await knex.raw('CREATE OR REPLACE FUNCTION touch() RETURNS trigger AS $$ BEGIN NEW.email = lower(NEW.email); RETURN NEW; END $$ LANGUAGE plpgsql');
                };
                exports.down = (knex) => knex.raw('DROP VIEW active_users');
                """));
        var schema = Audit.Run(repo.Root).Input.Schema.Schema;
        Assert.Null(schema.Unknown);
        Assert.True(schema.IsKnown(schema.Table("users")!));
    }

    [Fact]
    public void A_down_that_may_throw_first_is_not_judged_on_what_the_merge_leaves_unknown()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", Users),
            ("20250102000000_nickname.js", """
                exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.string('nickname'); });
                exports.down = async (knex) => {
                  const { rows: [{ exists }] } = await knex.raw('select exists(select 1 from users where nickname is not null)');
                  if (exists) throw new Error('clear the nicknames first');
                  await knex.schema.alterTable('users', (t) => { t.dropColumn('nickname'); });
                };
                """));
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("irreversible-down"));
        Assert.True(result.Input.Schema.Migrations[1].Down.Complete);
    }

    [Fact]
    public void A_loop_that_only_updates_rows_leaves_the_schema_known()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", Users),
            ("20250102000000_backfill.js", """
                exports.up = async (knex) => {
                  const rows = await knex('users').select('id', 'email');
                  for (const row of rows) {
                    await knex('users').where({ id: row.id }).update({ email: row.email.toLowerCase() });
                  }
                };
                exports.down = async () => {};
                """));
        var result = Audit.Run(repo.Root);
        var schema = result.Input.Schema.Schema;
        Assert.Null(schema.Unknown);
        Assert.True(schema.IsKnown(schema.Table("users")!));
        Assert.Equal(3, Assert.Single(result.Input.Schema.Migrations[1].Up.Gaps).Line);
    }

    [Fact]
    public void A_down_on_a_table_made_outside_the_migrations_is_not_judged_on_its_unknown_columns()
    {
        using var repo = Audit.Project(("20250101000000_push_token.js", """
            exports.up = (knex) => knex.schema.alterTable('monitor', (t) => { t.string('push_token', 32).alter(); });
            exports.down = (knex) => knex.schema.alterTable('monitor', (t) => { t.string('push_token', 20).alter(); });
            """));
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("irreversible-down"));
        Assert.Equal("monitor", Assert.Single(result.Of("table-created-outside")).Key);
    }
}
