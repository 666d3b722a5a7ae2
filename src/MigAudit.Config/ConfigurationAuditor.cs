using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

/// <summary>
/// Finds every database client of the project (knexfile environments, knex instances, pg pools and clients)
/// and evaluates each one's effective pool, timeout, SSL and connection settings under named scenarios —
/// statically, never running the project.
/// </summary>
public static class ConfigurationAuditor
{
    private static readonly string[] ScriptExtensions = [".js", ".cjs", ".mjs", ".ts"];

    public static ConfigurationModel Audit(KnexProject project, ParsedModuleCache? cache = null)
    {
        cache ??= new ParsedModuleCache();
        var root = project.Root;
        var notes = new List<string>();
        var candidates = new List<string>();
        var migrationDirectories = project.Settings.Directories.ToHashSet(StringComparer.Ordinal);
        var variables = new List<string>();
        var roles = new Dictionary<string, ClientRole>(StringComparer.Ordinal);
        // Tests and scripts are read too: their clients are listed with their role, never compared or summed.
        foreach (var file in ProjectFiles.EnumerateFiles(root, name => ScriptExtensions.Contains(MigAudit.Core.MigrationNames.Extension(name))))
        {
            var relative = ProjectFiles.Relative(root, file);
            // Migration folders hold migrations, not clients (a migration's own client is non-knex-migration's concern).
            if (ProjectDiscovery.IsInBuildOutput(root, file) ||
                migrationDirectories.Contains((Path.GetDirectoryName(relative) is { } parent ? PathText.WithSlashes(parent) : null) is { Length: > 0 } d ? d : "."))
            {
                continue;
            }

            var source = SourceReader.Read(file);
            if (source.Problem is not null)
            {
                continue;
            }

            // The scenarios are the app's: what a test or a script reads does not make one.
            roles[file] = RoleOf(relative, source.Text);
            if (roles[file] == ClientRole.App)
            {
                variables.AddRange(ScenarioBuilder.VariablesIn(source.Text));
            }

            if (source.Text.Contains("knex", StringComparison.Ordinal) || source.Text.Contains("'pg'", StringComparison.Ordinal) || source.Text.Contains("\"pg\"", StringComparison.Ordinal))
            {
                candidates.Add(file);
            }
        }

        var scenarios = ScenarioBuilder.Build(variables);
        var sites = new List<ClientSite>();
        var pgDefaults = new List<PgDefaultSite>();
        foreach (var file in candidates)
        {
            var entry = cache.Get(file);
            if (entry?.Program is { } program)
            {
                var scope = new ModuleScope(file, entry.Value.Text, program);
                sites.AddRange(ClientFinder.Find(scope));

                // A test setup's pg.defaults.ssl is not the app process's.
                if (roles[file] == ClientRole.App)
                {
                    pgDefaults.AddRange(ClientFinder.FindPgDefaults(scope));
                }
            }
        }

        var evaluators = scenarios.ToDictionary(s => s.Id, s => new StaticEvaluator(root, s.Variables, cache));

        // pg.defaults.ssl is what node-postgres falls back to when a connection sets no ssl and PGSSLMODE is unset.
        var defaultsText = pgDefaults.Select(d => $"pg.defaults.{d.Key} = {Redaction.Redact(evaluators[ScenarioIds.Production].EvaluateIn(d.File, d.Value) is var v ? StaticValueText.Describe(v) : "?")} ({ProjectFiles.Relative(root, d.File)}:{d.Line})").ToList();
        var sslDefault = pgDefaults.LastOrDefault(d => d.Key == "ssl");
        scenarios = scenarios.Select(s => sslDefault is null ? s : s with
        {
            PgDefaultSsl = evaluators[s.Id].EvaluateIn(sslDefault.File, sslDefault.Value),
            PgDefaultSslSource = $"pg.defaults.ssl at {ProjectFiles.Relative(root, sslDefault.File)}:{sslDefault.Line}",
        }).ToList();
        var clients = new List<DatabaseClient>();
        DatabaseClient? migrationClient = null;

        if (project.Knexfile is { } knexfile)
        {
            var path = Path.Combine(root, knexfile.Path);
            var environments = knexfile.SingleConfiguration ? [(string?)null] : knexfile.Environments.Select(e => (string?)e).ToList();
            var exports = scenarios.ToDictionary(s => s.Id, s => KnexfileExports(evaluators[s.Id], path));
            foreach (var environment in environments)
            {
                StaticValue ConfigOf(string scenario) => environment is null ? exports[scenario] : (exports[scenario] as JsObject)?.Get(environment) ?? StaticValue.Undefined;
                var production = ConfigOf(ScenarioBuilder.ProductionUnset);
                var client = new DatabaseClient
                {
                    Label = environment is null ? $"{knexfile.Path}:{production.Line}" : $"{knexfile.Path}:{production.Line} [{environment}]",
                    Kind = ClientKind.KnexfileEnvironment,
                    File = knexfile.Path,
                    Line = production.Line,
                    Environment = environment,
                    Settings = scenarios.ToDictionary(s => s.Id, s => SettingsReader.ForKnex(ConfigOf(s.Id), s)),
                    Problems = ConfigProblems.ForKnex(production),
                };
                clients.Add(client);
                if (environment == project.Environment)
                {
                    migrationClient = client;
                }
            }
        }
        else
        {
            notes.Add("no knexfile: migrations run with whatever configuration the code passes to knex; there is no migration configuration to compare the application's clients with");
        }

        foreach (var site in sites.OrderBy(s => s.File, StringComparer.Ordinal).ThenBy(s => s.Line))
        {
            var relative = ProjectFiles.Relative(root, site.File);
            var values = scenarios.ToDictionary(s => s.Id, s => site.ConfigNode is null ? new JsObject([], false) : evaluators[s.Id].EvaluateIn(site.File, site.ConfigNode));
            var production = values[ScenarioBuilder.ProductionUnset];
            var isKnex = site.Kind == ClientKind.Knex;
            clients.Add(new DatabaseClient
            {
                Label = $"{relative}:{site.Line}",
                Role = roles[site.File],
                Kind = site.Kind,
                File = relative,
                Line = site.Line,
                Settings = scenarios.ToDictionary(s => s.Id, s => isKnex ? SettingsReader.ForKnex(values[s.Id], s) : SettingsReader.ForPg(values[s.Id], s)),
                Problems = isKnex ? ConfigProblems.ForKnex(production) : ConfigProblems.ForPg(production),
                ConfigFrom = project.Knexfile is { } k && site.ConfigNode is not null && UsesModule(site, Path.Combine(root, k.Path), cache) ? "the knexfile" : null,
            });
        }

        notes.AddRange(defaultsText.Select(d => $"node-postgres defaults changed for the whole process: {d}"));
        return new ConfigurationModel { Scenarios = scenarios, Clients = clients, MigrationClient = migrationClient, Notes = notes };
    }

