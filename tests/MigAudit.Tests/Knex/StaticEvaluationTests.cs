using System.Text.Json.Nodes;
using MigAudit.Knex.JavaScript;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// Module-level mutations and function bodies under conditions, evaluated statically per scenario and checked against
/// real Node loading the same fixture with the same environment: every value migaudit states must be Node's, and only
/// what depends on something it cannot know may be unknown.
/// </summary>
public sealed class StaticEvaluationTests
{
    private const string Unknown = "<unknown>";

    private static readonly (string Name, string Code)[] Modules =
    [
        ("if-else.js", """
            const config = { client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 2, max: 10 } };
            if (process.env.NODE_ENV === 'production') {
              config.pool = { min: 0, max: 30 };
              config.connection = { connectionString: process.env.DATABASE_URL, ssl: { rejectUnauthorized: false } };
            } else if (process.env.DB_SSL) config.ssl = true;
            else {
              delete config.pool;
            }
            module.exports = config;
            """),
        ("switch.js", """
            let pool;
            switch (process.env.DB_TYPE || 'sqlite') {
              case 'postgres':
              case 'pg':
                pool = { max: 20 };
                break;
              case 'mysql':
                pool = { max: 5 };
                break;
              default:
                pool = { max: 1 };
            }
            module.exports = { client: process.env.DB_TYPE, pool };
            """),
        ("assign.js", """
            const base = { client: 'pg', pool: { max: 4 } };
            const production = Object.assign({}, base);
            if (process.env.POOL_MAX) Object.assign(production, { pool: { max: Number(process.env.POOL_MAX) } });
            base.pool.max = 6;
            module.exports = { production, base };
            """),
        ("unknowable.js", """
            const fs = require('fs');
            const config = { client: 'pg', pool: { min: 2, max: 10 }, acquireConnectionTimeout: 1000 };
            if (fs.existsSync('/etc/hostname')) config.pool = { min: 0, max: 3 };
            for (const key of ['a']) config.searchPath = [key];
            function tune() { config.acquireConnectionTimeout = 5000; }
            module.exports = config;
            """),
        ("typescript-output.js", """
            "use strict";
            Object.defineProperty(exports, "__esModule", { value: true });
            exports.config = exports.default = void 0;
            const config = { client: 'pg', pool: { max: process.env.NODE_ENV === 'production' ? 25 : 5 } };
            exports.config = config;
            exports.default = config;
            """),
        ("helpers.js", """
            exports.sslFor = (env) => (env === 'production' ? { rejectUnauthorized: false } : false);
            module.exports.pool = { size: (workers) => (workers ? 4 : 16) };
            """),
        ("uses-helpers.js", """
            const helpers = require('./helpers');
            module.exports = {
              ssl: helpers.sslFor(process.env.NODE_ENV),
              max: helpers.pool.size(process.env.WORKER),
              label: 'app'.toUpperCase(),
            };
            """),
        ("functions.js", """
            function sslFor(env) {
              if (env !== 'production') return false;
              if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL is required');
              return { rejectUnauthorized: process.env.DB_SSL_VERIFY === 'true' };
            }
            function poolFor(kind) {
              const pool = { min: 0 };
              switch (kind) {
                case 'worker': pool.max = 2; break;
                default: pool.max = 12;
              }
              if (process.env.POOL_MAX) pool.max = parseInt(process.env.POOL_MAX, 10);
              return pool;
            }
            function guessed() {
              let size = 1;
              for (const n of [1, 2]) size += n;
              return size;
            }
            module.exports = {
              client: 'pg',
              connection: { connectionString: process.env.DATABASE_URL, ssl: sslFor(process.env.NODE_ENV) },
              pool: poolFor(process.env.WORKER ? 'worker' : 'web'),
              web: poolFor('web'),
              guessed: guessed(),
            };
            """),
    ];

    private static readonly Dictionary<string, string>[] Environments =
    [
        new() { ["NODE_ENV"] = "production", ["DATABASE_URL"] = "postgres://db.example.com/app" },
        new() { ["NODE_ENV"] = "production", ["DATABASE_URL"] = "postgres://db.example.com/app", ["DB_SSL"] = "true", ["DB_TYPE"] = "pg", ["POOL_MAX"] = "40", ["WORKER"] = "1", ["DB_SSL_VERIFY"] = "true" },
        new() { ["NODE_ENV"] = "development", ["DB_SSL"] = "true", ["DB_TYPE"] = "mysql" },
        new() { ["NODE_ENV"] = "development" },
    ];

