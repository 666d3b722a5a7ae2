using MigAudit.Core;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Migrations;

namespace MigAudit.Tests.Knex;

/// <summary>The module forms real Knex projects use, in JavaScript and TypeScript, CommonJS and ES modules.</summary>
public sealed class MigrationModuleTests
{
    private static MigrationModule Analyze(string text, string name = "20250101000000_x.js") => MigrationModuleAnalyzer.AnalyzeText(text, name);

    [Theory]
    [InlineData("exports.up = function (knex) { return knex.schema.createTable('a', t => t.increments()); };\nexports.down = function (knex) { return knex.schema.dropTable('a'); };", "js")]
    [InlineData("module.exports.up = async (knex) => { await knex.raw('select 1'); };\nmodule.exports.down = async (knex) => { await knex.raw('select 2'); };", "js")]
    [InlineData("async function up(knex) { await knex.raw('select 1'); }\nasync function down(knex) { await knex.raw('select 2'); }\nmodule.exports = { up, down };", "js")]
    [InlineData("module.exports = {\n  async up(knex) { await knex.raw('select 1'); },\n  down: async function (knex) { await knex.raw('select 2'); },\n};", "js")]
    [InlineData("export async function up(knex) { await knex.raw('select 1'); }\nexport async function down(knex) { await knex.raw('select 2'); }", "mjs")]
    [InlineData("const up = async (knex) => knex.raw('select 1');\nconst down = async (knex) => knex.raw('select 2');\nexport { up, down };", "mjs")]
    public void Javascript_forms_export_up_and_down(string text, string extension)
    {
        var module = Analyze(text, "20250101000000_x." + extension);
        Assert.Null(module.ParseProblem);
        Assert.True(module.HasUp);
        Assert.True(module.HasDown);
        Assert.Equal(MigrationFormat.Knex, module.Format);
        Assert.Equal("knex", module.Up!.ParameterName);
    }

    [Fact]
    public void Typescript_migration_generated_by_knex_parses()
    {
        const string text = """
            import type { Knex } from "knex";

            export async function up(knex: Knex): Promise<void> {
              await knex.schema.createTable("users", (table: Knex.CreateTableBuilder) => {
                table.increments("id");
                table.string("email", 255).notNullable();
              });
            }

            export async function down(knex: Knex): Promise<void> {
              await knex.schema.dropTable("users");
            }
            """;
        var module = Analyze(text, "20250101000000_users.ts");
        Assert.Null(module.ParseProblem);
        Assert.Equal(("ts", ModuleSystem.EsModule), (module.Language, module.ModuleSystem));
        Assert.True(module.HasUp && module.HasDown);
        Assert.Equal(3, module.Up!.Line);
        Assert.Equal(10, module.Down!.Line);
    }

    [Fact]
    public void Typescript_with_arrow_exports_interfaces_casts_and_generics_parses()
    {
        const string text = """
            import { Knex } from 'knex';

            interface Row {
              id: number;
              name?: string;
            }

            type Names = 'a' | 'b';

            const TABLE: string = 'accounts';

            function rows<T extends Row>(items: T[]): T[] {
              return items;
            }

            export const up = async (knex: Knex): Promise<void> => {
              const existing = (await knex(TABLE).select('id')) as Row[];
              const first = existing[0]!;
              await knex.schema.alterTable(TABLE, (table) => {
                table.string('name', 64).nullable();
              });
              rows<Row>([first]);
            };

            export const down = async (knex: Knex, _options?: unknown): Promise<void> => {
              await knex.schema.alterTable(TABLE, (table) => table.dropColumn('name'));
            };
            """;
        var module = Analyze(text, "20250101000000_accounts.ts");
        Assert.Null(module.ParseProblem);
        Assert.True(module.HasUp && module.HasDown);
        Assert.Equal(16, module.Up!.Line);
    }

    [Fact]
    public void Export_default_object_is_invisible_to_knex()
    {
        var module = Analyze("export default {\n  async up(knex) {},\n  async down(knex) {},\n};\n", "20250101000000_x.mjs");
        Assert.False(module.HasUp);
        Assert.False(module.HasDown);
        Assert.Equal(1, module.DefaultExportLine);
    }

    [Fact]
    public void Exports_built_at_run_time_are_not_guessed()
    {
        var module = Analyze("module.exports = require('./shared-migration')('users');\n");
        Assert.True(module.ExportsUnknown);
        Assert.Null(module.ParseProblem);
    }

    [Fact]
    public void Non_function_export_is_not_a_function()
    {
        var module = Analyze("exports.up = async (knex) => knex.raw('select 1');\nexports.down = null;\n");
        Assert.True(module.HasUp);
        Assert.False(module.HasDown);
        Assert.NotNull(module.Down);
    }

    [Theory]
    [InlineData("exports.up = async () => {};\nexports.down = async function () {};", true)]
    [InlineData("exports.up = async () => {};\nexports.down = () => Promise.resolve();", true)]
    [InlineData("exports.up = async () => {};\nexports.down = function () { return; };", true)]
    [InlineData("exports.up = async () => {};\nexports.down = (knex) => knex.schema.dropTable('a');", false)]
    public void Empty_down_detection(string text, bool empty) => Assert.Equal(empty, Analyze(text).Down!.IsEmpty);

    [Fact]
    public void Pg_pool_created_in_the_file_is_an_external_client()
    {
        const string text = """
            const { Pool } = require('pg');
            const pool = new Pool({ connectionString: process.env.DATABASE_URL });

            exports.up = async function () {
              const client = await pool.connect();
              await client.query('CREATE TABLE a (id int)');
            };

            exports.down = async function () {
              await pool.query('DROP TABLE a');
            };
            """;
        var module = Analyze(text);
        var use = Assert.Single(module.Up!.NonKnexUses);
        Assert.Equal((NonKnexKind.ExternalClient, 6, "client.query()"), (use.Kind, use.Line, use.Expression));
        Assert.Equal(NonKnexKind.ExternalClient, Assert.Single(module.Down!.NonKnexUses).Kind);
    }

