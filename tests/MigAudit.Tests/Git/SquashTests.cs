using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>One commit that deletes many migrations and adds a baseline is one squash finding with its upgrade path.</summary>
public sealed class SquashTests
{
    private static readonly string[] Tables = ["users", "teams", "projects", "tasks", "comments", "tags"];

    private static TempRepo Squashed(bool tagged)
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        for (var i = 0; i < Tables.Length; i++)
        {
            repo.Write($"migrations/2025010{i + 1}000000_{Tables[i]}.js", Audit.CreateTable(Tables[i]));
        }

        repo.Commit("the first chain");
        if (tagged)
        {
            repo.Git("tag", "v1.0.0");
        }

        for (var i = 0; i < Tables.Length; i++)
        {
            repo.Delete($"migrations/2025010{i + 1}000000_{Tables[i]}.js");
        }

        repo.Write("migrations/20250301000000_baseline.js", "exports.up = async (knex) => {\n" + string.Concat(Tables.Select(t => $"  await knex.schema.createTable('{t}', (t) => {{ t.increments('id'); }});\n")) + "};\nexports.down = async (knex) => {\n" + string.Concat(Tables.Reverse().Select(t => $"  await knex.schema.dropTable('{t}');\n")) + "};\n");
        repo.Commit("squash the migrations into one baseline");
        return repo;
    }

    [Fact]
    public void A_squash_commit_is_one_grouped_finding_that_still_lists_every_name()
    {
        using var repo = Squashed(tagged: true);

        var result = Audit.Run(repo.Root);

        var squash = Assert.Single(result.Of("deleted-migration"));
        Assert.True(squash.Blocking);
        Assert.StartsWith("Squashed in commit ", squash.Message);
        Assert.Contains(": 6 migrations (20250101000000_users.js … 20250106000000_tags.js) replaced by 20250301000000_baseline.js: every database on the old chain fails", squash.Message);
        Assert.Contains("6 of them shipped (releases v1.0.0 to v1.0.0)", squash.Message);
        Assert.Contains("Upgrade path for a database on the old chain: first bring it to the end of the old chain", squash.Message);
        Assert.Equal(6, squash.Related.Count);
        Assert.Equal(6, result.Input.Deleted.Count);
        Assert.Equal("migrations/20250301000000_baseline.js", squash.File);
        Assert.StartsWith("On every database on the old chain, after 'knex migrate:latest' at ", squash.Action);
        Assert.Contains("DELETE FROM \"knex_migrations\" WHERE name IN ('20250101000000_users.js', ", squash.Action);
    }

    [Fact]
    public void A_squash_of_migrations_in_no_release_does_not_block()
    {
        using var repo = Squashed(tagged: false);
        repo.Git("tag", "v0.1.0", "HEAD");

        var result = Audit.Run(repo.Root);

        var squash = Assert.Single(result.Of("deleted-migration"));
        Assert.False(squash.Blocking);
        Assert.Equal(Severity.Medium, squash.Severity);
        Assert.True(squash.Message.Contains("none of them was in a release", StringComparison.Ordinal), squash.Message);
    }

    [Fact]
    public void Fewer_deletions_than_a_squash_stay_one_finding_each()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_teams.js", Audit.CreateTable("teams"));
        repo.Commit("two");
        repo.Delete("migrations/20250101000000_users.js").Delete("migrations/20250102000000_teams.js");
        repo.Write("migrations/20250301000000_baseline.js", "exports.up = (knex) => knex.schema.createTable('accounts', (t) => { t.uuid('id').primary(); t.string('email'); });\nexports.down = (knex) => knex.schema.dropTable('accounts');\n");
        repo.Commit("replace two");

        Assert.Equal(2, Audit.Run(repo.Root).Of("deleted-migration").Count);
    }
}
