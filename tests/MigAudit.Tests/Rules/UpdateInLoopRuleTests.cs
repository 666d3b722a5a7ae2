using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>update-in-loop on its fixtures: knex query builder writes once per row of a loop the replay cannot unroll.</summary>
public sealed class UpdateInLoopRuleTests
{
    private static AuditResult AuditFixture(string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("update-in-loop", side));
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
    public void Writes_in_for_of_map_and_foreach_over_rows_read_at_run_time_are_found()
    {
        var findings = AuditFixture("bad").Findings;

        Assert.Equal(
            [
                ("update-in-loop", "migrations/20250102000000_backfill_email_lower.js", 4, Severity.Medium),
                ("update-in-loop", "migrations/20250103000000_record_signups.js", 3, Severity.Low),
                ("update-in-loop", "migrations/20250103000000_record_signups.js", 5, Severity.Medium),
            ],
            findings.Select(f => (f.Rule, f.File!, f.Line!.Value, f.Severity)));
        Assert.All(findings, f => Assert.False(f.Blocking));
        Assert.StartsWith("20250102000000_backfill_email_lower.js runs knex('users').update() once per item of a for...of loop at line 3 (line 4), and users existed before this migration: each item is a statement and a round trip inside the transaction Knex runs the migration in, and every row it writes stays locked until that transaction commits", findings[0].Message);
        Assert.Contains("a map() callback at line 3", findings[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("Insert the rows in one statement: knex('user_events').insert(rows)", findings[1].Action);
        Assert.Contains("a forEach() callback at line 4", findings[2].Message, StringComparison.Ordinal);
        Assert.StartsWith("Write the rows in one statement (knex.raw with UPDATE \"users\" SET ... FROM (VALUES ...)", findings[0].Action);
    }

    [Theory]
    [InlineData("for (let i = 0; i < users.length; i++) {\n    await knex('users').where('id', users[i].id).del();\n  }", "for loop at line 3", "del")]
    [InlineData("let user;\n  while ((user = users.pop())) {\n    await knex('users').where('id', user.id).increment('id', 0);\n  }", "while loop at line 4", "increment")]
    public void Classic_loops_are_found_too(string loop, string where, string verb)
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n"),
            ("20250102000000_loop.js", $"exports.up = async function (knex) {{\n  const users = await knex('users').select('id');\n  {loop}\n}};\nexports.down = async function () {{}};\n"));

        var finding = Assert.Single(Audit.Run(repo.Root).Of("update-in-loop"));

        Assert.StartsWith($"20250102000000_loop.js runs knex('users').{verb}() once per item of a {where}", finding.Message);
    }

    [Fact]
    public void A_migration_without_a_transaction_and_a_table_the_migration_creates_are_left_out()
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n"),
            ("20250102000000_batches.js", """
                // Each statement commits on its own: no row stays locked past its own UPDATE.
                exports.config = { transaction: false };
                exports.up = async function (knex) {
                  const users = await knex('users').select('id', 'email');
                  for (const user of users) {
                    await knex('users').update({ email: user.email.trim() }).where('id', user.id);
                  }
                };
                exports.down = async function () {};
                """),
            ("20250103000000_new_table.js", """
                exports.up = async function (knex) {
                  await knex.schema.createTable('profiles', (t) => { t.increments('id'); t.integer('user_id'); });
                  const users = await knex('users').select('id');
                  for (const user of users) {
                    await knex('profiles').insert({ user_id: user.id });
                  }
                };
                exports.down = (knex) => knex.schema.dropTable('profiles');
                """));

        Assert.Empty(Audit.Run(repo.Root).Of("update-in-loop"));
    }
}
