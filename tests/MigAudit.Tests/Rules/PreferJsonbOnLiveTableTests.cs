using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>prefer-jsonb on a json column added to a table that existed before: the application's whole-row DISTINCT and UNION break.</summary>
public sealed class PreferJsonbOnLiveTableTests
{
    private const string AddContext = "exports.up = (knex) => knex.schema.alterTable('events', (table) => {\n  table.json('context');\n});\nexports.down = (knex) => knex.schema.alterTable('events', (table) => {\n  table.dropColumn('context');\n});\n";

    [Fact]
    public void A_json_column_added_to_a_live_table_by_a_pending_migration_is_medium_and_says_what_breaks()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("prefer-jsonb", "bad"));
        repo.Commit("first release");
        repo.Git("tag", "v1.0.0");
        repo.Write("migrations/20250102000000_add_context.js", AddContext);
        repo.Commit("pending");

        var findings = Audit.Run(repo.Root).Of("prefer-jsonb");

        Assert.Equal(
            [("audit_entries.data", Severity.Low), ("events.context", Severity.Medium), ("events.payload", Severity.Low)],
            findings.Select(f => (f.Key, f.Severity)).OrderBy(x => x.Key, StringComparer.Ordinal));
        var added = findings.Single(f => f.Key == "events.context");
        Assert.Equal(("migrations/20250102000000_add_context.js", 2), (added.File!, added.Line!.Value));
        Assert.EndsWith("events existed before that migration: queries the application already runs on it that take every column (SELECT DISTINCT * ..., knex's .distinct() with no columns, UNION of whole rows) fail from the moment the column is added.", added.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_column_shipped_in_a_release_is_low_advice_again()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("prefer-jsonb", "bad"));
        repo.Write("migrations/20250102000000_add_context.js", AddContext);
        repo.Commit("release");
        repo.Git("tag", "v1.0.0");

        var added = Audit.Run(repo.Root).Of("prefer-jsonb").Single(f => f.Key == "events.context");

        Assert.Equal(Severity.Low, added.Severity);
        Assert.DoesNotContain("existed before", added.Message, StringComparison.Ordinal);
    }
}
