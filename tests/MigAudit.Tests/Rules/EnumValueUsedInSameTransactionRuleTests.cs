using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>enum-value-used-in-same-transaction on its fixtures (tests/fixtures/enum-value-used-in-same-transaction) and around them.</summary>
public sealed class EnumValueUsedInSameTransactionRuleTests
{
    private const string Rule = "enum-value-used-in-same-transaction";

    [Fact]
    public void Good_fixture_has_no_finding_at_all()
    {
        using var repo = Fixture("good");
        repo.Commit("fixture");

        var result = Audit.Run(repo.Root);

        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [Fact]
    public void A_value_written_into_its_enum_column_in_the_same_migration_blocks()
    {
        using var repo = Fixture("bad");
        repo.Commit("fixture");

        var result = Audit.Run(repo.Root);

        var finding = Assert.Single(result.Findings);
        Assert.Equal((Rule, "migrations/20250102000000_suspend_banned.js", 3, Severity.High, true), (finding.Rule, finding.File!, finding.Line!.Value, finding.Severity, finding.Blocking));
        Assert.StartsWith("20250102000000_suspend_banned.js uses 'suspended' as a value of users.status, a user_status column (line 3), and 'suspended' was added to user_status with ALTER TYPE ... ADD VALUE earlier in the same migration (line 2): Knex runs a migration in one transaction. PostgreSQL refuses a new enum value until the transaction that added it commits: the statement fails with \"unsafe use of new value \\\"suspended\\\" of enum type user_status\" (55P04)", finding.Message, StringComparison.Ordinal);
        Assert.False(result.Ready);
    }

    [Fact]
    public void A_later_pending_migration_of_the_same_batch_is_found_and_the_released_one_is_not()
    {
        using var repo = Fixture("bad", releaseFirst: true);

        var findings = Audit.Run(repo.Root).Of(Rule);

        Assert.Equal(
            [("migrations/20250102000000_suspend_banned.js", 3, true), ("migrations/20250104000000_archive_users.js", 3, true)],
            findings.Select(f => (f.File!, f.Line!.Value, f.Blocking)));
        Assert.Contains("'archived' was added to user_status with ALTER TYPE ... ADD VALUE by 20250103000000_add_archived.js (line 2), and both are pending migrations since release v1.0.0", findings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_good_fixture_pending_as_one_deploy_has_no_finding()
    {
        using var repo = Fixture("good", releaseFirst: true);

        Assert.Empty(Audit.Run(repo.Root).Of(Rule));
    }

    [Fact]
    public void A_raw_sql_string_without_a_known_column_is_possible_not_blocking()
    {
        using var repo = Audit.Project(
            ("20250101000000_type.js", "exports.up = (knex) => knex.raw(\"CREATE TYPE mood AS ENUM ('sad')\");\nexports.down = (knex) => knex.raw('DROP TYPE mood');\n"),
            ("20250102000000_happy.js", "exports.up = async (knex) => {\n  await knex.raw(\"ALTER TYPE public.mood ADD VALUE IF NOT EXISTS 'happy' BEFORE 'sad'\");\n  await knex.raw(\"SELECT 'happy'::mood\");\n};\nexports.down = (knex) => knex.raw('SELECT 1');\n"));

        var finding = Assert.Single(Audit.Run(repo.Root).Of(Rule));

        Assert.Equal((3, Severity.Medium, false), (finding.Line!.Value, finding.Severity, finding.Blocking));
        Assert.Contains("uses the string 'happy' (line 3), and 'happy' was added to mood", finding.Message, StringComparison.Ordinal);
    }

    private static TempRepo Fixture(string side, bool releaseFirst = false)
    {
        if (releaseFirst)
        {
            return ReleasedFixture.Of(Rule, side);
        }

        var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(Rule, side));
        return repo;
    }
}
