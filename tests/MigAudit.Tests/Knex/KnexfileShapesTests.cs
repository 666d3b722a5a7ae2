using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// Knexfile shapes real projects use, read statically, each checked against the real knex CLI (3.1.0, tests/node):
/// <c>knex migrate:make</c> writes its new file into the first migrations folder of the configuration knex loaded,
/// without a database, so the folder it writes to is the folder migaudit must find.
/// </summary>
public sealed class KnexfileShapesTests
{
    private const string PgConfig = "client: 'pg', connection: 'postgres://localhost/app'";

    public static TheoryData<string, string, string> Shapes => new()
    {
        // try/catch fallbacks: the branch whose module exists (the build output is not in the repository).
        {
            "require-fallback", "production", """
            let config;
            try {
              config = require('./build/db/config');
            } catch {
              config = require('./src/db/config');
            }
            module.exports = config;
            """
        },
        // module.exports = configs[process.env.NODE_ENV]
        {
            "environment-indexed", "production", """
            const configs = {
              development: { CONFIG, migrations: { directory: './dev/migrations' } },
              production: { CONFIG, migrations: { directory: './db/migrations' } },
            };
            module.exports = configs[process.env.NODE_ENV];
            """
        },
        // { development, production }[env] ?? new Error(...), in an ES module with a default export.
        {
            "environment-indexed-default.mjs", "production", """
            const env = process.env.NODE_ENV || 'development';
            export const development = { CONFIG, migrations: { directory: './dev/migrations' } };
            export const production = { CONFIG, migrations: { directory: './db/migrations' } };
            export default { development, production }[env] ?? new Error(`No configuration for ${env}`);
            """
        },
        // A whole configuration chosen by a condition: both branches use the same folder.
        {
            "ternary-whole-config", "production", """
            const config = process.env.DATABASE_URL
              ? { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './db/migrations' } }
              : { client: 'pg', connection: { host: 'localhost', database: 'app' }, migrations: { directory: './db/migrations' } };
            module.exports = { development: config, production: config };
            """
        },
        // A factory function: knex calls it with no arguments and awaits it.
        {
            "factory", "production", """
            module.exports = () => ({ CONFIG, migrations: { directory: './db/migrations' } });
            """
        },
        {
            "async-factory.mjs", "production", """
            export default async () => {
              const base = { CONFIG };
              return { ...base, migrations: { directory: './db/migrations', tableName: 'knex_migrations' } };
            };
            """
        },
        // A property of a required config module, and a config built by a function of another module.
        {
            "module-property", "production", """
            module.exports = require('./app/config').db;
            """
        },
        {
            "module-factory", "production", """
            const { createDbConfig } = require('./lib/database');
            module.exports = { development: createDbConfig('dev'), production: createDbConfig('db') };
            """
        },
        // Object.assign(configs, configs[process.env.NODE_ENV]) (koa-knex-realworld-example): the environments stay,
        // with NODE_ENV's settings copied to the top for the app's knex(knexfile); the CLI reads configs[env].
        {
            "object-assign-environment", "production", """
            const options = { CONFIG, migrations: { directory: './db/migrations', tableName: 'migrations' } };
            const configs = {
              development: Object.assign({}, options, { migrations: { directory: './dev/migrations' } }),
              production: Object.assign({}, options),
            };
            Object.assign(configs, configs[process.env.NODE_ENV]);
            module.exports = configs;
            """
        },
        // JSON imported with an attribute.
        {
            "json-import.mjs", "production", """
            import database from './config/database.json' with { type: 'json' };
            export default database;
            """
        },
    };

    /// <summary>The modules the knexfiles above require, written in every fixture.</summary>
    private static void WriteModules(TempRepo repo)
    {
        repo.Write("src/db/config.js", $"module.exports = {{ {PgConfig}, migrations: {{ directory: './db/migrations' }} }};\n");
        repo.Write("app/config.js", $"module.exports = {{ port: 3000, db: {{ {PgConfig}, migrations: {{ directory: './db/migrations' }} }} }};\n");
        repo.Write("lib/database.js", $"exports.createDbConfig = (folder) => ({{ {PgConfig}, migrations: {{ directory: `./${{folder}}/migrations` }} }});\n");
        repo.Write("config/database.json", """{ "client": "pg", "connection": "postgres://localhost/app", "migrations": { "directory": "./db/migrations" } }""");
        repo.Write("db/migrations/20240101000000_init.js", "exports.up = () => {}; exports.down = () => {};\n");
    }

