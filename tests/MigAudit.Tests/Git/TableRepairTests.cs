using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>Code of the project's own that writes to its migrations table is named in the findings it may repair.</summary>
public sealed class TableRepairTests
{
    private static TempRepo ShippedThenDeleted()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("two migrations");
        repo.Git("tag", "v1.0.0");
        repo.Delete("migrations/20250102000000_orders.js");
        repo.Commit("drop the orders migration");
        return repo;
    }

    [Theory]
    [InlineData("scripts/repair.js", "const knex = require('knex')(require('../knexfile').production);\nmodule.exports = () => knex('knex_migrations').where({ name: '20250102000000_orders.js' }).del();\n", 2, "delete")]
    [InlineData("src/boot.ts", "export async function boot(db) {\n  await db.raw(`UPDATE knex_migrations SET name = 'x.js' WHERE name = '20250102000000_orders.js'`);\n  await db.migrate.latest();\n}\n", 2, "update")]
    [InlineData("src/reset.js", "exports.reset = async (knex) => {\n  if ((await knex('knex_migrations')).some((m) => m.name.startsWith('2025010'))) {\n    await knex('knex_migrations').truncate();\n  }\n};\n", 3, "truncate")]
    public void A_repair_that_names_or_empties_the_rows_makes_the_deletion_non_blocking_and_is_named(string file, string code, int line, string operation)
    {
        using var repo = ShippedThenDeleted();
        repo.Write(file, code).Commit("repair the migrations table");

        var result = Audit.Run(repo.Root);

        var deleted = Assert.Single(result.Of("deleted-migration"));
        Assert.False(deleted.Blocking);
        Assert.Equal(Severity.Medium, deleted.Severity);
        Assert.Contains($"The project's own code repairs these rows: {file}:{line} ({operation} on knex_migrations) ", deleted.Message);
        Assert.Equal((file, line, operation), result.Input.Repairs.Select(r => (r.File, r.Line, r.Operation)).Single(r => r.Operation == operation));
        Assert.True(result.Ready);
    }

    [Fact]
    public void A_write_that_does_not_name_the_migration_is_mentioned_but_the_deletion_still_blocks()
    {
        using var repo = ShippedThenDeleted();
        repo.Write("scripts/rename.js", "module.exports = (knex) => knex('knex_migrations').where({ name: '20240101000000_legacy.js' }).update({ name: '20240101000000_legacy.ts' });\n");
        repo.Write("test/reset.js", "module.exports = (knex) => knex('knex_migrations').truncate();\n");
        repo.Commit("a rename script for another migration, and a test helper");

        var result = Audit.Run(repo.Root);

        var deleted = Assert.Single(result.Of("deleted-migration"));
        Assert.True(deleted.Blocking);
        Assert.EndsWith("The project's own code writes to knex_migrations (scripts/rename.js:1 update), but does not name this migration.", deleted.Message);
    }

    [Fact]
    public void Without_deletions_or_renames_the_code_is_not_scanned()
    {
        using var repo = Audit.Project(("20250101000000_users.js", Audit.CreateTable("users")));
        repo.Write("scripts/reset.js", "module.exports = (knex) => knex('knex_migrations').truncate();\n").Commit();

        Assert.Empty(Audit.Run(repo.Root).Input.Repairs);
    }

    /// <summary>users shipped in v1.0.0 as .js, then converted to .ts: production's row still says .js.</summary>
    private static TempRepo ShippedThenConverted()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { production: { client: 'pg', migrations: { directory: './migrations', loadExtensions: ['.ts'] } } };\n");
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users"));
        repo.Commit("users");
        repo.Git("tag", "v1.0.0");
        repo.Git("mv", "migrations/20250101000000_users.js", "migrations/20250101000000_users.ts");
        repo.Commit("typescript");
        return repo;
    }

    [Theory]
    [InlineData("src/db.ts", "export async function migrate(knex) {\n  const rows = await knex('knex_migrations').where('name', 'like', '%.js');\n  for (const row of rows) {\n    await knex('knex_migrations').where({ id: row.id }).update({ name: row.name.replace(/\\.js$/, '.ts') });\n  }\n  await knex.migrate.latest();\n}\n", 4, "update")]
    [InlineData("scripts/fix-names.js", "module.exports = (knex) => knex.raw(\"UPDATE knex_migrations SET name = replace(name, '.js', '.ts') WHERE name LIKE '%.js'\");\n", 1, "update")]
    public void A_repair_of_every_row_a_pattern_matches_credits_each_renamed_migration_it_matches(string file, string code, int line, string operation)
    {
        using var repo = ShippedThenConverted();
        repo.Write(file, code).Commit("rewrite the recorded extensions");

        var result = Audit.Run(repo.Root);

        var renamed = Assert.Single(result.Of("renamed-migration"));
        Assert.False(renamed.Blocking);
        Assert.Equal(Severity.Medium, renamed.Severity);
        Assert.Contains($"The project's own code repairs these rows: {file}:{line} ({operation} on knex_migrations) matches this migration's name with the pattern '%.js'; check that it runs before 'knex migrate:latest'", renamed.Message);
    }

    [Fact]
    public void A_pattern_update_does_not_repair_a_deleted_migration_but_a_pattern_delete_does()
    {
        // Rewriting the deleted row's name still leaves a name no file has: Knex still stops.
        using var repo = ShippedThenDeleted();
        repo.Write("scripts/fix-names.js", "module.exports = (knex) => knex.raw(\"UPDATE knex_migrations SET name = replace(name, '.js', '.ts') WHERE name LIKE '%.js'\");\n").Commit("rename rows");
        Assert.True(Assert.Single(Audit.Run(repo.Root).Of("deleted-migration")).Blocking);

        repo.Write("scripts/fix-names.js", "module.exports = (knex) => knex.raw(\"DELETE FROM knex_migrations WHERE name LIKE '20250102%'\");\n").Commit("delete the rows instead");
        var deleted = Assert.Single(Audit.Run(repo.Root).Of("deleted-migration"));
        Assert.False(deleted.Blocking);
        Assert.Contains("scripts/fix-names.js:1 (delete on knex_migrations) matches this migration's name with the pattern '20250102%'", deleted.Message);
    }

    [Theory]
    [InlineData("%.js", "20250101000000_users.js", true)]
    [InlineData("2025\\_%", "2025_x.js", true)]
    [InlineData("2025\\_%", "20250101.js", false)]
    [InlineData("%s", "x.js", false)]
    [InlineData("%", "x.js", false)]
    [InlineData("%.JS", "x.js", false)]
    [InlineData("2025010_000000%", "20250102000000_orders.js", true)]
    public void Like_patterns_match_as_postgresql_like_does(string pattern, string name, bool matches) =>
        Assert.Equal(matches, TableRepair.LikeMatches(pattern, name));
}
