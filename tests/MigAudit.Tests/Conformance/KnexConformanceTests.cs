using System.Diagnostics;
using System.Text.Json.Nodes;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Schema;
using MigAudit.Live;
using MigAudit.Tests.Support;
using Npgsql;

namespace MigAudit.Tests.Conformance;

/// <summary>
/// Issue #30's conformance suite: each case of knex-cases.json runs with real knex on a real PostgreSQL database and is
/// replayed by migaudit; the catalog and the replay are compared fact by fact. A difference fails unless knex-cases.json
/// lists it exactly under "known" with its reason; docs/knex-conformance.md is the table of outcomes
/// (MIGAUDIT_WRITE_CONFORMANCE=1 rewrites it: scripts/knex-conformance.sh).
/// </summary>
public sealed class KnexConformanceTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [SkippableFact]
    public void Every_schema_method_of_knex_has_a_case_or_a_reason()
    {
        Requires.Dependency(NodeKnex.ScriptsDirectory is not null, "tests/node");
        var covered = ConformanceCases.All().Select(c => c.Method).ToHashSet(StringComparer.Ordinal);
        var uncovered = ConformanceCases.Uncovered();
        var api = ConformanceCases.ApiMethods();
        Assert.DoesNotContain(api, m => !covered.Contains(m) && !uncovered.ContainsKey(m));
        Assert.DoesNotContain(covered.Concat(uncovered.Keys), m => !api.Contains(m));
        Assert.DoesNotContain(uncovered.Keys, covered.Contains);
    }

    [SkippableFact]
    public async Task The_replay_states_what_real_knex_builds_on_postgresql()
    {
        Requires.Postgres();
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        var postgres = server.Postgres!;
        var cases = ConformanceCases.All();
        var known = ConformanceCases.Known();
        Assert.Empty(known.Keys.Except(cases.Select(c => c.Id)));

        var root = Path.Combine(Path.GetTempPath(), "migaudit-conformance-" + Guid.NewGuid().ToString("n")[..8]);
        try
        {
            var clock = Stopwatch.StartNew();
            var runs = new JsonArray();
            for (var i = 0; i < cases.Count; i++)
            {
                var directory = Path.Combine(root, i.ToString(System.Globalization.CultureInfo.InvariantCulture), "migrations");
                Directory.CreateDirectory(directory);
                File.WriteAllText(Path.Combine(directory, "20250101000000_base.js"), ConformanceCases.BaseMigration);
                for (var m = 0; m < cases[i].Migrations.Count; m++)
                {
                    File.WriteAllText(Path.Combine(directory, $"2025010200{m:D4}_step.js"), cases[i].Migrations[m]);
                }

                runs.Add(new JsonObject { ["id"] = cases[i].Id, ["database"] = $"conform_{i}_{Guid.NewGuid():n}"[..24], ["directory"] = directory });
            }

            var connection = new JsonObject { ["host"] = postgres.SocketDirectory, ["port"] = postgres.Port, ["user"] = "postgres", ["password"] = postgres.SuperuserPassword };
            var results = NodeKnex.RunJson<KnexRun[]>("conformance-migrate.js", new JsonObject { ["connection"] = connection, ["cases"] = runs });
            var knexTime = clock.Elapsed;

            var outcomes = new List<CaseOutcome>();
            for (var i = 0; i < cases.Count; i++)
            {
                var builder = new NpgsqlConnectionStringBuilder(postgres.ConnectionString) { Database = (string)runs[i]!["database"]! };
                await using var database = new NpgsqlConnection(builder.ConnectionString);
                await database.OpenAsync();
                var real = CatalogFacts.Of(await SchemaSnapshot.ReadAsync(database));
                var directory = (string)runs[i]!["directory"]!;
                var inputs = Directory.GetFiles(directory).Order(StringComparer.Ordinal).Select(f => new SchemaReplayer.Input(Path.GetFileName(f), f)).ToList();
                var replay = SchemaReplayer.Replay(Path.GetDirectoryName(directory)!, inputs, new ParsedModuleCache());
                var errors = replay.Migrations.SelectMany(m => m.ChainProblems.Select(p => $"{m.Migration}:{p.Line}: {p.Message}")
                    .Concat(m.Skipped is { } skipped ? [$"{m.Migration}: not replayed: {skipped}"] : [])).ToList();
                var facts = await ReplayFacts.OfAsync(replay.Schema, database);
                outcomes.Add(FactComparison.Compare(cases[i], results[i].Error, real, facts, errors));
            }

            var document = ConformanceDoc.Render(outcomes, known, ConformanceCases.Uncovered(), KnexVersion());
            var path = Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "docs", "knex-conformance.md");
            if (Environment.GetEnvironmentVariable("MIGAUDIT_WRITE_CONFORMANCE") == "1")
            {
                File.WriteAllText(path, document);
            }

            var unexpected = outcomes.Select(o => (o.Case.Id, Extra: o.Differences.Except(known.TryGetValue(o.Case.Id, out var k) ? k.Differences : []).ToList(),
                    Gone: (known.TryGetValue(o.Case.Id, out var g) ? g.Differences : []).Except(o.Differences).ToList()))
                .Where(x => x.Extra.Count > 0 || x.Gone.Count > 0)
                .Select(x => $"{x.Id}:\n  " + string.Join("\n  ", x.Extra.Select(d => "differs: " + d).Concat(x.Gone.Select(d => "listed as known but no longer differs: " + d))));
            Assert.True(!unexpected.Any(), $"{string.Join("\n", unexpected)}\n(knex took {knexTime.TotalSeconds:F1}s, all {clock.Elapsed.TotalSeconds:F1}s)");
            Assert.True(File.ReadAllText(path) == document, "docs/knex-conformance.md is not what the suite finds: run scripts/knex-conformance.sh");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string KnexVersion() =>
        (string)JsonNode.Parse(File.ReadAllText(Path.Combine(NodeKnex.ScriptsDirectory!, "node_modules", "knex", "package.json")))!["version"]!;

    private sealed record KnexRun(string Id, string? Error)
    {
        [System.Text.Json.Serialization.JsonPropertyName("id")]
        public string Id { get; init; } = Id;

        [System.Text.Json.Serialization.JsonPropertyName("error")]
        public string? Error { get; init; } = Error;
    }
}
