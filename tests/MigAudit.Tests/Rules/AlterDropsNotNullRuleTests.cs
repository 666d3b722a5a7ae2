using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>alter-drops-not-null on its fixtures: the DROP NOT NULL knex's .alter() sends without being asked.</summary>
public sealed class AlterDropsNotNullRuleTests
{
    private static AuditResult AuditFixture(string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("alter-drops-not-null", side));
        repo.Commit("fixture");
        return Audit.Run(repo.Root);
    }

    [Fact]
    public void Only_the_not_null_column_altered_without_notNullable_is_found()
    {
        var finding = Assert.Single(AuditFixture("bad").Of("alter-drops-not-null"));

        Assert.Equal(("migrations/20250102000000_widen_columns.js", 4, Severity.Low, false), (finding.File!, finding.Line!.Value, finding.Severity, finding.Blocking));
        Assert.Equal("20250102000000_widen_columns.js alters users.email with .alter() and no notNullable() (line 4): Knex sends the whole column definition, with DROP NOT NULL, so email, NOT NULL before, becomes nullable.", finding.Message);
    }

    [Fact]
    public void AlterNullable_false_an_outright_nullable_and_a_nullable_column_find_nothing()
    {
        var result = AuditFixture("good");
        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [SkippableFact]
    public void Knex_sends_drop_not_null_for_alter_without_notNullable_and_none_with_alterNullable_false()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");

        var sql = NodeKnex.WithKnex("""
            const plain = knex.schema.alterTable('users', (t) => { t.string('email', 320).alter(); }).toSQL().map((s) => s.sql);
            const kept = knex.schema.alterTable('users', (t) => { t.string('email', 320).alter({ alterNullable: false }); }).toSQL().map((s) => s.sql);
            console.log(JSON.stringify([plain, kept]));
            """);
        var statements = System.Text.Json.JsonSerializer.Deserialize<string[][]>(sql)!;
        Assert.Contains("alter table \"users\" alter column \"email\" drop not null", statements[0]);
        Assert.DoesNotContain(statements[1], s => s.Contains("not null", StringComparison.Ordinal));
    }
}
