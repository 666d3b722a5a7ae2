using System.Text.Json;
using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// tests/fixtures/replay-chain: 42 migrations in real-world shapes. The replay's unknowns are exactly the committed
/// list, and real knex on PostgreSQL builds a catalog equal to the replay wherever the replay says it knows.
/// </summary>
public sealed class ReplayChainTests
{
    private static TempRepo Chain()
    {
        var repo = new TempRepo();
        repo.CopyFixture("replay-chain");
        repo.Commit("fixture");
        return repo;
    }

    /// <summary>Every unknown the replay reports, one line each, in a stable order.</summary>
    public static List<string> Unknowns(SchemaReplay replay)
    {
        var schema = replay.Schema;
        var lines = new List<string>();
        if (schema.Unknown is { } everything)
        {
            lines.Add($"everything made before {everything.Migration}:{everything.Line}");
        }

        lines.AddRange(schema.Tables.Values.Where(t => schema.UncertaintyOf(t) is not null)
            .Select(t => $"table {t.Name}: contents unknown since {schema.UncertaintyOf(t)!.Migration}:{schema.UncertaintyOf(t)!.Line}"));
        lines.AddRange(schema.Tables.Values.Where(t => schema.UncertaintyOf(t) is null && t.PartialIndexes is not null)
            .Select(t => $"table {t.Name}: indexes unknown since {t.PartialIndexes!.Migration}:{t.PartialIndexes.Line}"));
        lines.AddRange(schema.UnknownTables.Select(t => $"table {t.Key}: existence unknown since {t.Value.Migration}:{t.Value.Line}"));
        lines.AddRange(replay.Migrations.SelectMany(m => m.Unknowns.Select(u => $"outcome {m.Migration}:{u.Line}: {u.Message}")));
        return lines.Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public void The_replay_reports_exactly_the_committed_unknowns_and_the_expected_findings()
    {
        using var repo = Chain();
        var result = Audit.Run(repo.Root);
        var expected = File.ReadAllLines(repo.PathOf("expected-unknowns.txt")).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        Assert.Equal(expected, Unknowns(result.Input.Schema));
        Assert.Equal(
            ["activity", "archive.events", "attachments", "audit", "colors", "comments", "files_a", "memberships", "notes", "orgs", "pg_search", "reports", "sessions", "settings", "sizes", "tags", "topics", "users"],
            result.Input.Schema.Schema.Tables.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(
            [
                ("unexecuted-builder", "migrations/20250101000012_notes.js"),
                ("unexecuted-builder", "migrations/20250101000037_array_return.js"),
                ("irreversible-down", "migrations/20250101000018_drop_labels_name.js"),
            ],
            result.Findings.Where(f => f.Rule is "unexecuted-builder" or "irreversible-down" or "chain-error" or "table-created-outside").Select(f => (f.Rule, f.File!)));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Real_knex_on_postgresql_builds_what_the_replay_knows()
    {
        Requires.PostgresAndKnex();
        using var repo = Chain();
        NodeKnex.LinkInto(repo);
        var run = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        using var json = JsonDocument.Parse(run.Stdout);
        var migrations = json.RootElement.GetProperty("migrations").EnumerateArray().ToList();
        Assert.Equal(42, migrations.Count);
        Assert.All(migrations, m => Assert.Equal("ok", m.GetProperty("up").GetString()));
        Assert.True(json.RootElement.GetProperty("latestAgain").GetBoolean());

        // verify agrees with the static findings: exactly these two downs do not restore, each blamed once.
        Assert.Equal(
            ["20250101000018_drop_labels_name.js", "20250101000023_opaque_helper.js"],
            migrations.Where(m => m.GetProperty("down").GetString() != "ok").Select(m => m.GetProperty("name").GetString()));
        Assert.Equal([], json.RootElement.GetProperty("staticModelDifferences").EnumerateArray().Select(d => d.GetString()));
    }
}
