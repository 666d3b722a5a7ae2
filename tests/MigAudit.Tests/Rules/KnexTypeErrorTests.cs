using MigAudit.Core;
using MigAudit.Knex.Schema;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>
/// knex-type-error: calls to names knex's objects lack (issue #30 item 3). Each error the rule quotes is the one real
/// knex 3.1.0 throws on PostgreSQL for that migration; a down's finding blocks only when the next deploy carries it.
/// </summary>
public sealed class KnexTypeErrorTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Rule = "knex-type-error";

    /// <summary>The bad fixture's migrations, where each throws, the TypeError, and whether it is the down that throws.</summary>
    private static readonly (string Migration, int Line, string Error, bool InDown)[] BadCases =
    [
        ("20250101000000_create_users.js", 4, "TypeError: table.strng is not a function", false),
        ("20250102000000_create_teams.js", 4, "TypeError: table.string(...).notNul is not a function", false),
        ("20250103000000_add_team_slug.js", 2, "TypeError: knex.schema.alterTabel is not a function", false),
        ("20250104000000_add_team_owner.js", 8, "TypeError: Cannot read properties of undefined (reading 'alterTable')", true),
        ("20250105000000_create_projects.js", 4, "TypeError: table.string(...).notNullable(...).alter is not a function", false),
    ];

    [Fact]
    public void Bad_fixture_quotes_the_type_error_of_each_migration()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(Rule, "bad"));
        repo.Commit("fixture");
        var result = Audit.Run(repo.Root);

        // Nothing else: the downs of ups that throw are not judged, and no chain error repeats a TypeError.
        Assert.Equal(BadCases.Select(c => (Rule, "migrations/" + c.Migration, c.Line)), result.Findings.Select(f => (f.Rule, f.File!, f.Line!.Value)));
        foreach (var (finding, expected) in result.Findings.Zip(BadCases))
        {
            Assert.Contains($"so this line throws \"{expected.Error}\"", finding.Message);
            Assert.Equal(expected.InDown ? (Severity.High, false, false) : (Severity.High, true, true), (finding.Severity, finding.Blocking, finding.PredictsKnexFailure));
        }

        Assert.Equal(
            "20250101000000_create_users.js (line 4): the table builder of createTable has no 'strng' in any knex version from 0.14.6 to 3.1.0, so this line throws \"TypeError: table.strng is not a function\". 'knex migrate:latest' fails there on every database, and knex's transaction rolls the batch back.",
            result.Findings[0].Message);
        Assert.EndsWith("'knex migrate:rollback' stops there and undoes the rollback. Whether the next deploy carries this migration is undecided (no release tags, no --applied list): if it does, that deploy cannot be rolled back.", result.Findings[3].Message);
        Assert.False(result.Ready);
    }

    [Theory]
    [InlineData(true, Severity.High, true)]
    [InlineData(false, Severity.Medium, false)]
    public void A_down_that_throws_blocks_only_when_the_next_deploy_carries_it(bool pending, Severity severity, bool blocking)
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL } };\n");
        repo.Write("migrations/20250101000000_create_teams.js", Audit.CreateTable("teams"));
        repo.Commit();
        if (pending)
        {
            repo.Git("tag", "v1.0.0");
        }

        repo.Write("migrations/20250102000000_add_owner.js",
            "exports.up = (knex) => knex.schema.alterTable('teams', (t) => t.integer('owner_id'));\n" +
            "exports.down = (knex) => knex.schema.alterTable('teams', (t) => t.dropColum('owner_id'));\n");
        repo.Commit();
        if (!pending)
        {
            repo.Git("tag", "v1.0.0");
        }

        var finding = Assert.Single(Audit.Run(repo.Root).Of(Rule));
        Assert.Equal((2, severity, blocking), (finding.Line!.Value, finding.Severity, finding.Blocking));
        Assert.Contains("so this line throws \"TypeError: t.dropColum is not a function\"", finding.Message);
        Assert.EndsWith(pending ? "It is in the next deploy, which then cannot be rolled back." : "The migration has shipped, so no deploy runs this down; only a rollback of it would fail.", finding.Message);
    }

    [Theory]
    [InlineData("{ \"dependencies\": { \"knex\": \"3.1.0\", \"knex-paginate\": \"3.1.1\" } }", "module.exports = { production: { client: 'pg' } };")]
    [InlineData("{ \"dependencies\": { \"knex\": \"3.1.0\" } }", "const { knex } = require('knex');\nknex.SchemaBuilder.extend('createAuditedTable', function (name, fn) { return this.createTable(name, fn); });\nmodule.exports = { production: { client: 'pg' } };")]
    public void A_project_that_may_extend_knex_gets_no_type_error_claim(string packageJson, string knexfile)
    {
        using var repo = new TempRepo();
        repo.Write("package.json", packageJson + "\n");
        repo.Write("knexfile.js", knexfile + "\n");
        repo.Write("migrations/20250101000000_create_teams.js",
            "exports.up = (knex) => knex.schema.createAuditedTable('teams', (t) => t.increments('id'));\nexports.down = (knex) => knex.schema.dropTable('teams');\n");
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of(Rule));
        var step = Assert.Single(result.Input.Schema.Migrations);
        Assert.Contains(step.Up.Gaps, n => n.Reason == "schema.createAuditedTable() with these arguments is not followed by the replay");
    }

    [Fact]
    public void An_edit_of_an_up_that_threw_is_not_compared_with_a_schema_no_database_built()
    {
        // gothinkster/koa-knex-realworld-example: the first version called table.number(), then the edits fixed it.
        using var repo = Audit.Project(("20250101000000_create_teams.js",
            "exports.up = (knex) => knex.schema.createTable('teams', (t) => {\n  t.increments('id');\n  t.number('size');\n});\nexports.down = (knex) => knex.schema.dropTable('teams');\n"));
        repo.Write("migrations/20250101000000_create_teams.js",
            "exports.up = (knex) => knex.schema.createTable('teams', (t) => {\n  t.increments('id');\n  t.integer('size');\n});\nexports.down = (knex) => knex.schema.dropTable('teams');\n");
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of(Rule));
        var edited = Assert.Single(result.Of("edited-migration"));
        Assert.Contains("Whether the edit changes the schema is unknown: the first version's up throws when knex runs it (line 3: the table builder of createTable has no 'number' in any knex version from 0.14.6 to 3.1.0, so this line throws \"TypeError: t.number is not a function\"), so no database applied it as written", edited.Message);
    }

    [Fact]
    public void Names_only_some_knex_versions_have_and_the_transaction_s_own_are_no_error()
    {
        // checkPositive arrived in knex 1.0, commit is the transaction's: neither is undefined on every version.
        using var repo = Audit.Project(("20250101000000_create_teams.js",
            "exports.up = async (knex) => {\n  await knex.schema.createTable('teams', (t) => { t.increments('id'); t.integer('size').checkPositive(); });\n" +
            "  await knex.transaction(async (trx) => { await trx('teams').insert({ size: 1 }); await trx.commit(); });\n};\nexports.down = (knex) => knex.schema.dropTable('teams');\n"));
        Assert.Empty(Audit.Run(repo.Root).Of(Rule));
    }

    [SkippableFact]
    public void The_committed_member_lists_hold_every_member_of_the_tested_knex()
    {
        // KnexMembers.json (scripts/knex-members.sh) against tests/node's knex, read again now: a list that misses a
        // name would make migaudit call a real method a TypeError.
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var (exit, stdout, stderr) = NodeKnex.Run("knex-members.js");
        Assert.True(exit == 0, stderr);
        var live = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        var targets = new Dictionary<string, KnexMembers.Target>
        {
            ["knex"] = KnexMembers.Target.Knex,
            ["transaction"] = KnexMembers.Target.Knex,
            ["schema"] = KnexMembers.Target.Schema,
            ["createTable"] = KnexMembers.Target.CreateTable,
            ["alterTable"] = KnexMembers.Target.AlterTable,
            ["column"] = KnexMembers.Target.CreateColumn,
            ["alterColumn"] = KnexMembers.Target.AlterColumn,
        };
        foreach (var (key, target) in targets)
        {
            var names = live.GetProperty(key).EnumerateArray().Select(e => e.GetString()!).ToList();
            Assert.True(names.Count > 5, key);
            Assert.DoesNotContain(names, name => !KnexMembers.Has(target, name));
        }

        Assert.Contains(live.GetProperty("version").GetString()!, KnexMembers.Versions);
        Assert.False(KnexMembers.Has(KnexMembers.Target.CreateTable, "dropColumn"));
        Assert.True(KnexMembers.Has(KnexMembers.Target.AlterTable, "dropColumn"));
    }

    [SkippableFact]
    public async Task Real_knex_throws_the_quoted_error_for_each_bad_migration()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Requires.Postgres();
        for (var i = 0; i < BadCases.Length; i++)
        {
            // The good fixture's migrations before it, then the bad one alone: knex stops at the first that throws.
            using var repo = new TempRepo(init: false);
            repo.CopyFixture(Path.Combine(Rule, "good"));
            foreach (var later in BadCases.Skip(i))
            {
                repo.Delete("migrations/" + later.Migration);
            }

            File.Copy(Path.Combine(AppContext.BaseDirectory, "fixtures", Rule, "bad", "migrations", BadCases[i].Migration), repo.PathOf("migrations/" + BadCases[i].Migration));
            var outcome = await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, repo, "typeerr", rollback: BadCases[i].InDown);
            Assert.Equal("undefined " + BadCases[i].Error["TypeError: ".Length..], outcome);
        }
    }
}
