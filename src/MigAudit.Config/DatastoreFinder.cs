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
    /// <summary>
    /// A Sails configuration file that can declare datastores: config/datastores.js (Sails 1), config/connections.js
    /// (Sails 0.12), or an environment's config/env/&lt;env&gt;.js.
    /// </summary>
    public static bool IsSailsConfig(string relative, string text) =>
        text.Contains("sails-postgresql", StringComparison.Ordinal) &&
        (relative.EndsWith("config/datastores.js", StringComparison.Ordinal) || relative.EndsWith("config/connections.js", StringComparison.Ordinal) ||
         Path.GetFileName(Path.GetDirectoryName(relative) ?? string.Empty) == "env" && Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(relative)) ?? string.Empty) == "config");

    /// <summary>The config folder of a Sails configuration file.</summary>
    public static string SailsConfigFolder(string file) =>
        Path.GetFileName(Path.GetDirectoryName(file)) == "env" ? Path.GetDirectoryName(Path.GetDirectoryName(file))! : Path.GetDirectoryName(file)!;

    /// <summary>
    /// Each sails-postgresql datastore of a Sails config folder: config/datastores.js (or Sails 0.12's
    /// config/connections.js), with the NODE_ENV's config/env/&lt;env&gt;.js merged over it in each scenario, as Sails merges it.
    /// </summary>
    public static IEnumerable<DatabaseClient> Sails(string root, string configFolder, IReadOnlyList<Scenario> scenarios, IReadOnlyDictionary<string, StaticEvaluator> evaluators, ClientRole role)
    {
        string[] baseFiles = [Path.Combine(configFolder, "datastores.js"), Path.Combine(configFolder, "connections.js")];
        JsObject? DatastoresIn(string scenario, string path) =>
            File.Exists(path) && evaluators[scenario].EvaluateModuleExports(path) is JsObject exports
                ? (exports.Get("datastores") ?? exports.Get("connections")) as JsObject
                : null;
        string EnvironmentFile(Scenario scenario) => Path.Combine(configFolder, "env", scenario.Variables.GetValueOrDefault("NODE_ENV", "development") + ".js");

        // Where each datastore is declared: the base file, else the first environment file that declares it.
        var declared = new Dictionary<string, (string File, int Line)>(StringComparer.Ordinal);
        foreach (var path in baseFiles.Concat(scenarios.Select(EnvironmentFile).Distinct()))
        {
            foreach (var (name, value) in DatastoresIn(ScenarioIds.Production, path)?.Properties ?? [])
            {
                declared.TryAdd(name, (path, value.Line));
            }
        }

        foreach (var (name, (file, line)) in declared)
        {
            var values = scenarios.ToDictionary(s => s.Id, s =>
            {
                var parts = baseFiles.Append(EnvironmentFile(s)).Select(path => DatastoresIn(s.Id, path)?.Get(name)).OfType<StaticValue>().ToList();
                return parts.Count == 0 ? StaticValue.Undefined
                    : parts.All(p => p is JsObject) ? new JsObject([.. parts.Cast<JsObject>().SelectMany(p => p.Properties)], parts.Cast<JsObject>().Any(p => p.Incomplete)) { Line = line }
                    : parts[^1];
            });
            if (values.Values.All(v => v is not JsObject o || o.Get("adapter") is not JsString { Value: "sails-postgresql" }))
            {
                continue;
            }

            var relative = ProjectFiles.Relative(root, file);
            yield return new DatabaseClient
            {
                Label = $"{relative}:{line} [{name}]",
                Role = role,
                Kind = ClientKind.SailsDatastore,
                File = relative,
                Line = line,
                Environment = name,
                Settings = scenarios.ToDictionary(s => s.Id, s => values[s.Id] is JsUndefined
                    ? SettingsReader.AllUnknown(new JsUnknown(name, $"not declared when NODE_ENV={s.Variables.GetValueOrDefault("NODE_ENV", "development")}"))
                    : SettingsReader.ForSails(values[s.Id], s)),
            };
        }
    }

    [GeneratedRegex(@"datasource\s+(\w+)\s*\{(?<body>[^}]*)\}", RegexOptions.Singleline)]
    private static partial Regex Datasource();

    [GeneratedRegex(@"^\s*(?<key>provider|url)\s*=\s*(?:env\(\s*""(?<env>[^""]+)""\s*\)|""(?<literal>[^""]*)"")", RegexOptions.Multiline)]
    private static partial Regex DatasourceField();

    /// <summary>The variables a Prisma schema's datasource URLs read (url = env("DATABASE_URL")).</summary>
    public static IEnumerable<string> PrismaVariables(string text) =>
        Datasource().Matches(text).SelectMany(block => DatasourceField().Matches(block.Groups["body"].Value))
            .Where(field => field.Groups["env"].Success).Select(field => field.Groups["env"].Value);

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