    [SkippableFact]
    public void Every_known_value_is_what_node_computes()
    {
        Requires.Dependency(NodeKnex.Available, "node with tests/node installed (run 'npm ci' in tests/node)");
        using var folder = new TempRepo(init: false);
        foreach (var (name, code) in Modules)
        {
            folder.Write(name, code);
        }

        var cases = new JsonArray();
        foreach (var environment in Environments)
        {
            foreach (var (name, _) in Modules)
            {
                cases.Add(new JsonObject { ["file"] = folder.PathOf(name), ["env"] = new JsonObject(environment.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))) });
            }
        }

        var node = NodeKnex.RunJson<List<JsonObject>>("evaluate-module.js", cases);
        var unknownPaths = new SortedSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var environment in Environments)
        {
            var evaluator = new StaticEvaluator(folder.Root, environment);
            foreach (var (name, _) in Modules)
            {
                var expected = node[index++];
                var actual = ToJson(evaluator.EvaluateModuleExports(folder.PathOf(name)));
                if (expected["error"] is { } error)
                {
                    // The function throws in this environment: no value is claimed for it.
                    Assert.True(Unknowns(actual, name).Any(), $"{name} under {string.Join(",", environment)}: node threw {error} but migaudit claims {actual!.ToJsonString()}");
                    continue;
                }

                Compare(expected["value"], actual, $"{name}:", environment, unknownPaths);
            }
        }

        // Only what depends on the file system, a loop, an uncalled function or the body of a loop is unknown.
        Assert.Equal(["functions.js:.guessed", "unknowable.js:.acquireConnectionTimeout", "unknowable.js:.pool", "unknowable.js:.searchPath"], unknownPaths);
    }

    [Fact]
    public void An_unknown_condition_names_itself_and_its_line()
    {
        using var folder = new TempRepo(init: false);
        folder.Write("unknowable.js", Modules.Single(m => m.Name == "unknowable.js").Code);
        var exports = (JsObject)new StaticEvaluator(folder.Root, new Dictionary<string, string>()).EvaluateModuleExports(folder.PathOf("unknowable.js"));
        var pool = Assert.IsType<JsUnknown>(exports.Get("pool"));
        Assert.Equal(("config.pool = { min: 0, max: 3 }", "assigned only when fs.existsSync('/etc/hostname') (unknowable.js:3)", 3), (pool.Expression, pool.Reason, pool.Line));
        Assert.Equal("assigned inside a loop (unknowable.js:4)", Assert.IsType<JsUnknown>(exports.Get("searchPath")).Reason);
        Assert.Equal("assigned inside a function (unknowable.js:5)", Assert.IsType<JsUnknown>(exports.Get("acquireConnectionTimeout")).Reason);
        Assert.Equal("the function has loops (functions.js:17)", Assert.IsType<JsUnknown>(((JsObject)new StaticEvaluator(folder.Root, new Dictionary<string, string>())
            .EvaluateModuleExports(Write(folder, "functions.js"))).Get("guessed")).Reason);
    }

    private static string Write(TempRepo folder, string name)
    {
        folder.Write(name, Modules.Single(m => m.Name == name).Code);
        return folder.PathOf(name);
    }

    private static IEnumerable<string> Unknowns(JsonNode? value, string path) => value switch
    {
        JsonValue v when v.ToString() == Unknown => [path],
        JsonObject o => o.SelectMany(p => Unknowns(p.Value, $"{path}.{p.Key}")),
        _ => [],
    };

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, Dictionary<string, string> environment, SortedSet<string> unknownPaths)
    {
        if (actual is JsonValue unknown && unknown.ToString() == Unknown)
        {
            unknownPaths.Add(path);
            return;
        }

        var where = $"{path} with {string.Join(", ", environment.Select(e => $"{e.Key}={e.Value}"))}";
        if (expected is JsonObject expectedObject)
        {
            var actualObject = Assert.IsType<JsonObject>(actual);
            Assert.True(expectedObject.Select(p => p.Key).Order().SequenceEqual(actualObject.Select(p => p.Key).Order()), $"{where}: keys {expectedObject.ToJsonString()} vs {actualObject.ToJsonString()}");
            foreach (var (key, value) in expectedObject)
            {
                Compare(value, actualObject[key], $"{path}.{key}", environment, unknownPaths);
            }

            return;
        }

        Assert.True(JsonNode.DeepEquals(expected, actual), $"{where}: node {expected?.ToJsonString()} vs migaudit {actual?.ToJsonString()}");
    }

    /// <summary>The static value as Node's JSON.stringify would print it, with unknowns marked and undefined kept as a marker.</summary>
    private static JsonNode? ToJson(StaticValue value) => value switch
    {
        JsString s => s.Value,
        JsNumber n => n.Value,
        JsBoolean b => b.Value,
        JsNull => null,
        JsUndefined => "<undefined>",
        JsFunction => "function",
        JsArray a => new JsonArray(a.Items.Select(ToJson).ToArray()),
        JsObject o => new JsonObject(o.Keys.Where(k => o.Get(k) is not JsUndefined).Select(k => KeyValuePair.Create(k, ToJson(o.Get(k)!)))),
        _ => Unknown,
    };
}
