using MigAudit.Core;
using MigAudit.Knex.Schema;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>Indexes as PostgreSQL sees them: method, predicate and INCLUDE, and rules that compare only like with like.</summary>
public sealed class IndexShapeTests
{
    private const string Orders = """
        exports.up = (knex) => knex.schema.createTable('orders', (t) => {
          t.increments('id');
          t.integer('customer_id');
          t.jsonb('tags');
          t.string('status');
          t.timestamp('deleted_at');
        });
        exports.down = (knex) => knex.schema.dropTable('orders');
        """;

    [Fact]
    public void The_sql_reader_keeps_method_predicate_and_include()
    {
        using var repo = Audit.Project(("20250101000000_orders.js", Orders), ("20250102000000_indexes.js", """
            exports.up = async (knex) => {
              await knex.raw('CREATE INDEX orders_tags_gin ON orders USING GIN (tags)');
              await knex.raw('CREATE INDEX orders_live_status ON orders (status) INCLUDE (customer_id) WITH (fillfactor = 90) WHERE deleted_at IS NULL');
            };
            exports.down = async () => {};
            """));
        var result = Audit.Run(repo.Root);
        var indexes = result.Input.Schema.Schema.Table("orders")!.Indexes;
        Assert.Equal(("gin", null), (indexes[0].Method, indexes[0].Predicate));
        Assert.Equal(("btree", "deleted_at IS NULL", "customer_id"), (indexes[1].Method, indexes[1].Predicate, Assert.Single(indexes[1].Include)));
        Assert.True(result.Input.Schema.Migrations[1].Up.Complete);
    }

