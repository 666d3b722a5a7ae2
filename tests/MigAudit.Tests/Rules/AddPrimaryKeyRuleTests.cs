using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Rules;

/// <summary>add-primary-key on its fixtures: knex's primary() (after dropPrimary() too), SQL's ADD PRIMARY KEY, and USING INDEX over nullable columns.</summary>
public sealed class AddPrimaryKeyRuleTests
{
    private static AuditResult AuditFixture(string side)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("add-primary-key", side));
        repo.Commit("fixture");
        return Audit.Run(repo.Root);
    }

    [Fact]
    public void Each_key_added_to_an_existing_table_is_found_with_its_build_and_scan()
    {
        var findings = AuditFixture("bad").Findings;

        Assert.Equal(
            [("migrations/20250102000000_add_primary_keys.js", 3), ("migrations/20250102000000_add_primary_keys.js", 7), ("migrations/20250102000000_add_primary_keys.js", 9), ("migrations/20250104000000_devices_key.js", 3)],
            findings.Select(f => (f.File!, f.Line!.Value)));
        Assert.All(findings, f => Assert.Equal(("add-primary-key", Severity.Medium, false), (f.Rule, f.Severity, f.Blocking)));
        Assert.StartsWith("20250102000000_add_primary_keys.js adds the primary key users_pkey to users, which existed before this migration (line 3): PostgreSQL builds the key's unique index and checks every row of id for NULL (a primary key makes its columns NOT NULL) while it holds an ACCESS EXCLUSIVE lock on users", findings[0].Message);

        // teams.slug is NOT NULL already: the build alone; the constraint name knex was given.
        Assert.Contains("adds the primary key teams_slug_pkey to teams, which existed before this migration (line 7): PostgreSQL builds the key's unique index while it holds", findings[1].Message);
        Assert.StartsWith("First build the index with CREATE UNIQUE INDEX CONCURRENTLY teams_slug_pkey ON teams (...)", findings[1].Action);
        Assert.StartsWith("First make id NOT NULL without the scan", findings[0].Action);

        // USING INDEX builds nothing, but a nullable column is still scanned.
        Assert.Contains("the index is built already, but PostgreSQL checks every row of serial for NULL", findings[3].Message);
    }

    [Fact]
    public void The_safe_route_and_a_key_on_a_table_the_migration_creates_find_nothing()
    {
        var result = AuditFixture("good");

        Assert.Empty(result.Findings);
        Assert.Equal(["id"], result.Input.Schema.Schema.Tables["users"].PrimaryKey);
        Assert.DoesNotContain(result.Input.Schema.Schema.Tables["users"].Indexes, i => i.Name == "users_id_idx");
    }

    [Fact]
    public void A_key_using_an_index_that_is_not_unique_is_what_postgresql_refuses()
    {
        using var repo = Audit.Project(
            ("20250101000000_create_users.js", Audit.CreateTable("users")),
            ("20250102000000_key.js", """
                exports.up = async function (knex) {
                  await knex.raw('CREATE INDEX users_id_idx ON users (id)');
                  await knex.raw('ALTER TABLE users DROP CONSTRAINT users_pkey');
                  await knex.raw('ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx');
                };
                exports.down = async function () {};
                """));

        var finding = Assert.Single(Audit.Run(repo.Root).Of("chain-error"));
        Assert.Contains("primary key using index \"users_id_idx\" on users: PostgreSQL refuses it (\"\\\"users_id_idx\\\" is not a unique index\")", finding.Message, StringComparison.Ordinal);
    }
}
