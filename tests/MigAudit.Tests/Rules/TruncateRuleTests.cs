using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>truncate-table and truncate-cascade on their fixtures, and the TRUNCATE PostgreSQL refuses (a referenced table).</summary>
public sealed class TruncateRuleTests
{
    private static AuditResult AuditFixture(string rule, string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(rule, side));
        repo.Commit("fixture");
        return Audit.Run(repo.Root);
    }

    [Theory]
    [InlineData("truncate-table")]
    [InlineData("truncate-cascade")]
    public void Good_fixture_has_no_finding_at_all(string rule)
    {
        var result = AuditFixture(rule, "good");
        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [Fact]
    public void Knex_truncate_and_sql_truncate_of_existing_tables_are_found_and_a_new_table_is_not()
    {
        var findings = AuditFixture("truncate-table", "bad").Findings;

        Assert.Equal([3, 4], findings.Select(f => f.Line!.Value));
        Assert.All(findings, f => Assert.Equal(("truncate-table", Severity.Medium, false, "migrations/20250102000000_clear_tables.js"), (f.Rule, f.Severity, f.Blocking, f.File!)));
        Assert.StartsWith("20250102000000_clear_tables.js truncates sessions (line 3), and sessions existed before this migration: every row production holds in it is deleted, and PostgreSQL holds an ACCESS EXCLUSIVE lock on sessions", findings[0].Message);
    }

    [Fact]
    public void Cascade_names_every_table_it_empties_and_is_high_only_when_it_reaches_one()
    {
        var findings = AuditFixture("truncate-cascade", "bad").Of("truncate-cascade");

        Assert.Equal([(3, Severity.High), (5, Severity.Medium)], findings.Select(f => (f.Line!.Value, f.Severity)));
        Assert.All(findings, f => Assert.False(f.Blocking));
        Assert.Contains("PostgreSQL also empties members, badges, whose foreign keys reference it", findings[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("Name every table to empty in the statement (TRUNCATE teams, members, badges) without CASCADE", findings[0].Action);
        Assert.Contains("no table references it at this point in the replay", findings[1].Message, StringComparison.Ordinal);
        Assert.Empty(AuditFixture("truncate-cascade", "bad").Of("truncate-table"));
    }

    [Fact]
    public void Knex_truncate_of_a_table_another_references_is_what_postgresql_refuses()
    {
        using var repo = Audit.Project(
            ("20250101000000_create.js", """
                exports.up = async function (knex) {
                  await knex.schema.createTable('teams', (t) => { t.increments('id'); });
                  await knex.schema.createTable('members', (t) => { t.increments('id'); t.integer('team_id').references('teams.id'); });
                };
                exports.down = async function (knex) {
                  await knex.schema.dropTable('members');
                  await knex.schema.dropTable('teams');
                };
                """),
            ("20250102000000_reset.js", "exports.up = (knex) => knex('teams').truncate();\nexports.down = (knex) => knex.raw('SELECT 1');\n"));

        var chain = Assert.Single(Audit.Run(repo.Root).Of("chain-error"));
        Assert.True(chain.Blocking);
        Assert.Contains("truncate teams: PostgreSQL refuses it (\"cannot truncate a table referenced in a foreign key constraint\"): members(team_id) references teams", chain.Message, StringComparison.Ordinal);
    }
}
