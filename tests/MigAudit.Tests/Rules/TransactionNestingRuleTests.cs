using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>transaction-nesting on its fixtures (tests/fixtures/transaction-nesting/{bad,good}) and on the cases around them.</summary>
public sealed class TransactionNestingRuleTests
{
    private static AuditResult AuditFixture(string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("transaction-nesting", side));
        repo.Commit("fixture");
        return Audit.Run(repo.Root);
    }

    [Fact]
    public void Good_fixture_has_no_finding_at_all()
    {
        var result = AuditFixture("good");

        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [Fact]
    public void A_rollback_blocks_and_a_commit_does_not()
    {
        var result = AuditFixture("bad");

        Assert.Equal(
            [("migrations/20250102000000_add_level.js", 2, Severity.Medium, false), ("migrations/20250103000000_add_title.js", 3, Severity.High, true)],
            result.Findings.Select(f => (f.File!, f.Line!.Value, f.Severity, f.Blocking)));
        Assert.All(result.Findings, f => Assert.Equal("transaction-nesting", f.Rule));
        Assert.StartsWith("20250102000000_add_level.js sends COMMIT in raw SQL (line 2) while Knex runs it in a transaction, and PostgreSQL has no nested transactions: it commits Knex's transaction early", result.Findings[0].Message, StringComparison.Ordinal);
        Assert.EndsWith("Its BEGIN (line 2) starts nothing: PostgreSQL answers \"WARNING: there is already a transaction in progress\".", result.Findings[0].Message, StringComparison.Ordinal);
        Assert.Contains("Knex reports success and records the migration", result.Findings[1].Message, StringComparison.Ordinal);
        Assert.False(result.Ready);
    }

    [Theory]
    [InlineData("exports.up = (knex) => knex.raw('BEGIN');", null)]
    [InlineData("exports.up = (knex) => knex.raw('START TRANSACTION ISOLATION LEVEL SERIALIZABLE; SELECT 1; END');", "END")]
    [InlineData("exports.up = (knex) => knex.raw('ABORT');", "ABORT")]
    [InlineData("exports.up = (knex) => knex.raw('SAVEPOINT s; ROLLBACK TO SAVEPOINT s; RELEASE s');", null)]
    [InlineData("exports.config = { transaction: false };\nexports.up = (knex) => knex.raw('ROLLBACK');", null)]
    [InlineData("exports.up = (knex) => knex.raw(`DO $$ BEGIN PERFORM 1; END $$`);", null)]
    public void Each_transaction_statement_is_read_for_what_it_does(string up, string? reported)
    {
        using var repo = Audit.Project(("20250101000000_tx.js", up + "\nexports.down = (knex) => knex.raw('SELECT 1');\n"));

        var findings = Audit.Run(repo.Root).Of("transaction-nesting");

        Assert.Equal(reported is null ? [] : [reported], findings.Select(f => f.Key));
    }

    [Fact]
    public void A_rollback_under_a_condition_migaudit_cannot_decide_is_possible_not_blocking()
    {
        using var repo = Audit.Project(("20250101000000_tx.js", "exports.up = async (knex) => {\n  if (process.env.UNDO) await knex.raw('ROLLBACK');\n};\nexports.down = (knex) => knex.raw('SELECT 1');\n"));

        var finding = Assert.Single(Audit.Run(repo.Root).Of("transaction-nesting"));

        Assert.Equal((Severity.Medium, false), (finding.Severity, finding.Blocking));
        Assert.EndsWith("The statement is inside a condition migaudit cannot decide, so it may not run.", finding.Message, StringComparison.Ordinal);
    }
}
