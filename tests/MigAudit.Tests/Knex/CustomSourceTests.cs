using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Reporting;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// A custom migrationSource is followed without running it: the folders its getMigrations() reads, its filter, its
/// sort and the names getMigrationName() records. Each followed fixture is checked against real knex's own list.
/// </summary>
public sealed class CustomSourceTests
{
    private static List<string> KnexList(TempRepo repo, string knexfile, string? environment)
    {
        NodeKnex.LinkInto(repo);
        var arguments = environment is null ? new[] { repo.PathOf(knexfile) } : [repo.PathOf(knexfile), environment];
        var (exitCode, stdout, stderr) = NodeKnex.Run("list-source.js", arguments);
        Assert.True(exitCode == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private static List<string> RecordedNames(AuditResult result) =>
        result.Input.Migrations.Select(m => result.Input.Project.Settings.CustomSource!.RecordedName(m.Name)).ToList();

    [SkippableTheory]
    [InlineData("natural-class", "production", "natural-locale-compare", "file-name")]
    [InlineData("semver-object", null, "semver", "without-extension")]
    public void A_followed_source_lists_what_real_knex_lists_in_its_order(string fixture, string? environment, string sort, string recordedName)
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        using var repo = new TempRepo();
        repo.CopyFixture("custom-sources/" + fixture).Commit();

        var result = Audit.Run(repo.Root);
        var expected = KnexList(repo, "knexfile.js", environment);

        Assert.True(expected.Count >= 4);
        Assert.Equal(expected, RecordedNames(result));
        Assert.Empty(result.Of("migration-source-unknown"));
        var json = JsonNode.Parse(JsonReport.Render(result, "test"))!["migrationSource"]!;
        Assert.Equal(sort, json["sort"]!.GetValue<string>());
        Assert.Equal(recordedName, json["recordedName"]!.GetValue<string>());
        Assert.True(json["known"]!.GetValue<bool>());
    }

    [Fact]
    public void A_typescript_class_with_a_parameter_property_and_no_sort_runs_in_readdir_byte_order()
    {
        using var repo = new TempRepo();
        repo.CopyFixture("custom-sources/ts-class").Commit();

        var result = Audit.Run(repo.Root);

        // No sort: fs.readdir's order, where "2" (0x32) sorts before "_" (0x5F); types.d.ts is filtered out.
        Assert.Equal(["20240111204900_b", "20240111_a", "20240112_c"], RecordedNames(result));
        Assert.Equal(["src/migrations"], result.Input.Project.Settings.Directories);
        var json = JsonNode.Parse(JsonReport.Render(result, "test"))!["migrationSource"]!;
        Assert.Equal("custom-class", json["kind"]!.GetValue<string>());
        Assert.Equal("src/migrationSource.ts", json["file"]!.GetValue<string>());
        Assert.Equal("readdir", json["sort"]!.GetValue<string>());
        Assert.True(result.Ready);
    }

    [Theory]
    [InlineData("static-list", "src/db/source.js:7: getMigrations() reads no folder migaudit can see (a list built in code)")]
    [InlineData("comparator", "knexfile.js:14: .sort(byReleaseDate): a comparator migaudit does not model")]
    public void A_source_migaudit_cannot_follow_is_an_unknown_of_the_verdict_with_its_place(string fixture, string expected)
    {
        using var repo = new TempRepo();
        repo.CopyFixture("custom-sources/" + fixture).Commit();

        var result = Audit.Run(repo.Root);

        // Knex may well run it: only migaudit cannot follow it, so the verdict is UNKNOWN (never READY), not NOT READY.
        var finding = Assert.Single(result.Of("migration-source-unknown"));
        Assert.False(finding.Blocking);
        Assert.Equal((Severity.High, Evidence.Possible), (finding.Severity, finding.Evidence));
        Assert.Contains(expected, finding.Message);
        Assert.Equal("unknown", result.Verdict);
        Assert.Contains(result.Unknowns, u => u.Reason.Contains(expected, StringComparison.Ordinal));
        Assert.False(JsonNode.Parse(JsonReport.Render(result, "test"))!["migrationSource"]!["known"]!.GetValue<bool>());
    }

    [Fact]
    public void A_folder_known_only_at_run_time_is_unknown_until_named_with_migrations_and_the_source_sort_still_applies()
    {
        using var repo = new TempRepo();
        repo.CopyFixture("custom-sources/semver-object");
        var knexfile = File.ReadAllText(repo.PathOf("knexfile.js"))
            .Replace("path.resolve(__dirname, 'migrations')", "path.join(process.env.APP_ROOT, 'migrations')", StringComparison.Ordinal);
        repo.Write("knexfile.js", knexfile).Commit();

        var unknown = Audit.Run(repo.Root);
        var finding = Assert.Single(unknown.Of("migration-source-unknown"));
        Assert.Contains("knexfile.js:10: the folder getMigrations() reads is unknown (path.join(process.env.APP_ROOT, 'migrations'))", finding.Message);
        Assert.Empty(unknown.Input.Migrations);

        var named = Audit.Run(repo.Root, new MigAudit.Knex.Discovery.DiscoveryOptions { MigrationDirectories = ["migrations"] });
        Assert.Empty(named.Of("migration-source-unknown"));
        Assert.Equal(["2.5.9", "2.5.10", "2.5.128", "2.10.0", "10.0.0"], RecordedNames(named));
    }

    [SkippableFact]
    public void Each_modelled_order_matches_node()
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        string[] names =
        [
            "20240111204900_x.js", "20240111_a.js", "20240111_01_b.js", "2.5.10.js", "2.5.9.js", "2.10.0.js", "10.0.0.js",
            "1_init.js", "9_b.js", "10_c.js", "010_d.js", "a-b.js", "a_b.js", "a.b.js", "A_c.js", "ab.js", "Ab.js", "a b.js",
        ];
        using var folder = new TempRepo(init: false);
        foreach (var name in names)
        {
            folder.Write(name, string.Empty);
        }

        var node = NodeKnex.RunJson<Dictionary<string, List<string>>>("orderings.js", new JsonObject
        {
            ["names"] = new JsonArray(names.Select(n => (JsonNode)n).ToArray()),
            ["folder"] = folder.Root,
        });

        Assert.Equal(node["readdir"], MigrationOrdering.Sort(names, n => n, MigrationOrder.ReaddirOrder));
        Assert.Equal(node["string"], MigrationOrdering.Sort(names, n => n, MigrationOrder.StringSort));
        Assert.Equal(node["localeCompare"], MigrationOrdering.Sort(names, n => n, MigrationOrder.LocaleCompare));
        Assert.Equal(node["naturalLocaleCompare"], MigrationOrdering.Sort(names, n => n, MigrationOrder.NaturalLocaleCompare));
        Assert.Equal(node["numeric"], MigrationOrdering.Sort(names.Where(n => char.IsAsciiDigit(n[0])), n => n, MigrationOrder.Numeric));
        Assert.False(MigrationOrdering.CanCompare(MigrationOrder.Numeric, names));
        Assert.Equal(node["semver"], MigrationOrdering.Sort(names.Where(n => n.Count(c => c == '.') == 3), n => n, MigrationOrder.Semver));
    }
}
