using MigAudit.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Rules;

namespace MigAudit.Engine;

/// <summary>
/// The project's migaudit configuration: <c>.migauditrc.json</c>, or a <c>"migaudit"</c> key in package.json, in the
/// project folder or the nearest folder above it within the repository (or the file --config names). Unknown keys,
/// unknown rule ids and invalid values are errors that name the key.
/// </summary>
public sealed record AuditSettings
{
    public const string FileName = ".migauditrc.json";

    /// <summary>The keys a settings file may hold (npm/migaudit/migauditrc.schema.json lists the same).</summary>
    public static IReadOnlyCollection<string> KnownKeys => Keys;

    private static readonly HashSet<string> Keys = ["knexfile", "environment", "migrations", "mainline", "releases", "tenantColumn", "rules", "ignore", "failOn", "docsUrl", "applied", "client", "baseline", "suppress", "$schema"];

    public string? Source { get; init; }
    public string? Knexfile { get; init; }
    public string? Environment { get; init; }

    /// <summary>The Knex client production uses, when the knexfile chooses it at run time (--client wins over it).</summary>
    public string? Client { get; init; }
    public IReadOnlyList<string> Migrations { get; init; } = [];

    /// <summary>The branch whose first-parent line is the history that reached databases (default: HEAD).</summary>
    public string? Mainline { get; init; }

    /// <summary>Which tags are releases, a glob such as "v*" (default: every tag).</summary>
    public string? Releases { get; init; }
    public string TenantColumn { get; init; } = "workspace_id";

    /// <summary>
    /// audit --staged: the project as the commit being made will leave it. A migration added to the index is committed
    /// by it, and a staged file is read as the index holds it, not as the working tree has it since.
    /// </summary>
    public bool AsStaged { get; init; }

