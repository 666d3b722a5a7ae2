using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Live;

/// <summary>
/// verify judges each down on what its own up changed: a fault is reported once, at the down that makes it, with the
/// exact difference, and not again at the earlier downs that rename what the fault sits in. Real knex, real
/// PostgreSQL, a project folder without git.
/// </summary>
public sealed class VerifyDownBlameTests
{
    private static TempRepo Project(params (string Name, string Content)[] migrations)
    {
        var folder = new TempRepo(init: false);
        folder.Write("knexfile.js", Audit.Knexfile);
        foreach (var (name, content) in migrations)
        {
            folder.Write("migrations/" + name, content);
        }

        NodeKnex.LinkInto(folder);
        return folder;
    }

    private static readonly (string Name, string Content)[] Chain =
    [
        ("20250101000000_people.js", """
            exports.up = (knex) => knex.schema.createTable('people', (t) => {
              t.increments('id');
              t.text('name').notNullable().defaultTo('anonymous').index();
            });
            exports.down = (knex) => knex.schema.dropTable('people');
            """),
        ("20250102000000_full_name.js", """
            exports.up = (knex) => knex.schema.alterTable('people', (t) => t.renameColumn('name', 'full_name'));
            exports.down = (knex) => knex.schema.alterTable('people', (t) => t.renameColumn('full_name', 'name'));
            """),
        ("20250103000000_display_name.js", """
            exports.up = (knex) => knex.schema.alterTable('people', (t) => t.renameColumn('full_name', 'display_name'));
            exports.down = (knex) => knex.schema.alterTable('people', (t) => t.renameColumn('display_name', 'full_name'));
            """),
    ];

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_down_that_adds_a_dropped_column_back_nullable_is_the_only_one_blamed_and_the_renames_are_restored()
    {
        Requires.PostgresAndKnex();
        // The fourth drops the twice-renamed column; its down adds it back without NOT NULL, default or index. Every
        // earlier down renames that very column back, on the way to the first one's dropTable.
        using var folder = Project([.. Chain, ("20250104000000_drop_display_name.js", """
            exports.up = (knex) => knex.schema.alterTable('people', (t) => t.dropColumn('display_name'));
            exports.down = (knex) => knex.schema.alterTable('people', (t) => t.text('display_name'));
            """)]);

        var run = await CliRunner.RunAsync("verify", folder.Root, "--format", "json");

        Assert.Equal(1, run.ExitCode);
        var migrations = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations").EnumerateArray().ToList();
        Assert.Equal(["ok", "ok", "ok", "not-restored"], migrations.Select(m => m.GetProperty("down").GetString()));
        Assert.Equal(
            [
                "people.display_name: NOT NULL is not restored",
                "people.display_name: default 'anonymous'::text is not restored",
                "people: index people_name_index is not restored (CREATE INDEX people_name_index ON public.people USING btree (display_name))",
            ],
            migrations[3].GetProperty("downDifferences").EnumerateArray().Select(d => d.GetString()));
        Assert.All(migrations.Take(3), m => Assert.Equal(0, m.GetProperty("downDifferences").GetArrayLength()));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_down_that_renames_back_to_the_wrong_name_is_blamed_once_with_both_names()
    {
        Requires.PostgresAndKnex();
        using var folder = Project([.. Chain, ("20250104000000_title.js", """
            exports.up = (knex) => knex.schema.alterTable('people', (t) => t.renameColumn('display_name', 'title'));
            exports.down = (knex) => knex.schema.alterTable('people', (t) => t.renameColumn('title', 'displayname'));
            """)]);

        var run = await CliRunner.RunAsync("verify", folder.Root, "--format", "json");

        Assert.Equal(1, run.ExitCode);
        var migrations = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("migrations").EnumerateArray().ToList();
        Assert.Equal(
            [
                "people: column displayname is not renamed back to display_name",
                "people: index people_name_index is CREATE INDEX people_name_index ON public.people USING btree (displayname), not restored to CREATE INDEX people_name_index ON public.people USING btree (display_name)",
            ],
            migrations[3].GetProperty("downDifferences").EnumerateArray().Select(d => d.GetString()));
        // The third's down then fails (display_name is not there to rename), and the rollback stops there.
        Assert.Equal(["not-run", "not-run", "failed", "not-restored"], migrations.Select(m => m.GetProperty("down").GetString()));
        Assert.Contains("column \"display_name\" does not exist", migrations[2].GetProperty("downError").GetString());
    }
}
