using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// Issue #30's patterns from real projects, in one chain (tests/fixtures/replay-why): a held query builder given to
/// Promise.all, a subquery builder, a view over a held builder, a loop of row updates before a broken down, ALTER INDEX
/// ... RENAME before a renameColumn, helpers that return SQL text, and dropTableIfExists().createTable(). The expected
/// findings were taken from real knex 3.1.0 on PostgreSQL, which the second test runs.
/// </summary>
public sealed class IssuePatternsTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public void Each_pattern_is_read_as_knex_runs_it()
    {
        using var repo = new TempRepo();
        repo.CopyFixture("replay-why");
        repo.Commit("fixture");
        var result = Audit.Run(repo.Root);

        // No unexecuted-builder: the held delete runs through Promise.all, the held select is compiled into the view.
        // irreversible-down at the loop's down: the loop only writes rows, so c's indexes stay known and the index
        // dropped there was never made. rename-column is found after ALTER INDEX ... RENAME, which is read. No
        // drop-table: whether audit existed is not known to the replay after the view, and DROP TABLE IF EXISTS
        // succeeds either way.
        Assert.Equal(
            [
                ("empty-down", "migrations/20250102000000_lazy.js", 5),
                ("irreversible-down", "migrations/20250104000000_loop.js", 8),
                ("create-index-not-concurrently", "migrations/20250105000000_rename_index.js", 2),
                ("set-not-null", "migrations/20250106000000_helper_sql.js", 5),
                ("add-check-without-not-valid", "migrations/20250106000000_helper_sql.js", 4),
                ("rename-column", "migrations/20250105000000_rename_index.js", 4),
                ("missing-lock-timeout", "knexfile.js", 1),
            ],
            result.Findings.Select(f => (f.Rule, f.File!, f.Line!.Value)));
        Assert.Contains("drop index \"c_code_index\": no such index at this point", result.Findings[1].Message);

        var users = result.Input.Schema.Schema.Table("u")!;
        Assert.Equal(["id", "mail"], users.Columns.Select(c => c.Name));
        var index = Assert.Single(users.Indexes);
        Assert.Equal(("u_email_idx", "mail"), (index.Name, string.Join(",", index.Columns)));
        Assert.Equal(["p_x_positive"], result.Input.Schema.Schema.Table("p")!.Checks);
        Assert.False(result.Input.Schema.Schema.Table("p")!.Column("x")!.Nullable);
        Assert.All(result.Input.Schema.Migrations, m => Assert.True(m.Up.Complete, $"{m.Migration}: {string.Join("; ", m.Up.Gaps.Select(g => g.Reason))}"));
    }

    [SkippableFact]
    public async Task Real_knex_runs_the_chain_and_its_rollback_fails_at_the_loop_s_down()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Requires.Postgres();
        using var repo = new TempRepo(init: false);
        repo.CopyFixture("replay-why");
        Assert.Equal("ok", await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, repo, "why"));

        using var rolled = new TempRepo(init: false);
        rolled.CopyFixture("replay-why");
        var outcome = await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, rolled, "whyback", rollback: true);
        Assert.StartsWith("42704 ", outcome);
        Assert.Contains("drop index \"c_code_index\"", outcome);
    }
}