    private static string KnexfileName(string name) => name.EndsWith(".mjs", StringComparison.Ordinal) ? "knexfile.mjs" : "knexfile.js";

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Migaudit_reads_the_folder(string name, string environment, string knexfile)
    {
        using var repo = new TempRepo(init: false);
        WriteModules(repo);
        repo.Write(KnexfileName(name), knexfile.Replace("CONFIG", PgConfig, StringComparison.Ordinal));
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal(["db/migrations"], project.Settings.Directories);
        Assert.Empty(project.SourceProblems);
        Assert.True(project.Environment is null || project.Environment == environment, $"environment {project.Environment}");
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public async Task Real_knex_uses_the_same_folder(string name, string environment, string knexfile)
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        using var repo = new TempRepo(init: false);
        WriteModules(repo);
        repo.Write(KnexfileName(name), knexfile.Replace("CONFIG", PgConfig, StringComparison.Ordinal));
        Assert.Equal("db/migrations", await FolderKnexWritesTo(repo, KnexfileName(name), new() { ["NODE_ENV"] = environment }));
    }

    /// <summary>The folder `knex migrate:make` (the real CLI) creates its new migration in, relative to the project.</summary>
    internal static async Task<string> FolderKnexWritesTo(TempRepo repo, string knexfile, Dictionary<string, string?> environment)
    {
        if (!Path.Exists(repo.PathOf("node_modules")))
        {
            NodeKnex.LinkInto(repo);
        }

        var result = await ChildProcess.RunAsync("node", [repo.PathOf("node_modules/knex/bin/cli.js"), "migrate:make", "probe", "--knexfile", repo.PathOf(knexfile)], repo.Root, environment);
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        // An .mjs knexfile makes knex write an .mjs migration (its extension defaults to the knexfile's).
        var created = Directory.EnumerateFiles(repo.Root, "*_probe.*", SearchOption.AllDirectories).Where(f => !f.Contains("node_modules", StringComparison.Ordinal)).ToList();
        var file = Assert.Single(created);
        File.Delete(file);
        return Path.GetRelativePath(repo.Root, Path.GetDirectoryName(file)!).Replace('\\', '/');
    }

