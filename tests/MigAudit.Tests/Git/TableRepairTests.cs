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
}
