using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>A file renamed more than once, or renamed and then deleted, is one finding with every name databases may hold.</summary>
public sealed class RenameChainTests
{
    private static TempRepo Project()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_orders.js", Audit.CreateTable("orders"));
        repo.Commit("two migrations");
        return repo;
    }

    [Fact]
    public void A_migration_late_under_its_old_name_is_reported_with_the_name_that_ran_late()
    {
        using var repo = Project();
        repo.Write("migrations/20250101120000_tags.js", Audit.CreateTable("tags"));
        repo.Commit("tags, late: it sorts before orders, committed the day before");
        repo.Move("migrations/20250101120000_tags.js", "migrations/20250103000000_tags.js");
        repo.Commit("renumber tags");

        var result = Audit.Run(repo.Root);

        var late = Assert.Single(result.Of("late-migration"));
        Assert.StartsWith("20250103000000_tags.js was committed as 20250101120000_tags.js in ", late.Message);
        Assert.Contains(", and reached the mainline after 20250102000000_orders.js (which sorts after 20250101120000_tags.js) was committed in ", late.Message);
        Assert.Contains("Knex runs 20250101120000_tags.js in the next batch", late.Message);
        Assert.Single(result.Of("renamed-migration"));
    }

    [Fact]
    public void Renamed_then_deleted_is_one_deleted_migration_known_under_both_names()
    {
        using var repo = Project();
        repo.Move("migrations/20250102000000_orders.js", "migrations/20250102000000_orders.ts");
        repo.Commit("to typescript");
        repo.Delete("migrations/20250102000000_orders.ts");
        repo.Commit("drop orders");

        var result = Audit.Run(repo.Root);
        Assert.Empty(result.Of("renamed-migration"));
        var deleted = Assert.Single(result.Of("deleted-migration"));
        Assert.Contains("the following files are missing: 20250102000000_orders.ts\" (or, on databases that applied it before it was renamed, 20250102000000_orders.js: its earlier name)", deleted.Message);
        Assert.Contains("remove its row (named 20250102000000_orders.js or 20250102000000_orders.ts)", deleted.Action);
        Assert.Equal(["20250102000000_orders.js"], Assert.Single(result.Input.Deleted).FormerNames);
    }

    [Fact]
    public void Renamed_twice_is_one_rename_from_every_earlier_name_to_the_current_one()
    {
        using var repo = Project();
        repo.Move("migrations/20250102000000_orders.js", "migrations/20250102000000_orders.ts");
        repo.Commit("to typescript");
        repo.Move("migrations/20250102000000_orders.ts", "migrations/20250102000000_create_orders.ts");
        repo.Commit("clearer name");

        var result = Audit.Run(repo.Root);
        var rename = Assert.Single(result.Input.Renamed);
        Assert.Equal(("20250102000000_orders.js", "20250102000000_create_orders.ts"), (rename.OldName, rename.NewName));
        Assert.Equal(["20250102000000_orders.ts"], rename.IntermediateNames);
        var finding = Assert.Single(result.Of("renamed-migration"));
        Assert.Contains("it was renamed through 20250102000000_orders.ts", finding.Message);
        Assert.Contains("SET name = '20250102000000_create_orders.ts' WHERE name IN ('20250102000000_orders.js', '20250102000000_orders.ts')", finding.Action);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task The_rollback_script_forgets_every_name_of_a_renamed_then_deleted_migration()
    {
        using var repo = Project();
        repo.Move("migrations/20250102000000_orders.js", "migrations/20250102000000_orders.ts");
        repo.Commit("to typescript");
        repo.Delete("migrations/20250102000000_orders.ts");
        repo.Commit("drop orders");

        Assert.Equal(0, (await CliRunner.RunAsync("fix", repo.Root, "--rule", "deleted-migration", "--apply")).ExitCode);
        var script = File.ReadAllText(repo.PathOf("deleted-migrations-rollback.sql"));
        Assert.Contains("DELETE FROM \"knex_migrations\" WHERE name IN (\n  '20250102000000_orders.js',\n  '20250102000000_orders.ts'\n);", script);
    }

    [Fact]
    public void A_deleted_helper_that_never_exported_up_or_down_is_not_a_deleted_migration()
    {
        using var repo = Project();
        repo.Write("migrations/helpers.js", "exports.timestamps = (t) => { t.timestamps(true, true); };\n");
        repo.Write("migrations/20250103000000_legacy.js", "module.exports = require('./legacy-impl');\n");
        repo.Commit("a helper and a re-exported migration");
        repo.Delete("migrations/helpers.js");
        repo.Delete("migrations/20250103000000_legacy.js");
        repo.Commit("remove both");

        var result = Audit.Run(repo.Root);
        Assert.Equal(["migrations/helpers.js"], result.Input.DeletedHelpers);

        // The re-export may well have had up and down: it stays a deleted migration.
        Assert.Equal(["migrations/20250103000000_legacy.js"], result.Of("deleted-migration").Select(f => f.File));
    }

    [Fact]
    public void A_typescript_to_javascript_conversion_that_changed_load_extensions_keeps_the_old_names_in_history()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { client: 'pg', migrations: { directory: './migrations', loadExtensions: ['.ts'] } };\n");
        repo.Write("migrations/20250101000000_users.ts", "import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  await knex.schema.createTable('users', (t) => { t.increments('id'); });\n}\nexport async function down(knex: Knex) {\n  await knex.schema.dropTable('users');\n}\n");
        repo.Write("migrations/20250102000000_notes.ts", "export const up = async (knex) => knex.schema.createTable('notes', (t) => { t.increments('id'); });\nexport const down = async (knex) => knex.schema.dropTable('notes');\n");
        repo.Commit("typescript migrations");
        repo.Git("tag", "v1.0.0");
        repo.Write("knexfile.js", "module.exports = { client: 'pg', migrations: { directory: './migrations', loadExtensions: ['.js'] } };\n");
        repo.Delete("migrations/20250101000000_users.ts").Delete("migrations/20250102000000_notes.ts");
        repo.Write("migrations/20250101000000_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_notes.js", Audit.CreateTable("notes"));
        repo.Commit("convert the migrations to CommonJS");

        var result = Audit.Run(repo.Root);

        Assert.Equal([".ts"], result.Input.ConvertedExtensions);
        var renames = result.Of("renamed-migration");
        Assert.Equal(["migrations/20250101000000_users.js", "migrations/20250102000000_notes.js"], renames.Select(f => f.File));
        Assert.All(renames, f => Assert.True(f.Blocking));
        Assert.All(renames, f => Assert.Contains("only its extension changed", f.Message));
        Assert.Empty(result.Of("deleted-migration"));
        Assert.Empty(result.Of("late-migration"));
    }

    [Fact]
    public void A_migration_moved_out_of_the_folder_is_reported_as_moved_with_its_destination()
    {
        using var repo = Project();
        repo.Write("src/app.js", "module.exports = {};\n");
        repo.Commit("app");
        Directory.CreateDirectory(repo.PathOf("archive"));
        repo.Move("migrations/20250102000000_orders.js", "archive/20250102000000_orders.js");
        repo.Commit("archive the orders migration");

        var result = Audit.Run(repo.Root);

        var moved = Assert.Single(result.Of("deleted-migration"));
        Assert.StartsWith("20250102000000_orders.js was moved to archive/20250102000000_orders.js by commit ", moved.Message);
        Assert.Contains(", out of the migration directories Knex lists (migrations), so Knex no longer runs or finds it; last committed in ", moved.Message);
        Assert.Equal("archive/20250102000000_orders.js", Assert.Single(result.Input.Deleted).MovedTo);
        Assert.Empty(result.Of("renamed-migration"));
    }

    [Fact]
    public void A_similar_pair_with_another_version_is_a_deletion_and_an_addition_never_a_rename()
    {
        // Two migrations from one template: git pairs them as a rename (similar content), but they are different
        // migrations; an UPDATE of the migrations table would mark the new one as applied without running it.
        using var repo = Project();
        var template = Audit.CreateTable("orders") + "// a long shared template comment that makes the two files similar enough for git\n";
        repo.Write("migrations/20250103000000_invoices.js", template).Commit("invoices");
        repo.Git("tag", "v1.0.0");
        repo.Delete("migrations/20250103000000_invoices.js");
        repo.Write("migrations/20250104000000_payments.js", template.Replace("orders", "payments", StringComparison.Ordinal));
        repo.Commit("payments instead of invoices");
        Assert.Contains("R", repo.Git("log", "-1", "-M", "--name-status", "--format=").Split('\n')[0]);

        var result = Audit.Run(repo.Root);

        Assert.Empty(result.Of("renamed-migration"));
        Assert.StartsWith("20250103000000_invoices.js was deleted by commit ", Assert.Single(result.Of("deleted-migration")).Message);
        var deleted = Assert.Single(result.Input.Deleted);
        Assert.Equal("20250103000000_invoices.js", deleted.Name);

        // The repository-wide rename detection pairs it too; a similar file beside it in the folder is not a move.
        Assert.Null(deleted.MovedTo);
        Assert.Equal(TrackingState.Committed, result.Migration("20250104000000_payments.js").Git.State);
    }
}