    [SkippableFact]
    public async Task Branches_that_run_different_folders_are_an_unknown_naming_each()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("server/db-config.js", $$"""
            let config;
            if (process.env.DB_LEGACY) {
              config = { {{PgConfig}}, migrations: { directory: './legacy/migrations' } };
            } else {
              config = { {{PgConfig}}, migrations: { directory: './db/migrations' } };
            }
            module.exports = config;
            """);
        repo.Write("knexfile.js", "const config = require('./server/db-config');\nmodule.exports = { production: config };\n");
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        var problem = Assert.Single(project.SourceProblems);
        Assert.False(problem.Blocking);
        Assert.Equal(("knexfile.js", "migration-source"), (problem.File, problem.Key));
        var unknown = Assert.Single(project.Unknowns);
        Assert.Equal((problem.Message, "knexfile.js", 2), (unknown.Reason, unknown.File, unknown.Line));
        Assert.Equal(
            "which migrations Knex runs depends on a condition migaudit cannot decide (knexfile.js:2): when not process.env.DB_LEGACY (db-config.js:2): db/migrations (table knex_migrations); " +
            "when process.env.DB_LEGACY (db-config.js:2): legacy/migrations (table knex_migrations); the first is audited (choose with --migrations DIR)", problem.Message);
        Assert.Equal(["db/migrations"], project.Settings.Directories);

        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        repo.Write("legacy/migrations/.keep", string.Empty).Write("db/migrations/.keep", string.Empty);
        Assert.Equal("legacy/migrations", await FolderKnexWritesTo(repo, "knexfile.js", new() { ["NODE_ENV"] = "production", ["DB_LEGACY"] = "1" }));
        Assert.Equal("db/migrations", await FolderKnexWritesTo(repo, "knexfile.js", new() { ["NODE_ENV"] = "production", ["DB_LEGACY"] = null }));
    }

    /// <summary>
    /// Knex's CLI reads <c>allConfigs[env] || allConfigs</c> with env = --env, else NODE_ENV: an export that copies
    /// NODE_ENV's settings to its top still has its environments, and --env chooses among them whatever NODE_ENV is.
    /// </summary>
    [SkippableFact]
    public async Task Settings_copied_to_the_top_of_the_environments_leave_each_environment_its_own_folder()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.js", $$"""
            const options = { {{PgConfig}}, migrations: { directory: './db/migrations', tableName: 'migrations' } };
            const configs = {
              development: Object.assign({}, options, { migrations: { directory: './dev/migrations' } }),
              production: Object.assign({}, options),
            };
            Object.assign(configs, configs[process.env.NODE_ENV]);
            module.exports = configs;
            """);
        var development = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions { Environment = "development" });
        Assert.Equal(["development", "production"], development.Knexfile!.Environments);
        Assert.Equal(["dev/migrations"], development.Settings.Directories);
        var production = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal(("production", "migrations"), (production.Environment, production.Settings.TableName));
        Assert.Equal(["db/migrations"], production.Settings.Directories);
        Assert.Empty(production.Unknowns);

        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        repo.Write("dev/migrations/.keep", string.Empty).Write("db/migrations/.keep", string.Empty);
        NodeKnex.LinkInto(repo);
        var result = await ChildProcess.RunAsync("node", [repo.PathOf("node_modules/knex/bin/cli.js"), "migrate:make", "probe", "--env", "development", "--knexfile", repo.PathOf("knexfile.js")], repo.Root, new Dictionary<string, string?> { ["NODE_ENV"] = "production" });
        Assert.True(result.ExitCode == 0, result.Stderr + result.Stdout);
        File.Delete(Assert.Single(Directory.EnumerateFiles(repo.PathOf("dev/migrations"), "*_probe.js")));
        Assert.Equal("db/migrations", await FolderKnexWritesTo(repo, "knexfile.js", new() { ["NODE_ENV"] = "production" }));
    }

    [Fact]
    public void An_environment_indexed_knexfile_lists_its_keys_and_says_NODE_ENV_chooses()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.ts", $$"""
            const configs: Record<string, object> = {
              development: { {{PgConfig}}, migrations: { directory: './dev/migrations' } },
              production: { {{PgConfig}}, migrations: { directory: './db/migrations' } },
            };
            export default configs[process.env.NODE_ENV as unknown as string];
            """);
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions { Environment = "development" });
        Assert.Equal(["development", "production"], project.Knexfile!.Environments);
        Assert.Equal("NODE_ENV", project.Knexfile.EnvironmentVariable);
        Assert.Equal(["dev/migrations"], project.Settings.Directories);
        Assert.Contains(project.Notes, n => n.Contains("knex's --env does not set NODE_ENV", StringComparison.Ordinal));
    }
}

/// <summary>Shapes that need TypeScript's build or a package tests/node does not install: read statically, with their rules stated.</summary>
public sealed class KnexfileShapesStaticTests
{
    private const string Migrations = "exports.up = () => {}; exports.down = () => {};\n";

    [Fact]
    public void Build_output_is_read_through_its_source_by_tsconfig_outDir_rootDir_and_extends()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("tsconfig.base.json", "{ \"compilerOptions\": { \"outDir\": \"./dist\", \"rootDir\": \"./src\", } // comments and trailing commas, as tsc allows\n}");
        repo.Write("tsconfig.json", """{ "extends": "./tsconfig.base.json", "compilerOptions": { "strict": true } }""");
        repo.Write("src/db/config.ts", "import type { Knex } from 'knex';\nconst config: Knex.Config = { client: 'pg', migrations: { directory: './src/db/migrations' } };\nexport default config;\n");
        repo.Write("src/db/migrations/20240101000000_init.ts", Migrations);
        repo.Write("knexfile.js", "module.exports = require('./dist/db/config').default;\n");
        Assert.Equal(["src/db/migrations"], ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions()).Settings.Directories);
    }

    [Fact]
    public void A_path_alias_is_resolved_by_tsconfig_paths_and_baseUrl()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("tsconfig.json", """{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] } } }""");
        repo.Write("src/db/config.ts", "export const database = { client: 'pg', migrations: { directory: './src/db/migrations' } };\n");
        repo.Write("knexfile.ts", "import { database } from '@/db/config';\nexport default { production: database };\n");
        Assert.Equal(["src/db/migrations"], ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions()).Settings.Directories);
    }

    [Fact]
    public void A_getter_of_a_class_instance_is_followed_with_this_bound()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("src/database.ts", """
            const Environment = { DEVELOPMENT: 'development', PRODUCTION: 'production' } as const;
            class Database {
              private settings: { client: string };
              public constructor(settings: { client: string }) {
                this.settings = settings;
              }
              private get initialConfig() {
                return { client: this.settings.client, migrations: { directory: 'src/db/migrations', tableName: 'migrations' } };
              }
              public get environmentsConfig() {
                return { [Environment.DEVELOPMENT]: this.initialConfig, [Environment.PRODUCTION]: this.initialConfig };
              }
            }
            const database = new Database({ client: 'pg' });
            export { database };
            """);
        repo.Write("knexfile.ts", "import { database } from './src/database.js';\nexport default database.environmentsConfig;\n");
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal(["development", "production"], project.Knexfile!.Environments);
        Assert.Equal(["src/db/migrations"], project.Settings.Directories);
        Assert.Equal("migrations", project.Settings.TableName);
        Assert.Equal(SqlDialect.PostgreSQL, project.Dialect.Dialect);
    }

    /// <summary>
    /// node-config (its README, "Configuration Files"): default.EXT, then {deployment}.EXT with the deployment from
    /// NODE_CONFIG_ENV, else NODE_ENV, else development, then local files, and custom-environment-variables last.
    /// </summary>
    [Fact]
    public void The_config_package_merges_default_and_the_NODE_ENV_file_and_each_deployment_is_an_environment()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("config/default.json", """{ "port": 3000, "knex": { "client": "pg", "migrations": { "directory": "./db/migrations", "tableName": "knex_migrations" } } }""");
        repo.Write("config/production.json", """{ "knex": { "migrations": { "tableName": "schema_migrations" } } }""");
        repo.Write("config/test.js", "module.exports = { knex: { migrations: { directory: './test/migrations' } } };\n");
        repo.Write("config/custom-environment-variables.json", """{ "port": "PORT" }""");
        repo.Write("knexfile.js", "const config = require('config');\nmodule.exports = config.get('knex');\n");
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal(["development", "production", "test"], project.Knexfile!.Environments.Order());
        Assert.Equal(("production", "schema_migrations"), (project.Environment, project.Settings.TableName));
        Assert.Equal(["db/migrations"], project.Settings.Directories);
        var test = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions { Environment = "test" });
        Assert.Equal(["test/migrations"], test.Settings.Directories);
        Assert.Equal("knex_migrations", test.Settings.TableName);
    }

    [Fact]
    public void A_config_folder_in_a_format_migaudit_does_not_read_stays_unknown()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("config/default.json", """{ "knex": { "client": "pg" } }""");
        repo.Write("config/production.yml", "knex:\n  migrations:\n    directory: ./elsewhere\n");
        repo.Write("knexfile.js", "module.exports = require('config').knex;\n");
        repo.Write("settings.js", "module.exports = require('config');\n");
        Assert.Throws<ProjectException>(() => ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions()));
        var settings = Assert.IsType<MigAudit.Knex.JavaScript.JsUnknown>(new MigAudit.Knex.JavaScript.StaticEvaluator(repo.Root).EvaluateModuleExports(repo.PathOf("settings.js")));
        Assert.Equal("node-config reads config/production.yml, a format migaudit does not read", settings.Reason);
    }

    [Fact]
    public void An_example_knexfile_is_used_when_there_is_no_other_and_the_report_says_so()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.example.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './db/migrations' } } };\n");
        repo.Write("db/migrations/20240101000000_init.js", Migrations);
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal(("knexfile.example.js", true), (project.Knexfile!.Path, project.Knexfile.Example));
        Assert.Equal(["db/migrations"], project.Settings.Directories);
        Assert.Contains(project.Notes, n => n.StartsWith("no knexfile in the repository: reading the example knexfile knexfile.example.js", StringComparison.Ordinal));
    }
}