    [Fact]
    public void A_partial_or_gin_index_is_not_redundant_beside_a_plain_btree_on_the_same_columns()
    {
        using var repo = Audit.Project(("20250101000000_orders.js", Orders), ("20250102000000_indexes.js", """
            exports.up = async (knex) => {
              await knex.schema.alterTable('orders', (t) => {
                t.index(['status', 'customer_id']);
                t.index(['status'], 'orders_live_status', { predicate: knex.whereNull('deleted_at') });
                t.index(['tags'], 'orders_tags_gin', 'gin');
              });
              await knex.raw('CREATE INDEX orders_tags_btree ON orders (tags)');
            };
            exports.down = async () => {};
            """));
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("redundant-index"));
    }

    [Fact]
    public void A_plain_btree_covered_by_a_wider_one_is_still_redundant()
    {
        using var repo = Audit.Project(("20250101000000_orders.js", Orders), ("20250102000000_indexes.js", """
            exports.up = (knex) => knex.schema.alterTable('orders', (t) => {
              t.index(['status', 'customer_id']);
              t.index(['status']);
            });
            exports.down = async () => {};
            """));
        var finding = Assert.Single(Audit.Run(repo.Root).Of("redundant-index"));
        Assert.Contains("orders_status_index on orders(status) is covered by orders_status_customer_id_index(status, customer_id)", finding.Message);
    }

    [Fact]
    public void A_foreign_key_covered_only_by_a_partial_or_gin_index_still_lacks_one()
    {
        using var repo = Audit.Project(
            ("20250101000000_customers.js", "exports.up = (knex) => knex.schema.createTable('customers', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('customers');\n"),
            ("20250102000000_orders.js", """
                exports.up = async (knex) => {
                  await knex.schema.createTable('orders', (t) => {
                    t.increments('id');
                    t.integer('customer_id').references('customers.id').onDelete('CASCADE');
                    t.integer('seller_id').references('customers.id').onDelete('CASCADE');
                  });
                  await knex.raw('CREATE INDEX orders_customer_live ON orders (customer_id) WHERE id > 0');
                  await knex.raw('CREATE INDEX orders_seller ON orders (seller_id)');
                };
                exports.down = (knex) => knex.schema.dropTable('orders');
                """));
        var finding = Assert.Single(Audit.Run(repo.Root).Of("fk-missing-index"));
        Assert.Contains("orders(customer_id) references customers but no index starts with (customer_id)", finding.Message);
    }

    [Fact]
    public void Dropping_a_column_drops_the_expression_and_partial_indexes_that_use_it_as_postgresql_does()
    {
        using var repo = Audit.Project(("20250101000000_orders.js", Orders), ("20250102000000_gone.js", """
            exports.up = (knex) => knex.schema.raw(`do $$begin
              alter table orders add column gone_status integer;
              create index orders_gone_idx on orders ((gone_status is null));
              create index orders_live_idx on orders (status) where gone_status is null;
            end$$`);
            exports.down = (knex) => knex.schema.raw('alter table orders drop column gone_status');
            """));
        var result = Audit.Run(repo.Root);
        Assert.True(result.Input.Schema.Migrations[1].Up.Complete);
        Assert.Equal(["orders_gone_idx", "orders_live_idx"], result.Input.Schema.Schema.Table("orders")!.Indexes.Select(i => i.Name));
        Assert.Empty(result.Of("irreversible-down"));
    }

    private const string LongNames = """
        exports.up = async (knex) => {
          await knex.schema.createTable('account_notification_preferences', (t) => {
            t.increments('id');
            t.integer('notification_channel_identifier_primary');
            t.integer('notification_channel_identifier_secondary');
          });
          await knex.schema.alterTable('account_notification_preferences', (t) => {
            t.index(['notification_channel_identifier_primary']);
          });
          await knex.schema.alterTable('account_notification_preferences', (t) => {
            t.index(['notification_channel_identifier_secondary']);
          });
        };
        exports.down = (knex) => knex.schema.dropTable('account_notification_preferences');
        """;

    [Fact]
    public void Generated_names_longer_than_63_bytes_collide_as_postgresql_truncates_them()
    {
        using var repo = Audit.Project(("20250101000000_long.js", LongNames));
        var finding = Assert.Single(Audit.Run(repo.Root).Of("chain-error"));
        Assert.Equal(11, finding.Line);
        Assert.Contains("index 'account_notification_preferences_notification_channel_identifie' already exists", finding.Message);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Real_knex_on_postgresql_fails_on_the_truncated_name_collision_too()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20250101000000_long.js", LongNames));
        NodeKnex.LinkInto(repo);
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        using var json = System.Text.Json.JsonDocument.Parse(run.Stdout);
        var migration = Assert.Single(json.RootElement.GetProperty("migrations").EnumerateArray());
        Assert.Equal("failed", migration.GetProperty("up").GetString());
        Assert.Contains("already exists", migration.GetProperty("upError").GetString());
    }

    [SkippableFact]
    public void Column_index_options_and_simple_knex_predicates_are_replayed_as_knex_writes_them()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        const string Body = """
            t.string('a').index('a_hash', 'hash');
            t.string('b').index('b_live', { storageEngineIndexType: 'gin', predicate: knex.whereNotNull('b').orWhereNull('a') });
            t.index(['a'], 'a_raw', { predicate: knex.whereRaw('length(a) > 2').where('b', null) });
            t.index(['b'], 'b_opaque', { predicate: knex.whereIn('b', ['x']) });
            """;
        var sql = NodeKnex.WithKnex($"console.log(knex.schema.alterTable('orders', (t) => {{ {Body} }}).toString());\n");
        Assert.Equal("""
            alter table "orders" add column "a" varchar(255), add column "b" varchar(255);
            create index "a_hash" on "orders" using hash ("a");
            create index "b_live" on "orders" using gin ("b") where "b" is not null or "a" is null;
            create index "a_raw" on "orders" ("a") where length(a) > 2 and "b" is null;
            create index "b_opaque" on "orders" ("b") where "b" in (?)

            """.ReplaceLineEndings("\n"), sql);

        var replay = Audit.Replay(SqlDialect.PostgreSQL, Orders, $"exports.up = (knex) => knex.schema.alterTable('orders', (t) => {{ {Body} }});\nexports.down = async () => {{}};\n");
        var indexes = replay.Schema.Table("orders")!.Indexes.ToDictionary(i => i.Name);
        Assert.Equal(("hash", null), (indexes["a_hash"].Method, indexes["a_hash"].Predicate));
        Assert.Equal(("gin", "\"b\" is not null or \"a\" is null"), (indexes["b_live"].Method, indexes["b_live"].Predicate));
        Assert.Equal("length(a) > 2 and \"b\" is null", indexes["a_raw"].Predicate);
        Assert.Equal(KnexSchemaInterpreter.UncompiledPredicate, indexes["b_opaque"].Predicate);
    }

    [Fact]
    public void A_where_value_in_an_index_predicate_is_a_chain_error_as_postgresql_refuses_it()
    {
        // Real knex on PostgreSQL: create index "t_a_value" on "t" ("a") where "a" = $1 - there is no parameter $1 (conformance suite).
        var replay = Audit.Replay(SqlDialect.PostgreSQL, Orders,
            "exports.up = (knex) => knex.schema.alterTable('orders', (t) => { t.index(['status'], 'live', { predicate: knex.where('status', 'live') }); });\nexports.down = async () => {};\n");
        Assert.Contains("there is no parameter $1", Assert.Single(replay.Migrations[1].ChainProblems).Message);
        Assert.DoesNotContain(replay.Schema.Table("orders")!.Indexes, i => i.Name == "live");
    }
}
