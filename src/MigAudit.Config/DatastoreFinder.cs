using System.Text.RegularExpressions;
using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

/// <summary>
/// Clients declared as configuration rather than built in code: Sails datastores (config/datastores.js, overridden per
/// NODE_ENV by config/env/&lt;env&gt;.js) with the sails-postgresql adapter, and Prisma schema datasources.
/// </summary>
public static partial class DatastoreFinder
{
    public static bool IsSailsDatastores(string relative) =>
        relative.EndsWith("config/datastores.js", StringComparison.Ordinal) || relative == "datastores.js";

    /// <summary>Each sails-postgresql datastore of a config/datastores.js, merged with the environment's override in each scenario, as Sails merges it.</summary>
    public static IEnumerable<DatabaseClient> Sails(string root, string file, IReadOnlyList<Scenario> scenarios, IReadOnlyDictionary<string, StaticEvaluator> evaluators, ClientRole role)
    {
        var relative = ProjectFiles.Relative(root, file);
        var configFolder = Path.GetDirectoryName(file)!;
        JsObject? DatastoresIn(string scenario, string path) =>
            File.Exists(path) && evaluators[scenario].EvaluateModuleExports(path) is JsObject exports ? exports.Get("datastores") as JsObject : null;

        var baseline = DatastoresIn(ScenarioIds.Production, file);
        if (baseline is null)
        {
            yield break;
        }

        foreach (var name in baseline.Keys)
        {
            var values = scenarios.ToDictionary(s => s.Id, s =>
            {
                var datastore = DatastoresIn(s.Id, file)?.Get(name) ?? StaticValue.Undefined;
                var environment = s.Variables.GetValueOrDefault("NODE_ENV", "development");
                var overrides = DatastoresIn(s.Id, Path.Combine(configFolder, "env", environment + ".js"))?.Get(name);
                return datastore is JsObject d && overrides is JsObject o ? d with { Properties = [.. d.Properties, .. o.Properties], Incomplete = d.Incomplete || o.Incomplete } : datastore;
            });
            if (values.Values.All(v => v is not JsObject o || o.Get("adapter") is not JsString { Value: "sails-postgresql" }))
            {
                continue;
            }

            var line = baseline.Get(name)!.Line;
            yield return new DatabaseClient
            {
                Label = $"{relative}:{line} [{name}]",
                Role = role,
                Kind = ClientKind.SailsDatastore,
                File = relative,
                Line = line,
                Environment = name,
                Settings = scenarios.ToDictionary(s => s.Id, s => SettingsReader.ForSails(values[s.Id], s)),
            };
        }
    }

    [GeneratedRegex(@"datasource\s+(\w+)\s*\{(?<body>[^}]*)\}", RegexOptions.Singleline)]
    private static partial Regex Datasource();

    [GeneratedRegex(@"^\s*(?<key>provider|url)\s*=\s*(?:env\(\s*""(?<env>[^""]+)""\s*\)|""(?<literal>[^""]*)"")", RegexOptions.Multiline)]
    private static partial Regex DatasourceField();

    /// <summary>The datasource blocks of a Prisma schema, with their URL from the scenario's environment.</summary>
    public static IEnumerable<DatabaseClient> Prisma(string root, string file, string text, IReadOnlyList<Scenario> scenarios, ClientRole role)
    {
        var relative = ProjectFiles.Relative(root, file);
        foreach (Match block in Datasource().Matches(text))
        {
            string? provider = null, variable = null, literal = null;
            foreach (Match field in DatasourceField().Matches(block.Groups["body"].Value))
            {
                if (field.Groups["key"].Value == "provider")
                {
                    provider = field.Groups["literal"].Value;
                }
                else if (field.Groups["env"].Success)
                {
                    variable = field.Groups["env"].Value;
                }
                else
                {
                    literal = field.Groups["literal"].Value;
                }
            }

            var dialect = provider is null ? null : SettingsReader.DialectOf(provider);
            var line = text[..block.Index].Count(c => c == '\n') + 1;
            StaticValue UrlIn(Scenario scenario) =>
                variable is null ? (literal is null ? new JsUnknown("url", "not set in the datasource (Prisma 6.6+ may set it in prisma.config.ts)") : new JsString(literal))
                : scenario.Variables.TryGetValue(variable, out var value) ? new JsString(value) { Variable = variable } : StaticValue.Undefined;
            yield return new DatabaseClient
            {
                Label = $"{relative}:{line} [{block.Groups[1].Value}]",
                Role = role,
                Kind = ClientKind.Prisma,
                File = relative,
                Line = line,
                Environment = block.Groups[1].Value,
                Settings = scenarios.ToDictionary(s => s.Id, s => SettingsReader.ForPrisma(UrlIn(s), dialect)),
            };
        }
    }
}
