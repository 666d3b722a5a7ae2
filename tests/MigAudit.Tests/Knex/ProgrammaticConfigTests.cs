using MigAudit.Core;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>
/// Projects without a knexfile whose code runs its migrations: the config object of the migrate call in a variable or
/// a module, or no argument at all, when Knex uses the migrations config of the instance (knex(config)) the call is
/// made on. Each folder and table migaudit reads is checked against what real knex uses when the fixture's own code
/// makes the call.
/// </summary>
public sealed class ProgrammaticConfigTests
{
    private const string MigrateConfig = "module.exports = { directory: __dirname + '/migrations', tableName: 'app_migrations' };\n";

    /// <summary>Real knex, running the fixture's own code that makes the migrate call, uses these folders and this table.</summary>
    private static void AssertKnexUses(TempRepo repo, string call, string[] folders, string table)
    {
        Requires.Dependency(NodeKnex.Available, "real knex from npm (run 'npm ci' in tests/node)");
        if (!Directory.Exists(repo.PathOf("node_modules")))
        {
            NodeKnex.LinkInto(repo);
        }

        var (exit, stdout, stderr) = NodeKnex.Run("migrate-call-config.js", repo.Root, call);
        Assert.True(exit == 0, stderr);
        var answer = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(folders, answer.GetProperty("folders").EnumerateArray().Select(f => f.GetString()!).ToArray());
        Assert.Equal(table, answer.GetProperty("table").GetString());
    }

    private static void AssertMigrateCall(AuditResult result, string[] folders, string table, string file, int line)
    {
        var project = result.Input.Project;
        Assert.Null(project.Knexfile);
        Assert.Equal(ConfigSource.MigrateCall, project.Settings.Source);
        Assert.Equal(folders, project.Settings.Directories);
        Assert.Equal(table, project.Settings.TableName);
        Assert.Equal((file, line), (project.Settings.SourceFile, project.Settings.SourceLine));
        Assert.Equal((ChoiceSource.MigrateCall, $"the migrate call in {file}:{line}"), (project.FolderChoice.Source, project.FolderChoice.Reason));
    }

