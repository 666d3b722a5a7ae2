using MigAudit.Core;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Rules;

/// <summary>enum-type-change on its fixtures, the .enu().alter() forms PostgreSQL refuses (chain errors), and both checked with real knex on PostgreSQL.</summary>
public sealed class EnumTypeChangeRuleTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Rule = "enum-type-change";

    private static TempRepo Fixture(string side) => Audit.Fixture(Rule, side);

    [Fact]
    public void Good_fixture_has_no_finding_at_all()
    {
        using var repo = Fixture("good");

        var result = Audit.Run(repo.Root);

        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [Fact]
    public void A_renamed_value_is_low_and_values_knex_leaves_out_are_medium()
    {
        using var repo = Fixture("bad");

        var findings = Audit.Run(repo.Root).Findings;

        Assert.Equal(
            [
                (Rule, "migrations/20250102000000_rename_paid.js", 3, Severity.Low),
                (Rule, "migrations/20250103000000_add_refunded.js", 4, Severity.Medium),
            ],
            findings.Select(f => (f.Rule, f.File!, f.Line!.Value, f.Severity)));
        Assert.All(findings, f => Assert.False(f.Blocking));
        Assert.StartsWith("20250102000000_rename_paid.js renames the value 'paid' of order_status to 'settled' (line 3). PostgreSQL only changes the label", findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("those writes fail (\"invalid input value for enum order_status: \\\"paid\\\"\", 22P02)", findings[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("20250103000000_add_refunded.js alters orders.status with .enu('status', ['pending', 'settled', 'refunded'], { useNative: true, enumName: 'order_status', existingType: true }).alter() (line 4): knex sends only alter column \"status\" type \"order_status\" using (\"status\"::text::\"order_status\"), so order_status keeps the values it had", findings[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("Add each new value with knex.raw(\"ALTER TYPE \\\"order_status\\\" ADD VALUE IF NOT EXISTS 'value'\")", findings[1].Action);
    }

    [SkippableFact]
    public async Task On_postgresql_the_renamed_value_refuses_the_old_one_and_existing_type_alter_adds_nothing_and_rewrites()
    {
        Requires.Postgres();
        using var repo = Fixture("bad");
        var database = "enum_change_" + Guid.NewGuid().ToString("n")[..8];
        await LiveDatabase.ExecuteAsync(server.Postgres!.ConnectionString, $"CREATE DATABASE {database}");
        var url = LiveDatabase.ConnectionTo(server.Postgres, database);
        await using var connection = new NpgsqlConnection(url);

        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres, repo, database, "migrate.up(config).then(() => knex.migrate.up(config))"));
        await connection.OpenAsync();
        var before = await new NpgsqlCommand("SELECT relfilenode FROM pg_class WHERE relname = 'orders'", connection).ExecuteScalarAsync();
        var old = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("INSERT INTO orders (status) VALUES ('paid')", connection).ExecuteNonQueryAsync());
        Assert.Equal("22P02", old.SqlState);

        Assert.Equal("ok", LiveDatabase.KnexRun(server.Postgres, repo, database, "migrate.latest(config)"));
        Assert.Equal("pending,settled", await new NpgsqlCommand("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'order_status'::regtype", connection).ExecuteScalarAsync());
        Assert.NotEqual(before, await new NpgsqlCommand("SELECT relfilenode FROM pg_class WHERE relname = 'orders'", connection).ExecuteScalarAsync());
        var missing = await Assert.ThrowsAsync<PostgresException>(() => new NpgsqlCommand("INSERT INTO orders (status) VALUES ('refunded')", connection).ExecuteNonQueryAsync());
        Assert.Equal("22P02", missing.SqlState);
    }

    [SkippableFact]
    public async Task Enu_alter_forms_postgresql_refuses_are_chain_errors_and_the_suggested_check_swap_works()
    {
        Requires.Postgres();
        const string Create = """
            exports.up = async function (knex) {
              await knex.schema.createTable('items', (t) => {
                t.increments('id');
                t.enu('kind', ['a', 'b']);
                t.enu('state', ['a', 'b'], { useNative: true, enumName: 'item_state' });
              });
            };
            exports.down = async function (knex) {
              await knex.schema.dropTable('items');
              await knex.raw('DROP TYPE item_state');
            };
            """;
        string Alter(string body) => $"exports.up = async function (knex) {{\n  {body}\n}};\nexports.down = (knex) => knex.raw('SELECT 1');\n";
        using var text = Audit.Project(("20250101000000_create.js", Create),
            ("20250102000000_kind.js", Alter("await knex.schema.alterTable('items', (t) => { t.enu('kind', ['a', 'b', 'c']).alter(); });")));
        using var native = Audit.Project(("20250101000000_create.js", Create),
            ("20250102000000_state.js", Alter("await knex.schema.alterTable('items', (t) => { t.enu('state', ['a', 'b', 'c'], { useNative: true, enumName: 'item_state' }).alter(); });")));
        using var swap = Audit.Project(("20250101000000_create.js", Create),
            ("20250102000000_kind.js", Alter("await knex.raw(`ALTER TABLE \"items\" DROP CONSTRAINT \"items_kind_check\", ADD CONSTRAINT \"items_kind_check\" CHECK (\"kind\" IN ('a', 'b', 'c')) NOT VALID`);\n  await knex.raw('ALTER TABLE \"items\" VALIDATE CONSTRAINT \"items_kind_check\"');")));

        var textError = Assert.Single(Audit.Run(text.Root).Of("chain-error"));
        Assert.True(textError.Blocking);
        Assert.Equal(2, textError.Line);
        Assert.Contains("enu('kind', [...]).alter() on items: knex 3.1.0 sends alter table \"items\" alter column \"kind\" type text check (\"kind\" in ('a', 'b', 'c'))", textError.Message, StringComparison.Ordinal);
        Assert.Contains("(syntax error at or near \"check\", 42601)", textError.Message, StringComparison.Ordinal);
        Assert.Contains("ALTER TABLE \"items\" DROP CONSTRAINT \"items_kind_check\", then ADD CONSTRAINT ... CHECK (\"kind\" IN ('a', 'b', 'c')) NOT VALID", textError.Message, StringComparison.Ordinal);
        var nativeError = Assert.Single(Audit.Run(native.Root).Of("chain-error"));
        Assert.Contains("knex sends create type \"item_state\" as enum ('a', 'b', 'c') first, and items.state is already of type item_state, so PostgreSQL refuses it (type \"item_state\" already exists, 42710)", nativeError.Message, StringComparison.Ordinal);
        Assert.Empty(Audit.Run(swap.Root).Of("chain-error"));

        Assert.StartsWith("42601 ", await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, text, "enum_text"), StringComparison.Ordinal);
        Assert.StartsWith("42710 ", await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, native, "enum_native"), StringComparison.Ordinal);
        Assert.Equal("ok", await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, swap, "enum_swap"));
    }
}
