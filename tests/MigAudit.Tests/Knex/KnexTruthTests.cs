using System.Text.Json;
using MigAudit.Core;
using MigAudit.Demo;
using MigAudit.Knex.Migrations;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>migaudit's execution order must be the one Knex itself computes: checked against real knex from npm.</summary>
public sealed class KnexTruthTests
{
    private List<string> KnexOrder(IEnumerable<string> directories, bool sortDirsSeparately = false)
    {
        var config = JsonSerializer.Serialize(new { directory = directories.ToArray(), sortDirsSeparately });
        var (exitCode, stdout, stderr) = NodeKnex.Run("list-migrations.js", config);
        Assert.True(exitCode == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    [SkippableFact]
    public void Demo_order_equals_knex_order()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");

        using var folder = new TempRepo(init: false);
        BotBuilderDemo.Create(folder.Root);
        var result = Audit.Run(folder.Root);
        var expected = KnexOrder([folder.PathOf(BotBuilderDemo.MigrationsDirectory)]);
        Assert.Equal(75, expected.Count);
        Assert.Equal(expected, result.Input.Migrations.Select(m => m.Name));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tricky_names_and_several_directories_match_knex(bool sortDirsSeparately)
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");

        using var folder = new TempRepo(init: false);
        string[] first = ["b_x.js", "B_x.js", "a-1.js", "a_1.js", "026_x.js", "20250202000034_y.js", "c.JS", "d.mjs", "e.d.ts", ".hidden.js", "ünïcode.js", "x.cjs"];
        string[] second = ["20250202000034_Y.ts", "027_z.js", "a-0.js", "readme.md"];
        foreach (var name in first)
        {
            folder.Write("one/" + name, string.Empty);
        }

        foreach (var name in second)
        {
            folder.Write("two/" + name, string.Empty);
        }

        var listing = MigrationLister.List(folder.Root, new MigrationSettings { Directories = ["one", "two"], SortDirsSeparately = sortDirsSeparately, Source = ConfigSource.CommandLine });
        var expected = KnexOrder([folder.PathOf("one"), folder.PathOf("two")], sortDirsSeparately);
        Assert.Equal(expected, listing.Migrations.Select(m => m.Name));
    }

    /// <summary>
    /// What a knexfile's loadExtensions keeps is what Knex records (RecordedNamesReader): ['.js'] lists none of the .ts
    /// sources beside .js files, and ['.ts'] lists x.ee.ts by its last extension, under its whole file name.
    /// </summary>
    [SkippableFact]
    public void Load_extensions_keep_files_by_their_last_extension_and_knex_names_them_by_file_name()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");

        using var folder = new TempRepo(init: false);
        foreach (var name in new[] { "20230101000000_users.ts", "20230102000000_plans.ee.ts", "20230103000000_teams.js" })
        {
            folder.Write("migrations/" + name, string.Empty);
        }

        List<string> Listed(string extension)
        {
            var config = JsonSerializer.Serialize(new { directory = new[] { folder.PathOf("migrations") }, sortDirsSeparately = false, loadExtensions = new[] { extension } });
            var (exitCode, stdout, stderr) = NodeKnex.Run("list-migrations.js", config);
            Assert.True(exitCode == 0, stderr);
            return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        }

        Assert.Equal(["20230103000000_teams.js"], Listed(".js"));
        Assert.Equal(["20230101000000_users.ts", "20230102000000_plans.ee.ts"], Listed(".ts"));
    }
}
