using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>Every way real projects write a migration module is followed by the replay: the table its up creates is in the schema.</summary>
public sealed class ModuleFormTests
{
    private const string Create = "await knex.schema.createTable('things', (t) => { t.increments('id'); });";

    [Theory]
    [InlineData("async-iife.js", $"exports.up = (knex) => (async () => {{\n  {Create}\n}})();\nexports.down = (knex) => knex.schema.dropTable('things');\n")]
    [InlineData("function-references.js", $"async function up(knex) {{\n  {Create}\n}}\nasync function down(knex) {{ await knex.schema.dropTable('things'); }}\nmodule.exports = {{ up, down }};\n")]
    [InlineData("async-function-expression.js", $"exports.up = async function (knex) {{\n  {Create}\n}};\nexports.down = async function (knex) {{ await knex.schema.dropTable('things'); }};\n")]
    [InlineData("named-esm.mjs", $"export async function up(knex) {{\n  {Create}\n}}\nexport async function down(knex) {{ await knex.schema.dropTable('things'); }}\n")]
    [InlineData("typescript-typed.ts", $"import type {{ Knex }} from 'knex';\nexport const up: Knex.Migration['up'] = async (knex) => {{\n  {Create}\n}};\nexport const down: Knex.Migration['down'] = async (knex) => {{ await knex.schema.dropTable('things'); }};\n")]
    [InlineData("returned-promise.js", "exports.up = function (knex) {\n  return knex.schema.createTable('things', (t) => { t.increments('id'); });\n};\nexports.down = (knex) => knex.schema.dropTable('things');\n")]
    public void The_up_is_followed(string file, string source)
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', migrations: { directory: './migrations', loadExtensions: ['.js', '.mjs', '.ts'] } } };\n");
        repo.Write("migrations/20250101000000_" + file, source);
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Equal(["things"], result.Input.Schema.Schema.Tables.Keys);
        var step = Assert.Single(result.Input.Schema.Migrations);
        Assert.True(step.Up.Complete && step.Up.Total > 0, $"{file}: {step.Up.Understood} of {step.Up.Total} understood");
        Assert.DoesNotContain(result.Findings, f => f.Blocking);
    }
}