    /// <summary>True when the configuration expression reads a binding that requires or imports <paramref name="module"/>.</summary>
    private static bool UsesModule(ClientSite site, string module, ParsedModuleCache cache)
    {
        var entry = cache.Get(site.File);
        if (entry?.Program is not { } program)
        {
            return false;
        }

        var scope = new ModuleScope(site.File, entry.Value.Text, program);
        var directory = Path.GetDirectoryName(site.File)!;
        bool Resolves(string? specifier) =>
            specifier is not null && specifier.StartsWith('.') && StaticEvaluator.ResolveLocal(directory, specifier) == Path.GetFullPath(module);

        static string? RequiredModule(Acornima.Ast.Node? node) => node switch
        {
            Acornima.Ast.CallExpression { Callee: Acornima.Ast.Identifier { Name: "require" }, Arguments: [Acornima.Ast.StringLiteral literal] } => literal.Value,
            Acornima.Ast.MemberExpression member => RequiredModule(member.Object),
            _ => null,
        };

        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool Visit(Acornima.Ast.Node node, int depth)
        {
            if (depth > 32)
            {
                return false;
            }

            if (Resolves(RequiredModule(node)))
            {
                return true;
            }

            if (node is Acornima.Ast.Identifier id && seen.Add(id.Name) && scope.Bindings.TryGetValue(id.Name, out var binding))
            {
                if (Resolves(binding.ImportSource) || Resolves(RequiredModule(binding.Initializer)))
                {
                    return true;
                }

                if (binding.Initializer is { } initializer && Visit(initializer, depth + 1))
                {
                    return true;
                }
            }

            return node.ChildNodes.Any(child => Visit(child, depth + 1));
        }

        return Visit(site.ConfigNode!, 0);
    }

    private static bool IsTestFile(string name) =>
        name.Contains(".test.", StringComparison.Ordinal) || name.Contains(".spec.", StringComparison.Ordinal);

    private static StaticValue KnexfileExports(StaticEvaluator evaluator, string path)
    {
        var exports = evaluator.EvaluateModuleExports(path);
        return exports is JsFunction function ? ProjectDiscovery.ReturnValueOf(function, evaluator, path) : exports;
    }

    private static readonly HashSet<string> TestFolders = new(StringComparer.OrdinalIgnoreCase) { "test", "tests", "__tests__", "spec", "specs", "e2e", "fixtures", "__fixtures__", "__mocks__", "cypress", "playwright" };

    private static readonly HashSet<string> ScriptFolders = new(StringComparer.OrdinalIgnoreCase) { "scripts", "script", "bin", "cli", "tools" };

    /// <summary>By where the client is written: a test's or a script's pool is not the app's, and runs beside it only briefly.</summary>
    private static ClientRole RoleOf(string relative, string text)
    {
        var folders = relative.Split('/').SkipLast(1).ToList();
        var name = Path.GetFileName(relative);
        if (folders.Any(TestFolders.Contains) || IsTestFile(name))
        {
            return ClientRole.Test;
        }

        if (folders.Any(ScriptFolders.Contains))
        {
            return ClientRole.Script;
        }

        return text.StartsWith("#!", StringComparison.Ordinal) ? ClientRole.Script : ClientRole.App;
    }
}
