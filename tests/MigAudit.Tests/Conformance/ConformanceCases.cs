using System.Text.Json.Nodes;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Conformance;

/// <summary>One conformance case: a knex schema call in one context, as the migration files that exercise it.</summary>
/// <param name="Method">The API member it exercises, as knex-api.json names it (Interface.method).</param>
/// <param name="Context">create (in createTable), add (a new column in alterTable), alter (.alter() of an existing column), chain (alterTable steps) or up (schema calls).</param>
/// <param name="Migrations">The files after the base migration, in order: their whole text.</param>
public sealed record ConformanceCase(string Id, string Method, string Variant, string Context, IReadOnlyList<string> Migrations);

/// <summary>A difference the table accepts for a case, with why (the next step of issue #30 removes it).</summary>
public sealed record KnownDifferences(IReadOnlyList<string> Differences, string Reason);

/// <summary>
/// The case table (knex-cases.json, data: one snippet per case) expanded into migrations, and the API list
/// (knex-api.json, generated from knex's own types by tests/node/knex-api.js) it must cover.
/// </summary>
public static class ConformanceCases
{
    public const string BaseMigration = """
        exports.up = async (knex) => {
          await knex.schema.createTable('orgs', (t) => { t.increments('id'); });
          await knex.schema.createTable('parent', (t) => { t.increments('id'); });
          await knex.schema.createTable('t', (t) => {
            t.increments('id'); t.string('code'); t.integer('n'); t.integer('org_id'); t.integer('pid'); t.string('a'); t.string('b');
          });
        };
        exports.down = async () => {};
        """;

    public static string Folder => Path.Combine(NodeKnex.ScriptsDirectory!, "..", "MigAudit.Tests", "Conformance");

    private static JsonNode Table => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "knex-cases.json")))!;

    public static IReadOnlyList<ConformanceCase> All()
    {
        var table = Table;
        var cases = new List<ConformanceCase>();
        foreach (var modifier in table["modifiers"]!.AsArray().Select(m => m!))
        {
            var method = (string)modifier["method"]!;
            var variant = (string?)modifier["variant"] ?? string.Empty;
            var call = (string)modifier["call"]!;
            var column = (string?)modifier["column"];
            var existing = (string?)modifier["existing"];
            var contexts = modifier["contexts"]?.AsArray().Select(c => (string)c!).ToList()
                ?? [.. new[] { column is null ? null : "create", column is null ? null : "add", existing is null ? null : "alter" }.OfType<string>()];
            foreach (var context in contexts)
            {
                var migration = context switch
                {
                    "create" => Create(column + call + ";"),
                    "add" => Alter(column + call + ";"),
                    // alter({ ... }) in the call is the case itself; otherwise the call is made on an existing column with .alter().
                    _ => Alter(existing + call + (call.Contains(".alter(", StringComparison.Ordinal) ? ";" : ".alter();")),
                };
                cases.Add(new ConformanceCase(Id(method, variant, context), method, variant, context, [migration]));
            }
        }

        foreach (var entry in table["cases"]!.AsArray().Select(c => c!))
        {
            var method = (string)entry["method"]!;
            var variant = (string?)entry["variant"] ?? string.Empty;
            var migrations = new List<string>();
            string context;
            if (entry["create"] is { } create)
            {
                migrations.Add(Create((string)create!));
                context = "create";
            }
            else if (entry["alter"] is { } alter)
            {
                var steps = alter is JsonArray many ? many.Select(s => (string)s!).ToList() : [(string)alter!];
                migrations.AddRange(steps.Select(Alter));
                context = steps.Count > 1 ? "chain" : "alter";
            }
            else
            {
                migrations.AddRange(entry["up"]!.AsArray().Select(u => $"exports.up = async (knex) => {{\n  {(string)u!}\n}};\nexports.down = async () => {{}};\n"));
                context = "up";
            }

            cases.Add(new ConformanceCase(Id(method, variant, context), method, variant, context, migrations));
        }

        var duplicate = cases.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        Assert.True(duplicate is null, $"two cases are named {duplicate?.Key}: give one a variant");
        return cases;
    }

    public static IReadOnlyDictionary<string, string> Uncovered() =>
        Table["uncovered"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!, StringComparer.Ordinal);

    public static IReadOnlyDictionary<string, KnownDifferences> Known() =>
        Table["known"]!.AsObject().ToDictionary(
            p => p.Key,
            p => new KnownDifferences([.. p.Value!["differences"]!.AsArray().Select(d => (string)d!)], (string)p.Value["reason"]!),
            StringComparer.Ordinal);

    /// <summary>The API members knex-api.json lists (Interface.method).</summary>
    public static IReadOnlyList<string> ApiMethods() =>
        [.. JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "knex-api.json")))!["methods"]!.AsArray()
            .Select(m => $"{(string)m!["interface"]!}.{(string)m["method"]!}")];

    private static string Id(string method, string variant, string context) => variant.Length == 0 ? $"{method}@{context}" : $"{method} ({variant})@{context}";

    private static string Create(string body) =>
        $"exports.up = async (knex) => {{\n  await knex.schema.createTable('c', (t) => {{\n    t.integer('id'); t.string('a'); t.string('b'); t.integer('org_id'); t.integer('pid');\n    {body}\n  }});\n}};\nexports.down = async () => {{}};\n";

    private static string Alter(string body) =>
        $"exports.up = async (knex) => {{\n  await knex.schema.alterTable('t', (t) => {{\n    {body}\n  }});\n}};\nexports.down = async () => {{}};\n";
}
