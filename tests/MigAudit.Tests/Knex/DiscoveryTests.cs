using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.Migrations;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

public sealed class DiscoveryTests
{
    private static KnexProject Discover(TempRepo repo, DiscoveryOptions? options = null) => ProjectDiscovery.Discover(repo.Root, options ?? new DiscoveryOptions());

    [Fact]
    public void Knexfile_with_spreads_constants_and_a_required_config_module()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("config/migrations.js", "const path = require('path');\nmodule.exports = { directory: [path.join(__dirname, '..', 'db', 'migrations'), './db/extra'], tableName: 'schema_history', loadExtensions: ['.js', '.mjs'], sortDirsSeparately: true };\n");
        repo.Write("knexfile.js", """
            const migrations = require('./config/migrations');
            const base = { client: 'pg', migrations };
            module.exports = {
              development: { ...base, connection: 'postgres://localhost/dev' },
              production: { ...base, connection: process.env.DATABASE_URL, migrations: { ...migrations, schemaName: 'app' } },
            };
            """);
        var project = Discover(repo);
        Assert.Equal("production", project.Environment);
        Assert.Equal(["development", "production"], project.Knexfile!.Environments);
        var settings = project.Settings;
        Assert.Equal(["db/migrations", "db/extra"], settings.Directories);
        Assert.Equal(("schema_history", "app"), (settings.TableName, settings.SchemaName));
        Assert.Equal([".js", ".mjs"], settings.LoadExtensions);
        Assert.True(settings.SortDirsSeparately);
    }

    [Fact]
    public void Typescript_knexfile_with_default_export_and_relative_directory()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("server/knexfile.ts", """
            import type { Knex } from "knex";

            const config: { [key: string]: Knex.Config } = {
              development: {
                client: "postgresql",
                connection: { database: "app" },
                migrations: { tableName: "knex_migrations", directory: "./src/db/migrations", extension: "ts" },
              },
            };

            export default config;
            """);
        var project = Discover(repo);
        Assert.Equal("server/knexfile.ts", project.Knexfile!.Path);
        Assert.Equal("development", project.Environment);
        Assert.Equal(["server/src/db/migrations"], project.Settings.Directories);
        Assert.Contains(project.Notes, n => n.Contains("no 'production' environment; auditing 'development'"));
    }

    [Fact]
    public void Single_configuration_knexfile_and_function_export()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.js", "module.exports = () => ({ client: 'pg', migrations: { directory: 'db/changes' } });\n");
        var project = Discover(repo);
        Assert.True(project.Knexfile!.SingleConfiguration);
        Assert.Null(project.Environment);
        Assert.Equal(["db/changes"], project.Settings.Directories);
    }

    [Fact]
    public void Knexfile_in_build_output_is_a_last_resort()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("dist/knexfile.js", "module.exports = { client: 'pg', migrations: { directory: './compiled' } };\n");
        repo.Write("src/knexfile.ts", "export default { client: 'pg', migrations: { directory: './migrations' } };\n");
        var project = Discover(repo);
        Assert.Equal("src/knexfile.ts", project.Knexfile!.Path);
        Assert.Equal(["dist/knexfile.js"], project.OtherKnexfiles);
    }

    [Fact]
    public void A_migrate_call_reading_its_directory_from_a_static_class_field_uses_that_folder()
    {
        // uptime-kuma: static knexMigrationsPath = "./db/knex_migrations"; ... migrate.latest({ directory: Database.knexMigrationsPath })
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("db/knex_migrations/2023-08-16-0000-create-uptime.js", Audit.CreateTable("stat_daily"));
        repo.Write("server/database.js", """
            class Database {
                static knexMigrationsPath = "./db/knex_migrations";
                static async patch(knex) {
                    await knex.migrate.latest({
                        directory: Database.knexMigrationsPath,
                    });
                }
            }
            module.exports = Database;
            """);
        var project = Discover(repo);
        Assert.Equal(ConfigSource.MigrateCall, project.Settings.Source);
        Assert.Equal(["db/knex_migrations"], project.Settings.Directories);
        Assert.Empty(project.SourceProblems);
    }

    [Fact]
    public void Migrate_latest_call_in_code_without_knexfile()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{}");
        repo.Write("src/db.js", "const path = require('path');\nconst knex = require('knex')({ client: 'pg' });\nasync function migrate() {\n  await knex.migrate.latest({ directory: path.join(__dirname, 'migrations'), tableName: 'migrations' });\n}\nmodule.exports = { migrate };\n");
        var project = Discover(repo);
        Assert.Null(project.Knexfile);
        Assert.Equal(ConfigSource.MigrateCall, project.Settings.Source);
        Assert.Equal(["src/migrations"], project.Settings.Directories);
        Assert.Equal("migrations", project.Settings.TableName);
        Assert.Equal(4, project.Settings.SourceLine);
    }

    [Fact]
    public void Conventional_migrations_folder_when_nothing_else()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("db/migrations/20250101000000_a.js", Audit.CreateTable("a"));
        var project = Discover(repo);
        Assert.Equal(ConfigSource.Convention, project.Settings.Source);
        Assert.Equal(["db/migrations"], project.Settings.Directories);
    }

    [Fact]
    public void Listing_follows_javascript_string_order_and_case_sensitive_extensions()
    {
        using var repo = new TempRepo(init: false);
        foreach (var name in new[] { "b_x.js", "B_x.js", "a-1.js", "a_1.js", "026_x.js", "20250202000034_y.js", "20250202000034_Y.ts", "c.JS", "d.mjs", "e.d.ts", "notes.md", ".hidden.js" })
        {
            repo.Write("migrations/" + name, "exports.up = async () => {};\nexports.down = async () => {};\n");
        }

        var listing = MigrationLister.List(repo.Root, new MigrationSettings { Directories = ["migrations"], Source = ConfigSource.CommandLine });
        // Node's path.extname('.hidden.js') is '.js', so Knex loads dot-files too; '.' sorts before digits.
        Assert.Equal([".hidden.js", "026_x.js", "20250202000034_Y.ts", "20250202000034_y.js", "B_x.js", "a-1.js", "a_1.js", "b_x.js", "e.d.ts"], listing.Migrations.Select(m => m.Name));
        Assert.Equal(["c.JS", "d.mjs"], listing.Ignored.Select(i => i.Name));
        Assert.Contains("differs in case", listing.Ignored[0].Reason);
    }

    [Fact]
    public void Several_directories_sort_together_unless_sorted_separately()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("a/2.js", "").Write("a/4.js", "").Write("b/1.js", "").Write("b/3.js", "");
        var together = MigrationLister.List(repo.Root, new MigrationSettings { Directories = ["a", "b"], Source = ConfigSource.CommandLine });
        Assert.Equal(["b/1.js", "a/2.js", "b/3.js", "a/4.js"], together.Migrations.Select(m => m.Path));
        var separately = MigrationLister.List(repo.Root, new MigrationSettings { Directories = ["a", "b"], SortDirsSeparately = true, Source = ConfigSource.CommandLine });
        Assert.Equal(["a/2.js", "a/4.js", "b/1.js", "b/3.js"], separately.Migrations.Select(m => m.Path));
    }

    [Fact]
    public void A_test_fixtures_knexfile_is_not_taken_for_the_applications_and_the_others_are_listed()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("test/knexfile.js", "module.exports = { client: 'sqlite3', migrations: { directory: './fixture-migrations' } };\n");
        repo.Write("server/knexfile.js", "module.exports = { production: { client: 'pg', migrations: { directory: './migrations' } } };\n");
        repo.Write("server/migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        var project = Discover(repo);
        Assert.Equal("server/knexfile.js", project.Knexfile!.Path);
        Assert.Equal(["test/knexfile.js"], project.OtherKnexfiles);
        Assert.Contains("several knexfiles found; auditing server/knexfile.js (others: test/knexfile.js); choose one with --knexfile", project.Notes);
    }

    [Fact]
    public void A_knexfile_pointing_at_build_output_is_audited_through_its_typescript_sources()
    {
        // dist/ is build output, ignored by git: Knex in production runs dist/migrations/*.js, compiled from src/migrations/*.ts.
        using var repo = new TempRepo();
        repo.Write(".gitignore", "dist/\n");
        repo.Write("knexfile.ts", "export default { production: { client: 'pg', connection: process.env.DATABASE_URL, migrations: { directory: './dist/migrations', loadExtensions: ['.js'] } } };\n");
        repo.Write("src/migrations/20250101000000_create_users.ts", "import { Knex } from 'knex';\nexport async function up(knex: Knex) { await knex.schema.createTable('users', (t) => { t.increments('id'); }); }\nexport async function down(knex: Knex) { await knex.schema.dropTable('users'); }\n");
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Equal(["src/migrations"], result.Input.Project.Settings.Directories);
        Assert.Equal(".js", result.Input.Project.Settings.RecordedExtension);
        Assert.Contains("the migration directory dist/migrations is build output, not in the repository: auditing its TypeScript sources in src/migrations; Knex records the compiled names (.js instead of .ts) in knex_migrations", result.Input.Project.Notes);
        Assert.Equal(["20250101000000_create_users.ts"], result.Input.Migrations.Select(m => m.Name));
        Assert.Empty(result.Of("migration-source-unknown"));
        Assert.True(result.Ready);
    }

    [Fact]
    public void The_migrate_script_passes_the_knexfile_environment_and_migrations_directory()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", """
            { "scripts": {
                "seed": "knex seed:run --knexfile db/knexfile.js",
                "migrate": "npm run build && knex migrate:latest --knexfile db/knexfile.js --env=staging --migrations-directory ../build/migrations"
            } }
            """);
        repo.Write("db/knexfile.js", "module.exports = { development: { client: 'pg' }, staging: { client: 'pg', migrations: { directory: './migrations' } } };\n");
        repo.Write("build/migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        var project = Discover(repo);
        Assert.Equal("db/knexfile.js", project.Knexfile!.Path);
        Assert.Equal("staging", project.Environment);

        // Knex resolves --migrations-directory from the knexfile's folder, where it changes to.
        Assert.Equal(["build/migrations"], project.Settings.Directories);
        Assert.Contains("environment 'staging' is the one the 'migrate' script in package.json passes to knex (--env)", project.Notes);
        Assert.Contains("migrations directory ../build/migrations is the one the 'migrate' script in package.json passes to knex (--migrations-directory)", project.Notes);
    }

    [Fact]
    public void The_command_line_wins_over_the_migrate_script()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{ \"scripts\": { \"migrate\": \"knex migrate:latest --env staging\" } }");
        repo.Write("knexfile.js", "module.exports = { staging: { client: 'pg' }, production: { client: 'pg' } };\n");
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions { Environment = "production" });
        Assert.Equal("production", project.Environment);
    }

    [Fact]
    public void A_knexfile_with_computed_environments_is_audited_with_knex_defaults_and_says_so()
    {
        // The shape of a real project: the environment name and its settings come from the 'config' package.
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "const { loadFileConfigs } = require('config').util;\nconst env = process.env.NODE_ENV || 'development';\nmodule.exports = { [env]: loadFileConfigs().postgres };\n");
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();
        var result = Audit.Run(repo.Root);
        Assert.Equal(["migrations"], result.Input.Project.Settings.Directories);
        Assert.Single(result.Input.Migrations);
        var finding = Assert.Single(result.Of("migration-source-unknown"));
        Assert.False(finding.Blocking);
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal(("knexfile.js", 3), (finding.File, finding.Line));
        Assert.StartsWith("knexfile.js builds its environments at run time (computed keys); migaudit assumed Knex's default migration settings", finding.Message);

        // An assumed folder is never "ready": nothing blocks, so the verdict is unknown, with the knexfile's line.
        Assert.False(result.Ready);
        Assert.Equal("unknown", result.Verdict);
        var unknown = Assert.Single(result.Unknowns);
        Assert.Equal(("knexfile.js", 3), (unknown.File, unknown.Line));
        Assert.Equal("knexfile.js builds its environments at run time (computed keys): the migrations folder and settings production uses are not known; migaudit assumed Knex's defaults", unknown.Reason);
        Assert.Equal((ChoiceSource.KnexDefault, "Knex's default ./migrations beside knexfile.js, whose environments are built at run time"), (result.Input.Project.FolderChoice.Source, result.Input.Project.FolderChoice.Reason));
    }

    [Fact]
    public void The_knexfile_a_package_script_passes_to_knex_wins_and_may_be_json()
    {
        using var repo = new TempRepo();
        repo.Write("package.json", "{ \"scripts\": { \"migrate\": \"knex migrate:latest --knexfile config/knexfile.json\", \"test\": \"vitest\" } }\n");
        repo.Write("config/knexfile.json", "{\n  \"production\": { \"client\": \"pg\", \"migrations\": { \"directory\": \"../db/migrations\" } }\n}\n");
        repo.Write("db/migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Write("vendor/lib/knexfile.js", "module.exports = { production: { client: 'sqlite3', migrations: { directory: './nothing' } } };\n");
        repo.Commit();

        var result = Audit.Run(repo.Root);
        Assert.Equal("config/knexfile.json", result.Input.Project.Knexfile!.Path);
        Assert.Equal(["db/migrations"], result.Input.Project.Settings.Directories);
        Assert.Contains("knexfile config/knexfile.json is the one the 'migrate' script in package.json passes to knex (--knexfile)", result.Input.Project.Notes);
        Assert.True(result.Ready);
    }

    [Theory]
    [InlineData("cd server && knex migrate:latest", "server/knexfile.js", "server/migrations")]
    [InlineData("cd server && npx knex migrate:latest --knexfile db/knexfile.js", "server/db/knexfile.js", "server/db/migrations")]
    [InlineData("knex --cwd server migrate:latest --knexfile db/knexfile.js", "server/db/knexfile.js", "server/db/migrations")]
    [InlineData("cd server/src && knex migrate:latest --migrations-directory ../migrations", "server/knexfile.js", "server/migrations")]
    public void The_folder_a_script_runs_knex_in_decides_the_knexfile_over_a_shallower_one(string command, string knexfile, string directory)
    {
        // The shape of a monorepo: a tooling knexfile at depth 1 would win by depth alone; knex itself, run the
        // package's way, finds the server's (from --cwd or "cd", and upwards from there without --knexfile).
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", $"{{ \"scripts\": {{ \"migrate\": \"{command}\" }} }}\n");
        repo.Write("tools/knexfile.js", "module.exports = { client: 'sqlite3', migrations: { directory: './fixtures' } };\n");
        repo.Write("server/knexfile.js", "module.exports = { client: 'pg' };\n");
        repo.Write("server/db/knexfile.js", "module.exports = { client: 'pg' };\n");
        repo.Write("server/src/index.js", "\n");
        repo.Write(directory + "/20250101000000_create_users.js", Audit.CreateTable("users"));

        var project = Discover(repo);

        Assert.Equal(knexfile, project.Knexfile!.Path);
        Assert.Equal([directory], project.Settings.Directories);
    }

    [Fact]
    public void Of_several_knexfiles_the_one_the_app_loads_to_migrate_wins_over_a_shallower_one()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("tools/knexfile.js", "module.exports = { client: 'sqlite3', migrations: { directory: './fixtures' } };\n");
        repo.Write("tools/report.js", "const config = require('./knexfile');\nconsole.log(config.client);\n");
        repo.Write("server/db/knexfile.js", "module.exports = { production: { client: 'pg' } };\n");
        repo.Write("server/src/db.js", "const knexfile = require('../db/knexfile');\nconst db = require('knex')(knexfile.production);\nmodule.exports = () => db.migrate.latest();\n");
        repo.Write("test/setup.js", "const config = require('../tools/knexfile.js');\nrequire('knex')(config).migrate.latest();\n");
        repo.Write("server/db/migrations/20250101000000_create_users.js", Audit.CreateTable("users"));

        var project = Discover(repo);

        Assert.Equal("server/db/knexfile.js", project.Knexfile!.Path);
        Assert.Equal(["server/db/migrations"], project.Settings.Directories);
        Assert.Contains("knexfile server/db/knexfile.js is the one server/src/db.js loads", project.Notes);
        Assert.Equal(["tools/knexfile.js"], project.OtherKnexfiles);
    }

    [Fact]
    public void A_snake_case_wrap_identifier_written_in_a_required_module_is_recognised()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("db/naming.js", "// naming helpers shared by the app and the knexfile\nconst { snakeCase } = require('lodash');\nexports.wrapIdentifier = (value, origImpl) => origImpl(snakeCase(value));\n");
        repo.Write("knexfile.js", "const { wrapIdentifier } = require('./db/naming');\nmodule.exports = { production: { client: 'pg', wrapIdentifier } };\n");
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));

        Assert.Equal(IdentifierTransform.SnakeCase, Discover(repo).IdentifierTransform);
    }
}
