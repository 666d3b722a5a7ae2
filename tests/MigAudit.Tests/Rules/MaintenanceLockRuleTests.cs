using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>reindex-not-concurrently and detach-partition-not-concurrently on their fixtures, and their CONCURRENTLY forms inside Knex's transaction.</summary>
public sealed class MaintenanceLockRuleTests
{
    private static AuditResult AuditFixture(string rule, string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine(rule, side));
        repo.Commit("fixture");
        return Audit.Run(repo.Root);
    }

    [Theory]
    [InlineData("reindex-not-concurrently")]
    [InlineData("detach-partition-not-concurrently")]
    [InlineData("attach-partition-without-check")]
    public void Good_fixture_has_no_finding_at_all(string rule)
    {
        var result = AuditFixture(rule, "good");
        Assert.Empty(result.Findings);
        Assert.True(result.Ready);
    }

    [Fact]
    public void Reindex_of_a_table_an_index_and_a_primary_keys_index_is_found_and_a_new_table_is_not()
    {
        var findings = AuditFixture("reindex-not-concurrently", "bad").Findings;

        Assert.Equal([2, 3, 4], findings.Select(f => f.Line!.Value));
        Assert.All(findings, f => Assert.Equal(("reindex-not-concurrently", Severity.Medium, false), (f.Rule, f.Severity, f.Blocking)));
        Assert.StartsWith("20250102000000_reindex.js rebuilds every index of users without CONCURRENTLY (line 2), and users existed before this migration: PostgreSQL holds a SHARE lock on users and an ACCESS EXCLUSIVE lock on each index it rebuilds", findings[0].Message);
        Assert.StartsWith("On PostgreSQL 12+, use REINDEX INDEX CONCURRENTLY users_pkey in a migration of its own with exports.config = { transaction: false }", findings[2].Action);
    }

    [Fact]
    public void Detach_partition_locks_the_parent_and_is_advised_concurrently_outside_a_transaction()
    {
        var finding = Assert.Single(AuditFixture("detach-partition-not-concurrently", "bad").Findings);

        Assert.Equal(("detach-partition-not-concurrently", "migrations/20250102000000_detach_2020.js", 2, false), (finding.Rule, finding.File!, finding.Line!.Value, finding.Blocking));
        Assert.Contains("PostgreSQL takes an ACCESS EXCLUSIVE lock on measurements and on measurements_2020", finding.Message, StringComparison.Ordinal);
        Assert.StartsWith("On PostgreSQL 14+, ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY in a migration of its own with exports.config = { transaction: false }", finding.Action);
    }

    [Theory]
    [InlineData("REINDEX INDEX CONCURRENTLY users_email_index", "REINDEX CONCURRENTLY cannot run inside a transaction block")]
    [InlineData("ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY", "ALTER TABLE ... DETACH CONCURRENTLY cannot run inside a transaction block")]
    [InlineData("REINDEX SCHEMA public", "REINDEX SCHEMA cannot run inside a transaction block")]
    [InlineData("REINDEX DATABASE app", "REINDEX DATABASE cannot run inside a transaction block")]
    [InlineData("REINDEX (VERBOSE) SYSTEM app", "REINDEX SYSTEM cannot run inside a transaction block")]
    [InlineData("REINDEX SCHEMA CONCURRENTLY public", "REINDEX CONCURRENTLY cannot run inside a transaction block")]
    public void Their_concurrent_forms_inside_knexs_transaction_are_what_postgresql_refuses(string sql, string error)
    {
        using var repo = Audit.Project(
            ("20250101000000_create.js", """
                exports.up = async function (knex) {
                  await knex.schema.createTable('users', (t) => { t.increments('id'); t.string('email').index(); });
                  await knex.raw('CREATE TABLE measurements (id integer NOT NULL, taken_on date NOT NULL) PARTITION BY RANGE (taken_on)');
                  await knex.raw('CREATE TABLE measurements_2020 (id integer NOT NULL, taken_on date NOT NULL)');
                  await knex.raw("ALTER TABLE measurements ATTACH PARTITION measurements_2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')");
                };
                exports.down = async function () {};
                """),
            ("20250102000000_concurrently.js", $"exports.up = (knex) => knex.raw('{sql}');\nexports.down = (knex) => knex.raw('SELECT 1');\n"));

        var finding = Assert.Single(Audit.Run(repo.Root).Of("concurrently-in-transaction"));
        Assert.True(finding.Blocking);
        Assert.Contains($"PostgreSQL refuses it with \"{error}\"", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("REINDEX SCHEMA public", "20250102000000_wide.js rebuilds every index of schema public without CONCURRENTLY (line 2): PostgreSQL rebuilds one table after another, each in a transaction of its own, holding a SHARE lock on the table and an ACCESS EXCLUSIVE lock on its indexes while it does, so writes to every table of the schema wait in turn")]
    [InlineData("REINDEX DATABASE app", "20250102000000_wide.js rebuilds every index of database app without CONCURRENTLY (line 2)")]
    [InlineData("REINDEX SCHEMA CONCURRENTLY public", null)]
    public void A_schema_or_database_reindex_outside_a_transaction_blocks_every_table_in_turn(string sql, string? message)
    {
        using var repo = Audit.Project(
            ("20250101000000_users.js", "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n"),
            ("20250102000000_wide.js", $"exports.config = {{ transaction: false }};\nexports.up = (knex) => knex.raw('{sql}');\nexports.down = (knex) => knex.raw('SELECT 1');\n"));

        var result = Audit.Run(repo.Root);

        Assert.Empty(result.Of("concurrently-in-transaction"));
        if (message is null)
        {
            Assert.Empty(result.Of("reindex-not-concurrently"));
            return;
        }

        var finding = Assert.Single(result.Of("reindex-not-concurrently"));
        Assert.Equal((Severity.Medium, false, 2), (finding.Severity, finding.Blocking, finding.Line!.Value));
        Assert.StartsWith(message, finding.Message);
    }

    [Fact]
    public void Attach_partition_of_an_existing_table_without_a_check_is_found_and_a_new_table_is_not()
    {
        var findings = AuditFixture("attach-partition-without-check", "bad").Findings;

        Assert.Equal([2, 3], findings.Select(f => f.Line!.Value));
        Assert.All(findings, f => Assert.Equal(("attach-partition-without-check", Severity.Medium, false, "migrations/20250102000000_attach.js"), (f.Rule, f.Severity, f.Blocking, f.File!)));
        Assert.StartsWith("20250102000000_attach.js attaches measurements_2021 as a partition of measurements (line 2), and measurements_2021 existed before this migration with no CHECK constraint: PostgreSQL reads every row of measurements_2021 to check the partition bound while it holds an ACCESS EXCLUSIVE lock on it", findings[0].Message);
        Assert.StartsWith("Before the ATTACH, add a CHECK constraint on measurements_2022 that matches the partition bound", findings[1].Action);
    }
}