    [SkippableFact]
    public void The_config_object_required_inline_is_read_with_dirname_of_its_own_module()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("server/migrate-config.js", MigrateConfig);
        repo.Write("server/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("server/app.js", """
            const knex = require('knex')({ client: 'pg', connection: process.env.DATABASE_URL });
            async function start() {
              await knex.migrate.latest(require('./migrate-config'));
            }
            module.exports = { start, knex };
            """);

        var result = Audit.Run(repo.Root);
        AssertMigrateCall(result, ["server/migrations"], "app_migrations", "server/app.js", 3);
        Assert.Empty(result.Unknowns);
        Assert.Equal(["20240101120000_create_users.js"], result.Input.Migrations.Select(m => m.Name));
        AssertKnexUses(repo, "require('./server/app').start()", ["server/migrations"], "app_migrations");
    }

    [SkippableFact]
    public void The_config_object_in_a_variable_holding_a_require_is_read()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("server/migrate-config.js", MigrateConfig);
        repo.Write("server/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("server/bin/migrate.js", """
            const knex = require('knex');
            const cfg = require('../migrate-config');

            const db = knex({ client: 'pg', connection: process.env.DATABASE_URL });
            module.exports = () => db.migrate.latest(cfg).finally(() => db.destroy());
            """);

        var result = Audit.Run(repo.Root);
        AssertMigrateCall(result, ["server/migrations"], "app_migrations", "server/bin/migrate.js", 5);
        Assert.Empty(result.Unknowns);
        AssertKnexUses(repo, "require('./server/bin/migrate')()", ["server/migrations"], "app_migrations");
    }

    [SkippableFact]
    public void A_class_whose_constructor_builds_knex_from_a_config_module_runs_that_configs_migrations()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("src/db/config.js", """
            const path = require('path');
            module.exports = {
              client: 'pg',
              connection: process.env.DATABASE_URL,
              migrations: { directory: path.join(__dirname, 'migrations'), tableName: 'billing_migrations' },
            };
            """);
        repo.Write("src/db/migrations/20240101120000_create_invoices.js", Audit.CreateTable("invoices"));
        repo.Write("src/db/database.js", """
            const knex = require('knex');
            const config = require('./config');

            class Database {
              constructor() {
                this.db = knex(config);
              }

              async migrate() {
                await this.db.migrate.latest();
              }
            }

            module.exports = Database;
            """);

        var result = Audit.Run(repo.Root);
        AssertMigrateCall(result, ["src/db/migrations"], "billing_migrations", "src/db/database.js", 10);
        Assert.Contains("src/db/database.js:10: this.db.migrate.latest() has no argument, so Knex uses the migrations config of the instance this.db, created at src/db/database.js:6", result.Input.Project.Notes);
        Assert.Empty(result.Unknowns);
        AssertKnexUses(repo, "const Database = require('./src/db/database'); new Database().migrate()", ["src/db/migrations"], "billing_migrations");
    }

    [SkippableFact]
    public void A_module_exporting_the_knex_instance_gives_its_migrations_config_to_a_call_without_argument()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("lib/db.js", """
            module.exports = require('knex')({
              client: 'pg',
              connection: process.env.DATABASE_URL,
              migrations: { directory: './db/migrations', tableName: 'orders_migrations' },
            });
            """);
        repo.Write("db/migrations/20240101120000_create_orders.js", Audit.CreateTable("orders"));
        repo.Write("scripts/migrate.js", """
            const db = require('../lib/db');

            module.exports = function migrate() {
              return db.migrate.latest();
            };
            """);

        var result = Audit.Run(repo.Root);

        // './db/migrations' is resolved from the working directory (the package root), not from lib/.
        AssertMigrateCall(result, ["db/migrations"], "orders_migrations", "scripts/migrate.js", 4);
        Assert.Empty(result.Unknowns);
        AssertKnexUses(repo, "require('./scripts/migrate')()", ["db/migrations"], "orders_migrations");
    }

    [SkippableFact]
    public void The_call_argument_is_merged_over_the_instance_migrations_config()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("db/migrations/20240101120000_create_events.js", Audit.CreateTable("events"));
        repo.Write("src/audit-log.mjs", """
            import knex from 'knex';

            const db = knex({
              client: 'pg',
              connection: process.env.DATABASE_URL,
              migrations: { tableName: 'audit_log_migrations', directory: './src/never-used' },
            });

            export async function migrate() {
              await db.migrate.latest({ directory: './db/migrations' });
            }
            """);

        var result = Audit.Run(repo.Root);
        AssertMigrateCall(result, ["db/migrations"], "audit_log_migrations", "src/audit-log.mjs", 10);
        Assert.Empty(result.Unknowns);
        AssertKnexUses(repo, "return import(require('url').pathToFileURL(require.resolve('./src/audit-log.mjs')).href).then((m) => m.migrate())", ["db/migrations"], "audit_log_migrations");
    }

    [SkippableFact]
    public void A_constructor_function_merging_caller_options_knows_the_folder_but_not_the_table()
    {
        // chill117/lnurl-node: the caller's options.migrations may set tableName; the directory is set after it.
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("lib/stores/knex/migrations/0001_urls_init.js", Audit.CreateTable("urls"));
        repo.Write("lib/stores/knex/index.js", """
            const knex = require('knex');
            const path = require('path');

            let Store = function(options) {
              this.options = Object.assign({}, options || {});
              this.options.migrations = Object.assign({
                tableName: 'store_migrations',
              }, this.options.migrations || {}, {
                directory: path.join(__dirname, 'migrations'),
              });
              this.db = knex(this.options);
            };

            Store.prototype.runMigrations = function() {
              return this.db.migrate.latest();
            };

            module.exports = Store;
            """);

        var result = Audit.Run(repo.Root);
        AssertMigrateCall(result, ["lib/stores/knex/migrations"], "store_migrations", "lib/stores/knex/index.js", 15);
        Assert.Equal(
            [new ReadinessUnknown("migrations.tableName cannot be read statically ('store_migrations' unless this.options.migrations || {} sets it): migaudit assumed store_migrations", "lib/stores/knex/index.js", 7)],
            result.Unknowns);
        Assert.Equal(("unknown", false, 0), (result.Verdict, result.Ready, result.BlockingCount));

        // Without options the table is the default the code sets; a caller's options.migrations.tableName replaces it.
        AssertKnexUses(repo, "const Store = require('./lib/stores/knex'); new Store({ client: 'pg' }).runMigrations()", ["lib/stores/knex/migrations"], "store_migrations");
        AssertKnexUses(repo, "const Store = require('./lib/stores/knex'); new Store({ client: 'pg', migrations: { tableName: 'tenant_migrations', directory: '/elsewhere' } }).runMigrations()", ["lib/stores/knex/migrations"], "tenant_migrations");
    }

    [Fact]
    public void An_instance_built_from_a_constructor_parameter_is_an_unknown_and_the_folder_an_assumption()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("db/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("src/store.js", """
            const knex = require('knex');

            class Store {
              constructor(options) {
                this.db = knex(options);
              }

              migrate() {
                return this.db.migrate.latest();
              }
            }

            module.exports = Store;
            """);

        var result = Audit.Run(repo.Root);
        var project = result.Input.Project;
        Assert.Equal(ConfigSource.Convention, project.Settings.Source);
        Assert.Equal(ChoiceSource.MigrationShaped, project.FolderChoice.Source);
        Assert.Equal(["db/migrations"], project.Settings.Directories);
        Assert.Equal(("src/store.js", 9), (project.Settings.SourceFile, project.Settings.SourceLine));
        Assert.Equal(
            [
                new ReadinessUnknown("the migrations settings cannot be read statically (options): migaudit assumed Knex's defaults (./migrations, table knex_migrations)", "src/store.js", 5),
                new ReadinessUnknown("the migrations folder db/migrations is assumed from the files' shape, not read from the migrate call in src/store.js:9: production may run another folder", "src/store.js", 9),
            ],
            result.Unknowns);
        Assert.Equal(("unknown", false, 0), (result.Verdict, result.Ready, result.BlockingCount));
    }

    [Fact]
    public void An_unfollowable_instance_with_no_migrations_anywhere_is_a_usage_error_not_a_missing_folder_blocking()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("src/store.js", """
            const knex = require('knex');
            class Store {
              constructor(options) { this.db = knex(options); }
              migrate() { return this.db.migrate.latest(); }
            }
            module.exports = Store;
            """);

        var error = Assert.Throws<ProjectException>(() => Audit.Run(repo.Root));
        Assert.Equal(ProjectException.UsageExitCode, error.ExitCode);
        Assert.Equal("src/store.js:4: the migrations config of this migrate call cannot be read statically (options: not defined in this module); and this repository has no migrations to audit instead: Knex's default migrations does not exist and no folder holds migration-shaped files (a version in the name, up and down exported). Name the folder with --migrations DIR", error.Message);

        // Named on the command line, the folder is audited; the call's config is no longer needed to find it.
        repo.Write("db/schema/001_init.js", Audit.CreateTable("users"));
        var named = Audit.Run(repo.Root, new MigAudit.Knex.Discovery.DiscoveryOptions { MigrationDirectories = ["db/schema"] });
        Assert.Equal(["db/schema"], named.Input.Project.Settings.Directories);
        Assert.Equal(ConfigSource.CommandLine, named.Input.Project.Settings.Source);
    }

    [Theory]
    [InlineData("  private readonly db: Knex;\n\n  constructor() {\n    this.db = knex(dbConfig);\n  }\n", 12, 8)]
    [InlineData("  private readonly db: Knex = knex(dbConfig);\n", 8, 5)]
    public void A_typescript_service_class_runs_the_migrations_of_its_imported_config(string members, int callLine, int instanceLine)
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("src/database/db.config.ts", """
            import path from 'path';
            import type { Knex } from 'knex';

            export const dbConfig: Knex.Config = {
              client: 'pg',
              connection: process.env.DATABASE_URL,
              migrations: { directory: path.join(__dirname, 'migrations'), tableName: 'service_migrations', loadExtensions: ['.ts'] },
            };
            """);
        repo.Write("src/database/migrations/20240101120000_create_accounts.ts", Audit.CreateTable("accounts"));
        repo.Write("src/database/database.service.ts", "import knex, { Knex } from 'knex';\nimport { dbConfig } from './db.config';\n\nexport class DatabaseService {\n" + members + """

              async onModuleInit(): Promise<void> {
                await this.db.migrate.latest();
              }
            }
            """);

        var result = Audit.Run(repo.Root);
        AssertMigrateCall(result, ["src/database/migrations"], "service_migrations", "src/database/database.service.ts", callLine);
        Assert.Equal([".ts"], result.Input.Project.Settings.LoadExtensions);
        Assert.Contains($"src/database/database.service.ts:{callLine}: this.db.migrate.latest() has no argument, so Knex uses the migrations config of the instance this.db, created at src/database/database.service.ts:{instanceLine}", result.Input.Project.Notes);
        Assert.Empty(result.Unknowns);
        Assert.Equal(["20240101120000_create_accounts.ts"], result.Input.Migrations.Select(m => m.Name));
    }
}
