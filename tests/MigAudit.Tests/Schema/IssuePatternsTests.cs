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

    [SkippableTheory]
    [InlineData("ALTER INDEX teams_pkey RENAME TO squads_pkey", null)]
    [InlineData("ALTER INDEX teams_name_unique RENAME TO squads_name_unique", null)]
    [InlineData("ALTER TABLE squads RENAME CONSTRAINT teams_name_unique TO squads_name_key", null)]
    [InlineData("ALTER INDEX IF EXISTS nothing_here RENAME TO still_nothing", null)]
    [InlineData("ALTER INDEX nothing_here RENAME TO still_nothing", "alter index \"nothing_here\" rename to \"still_nothing\": no such index at this point (PostgreSQL: relation \"nothing_here\" does not exist)")]
    [InlineData("ALTER TABLE squads RENAME CONSTRAINT nothing_here TO still_nothing", "rename constraint \"nothing_here\" on squads: PostgreSQL refuses it (constraint \"nothing_here\" for table \"squads\" does not exist)")]
    public async Task Index_and_constraint_renames_after_a_table_rename_are_read(string sql, string? chainError)
    {
        // automatisch renames app_auth_clients, then its _pkey and _unique indexes: PostgreSQL keeps the index names
        // on a table rename, and the primary key's name is not modelled, so renaming it is never claimed to fail.
        using var repo = Audit.Project(
            ("20250101000000_create_teams.js", "exports.up = (knex) => knex.schema.createTable('teams', (t) => { t.increments('id'); t.string('name').unique(); });\nexports.down = (knex) => knex.schema.dropTable('teams');\n"),
            ("20250102000000_rename.js", $"exports.up = async (knex) => {{\n  await knex.schema.renameTable('teams', 'squads');\n  await knex.raw('{sql}');\n}};\nexports.down = async () => {{}};\n"));
        var result = Audit.Run(repo.Root);
        var step = result.Input.Schema.Migrations[1];
        Assert.True(step.Up.Complete);
        Assert.Equal(chainError is null ? [] : [chainError], step.ChainProblems.Select(p => p.Message));
        if (sql.Contains("squads_name_", StringComparison.Ordinal))
        {
            Assert.Equal(sql.EndsWith("squads_name_key", StringComparison.Ordinal) ? "squads_name_key" : "squads_name_unique", Assert.Single(result.Input.Schema.Schema.Table("squads")!.Indexes).Name);
        }

        // The same two migrations on real knex and PostgreSQL.
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        Requires.Postgres();

        var outcome = await LiveDatabase.KnexLatestOutcomeAsync(server.Postgres!, repo, "renames");
        if (chainError is null)
        {
            Assert.Equal("ok", outcome);
        }
        else
        {
            Assert.Contains(chainError[(chainError.IndexOf('(') + 1)..chainError.LastIndexOf(')')].Replace("PostgreSQL: ", string.Empty, StringComparison.Ordinal).Replace("PostgreSQL refuses it ", string.Empty, StringComparison.Ordinal), outcome);
        }
    }

    [Theory]
    [InlineData("CREATE INDEX t_a ON t (a)", "a", false)]
    [InlineData("CREATE INDEX t_a ON t (a DESC NULLS LAST)", "a", true)]
    [InlineData("CREATE INDEX t_a ON t USING gin (a jsonb_path_ops)", "(a jsonb_path_ops)", true)]
    [InlineData("CREATE INDEX t_a ON t ((lower(b)))", "(( lower ( b ) ))", true)]
    public void A_raw_index_key_with_order_operator_class_or_expression_is_not_stated_as_plain_columns(string sql, string columns, bool detailsUnknown)
    {
        // 18F's (date DESC NULLS LAST) and botswelcome's (name gin_trgm_ops): verify compared them as plain columns and
        // listed differences; the model keeps names only, so the index's key is unknown to the comparison instead.
        var replay = Audit.Replay(MigAudit.Core.SqlDialect.PostgreSQL,
            "exports.up = async (knex) => {\n  await knex.schema.createTable('t', (t) => { t.jsonb('a'); t.string('b'); });\n" +
            $"  await knex.raw('{sql}');\n}};\nexports.down = async () => {{}};\n");
        var index = Assert.Single(replay.Schema.Table("t")!.Indexes);
        Assert.Equal((columns, detailsUnknown), (string.Join(",", index.Columns), index.KeyDetailsUnknown));
    }
}
