using System.Text.Json;
using MigAudit.Knex.Schema;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>Knex's own index names and its reading of dropIndex's arguments, checked against real knex.</summary>
public sealed class DropIndexTests
{
    private const string Orders = """
        exports.up = async (knex) => {
          await knex.schema.createTable('orders', (t) => { t.increments('id'); t.timestamp('created_at'); });
          await knex.schema.alterTable('orders', (t) => { t.index(['created_at'], 'orders_created_desc'); });
        };
        exports.down = async (knex) => {
          await knex.schema.alterTable('orders', (t) => { t.dropIndex('orders_created_desc'); });
          await knex.schema.dropTable('orders');
        };
        """;

    [SkippableFact]
    public void Generated_names_match_what_knex_sends()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var lines = NodeKnex.WithKnex("""
            const out = [];
            out.push(knex.schema.alterTable('orders', (t) => { t.dropIndex('orders_created_desc'); }).toString());
            out.push(knex.schema.alterTable('Order-Items.x', (t) => { t.index(['A', 'b']); }).toString());
            out.push(knex.schema.alterTable('orders', (t) => { t.unique(['Email']); }).toString());
            console.log(out.join('\n'));
            """).Split('\n');
        Assert.Equal($"drop index \"{SchemaState.DefaultIndexName("orders", ["orders_created_desc"], "index")}\"", lines[0]);
        Assert.Contains($"create index \"{SchemaState.DefaultIndexName("Order-Items.x", ["A", "b"], "index")}\"", lines[1]);
        Assert.Contains($"add constraint \"{SchemaState.DefaultIndexName("orders", ["Email"], "unique")}\" unique", lines[2]);
    }

    [Fact]
    public void Drop_index_with_the_name_as_first_argument_makes_the_down_fail_and_says_how_to_write_it()
    {
        using var repo = Audit.Project(("20250101000000_orders.js", Orders));
        var finding = Assert.Single(Audit.Run(repo.Root).Of("irreversible-down"));
        Assert.Equal(6, finding.Line);
        Assert.Contains("its down fails at line 6, after the up ran: drop index \"orders_orders_created_desc_index\": no such index at this point", finding.Message);
        Assert.Contains("write table.dropIndex([], 'orders_created_desc')", finding.Message);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Real_knex_on_postgresql_fails_that_down_as_the_replay_says()
    {
        Requires.PostgresAndKnex();
        using var repo = Audit.Project(("20250101000000_orders.js", Orders));
        NodeKnex.LinkInto(repo);
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        var step = Assert.Single(json.RootElement.GetProperty("migrations").EnumerateArray());
        Assert.Equal("ok", step.GetProperty("up").GetString());
        Assert.NotEqual("ok", step.GetProperty("down").GetString());
        Assert.Contains("orders_orders_created_desc_index", step.ToString());
    }

    [Theory]
    [InlineData("timestamp with time zone", "timestamptz")]
    [InlineData("TIMESTAMP  WITHOUT TIME ZONE", "timestamp")]
    [InlineData("int4", "integer")]
    [InlineData("character varying(255)", "varchar(255)")]
    [InlineData("numeric(10, 2)", "decimal(10,2)")]
    [InlineData("int8[]", "bigint[]")]
    [InlineData("timestamp(3) with time zone", "timestamptz(3)")]
    [InlineData("time(6) without time zone", "time(6)")]
    public void Type_spellings_postgresql_treats_as_one_compare_equal(string a, string b) =>
        Assert.True(MigAudit.Core.SqlTypes.Same(a, b), $"{a} vs {b}");

    [Theory]
    [InlineData("timestamp(3) with time zone", "timestamp(3)")]
    [InlineData("timestamp(3) with time zone", "timestamptz(6)")]
    public void Different_types_stay_different(string a, string b) =>
        Assert.False(MigAudit.Core.SqlTypes.Same(a, b), $"{a} vs {b}");

    [Fact]
    public void A_down_that_restores_timestamptz_under_its_long_name_restores_it()
    {
        using var repo = Audit.Project(
            ("20250101000000_events.js", "exports.up = (knex) => knex.schema.createTable('events', (t) => { t.increments('id'); t.timestamp('at'); });\nexports.down = (knex) => knex.schema.dropTable('events');\n"),
            ("20250102000000_at_text.js", "exports.up = (knex) => knex.raw('ALTER TABLE events ALTER COLUMN at TYPE text');\nexports.down = (knex) => knex.raw('ALTER TABLE events ALTER COLUMN at TYPE timestamp with time zone USING at::timestamptz');\n"));
        Assert.Empty(Audit.Run(repo.Root).Of("irreversible-down"));
    }
}
