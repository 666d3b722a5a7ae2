using Acornima.Ast;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// The <c>config</c> package (node-config): <c>require('config')</c> is the deep merge of the files of the config
/// folder (NODE_CONFIG_DIR, else ./config of the working folder) in node-config's order: default.EXT, then
/// {deployment}.EXT, where the deployment is NODE_CONFIG_ENV, else NODE_ENV, else 'development', then local.EXT and
/// local-{deployment}.EXT, then custom-environment-variables.EXT (a key set from the variable it names, when that
/// variable is set). JSON and JavaScript files are read; a file in another format (YAML, TOML, ...) or one named for
/// a host or an instance makes the configuration unknown rather than guessed. Without a known NODE_ENV, the value is
/// one alternative per deployment file, each an environment. <c>config.get('a.b')</c> reads a dotted path (and
/// throws in node-config when it is undefined); <c>config.has</c> tells whether it is defined.
/// </summary>
public sealed partial class StaticEvaluator
{
    private static readonly string[] ReadableConfigExtensions = [".json", ".js", ".cjs"];

    private StaticValue NodeConfig(ModuleScope scope, int depth, string text)
    {
        if (environment is not null && environment.ContainsKey("NODE_CONFIG_DIR") || environment is null && EnvironmentReads.Contains("NODE_CONFIG_DIR"))
        {
            return new JsUnknown(text, "NODE_CONFIG_DIR names the config folder");
        }

        var folder = ConfigFolder(Path.GetDirectoryName(scope.File)!);
        if (folder is null)
        {
            return new JsUnknown(text, "node-config: no config folder with a default file found");
        }

        var names = Directory.EnumerateFiles(folder).Select(f => Path.GetFileName(f)).ToList();
        var unreadable = names.FirstOrDefault(n => !n.EndsWith(".example", StringComparison.Ordinal) && !n.StartsWith('.') && !ReadableConfigExtensions.Contains(Path.GetExtension(n)));
        if (unreadable is not null)
        {
            return new JsUnknown(text, $"node-config reads {ProjectFilesRelative(Path.Combine(folder, unreadable))}, a format migaudit does not read");
        }

        var deployments = names.Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(n => n is not ("default" or "local" or "custom-environment-variables") && !n.StartsWith("local-", StringComparison.Ordinal) && !n.StartsWith("default-", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        if (environment is not null)
        {
            var deployment = environment.GetValueOrDefault("NODE_CONFIG_ENV") ?? environment.GetValueOrDefault("NODE_ENV") ?? "development";
            return Merged(folder, deployment, scope, depth, text);
        }

        ReadEnvironment("NODE_ENV");
        if (!deployments.Contains("development"))
        {
            deployments.Add("development");
        }

        return Choice(deployments.Select(d => new Alternative([new Assumption($"{folder}:NODE_ENV", "=" + d, $"NODE_ENV is '{d}' (node-config)", "NODE_ENV")], Merged(folder, d, scope, depth, text))),
            text, "node-config merges the files NODE_ENV names");
    }

    private string ProjectFilesRelative(string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    /// <summary>The config folder node-config reads: ./config of the nearest folder (up to the project root) that has one with a default file.</summary>
    private string? ConfigFolder(string directory)
    {
        for (var current = directory; current.StartsWith(root, StringComparison.Ordinal); current = Path.GetDirectoryName(current)!)
        {
            var candidate = Path.Combine(current, "config");
            if (ReadableConfigExtensions.Any(e => File.Exists(Path.Combine(candidate, "default" + e))))
            {
                return candidate;
            }

            if (current == root)
            {
                break;
            }
        }

        return null;
    }

    private StaticValue Merged(string folder, string deployment, ModuleScope scope, int depth, string text)
    {
        StaticValue merged = new JsObject([], false);
        foreach (var name in new[] { "default", deployment, "local", $"local-{deployment}" })
        {
            foreach (var extension in ReadableConfigExtensions)
            {
                var file = Path.Combine(folder, name + extension);
                if (File.Exists(file))
                {
                    var part = extension == ".json" ? ReadJsonModule(file, text) : Load(file)?.Exports(this, depth + 1) ?? new JsUnknown(text, $"{name}{extension} cannot be parsed");
                    merged = DeepMerge(merged, part);
                }
            }
        }

        var variables = Path.Combine(folder, "custom-environment-variables.json");
        return File.Exists(variables) ? WithVariables(merged, ReadJsonModule(variables, text)) : merged with { Line = 0 };
    }

    /// <summary>Objects merge key by key; anything else (arrays included) replaces what was there, as node-config's extendDeep does.</summary>
    private static StaticValue DeepMerge(StaticValue target, StaticValue source) => (target, source) switch
    {
        (JsObject t, JsObject s) => new JsObject(
            t.Keys.Union(s.Keys).Select(k => KeyValuePair.Create(k, s.Get(k) is { } v ? (t.Get(k) is { } old ? DeepMerge(old, v) : v) : t.Get(k)!)).ToList(),
            t.Incomplete || s.Incomplete)
        { NodeConfig = true },
        (_, JsUnknown) => source,
        _ => source,
    };

    /// <summary>custom-environment-variables: a key takes the named variable's value when it is set (a string).</summary>
    private StaticValue WithVariables(StaticValue merged, StaticValue mapping)
    {
        if (merged is not JsObject target || mapping is not JsObject names)
        {
            return mapping is JsObject ? new JsUnknown("custom-environment-variables", "merged into a value that is not an object") : merged;
        }

        var properties = target.Properties.ToList();
        foreach (var (key, name) in names.Properties)
        {
            var current = target.Get(key);
            var replaced = name switch
            {
                JsString variable => ReadEnvironment(variable.Value) switch
                {
                    JsUndefined => current,
                    var value => value,
                },
                JsObject => WithVariables(current ?? new JsObject([], false) { NodeConfig = true }, name),
                _ => new JsUnknown(key, "custom-environment-variables entry migaudit does not read"),
            };
            if (replaced is not null)
            {
                properties.Add(KeyValuePair.Create(key, replaced));
            }
        }

        return target with { Properties = properties };
    }

    /// <summary>config.get('a.b') and config.has('a.b') of the node-config object; null when the target is not one.</summary>
    private StaticValue? NodeConfigRead(StaticValue target, string method, string path, string text)
    {
        if (target is JsUnknown { Alternatives: { } alternatives } && alternatives.All(a => a.Value is JsObject { NodeConfig: true }))
        {
            return MapAlternatives(target, value => NodeConfigRead(value, method, path, text)!, text);
        }

        if (target is not JsObject { NodeConfig: true })
        {
            return null;
        }

        var value = target;
        foreach (var part in path.Split('.'))
        {
            value = value is JsObject o ? o.Lookup(part) ?? StaticValue.Undefined : value is JsUnknown ? value : StaticValue.Undefined;
        }

        return method == "has"
            ? value is JsUnknown ? value : new JsBoolean(value is not JsUndefined)
            : value is JsUndefined ? new JsUnknown(text, $"node-config throws: configuration property \"{path}\" is not defined") : value;
    }
}
