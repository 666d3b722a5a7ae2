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
    private static readonly string[] ScriptExtensions = [".js", ".cjs", ".mjs", ".ts", ".prisma"];

    /// <summary>Text that a file building a database client contains: its library's module name.</summary>
    private static readonly string[] LibraryMarkers = ["knex", "'pg'", "\"pg\"", "sequelize", "postgres", "pg-promise", "typeorm", "mikro-orm"];

    public static ConfigurationModel Audit(KnexProject project, ParsedModuleCache? cache = null)
    {
        cache ??= new ParsedModuleCache();
        var root = project.Root;
        var notes = new List<string>();
        var candidates = new List<string>();
        var migrationDirectories = project.Settings.Directories.ToHashSet(StringComparer.Ordinal);
        var variables = new List<string>();
        var roles = new Dictionary<string, ClientRole>(StringComparer.Ordinal);
        var prismaSchemas = new List<(string File, string Text)>();
        var prismaVariables = new List<string>();
        var sailsConfigs = new List<string>();
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

            if (file.EndsWith(".prisma", StringComparison.Ordinal))
            {
                if (SourceReader.Read(file) is { Problem: null, Text: var schema } && schema.Contains("datasource", StringComparison.Ordinal))
                {
                    prismaSchemas.Add((file, schema));
                    roles[file] = ClientRoles.OfFile(relative, schema);
                    prismaVariables.AddRange(DatastoreFinder.PrismaVariables(schema));
                }

                continue;
            }

            var source = SourceReader.Read(file);
            if (source.Problem is not null)
            {
                continue;
            }

            // The scenarios are the app's: what a test or a script reads does not make one.
            roles[file] = ClientRoles.OfFile(relative, source.Text);
            if (roles[file] == ClientRole.App)
            {
                variables.AddRange(ScenarioBuilder.VariablesIn(source.Text));
            }

            if (DatastoreFinder.IsSailsConfig(relative, source.Text))
            {
                var folder = DatastoreFinder.SailsConfigFolder(file);
                if (!sailsConfigs.Contains(folder))
                {
                    sailsConfigs.Add(folder);
                    roles[folder] = roles[file];
                }
            }
            else if (LibraryMarkers.Any(marker => source.Text.Contains(marker, StringComparison.Ordinal)))
            {
                candidates.Add(file);
            }
        }

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

        var input = new Inputs(roles, prismaSchemas, sailsConfigs, sites, pgDefaults);

        // A first pass under scenarios made of every variable the app reads finds those the configurations really read
        // and the values they compare them with (DB_TYPE === 'postgresql'); the scenarios are then made of those alone.
        var (_, probes) = Evaluate(project, cache, input, ScenarioBuilder.Build(variables.Concat(prismaVariables)), notes: []);
        var read = probes.Values.SelectMany(e => e.EnvironmentReads).Concat(variables.Where(v => v.StartsWith("PG", StringComparison.Ordinal)))
            .Concat(prismaVariables).Distinct().ToList();
        var compared = probes.Values.SelectMany(e => e.EnvironmentComparisons).Distinct().ToList();
        return Evaluate(project, cache, input, ScenarioBuilder.Build(read, compared), notes).Model;
    }

    private sealed record Inputs(
        Dictionary<string, ClientRole> Roles,
        List<(string File, string Text)> PrismaSchemas,
        List<string> SailsConfigs,
        List<ClientSite> Sites,
        List<PgDefaultSite> PgDefaults);

    private static (ConfigurationModel Model, Dictionary<string, StaticEvaluator> Evaluators) Evaluate(KnexProject project, ParsedModuleCache cache, Inputs input, IReadOnlyList<Scenario> scenarios, List<string> notes)
    {
        var root = project.Root;
        var (roles, prismaSchemas, sailsConfigs, sites, pgDefaults) = (input.Roles, input.PrismaSchemas, input.SailsConfigs, input.Sites, input.PgDefaults);
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
                StaticValue ConfigOf(string scenario) => environment is null ? exports[scenario]
                    : knexfile.EnvironmentVariable is { } variable ? IndexedConfig(exports[scenario], scenarios.First(s => s.Id == scenario), variable, environment)
                    : (exports[scenario] as JsObject)?.Get(environment) ?? StaticValue.Undefined;
                var production = ConfigOf(ScenarioBuilder.ProductionUnset);
                var client = new DatabaseClient
                {
                    Label = environment is null ? $"{knexfile.Path}:{production.Line}" : $"{knexfile.Path}:{production.Line} [{environment}]",
                    Kind = ClientKind.KnexfileEnvironment,
                    File = knexfile.Path,
                    Line = production.Line,
                    Environment = environment,
                    Settings = scenarios.ToDictionary(s => s.Id, s => SettingsReader.ForKnex(ConfigOf(s.Id), s)),
                    Problems = Located(ConfigProblems.ForKnex(production), root, knexfile.Path),
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
            var arguments = scenarios.ToDictionary(s => s.Id, s => (IReadOnlyList<StaticValue>)site.Arguments.Select(a => evaluators[s.Id].EvaluateIn(site.File, a)).ToList());
            StaticValue ConfigOf(string scenario) => arguments[scenario].Count > 0 ? arguments[scenario][0] : new JsObject([], false);
            var production = ConfigOf(ScenarioBuilder.ProductionUnset);
            var settings = scenarios.ToDictionary(s => s.Id, s => site.Kind switch
            {
                ClientKind.Knex => SettingsReader.ForKnex(ConfigOf(s.Id), s),
                ClientKind.Sequelize => SettingsReader.ForSequelize(arguments[s.Id], s),
                ClientKind.PostgresJs => SettingsReader.ForPostgresJs(arguments[s.Id], s),
                ClientKind.TypeOrm => SettingsReader.ForTypeOrm(ConfigOf(s.Id), s),
                ClientKind.MikroOrm => SettingsReader.ForMikroOrm(ConfigOf(s.Id), s, MikroOrmDialect(site.Module)),
                _ => SettingsReader.ForPg(ConfigOf(s.Id), s),
            });
            var role = roles[site.File];
            string? roleReason = null;
            if (role == ClientRole.App && ClientRoles.IntegrationArgument(relative, site.InputName) is { } integration)
            {
                (role, roleReason) = (ClientRole.OtherDatabase, integration);
            }
            else if (role == ClientRole.App && settings[ScenarioIds.Production].Dialect is { } dialect && project.Dialect.Dialect is var migrationsDialect &&
                     migrationsDialect != SqlDialect.Unknown && dialect != migrationsDialect)
            {
                (role, roleReason) = (ClientRole.OtherDatabase, $"a {dialect} client beside {migrationsDialect} migrations");
            }
            else if (role == ClientRole.App && migrationClient is not null &&
                     ClientRoles.OtherFamily(settings[ScenarioIds.Production].ConnectionVariables, migrationClient.Settings[ScenarioIds.Production].ConnectionVariables) is { } family)
            {
                (role, roleReason) = (ClientRole.OtherDatabase, family);
            }

            clients.Add(new DatabaseClient
            {
                Label = $"{relative}:{site.Line}",
                Role = role,
                RoleReason = roleReason,
                Kind = site.Kind,
                File = relative,
                Line = site.Line,
                Settings = settings,
                Problems = Located(site.Kind switch
                {
                    ClientKind.Knex => ConfigProblems.ForKnex(production),
                    ClientKind.PgPool or ClientKind.PgClient or ClientKind.PgPromise => ConfigProblems.ForPg(production),
                    ClientKind.Sequelize => ConfigProblems.ForSequelize(arguments[ScenarioIds.Production], settings[ScenarioIds.Production].Dialect),
                    _ => [],
                }, root, relative),
                ConfigFrom = project.Knexfile is { } k && site.ConfigNode is not null && UsesModule(site, Path.Combine(root, k.Path), cache) ? "the knexfile" : null,
            });
        }

        foreach (var folder in sailsConfigs)
        {
            clients.AddRange(DatastoreFinder.Sails(root, folder, scenarios, evaluators, roles[folder]));
        }

        foreach (var (file, text) in prismaSchemas)
        {
            clients.AddRange(DatastoreFinder.Prisma(root, file, text, scenarios, roles[file]));
        }

        notes.AddRange(defaultsText.Select(d => $"node-postgres defaults changed for the whole process: {d}"));
        return (new ConfigurationModel { Scenarios = scenarios, Clients = clients, MigrationClient = migrationClient, Notes = notes }, evaluators);
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

    /// <summary>
    /// A knexfile that exports configs[process.env.NODE_ENV]: under a scenario it is the configuration of the
    /// scenario's NODE_ENV (knex then reads its own key of it, if it has one); another environment's is not what Node
    /// loads under that scenario.
    /// </summary>
    private static StaticValue IndexedConfig(StaticValue exported, Scenario scenario, string variable, string environment) =>
        scenario.Variables.GetValueOrDefault(variable) != environment
            ? new JsUnknown(environment, $"the knexfile exports only the configuration {variable} names, and {variable} is not '{environment}' in this scenario")
            : exported is JsObject config && config.Get(environment) is JsObject own ? own : exported;

    private static StaticValue KnexfileExports(StaticEvaluator evaluator, string path)
    {
        var exports = evaluator.EvaluateModuleExports(path);
        return exports is JsFunction function ? ProjectDiscovery.ReturnValueOf(function, evaluator, path) : exports;
    }

    /// <summary>MikroORM's driver package, when the config is built with a dialect's own module (import { defineConfig } from '@mikro-orm/postgresql').</summary>
    private static SqlDialect? MikroOrmDialect(string? module) => module switch
    {
        "@mikro-orm/postgresql" => SqlDialect.PostgreSQL,
        "@mikro-orm/mysql" or "@mikro-orm/mariadb" => SqlDialect.MySQL,
        "@mikro-orm/sqlite" or "@mikro-orm/better-sqlite" or "@mikro-orm/libsql" => SqlDialect.SQLite,
        _ => null,
    };

    /// <summary>
    /// Problems with the file of the setting relative to the root, kept only where it is not the client's own file: a
    /// setting written in a module the client's file requires is a line of that module, not of the client's file.
    /// </summary>
    private static IReadOnlyList<ConfigProblem> Located(IReadOnlyList<ConfigProblem> problems, string root, string clientFile) =>
        [.. problems.Select(p => p.File is null ? p : p with
        {
            File = ProjectFiles.Relative(root, p.File) is var file && file != clientFile ? file : null,
        })];
}