    [Fact]
    public void Query_on_a_knex_transaction_is_caught_too()
    {
        const string text = "exports.up = async (knex) => {\n  await knex.transaction(async (trx) => {\n    await trx.query('select 1');\n  });\n};\nexports.down = async () => {};";
        var use = Assert.Single(Analyze(text).Up!.NonKnexUses);
        Assert.Equal((NonKnexKind.MissingMethodOnKnexParameter, 3), (use.Kind, use.Line));
    }

    [Fact]
    public void Knex_raw_and_result_objects_named_query_are_not_flagged()
    {
        const string text = "exports.up = async (knex) => {\n  const rows = await knex.raw('select 1');\n  const query = knex('a').where('id', 1);\n  await query;\n};\nexports.down = async (knex) => knex.raw('select 2');";
        Assert.Equal(MigrationFormat.Knex, Analyze(text).Format);
    }

    [Fact]
    public void Merge_conflict_markers_are_unparseable()
    {
        var module = Analyze("exports.up = async (knex) => {\n<<<<<<< HEAD\n  await knex.raw('a');\n=======\n  await knex.raw('b');\n>>>>>>> feature\n};\n");
        Assert.Equal(MigrationFormat.Unparseable, module.Format);
        Assert.Equal(2, module.ParseProblem!.Line);
        Assert.True(module.ParseProblem.KnexFailsToo);
    }

    [Fact]
    public void Transaction_opt_out_is_read()
    {
        Assert.True(Analyze("exports.config = { transaction: false };\nexports.up = async (k) => {};\nexports.down = async (k) => {};").DisablesTransaction);
    }

    [Theory]
    [InlineData("exports.config = { transaction: false };")]
    [InlineData("exports.config = { \"transaction\": false };")]
    [InlineData("exports.config = { 'transaction': false };")]
    [InlineData("exports.config = { ['transaction']: false };")]
    [InlineData("exports.config = { [`transaction`]: false };")]
    [InlineData("const KEY = 'transaction';\nexports.config = { [KEY]: false };")]
    [InlineData("const KEY = 'transaction';\nconst ALIAS = KEY;\nexports.config = { [ALIAS]: false };")]
    [InlineData("const transaction = false;\nexports.config = { transaction };")]
    [InlineData("const off = false;\nexports.config = { 'transaction': off };")]
    [InlineData("exports['config'] = { \"transaction\": false };")]
    [InlineData("module.exports.config = { transaction: true, transaction: false };")]
    [InlineData("const config = { \"transaction\": false };\nexports.config = config;")]
    public void Transaction_opt_out_is_read_whatever_the_key_spelling(string config)
    {
        // JavaScript reads every one of these as config.transaction === false, which is what Knex checks.
        Assert.True(Analyze(config + "\nexports.up = async (k) => {};\nexports.down = async (k) => {};").DisablesTransaction);
        Assert.True(Analyze(config.Replace("exports.config", "exports.cfg", StringComparison.Ordinal).Replace("exports['config']", "exports['cfg']", StringComparison.Ordinal) +
            "\nexports.up = async (k) => {};\nexports.down = async (k) => {};").DisablesTransaction is false);
    }

    [Theory]
    [InlineData("export const config = { 'transaction': false };")]
    [InlineData("const KEY = 'transaction';\nexport const config = { [KEY]: false };")]
    [InlineData("const config = { [\"transaction\"]: false };\nexport { config };")]
    public void Transaction_opt_out_is_read_from_es_module_exports(string config)
    {
        Assert.True(Analyze(config + "\nexport async function up(k) {}\nexport async function down(k) {}", "20250101000000_x.mjs").DisablesTransaction);
    }

    [Theory]
    [InlineData("exports.config = { transaction: true, 'transaction': true };")]
    [InlineData("exports.config = { 'transaction': false, transaction: true };")]
    [InlineData("let KEY = 'transaction';\nKEY = 'other';\nexports.config = { [KEY]: false };")]
    [InlineData("let off = false;\noff = true;\nexports.config = { transaction: off };")]
    [InlineData("exports.config = { [key()]: false };")]
    [InlineData("exports.config = { transaction: 0 };")]
    [InlineData("exports.config = { 'transaction ': false };")]
    public void Transaction_opt_out_is_not_read_where_javascript_would_not_see_false(string config)
    {
        Assert.False(Analyze(config + "\nexports.up = async (k) => {};\nexports.down = async (k) => {};").DisablesTransaction);
    }

    [Theory]
    [InlineData("module.exports = { 'up': async (k) => {}, \"down\": async (k) => {} };")]
    [InlineData("module.exports = { ['up']: async (k) => {}, [`down`]: async (k) => {} };")]
    [InlineData("const UP = 'up', DOWN = 'down';\nmodule.exports = { [UP]: async (k) => {}, [DOWN]: async (k) => {} };")]
    public void Up_and_down_are_found_whatever_the_key_spelling(string text)
    {
        var module = Analyze(text);
        Assert.True(module.HasUp);
        Assert.True(module.HasDown);
        Assert.False(module.ExportsUnknown);
    }

    [Fact]
    public void A_key_computed_from_something_unknown_makes_the_exports_unknown()
    {
        var module = Analyze("module.exports = { [name()]: async (k) => {}, down: async (k) => {} };");
        Assert.True(module.ExportsUnknown);
        Assert.False(module.HasUp);
    }
}
