using System.Text.Json;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Schema;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// knex.raw(sql, bindings): the text migaudit reads is the text knex sends, checked against real knex's
/// toSQL().toNative() (the pg client's $1 numbering), and DDL built with bindings, or in helper functions, reaches the
/// lock rules (issue #32: squawk found CHECK and SET NOT NULL statements of helpers that migaudit did not).
/// </summary>
public sealed class KnexRawBindingsTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "ALTER TABLE ?? ADD CONSTRAINT c CHECK (score > 0)", "['users']" },
        { "ALTER TABLE ?? ADD CONSTRAINT c CHECK (score > 0)", "'users'" },
        { "ALTER TABLE ?? ALTER COLUMN ?? SET NOT NULL", "['public.users', 'na\"me']" },
        { "ALTER TABLE ?? ADD PRIMARY KEY (??)", "['t', ['a', 'b']]" },
        { "UPDATE ?? SET a = ? WHERE b = ? AND c = \\?", "['users', 1, 'x']" },
        { "ALTER TABLE :table: ADD CONSTRAINT :name: CHECK (score > :min) -- a::int", "{ table: 'users', name: 'cc', min: 0 }" },
        { "ALTER TABLE :table: ALTER COLUMN :column: SET NOT NULL", "{ table: 'users', column: 'email', unused: 1 }" },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void The_text_is_the_one_knex_sends(string sql, string bindings)
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");

        var knexSends = NodeKnex.WithKnex($"process.stdout.write(knex.raw({JsonSerializer.Serialize(sql)}, {bindings}).toSQL().toNative().sql);");
        Assert.Equal(knexSends, KnexRawBindings.Apply(sql, Evaluate(bindings)));
    }

    [Theory]
    [InlineData("ALTER TABLE ?? ADD CHECK (a > 0)", "[]")]
    [InlineData("ALTER TABLE ?? ADD CHECK (a > 0)", "['a', 'b']")]
    [InlineData("ALTER TABLE :t: ADD CHECK (a > 0)", "{ t: {} }")]
    public void A_binding_count_knex_refuses_or_an_identifier_it_cannot_name_is_not_read(string sql, string bindings) =>
        Assert.Null(KnexRawBindings.Apply(sql, Evaluate(bindings)));

    private static StaticValue Evaluate(string expression)
    {
        using var repo = new TempRepo(init: false);
        repo.Write("value.js", $"module.exports = {expression};\n");
        return new StaticEvaluator(repo.Root).EvaluateModuleExports(repo.PathOf("value.js"));
    }

    [Fact]
    public void Check_not_null_and_foreign_keys_built_with_bindings_in_helpers_reach_the_lock_rules()
    {
        using var repo = Audit.Project(
            ("20250101000000_create_users.js", """
                exports.up = async function (knex) {
                  await knex.schema.createTable('teams', (t) => { t.increments('id'); });
                  await knex.schema.createTable('users', (t) => { t.increments('id'); t.integer('score'); t.string('email'); t.integer('team_id'); });
                };
                exports.down = async function (knex) {
                  await knex.schema.dropTable('users');
                  await knex.schema.dropTable('teams');
                };
                """),
            ("20250102000000_constraints.js", """
                function addCheck(knex, table) {
                  return knex.raw('ALTER TABLE ?? ADD CONSTRAINT score_positive CHECK (score > 0)', [table]);
                }

                const requireColumn = (knex, table, column) => knex.raw('ALTER TABLE :table: ALTER COLUMN :column: SET NOT NULL', { table, column });

                exports.up = async function (knex) {
                  await addCheck(knex, 'users');
                  await requireColumn(knex, 'users', 'email');
                  await knex.schema.alterTable('users', (t) => {
                    t.integer('team_id').references('teams.id').alter();
                  });
                };

                exports.down = async function (knex) {
                  await knex.schema.alterTable('users', (t) => { t.dropForeign('team_id'); });
                  await knex.raw('ALTER TABLE users ALTER COLUMN email DROP NOT NULL');
                  await knex.raw('ALTER TABLE users DROP CONSTRAINT score_positive');
                };
                """));
        var result = Audit.Run(repo.Root);

        Assert.Equal(
            [("add-check-without-not-valid", 2), ("set-not-null", 5), ("add-foreign-key-without-not-valid", 11)],
            result.Findings.Where(f => f.Rule is "add-check-without-not-valid" or "set-not-null" or "add-foreign-key-without-not-valid")
                .Select(f => (f.Rule, f.Line!.Value)).OrderBy(f => f.Item2));
        Assert.Contains("adds the check constraint score_positive to users (line 2", result.Of("add-check-without-not-valid")[0].Message, StringComparison.Ordinal);
        Assert.Empty(result.Input.Schema.Migrations.SelectMany(m => m.Unknowns));
    }
}
