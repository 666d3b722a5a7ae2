using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;
using MigAudit.Knex.Schema;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Schema;

/// <summary>
/// The replay's table of column types per dialect against real knex 3 (tests/node): every TableBuilder column
/// method, and the options that change the type, compiled by knex's own toSQL() for each client.
/// </summary>
public sealed class ColumnTypeTableTests
{
    private static readonly (string Client, SqlDialect Dialect)[] Clients =
        [("pg", SqlDialect.PostgreSQL), ("mysql2", SqlDialect.MySQL), ("better-sqlite3", SqlDialect.SQLite)];

    // Arguments after the column name, as JSON; every method is also tried with none.
    private static readonly (string Method, string Arguments)[] WithOptions =
    [
        ("string", "[100]"), ("varchar", "[20]"), ("decimal", "[10, 3]"), ("decimal", "[null]"), ("float", "[10, 3]"),
        ("double", "[10, 3]"), ("timestamp", """[{"useTz": false}]"""), ("timestamp", """[{"precision": 3}]"""),
        ("timestamp", "[false]"), ("timestamp", "[true]"), ("timestamp", "[true, 3]"), ("datetime", "[false, 2]"), ("timestamp", "[[]]"),
        ("dateTime", "[1]"), ("timestamp", "[null]"), ("datetime", """[{"useTz": false}]"""), ("dateTime", """[{"precision": 6}]"""),
        ("specificType", """["citext"]"""), ("increments", """[{"primaryKey": false}]"""), ("uuid", """[{"primaryKey": true}]"""),
        ("binary", "[16]"), ("enu", """[["a", "b"]]"""), ("enum", """[["x"], {"useNative": true, "enumName": "mood"}]"""),
        ("text", """["mediumtext"]"""), ("text", """["longtext"]"""), ("integer", "[11]"), ("bigIncrements", "[]"),
    ];

    [SkippableFact]
    public void Every_column_method_gets_the_type_real_knex_writes_for_each_dialect()
    {
        Requires.Dependency(NodeKnex.Available, "real knex in tests/node (npm ci there)");
        var cases = new List<(string Client, SqlDialect Dialect, string Method, string Arguments)>();
        foreach (var (client, dialect) in Clients)
        {
            cases.AddRange(KnexColumnTypes.Methods.Where(m => m != "specificType").Select(m => (client, dialect, m, "[]")));
            cases.AddRange(WithOptions.Select(o => (client, dialect, o.Method, o.Arguments)));
        }

        var real = NodeKnex.RunJson<string[]>("column-types.js", new JsonArray([.. cases.Select(c => new JsonArray(c.Client, c.Method, JsonNode.Parse(c.Arguments)))]));
        var mismatches = cases.Select((c, i) => (c, knex: real[i], ours: KnexColumnTypes.TypeOf(c.Method, c.Dialect, Values(c.Arguments)) ?? "undefined or throws"))
            .Where(x => x.ours != (x.knex is "undefined" or "throws" ? "undefined or throws" : x.knex))
            .Select(x => $"{x.c.Client} {x.c.Method}{x.c.Arguments}: knex writes '{x.knex}', the replay '{x.ours}'")
            .ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
        Assert.Equal(3 * (KnexColumnTypes.Methods.Count() - 1 + WithOptions.Length), real.Length);
    }

    [Fact]
    public void A_value_not_statically_known_is_shown_as_unknown_not_as_an_internal_object()
    {
        IReadOnlyList<StaticValue> precision = [new JsUnknown("process.env.PRECISION", "environment"), new JsNumber(2)];
        Assert.Equal("decimal(?, 2)", KnexColumnTypes.TypeOf("decimal", SqlDialect.PostgreSQL, precision));
        Assert.Equal("varchar(?)", KnexColumnTypes.TypeOf("string", SqlDialect.PostgreSQL, [new JsUnknown("LENGTH", "not a value")]));
    }

    private static List<StaticValue> Values(string json) => JsonNode.Parse(json)!.AsArray().Select(Value).ToList();

    private static StaticValue Value(JsonNode? node) => node switch
    {
        null => new JsNull(),
        JsonArray array => new JsArray(array.Select(Value).ToList()),
        JsonObject obj => new JsObject(obj.Select(p => KeyValuePair.Create(p.Key, Value(p.Value))).ToList(), Incomplete: false),
        JsonValue v when v.TryGetValue<bool>(out var b) => new JsBoolean(b),
        JsonValue v when v.TryGetValue<double>(out var n) => new JsNumber(n),
        JsonValue v => new JsString(v.GetValue<string>()),
        _ => throw new ArgumentException($"unexpected JSON {node}"),
    };
}
