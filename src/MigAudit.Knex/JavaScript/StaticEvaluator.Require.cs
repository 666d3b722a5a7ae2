using System.Text.Json;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// require()/import of the project's own modules: relative paths as Node resolves them, and, as a TypeScript
/// project's build would make them resolve, a file of the build output (../dist/db/config, not in the repository)
/// through its source (tsconfig outDir to rootDir), and a path alias (@/db/config) through tsconfig paths. JSON
/// modules are read as Node parses them.
/// </summary>
public sealed partial class StaticEvaluator
{
    private readonly Dictionary<string, TsConfig?> tsConfigs = new(StringComparer.Ordinal);

    internal StaticValue Require(string specifier, ModuleScope scope, int depth, string text)
    {
        if (specifier == "config")
        {
            return NodeConfig(scope, depth, text);
        }

        var (resolved, reason) = ResolveModule(scope.File, specifier);
        if (resolved is null)
        {
            return new JsUnknown(text, reason!);
        }

        if (resolved.EndsWith(".json", StringComparison.Ordinal))
        {
            return ReadJsonModule(resolved, text);
        }

        var module = Load(resolved);
        return module is null ? new JsUnknown(text, $"'{specifier}' cannot be parsed") : module.Exports(this, depth + 1);
    }

    /// <summary>The project file a specifier loads, or why it is not followed.</summary>
    public (string? File, string? Reason) ResolveModule(string fromFile, string specifier)
    {
        var directory = Path.GetDirectoryName(fromFile)!;
        var tsConfig = NearestTsConfig(directory);
        string? resolved;
        if (specifier.StartsWith('.') || Path.IsPathRooted(specifier))
        {
            resolved = ResolveLocal(directory, specifier);
            if (resolved is null && tsConfig is not null)
            {
                // require('../dist/db/config') from a file outside the build: the compiled file is made from its source.
                resolved = tsConfig.SourcesOf(Path.GetFullPath(Path.Combine(directory, specifier))).Select(s => ResolveLocal(Path.GetDirectoryName(s)!, "./" + Path.GetFileName(s))).FirstOrDefault(f => f is not null);
            }

            if (resolved is null)
            {
                return (null, $"'{specifier}' not found");
            }
        }
        else
        {
            resolved = tsConfig?.AliasTargets(specifier).Select(t => ResolveLocal(Path.GetDirectoryName(t)!, "./" + Path.GetFileName(t))).FirstOrDefault(f => f is not null);
            if (resolved is null)
            {
                return (null, $"module '{specifier}' is not part of the project");
            }
        }

        return resolved.StartsWith(root, StringComparison.Ordinal) ? (resolved, null) : (null, $"'{specifier}' is outside the project");
    }

    private TsConfig? NearestTsConfig(string directory)
    {
        if (!tsConfigs.TryGetValue(directory, out var config))
        {
            config = TsConfig.Nearest(root, directory);
            tsConfigs[directory] = config;
        }

        return config;
    }

    /// <summary>A .json module: Node parses it with JSON.parse (no comments), and a file that does not parse throws.</summary>
    private StaticValue ReadJsonModule(string file, string text)
    {
        var source = SourceReader.Read(file);
        if (source.Problem is not null)
        {
            return new JsUnknown(text, "JSON module cannot be read");
        }

        try
        {
            using var document = JsonDocument.Parse(source.Text.TrimStart('\uFEFF'));
            return FromJson(document.RootElement);
        }
        catch (JsonException)
        {
            return new JsUnknown(text, "JSON module does not parse (Node throws)");
        }
    }

    public static StaticValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new JsObject(element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromJson(p.Value))).ToList(), false),
        JsonValueKind.Array => new JsArray(element.EnumerateArray().Select(FromJson).ToList()),
        JsonValueKind.String => new JsString(element.GetString()!),
        JsonValueKind.Number => new JsNumber(element.GetDouble()),
        JsonValueKind.True => new JsBoolean(true),
        JsonValueKind.False => new JsBoolean(false),
        _ => new JsNull(),
    };
}