    /// <summary>Rule id to "off", "low", "medium" or "high".</summary>
    public IReadOnlyDictionary<string, string> Rules { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Ignore { get; init; } = [];
    public string? FailOn { get; init; }

    /// <summary>The baseline file (relative to the project root) used when --baseline is not given.</summary>
    public string? Baseline { get; init; }

    /// <summary>Suppressions by rule and file glob, with a reason: for findings no comment can sit above (history of deleted files).</summary>
    public IReadOnlyList<ConfigSuppression> Suppress { get; init; } = [];
    public string? DocsUrl { get; init; }

    /// <summary>The names production's migrations table holds (--applied): history findings become certain or go away.</summary>
    public AppliedNames? Applied { get; init; }

    /// <summary>
    /// The "applied" key: a file of the project (relative to its root) holding production's list, committed once the
    /// team has answered the question; --applied wins over it.
    /// </summary>
    public string? AppliedFile { get; init; }

    public static readonly string[] FailOnValues = ["high", "medium", "low", "never"];

    /// <summary>
    /// The folder the settings file was found in, as a path from it down to the audited folder ("server/"), or "" when
    /// it is the audited folder: 'ignore' patterns are written from the file's folder, and are matched against it.
    /// </summary>
    public string IgnoreBase { get; init; } = string.Empty;

    /// <summary>
    /// The settings of the project at <paramref name="root"/>: the nearest .migauditrc.json, or package.json with a
    /// "migaudit" key, in it or a folder above it up to the repository's top level (the folder that holds .git), as
    /// ESLint and Prettier search; never above the repository, so a file in a home folder never applies. Outside a
    /// repository only <paramref name="root"/> is read. Paths in a file found above are read from its folder.
    /// </summary>
    public static AuditSettings Load(string root)
    {
        var start = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var folders = new List<string>();
        for (var folder = start; folder is not null; folder = Path.GetDirectoryName(folder))
        {
            folders.Add(folder);
            if (Path.Exists(Path.Combine(folder, ".git")))
            {
                break;
            }
        }

        if (!Path.Exists(Path.Combine(folders[^1], ".git")))
        {
            folders = [start];
        }

        foreach (var folder in folders)
        {
            if (LoadIn(folder, Path.GetRelativePath(start, folder)) is { } found)
            {
                return found.RelativeTo(start, folder);
            }
        }

        return new AuditSettings();
    }

    /// <summary>--config FILE: that file, in .migauditrc.json's form, whatever the project holds; its paths are read from its folder.</summary>
    public static AuditSettings LoadFile(string root, string file)
    {
        var path = Path.GetFullPath(Path.IsPathRooted(file) || File.Exists(file) ? file : Path.Combine(root, file));
        if (!File.Exists(path))
        {
            throw new ProjectException($"--config: {Quoting.Printable(file)} does not exist");
        }

        return Parse(SafeRead.TextOrFail(path, "the --config file"), file)
            .RelativeTo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)), Path.GetDirectoryName(path)!);
    }

    /// <summary>The settings file of one folder, named for messages by <paramref name="prefix"/> (its path from the audited folder); null when it has none.</summary>
    private static AuditSettings? LoadIn(string folder, string prefix)
    {
        string Named(string name) => prefix == "." ? name : Path.Combine(prefix, name).Replace('\\', '/');
        var rc = Path.Combine(folder, FileName);
        if (File.Exists(rc))
        {
            return Parse(SafeRead.TextOrFail(rc, "the settings file"), Named(FileName));
        }

        var package = Path.Combine(folder, "package.json");
        if (File.Exists(package))
        {
            try
            {
                using var document = JsonDocument.Parse(SafeRead.TextOrFail(package, "the project's"));
                if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("migaudit", out var section))
                {
                    return Parse(section.GetRawText(), Named("package.json") + " (\"migaudit\")");
                }
            }
            catch (JsonException)
            {
                // A broken package.json is the project's problem, not a migaudit configuration.
            }
        }

        return null;
    }

    /// <summary>
    /// Settings written in <paramref name="folder"/> for the audit of <paramref name="root"/>: the file's paths (knexfile,
    /// migrations, applied) made relative to the audited folder, and its ignore patterns matched from its own folder.
    /// </summary>
    private AuditSettings RelativeTo(string root, string folder)
    {
        folder = Path.TrimEndingDirectorySeparator(folder);
        if (folder == root)
        {
            return this;
        }

        string Rebased(string path) => Path.IsPathRooted(path) ? path : Path.GetRelativePath(root, Path.Combine(folder, path)).Replace('\\', '/');
        var down = Path.GetRelativePath(folder, root).Replace('\\', '/');
        return this with
        {
            Knexfile = Knexfile is null ? null : Rebased(Knexfile),
            Migrations = Migrations.Select(Rebased).ToList(),
            AppliedFile = AppliedFile is null ? null : Rebased(AppliedFile),
            Baseline = Baseline is null ? null : Rebased(Baseline),

            // A file below the audited folder (--config sub/x.json) or beside it: its patterns are matched from the
            // audited folder, as they would be in it.
            IgnoreBase = down.StartsWith("..", StringComparison.Ordinal) || down == "." ? string.Empty : down + "/",
        };
    }

    public static AuditSettings Parse(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException error)
        {
            throw new ProjectException($"{source}: invalid JSON at line {(error.LineNumber ?? 0) + 1}: {error.Message.Split(". ")[0].Split(" LineNumber")[0]}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProjectException($"{source}: the configuration must be a JSON object");
            }

            foreach (var property in root.EnumerateObject().Where(p => !Keys.Contains(p.Name)))
            {
                throw new ProjectException($"{source}: unknown key '{property.Name}' (known: {string.Join(", ", Keys.Where(k => k != "$schema"))})");
            }

            if (JsonChecks.RepeatedKey(root) is { } repeated)
            {
                throw new ProjectException($"{source}: '{repeated}' is given twice");
            }

            // Every value names something (a file, a folder, a branch, a column): an empty one names nothing, and would
            // silently become the project root ("migrations": [""]) or fail deep inside .NET's path and process APIs,
            // which refuse NUL characters.
            string Checked(string key, string value) => value switch
            {
                "" => throw new ProjectException($"{source}: '{key}' must not be an empty string"),
                _ when value.Contains('\0', StringComparison.Ordinal) => throw new ProjectException($"{source}: '{key}' contains a NUL character"),
                _ => value,
            };

            string? Text(string key) => root.TryGetProperty(key, out var value)
                ? value.ValueKind == JsonValueKind.String ? Checked(key, value.GetString()!) : throw new ProjectException($"{source}: '{key}' must be a string")
                : null;

            IReadOnlyList<string> List(string key)
            {
                if (!root.TryGetProperty(key, out var value))
                {
                    return [];
                }

                if (value.ValueKind == JsonValueKind.String)
                {
                    return [Checked(key, value.GetString()!)];
                }

                if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
                {
                    throw new ProjectException($"{source}: '{key}' must be a string or an array of strings");
                }

                return value.EnumerateArray().Select((v, i) => Checked($"{key}[{i}]", v.GetString()!)).ToList();
            }

            var rules = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("rules", out var ruleSection))
            {
                if (ruleSection.ValueKind != JsonValueKind.Object)
                {
                    throw new ProjectException($"{source}: 'rules' must be an object of rule id to off/low/medium/high");
                }

                foreach (var rule in ruleSection.EnumerateObject())
                {
                    if (RuleCatalog.Find(rule.Name) is null)
                    {
                        throw new ProjectException($"{source}: unknown rule id '{rule.Name}' in 'rules' (run 'migaudit rules' for the list)");
                    }

                    var level = rule.Value.ValueKind == JsonValueKind.String ? rule.Value.GetString() : null;
                    if (level is not ("off" or "low" or "medium" or "high"))
                    {
                        throw new ProjectException($"{source}: rules.{rule.Name} must be \"off\", \"low\", \"medium\" or \"high\"");
                    }

                    rules[rule.Name] = level;
                }
            }

            var failOn = Text("failOn");
            if (failOn is not null && !FailOnValues.Contains(failOn))
            {
                throw new ProjectException($"{source}: 'failOn' must be one of {string.Join(", ", FailOnValues)}");
            }

            // docsUrl becomes links in the HTML, SARIF and Markdown reports people click: http(s) only.
            var docsUrl = Text("docsUrl");
            if (docsUrl is not null && !WebLinks.IsHttp(docsUrl))
            {
                throw new ProjectException($"{source}: 'docsUrl' must be an absolute http:// or https:// URL");
            }

            var suppress = new List<ConfigSuppression>();
            if (root.TryGetProperty("suppress", out var suppressSection))
            {
                if (suppressSection.ValueKind != JsonValueKind.Array)
                {
                    throw new ProjectException($"{source}: 'suppress' must be an array of {{ \"rules\", \"files\", \"reason\" }}");
                }

                var index = 0;
                foreach (var entry in suppressSection.EnumerateArray())
                {
                    suppress.Add(SuppressionEntry(source, entry, index++));
                }
            }

            var client = Text("client");
            if (client is not null && DialectDetection.FromClientName(client) is null)
            {
                throw new ProjectException($"{source}: 'client' must be one of Knex's client names ({DialectDetection.ClientNames}), not '{Quoting.Printable(client)}'");
            }

            return new AuditSettings
            {
                Source = source,
                Knexfile = Text("knexfile"),
                Environment = Text("environment"),
                Client = client,
                Baseline = Text("baseline"),
                Suppress = suppress,
                Migrations = List("migrations"),
                Mainline = Text("mainline"),
                Releases = Text("releases"),
                TenantColumn = Text("tenantColumn") ?? "workspace_id",
                Rules = rules,
                Ignore = List("ignore"),
                FailOn = failOn,
                DocsUrl = docsUrl,
                AppliedFile = Text("applied"),
            };
        }
    }

    /// <summary>One entry of "suppress": rules (an id or a list of known ids), files (a glob) and a reason, all required.</summary>
    private static ConfigSuppression SuppressionEntry(string source, JsonElement entry, int index)
    {
        var at = $"{source}: suppress[{index}]";
        if (entry.ValueKind != JsonValueKind.Object)
        {
            throw new ProjectException($"{at} must be an object {{ \"rules\", \"files\", \"reason\" }}");
        }

        foreach (var key in entry.EnumerateObject().Select(p => p.Name).Where(k => k is not ("rules" or "files" or "reason")))
        {
            throw new ProjectException($"{at}: unknown key '{key}' (known: rules, files, reason)");
        }

        string Required(string key) => entry.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new ProjectException($"{at}: '{key}' must be a non-empty string{(key == "reason" ? " (a suppression says why)" : string.Empty)}");

        List<string> rules = entry.TryGetProperty("rules", out var named) switch
        {
            true when named.ValueKind == JsonValueKind.String => [named.GetString()!],
            true when named.ValueKind == JsonValueKind.Array && named.GetArrayLength() > 0 && named.EnumerateArray().All(r => r.ValueKind == JsonValueKind.String) => [.. named.EnumerateArray().Select(r => r.GetString()!)],
            _ => throw new ProjectException($"{at}: 'rules' must be a rule id or a non-empty array of rule ids"),
        };
        foreach (var rule in rules.Where(r => RuleCatalog.Find(r) is null))
        {
            throw new ProjectException($"{at}: unknown rule id '{rule}' (run 'migaudit rules' for the list)");
        }

        return new ConfigSuppression(rules, Required("files"), Required("reason"), index);
    }

    /// <summary>
    /// Reads production's list: the file --applied names ("-" for stdin, read by the caller), else the "applied" key's
    /// file inside the project. A list the user gives is parsed strictly: a wrong paste is an error, never a guess.
    /// </summary>
    public AuditSettings WithApplied(string root, string? option, Func<string> stdin)
    {
        if (option is null && AppliedFile is null)
        {
            return this;
        }

        string text, source;
        if (option == "-")
        {
            (text, source) = (stdin(), "stdin");
        }
        else if (option is not null)
        {
            var path = Path.IsPathRooted(option) || File.Exists(option) ? option : Path.Combine(root, option);
            (text, source) = (File.Exists(path) ? SafeRead.TextOrFail(path, "the --applied file") : throw new ProjectException($"--applied: {Quoting.Printable(option)} does not exist"), option);
        }
        else
        {
            // The settings file's path is the project's: it must stay inside it (a committed file, read like the others).
            var fullRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
            var path = Path.GetFullPath(Path.Combine(fullRoot, AppliedFile!));
            if (!path.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ProjectException($"{Source}: 'applied' must name a file inside the project, not {Quoting.Printable(AppliedFile!)}");
            }

            (text, source) = (File.Exists(path) ? SafeRead.TextOrFail(path, "the 'applied' file") : throw new ProjectException($"{Source}: 'applied' names {Quoting.Printable(AppliedFile!)}, which does not exist"), AppliedFile!);
        }

        var list = AppliedMigrations.Parse(text, Quoting.Printable(source));
        return this with { Applied = list.From(Quoting.Printable(source)) };
    }

    /// <summary>A starter file with what discovery found.</summary>
    public static string Starter(KnexProject project)
    {
        var starter = new JsonObject();
        if (project.Knexfile?.Path is { } knexfile)
        {
            starter["knexfile"] = knexfile;
        }

        if (project.Environment is { } environment)
        {
            starter["environment"] = environment;
        }

        starter["migrations"] = new JsonArray(project.Settings.Directories.Select(d => (JsonNode?)d).ToArray());
        starter["tenantColumn"] = "workspace_id";
        starter["rules"] = new JsonObject();
        starter["ignore"] = new JsonArray();
        starter["failOn"] = "high";
        return starter.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
