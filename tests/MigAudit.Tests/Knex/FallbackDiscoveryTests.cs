using MigAudit.Core;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Knex;

/// <summary>A knexfile migaudit cannot evaluate still gets an audit, on a folder it names as an assumption, and never "ready".</summary>
public sealed class FallbackDiscoveryTests
{
    /// <summary>A TypeScript knexfile with an exported destructuring declaration in a namespace, which migaudit's TypeScript reader does not rewrite (tsc and ts-node do).</summary>
    private const string UnreadableKnexfile = """
        import type { Knex } from "knex";
        namespace Env { export const { production } = { production: "production" }; }
        const config: { [key: string]: Knex.Config } = {
          production: { client: "pg", connection: process.env.DATABASE_URL, migrations: { directory: "./db/migrations" } },
        };
        export default config;
        """;

    private const string ParseReason = "cannot be parsed: migaudit does not rewrite an exported destructuring declaration in a namespace, found '{' (migaudit could not read this TypeScript)";

    private static string KnexfileUnknown(string file, string reason) =>
        $"migaudit could not evaluate {file}: {reason}; the environment's migration settings (folder, table, loadExtensions, migrationSource) are not known";

    [Fact]
    public void An_unreadable_knexfile_falls_back_to_knex_default_folder_beside_it_and_the_verdict_is_unknown()
    {
        using var repo = new TempRepo();
        repo.Write("server/knexfile.ts", UnreadableKnexfile);
        repo.Write("server/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("server/migrations/20240102120000_create_orders.js", Audit.CreateTable("orders"));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        var project = result.Input.Project;
        Assert.Equal("server/knexfile.ts", project.Knexfile!.Path);
        Assert.Equal(["server/migrations"], project.Settings.Directories);
        Assert.Equal(["20240101120000_create_users.js", "20240102120000_create_orders.js"], result.Input.Migrations.Select(m => m.Name));
        Assert.Equal((ChoiceSource.KnexDefault, "Knex's default ./migrations beside server/knexfile.ts, because server/knexfile.ts could not be evaluated"), (project.FolderChoice.Source, project.FolderChoice.Reason));
        Assert.Equal(
            [
                new ReadinessUnknown(KnexfileUnknown("server/knexfile.ts", ParseReason), "server/knexfile.ts", 2),
                new ReadinessUnknown("the migrations folder server/migrations is assumed (Knex's default beside the knexfile), not read from server/knexfile.ts: production may run another folder", "server/knexfile.ts", 2),
            ],
            result.Unknowns);
        Assert.Empty(result.Findings);
        Assert.Equal(("unknown", false, 0), (result.Verdict, result.Ready, result.BlockingCount));
    }

    [Fact]
    public void Without_a_default_folder_the_folders_of_migration_shaped_files_are_audited_but_not_tests_or_build_output()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.ts", UnreadableKnexfile);
        repo.Write("db/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));

        // Named like migrations but exporting no up/down, in a test folder, or compiled: none is the application's set.
        repo.Write("scripts/20240101_backfill.js", "console.log('backfill');\n");
        repo.Write("test/fixtures/migrations/20230101000000_fixture.js", Audit.CreateTable("fixture"));
        repo.Write("dist/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        var project = result.Input.Project;
        Assert.Equal(["db/migrations"], project.Settings.Directories);
        Assert.Equal(ChoiceSource.MigrationShaped, project.FolderChoice.Source);
        Assert.Equal("the folder whose files look like migrations (a version in the name, up and down exported), because knexfile.ts could not be evaluated and there is no ./migrations beside it", project.FolderChoice.Reason);
        Assert.Equal(new ReadinessUnknown("the migrations folder db/migrations is assumed from the files' shape, not read from knexfile.ts: production may run another folder", "knexfile.ts", 2), result.Unknowns[1]);
        Assert.Equal("unknown", result.Verdict);
    }

    [Theory]
    [InlineData(
        // speckle-server: the environment spreads a factory from a workspace package migaudit does not follow.
        "const { createKnexConfig } = require('@acme/shared/db');\nmodule.exports = {\n  production: { ...createKnexConfig({ url: process.env.DATABASE_URL }) },\n};\n",
        3, "environment 'production' spreads or merges a value migaudit cannot read, which may set its migrations")]
    [InlineData(
        // bsa-2026-knowledgeprism: environments named at run time, and no ./migrations beside the knexfile.
        "const { environments } = require('@acme/config');\nmodule.exports = { [environments.current]: { client: 'pg' } };\n",
        2, "builds its environments at run time (computed keys)")]
    public void A_configuration_that_may_set_its_migrations_elsewhere_falls_back_instead_of_blocking_on_knex_default(string knexfile, int line, string reason)
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", knexfile);
        repo.Write("src/infrastructure/database/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        var project = result.Input.Project;
        Assert.Equal(["src/infrastructure/database/migrations"], project.Settings.Directories);
        Assert.Equal(ChoiceSource.MigrationShaped, project.FolderChoice.Source);
        Assert.Equal(new ReadinessUnknown(KnexfileUnknown("knexfile.js", reason), "knexfile.js", line), result.Unknowns[0]);
        Assert.DoesNotContain(result.Findings, f => f.Blocking);
        Assert.Equal("unknown", result.Verdict);
    }

    [Fact]
    public void Several_assumed_folders_replayed_as_one_chain_do_not_block_on_what_only_one_set_would_make_wrong()
    {
        // bigcapital: a system database's folder and a tenant database's folder, each creating its own users table.
        using var repo = new TempRepo();
        repo.Write("knexfile.ts", UnreadableKnexfile);
        repo.Write("src/database/system/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("src/database/tenant/migrations/20240102120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        Assert.Equal(["src/database/system/migrations", "src/database/tenant/migrations"], result.Input.Project.Settings.Directories);
        var chain = Assert.Single(result.Of("chain-error"));
        Assert.False(chain.Blocking);
        Assert.EndsWith("This holds only if Knex runs the assumed folders (src/database/system/migrations, src/database/tenant/migrations) as one set of migrations, which the configuration migaudit could not read decides.", chain.Message);
        Assert.Equal("unknown", result.Verdict);
    }

    [Fact]
    public void A_deleted_migration_in_a_single_assumed_folder_holds_only_if_production_runs_that_folder()
    {
        // The knexfile cannot be read, so ./migrations beside it is Knex's default, assumed: a deletion there is
        // certain knex failure only for a database that runs this folder, which is what is unknown.
        using var repo = new TempRepo();
        repo.Write("knexfile.ts", UnreadableKnexfile);
        repo.Write("migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20240102120000_create_posts.js", Audit.CreateTable("posts"));
        repo.Commit("first");
        repo.Git("tag", "v1.0.0");
        repo.Delete("migrations/20240102120000_create_posts.js");
        repo.Commit("delete posts");

        var result = Audit.Run(repo.Root);
        Assert.Equal(ChoiceSource.KnexDefault, result.Input.Project.FolderChoice.Source);
        var deleted = Assert.Single(result.Of("deleted-migration"));
        Assert.False(deleted.Blocking);
        Assert.EndsWith("This holds if production runs the assumed folder migrations, which the configuration migaudit could not read decides.", deleted.Message);
        Assert.Equal("unknown", result.Verdict);

        // Named with --migrations, the folder is no assumption: the deletion blocks.
        var named = Audit.Run(repo.Root, new MigAudit.Knex.Discovery.DiscoveryOptions { MigrationDirectories = ["migrations"] });
        Assert.True(Assert.Single(named.Of("deleted-migration")).Blocking);
        Assert.Equal("not-ready", named.Verdict);
    }

    [Fact]
    public void Migrations_option_helps_when_the_knexfile_cannot_be_evaluated_and_the_knexfile_stays_an_unknown()
    {
        using var repo = new TempRepo();
        repo.Write("config/database.js", "const { loadSecrets } = require('./secrets');\nmodule.exports = loadSecrets().knex;\n");
        repo.Write("knexfile.js", "module.exports = require('./config/database');\n");
        repo.Write("database/schema/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();

        var result = Audit.Run(repo.Root, new DiscoveryOptions { MigrationDirectories = ["database/schema"] });
        var project = result.Input.Project;
        Assert.Equal(["database/schema"], project.Settings.Directories);
        Assert.Equal((ChoiceSource.Option, "--migrations"), (project.FolderChoice.Source, project.FolderChoice.Reason));
        var unknown = Assert.Single(result.Unknowns);
        Assert.Equal("knexfile.js", unknown.File);
        Assert.StartsWith("migaudit could not evaluate knexfile.js: its exported configuration cannot be read statically (unknown (", unknown.Reason);
        Assert.Equal("unknown", result.Verdict);
    }

    [Fact]
    public void A_knex_failure_in_an_assumed_folder_is_unknown_not_certain_until_the_folder_is_named()
    {
        // Knex stops on a migration without down only for a database that runs this folder: blocking is for what is
        // certain, and which folder production runs is what the unread knexfile decides.
        using var repo = new TempRepo();
        repo.Write("knexfile.ts", UnreadableKnexfile);
        repo.Write("migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20240102120000_create_orders.js", Audit.CreateTable("orders", withDown: false));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        Assert.Equal(2, result.Unknowns.Count);
        var missingDown = Assert.Single(result.Of("missing-down"));
        Assert.Equal((Severity.High, false), (missingDown.Severity, missingDown.Blocking));
        Assert.Equal(("unknown", false), (result.Verdict, result.Ready));

        var named = Audit.Run(repo.Root, new MigAudit.Knex.Discovery.DiscoveryOptions { MigrationDirectories = ["migrations"] });
        Assert.True(Assert.Single(named.Of("missing-down")).Blocking);
        Assert.Equal("not-ready", named.Verdict);
    }

    [Fact]
    public void A_javascript_knexfile_with_a_syntax_error_is_blocking_and_the_migrations_are_still_audited()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = {\n  production: {\n");
        repo.Write("migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        Assert.Equal(["20240101120000_create_users.js"], result.Input.Migrations.Select(m => m.Name));
        var finding = Assert.Single(result.Findings);
        Assert.Equal(("migration-source-unknown", true, true), (finding.Rule, finding.Blocking, finding.PredictsKnexFailure));
        Assert.Equal("knexfile.js:3 cannot be parsed: Unexpected end of input: Node cannot load it either, so every knex command (migrate:latest included) fails before reading a migration.", finding.Message);

        // Only the assumed folder is unknown: the knexfile's failure is certain, not unknown.
        var unknown = Assert.Single(result.Unknowns);
        Assert.Equal("the migrations folder migrations is assumed (Knex's default beside the knexfile), not read from knexfile.js: production may run another folder", unknown.Reason);
        Assert.Equal("not-ready", result.Verdict);
    }

    [Fact]
    public void A_repository_without_migrations_of_its_own_is_still_a_one_line_error()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.ts", UnreadableKnexfile);
        repo.Write("src/server.js", "require('./app').listen(3000);\n");
        repo.Commit();

        var error = Assert.Throws<ProjectException>(() => Audit.Run(repo.Root));
        Assert.Equal($"knexfile.ts:2: {ParseReason}; and this repository has no migrations to audit instead: no ./migrations beside the knexfile and no folder of migration-shaped files (a version in the name, up and down exported). Name the folder with --migrations DIR: the knexfile is then not needed to find it", error.Message);
        Assert.Equal(2, error.ExitCode);
    }

    [Fact]
    public void A_knexfile_whose_configuration_comes_from_a_dependency_says_where_its_migrations_come_from()
    {
        using var repo = new TempRepo();
        repo.Write("package.json", "{ \"dependencies\": { \"@acme/db-config\": \"^2.0.0\", \"knex\": \"^3.1.0\" } }\n");
        repo.Write("knexfile.js", "require('dotenv').config();\nconst shared = require('@acme/db-config');\nmodule.exports = shared.knexConfig(process.env);\n");
        repo.Write("node_modules/@acme/db-config/index.js", "exports.knexConfig = (env) => ({ production: { client: 'pg', migrations: { directory: __dirname + '/migrations' } } });\n");
        repo.Write("node_modules/@acme/db-config/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();

        var error = Assert.Throws<ProjectException>(() => Audit.Run(repo.Root));
        Assert.EndsWith("and this repository has no migrations to audit instead: no ./migrations beside the knexfile and no folder of migration-shaped files (a version in the name, up and down exported). The knexfile takes its configuration from the package '@acme/db-config' (installed in node_modules): the migrations Knex runs then come from that dependency, not from this repository; audit the package's own repository, or name a folder with --migrations DIR", error.Message);
        Assert.StartsWith("knexfile.js:3: its exported configuration cannot be read statically (unknown (shared.knexConfig(process.env))", error.Message);
    }

    [Fact]
    public void Test_and_scaffolding_scripts_never_choose_the_production_folder_or_environment()
    {
        using var repo = new TempRepo();
        repo.Write("package.json", """
            { "scripts": {
                "migrate:make:test": "knex migrate:make --migrations-directory db/migrations/old",
                "test:db": "knex migrate:latest --env test --migrations-directory test/migrations",
                "db:seed:local": "knex seed:run --env local",
                "dev": "knex migrate:latest --env development && nodemon server.js"
            } }
            """);
        repo.Write("knexfile.js", "module.exports = {\n  development: { client: 'pg' },\n  test: { client: 'pg' },\n  local: { client: 'pg' },\n  production: { client: 'pg', migrations: { directory: './db/migrations' } },\n};\n");
        repo.Write("db/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("db/migrations/old/20200101120000_legacy.js", Audit.CreateTable("legacy"));
        repo.Write("test/migrations/20240101120000_seed_users.js", Audit.CreateTable("users_test"));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        var project = result.Input.Project;
        Assert.Equal("production", project.Environment);
        Assert.Equal((ChoiceSource.Default, "production, migaudit's default"), (project.EnvironmentChoice!.Source, project.EnvironmentChoice.Reason));
        Assert.Equal(["db/migrations"], project.Settings.Directories);
        Assert.Equal((ChoiceSource.Knexfile, "knexfile.js, environment 'production'"), (project.FolderChoice.Source, project.FolderChoice.Reason));
        Assert.DoesNotContain(project.Notes, n => n.Contains("script in package.json", StringComparison.Ordinal));
        Assert.True(result.Ready);
    }

    [Fact]
    public void A_deploy_script_environment_does_not_replace_production_when_the_knexfile_has_it()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{ \"scripts\": { \"migrate\": \"knex migrate:latest --env staging\" } }\n");
        repo.Write("knexfile.js", "module.exports = { staging: { client: 'pg' }, production: { client: 'pg' } };\n");
        repo.Write("migrations/20240101120000_create_users.js", Audit.CreateTable("users"));

        var project = ProjectDiscovery.Discover(repo.Root, new DiscoveryOptions());
        Assert.Equal("production", project.Environment);
        Assert.Equal(ChoiceSource.Default, project.EnvironmentChoice!.Source);
        Assert.Contains("the 'migrate' script in package.json passes --env staging to knex; migaudit audits production, which knexfile.js has (choose with --env)", project.Notes);
    }

    [Fact]
    public void The_apps_own_knexfile_wins_over_one_whose_migrations_are_in_a_submodule_not_checked_out()
    {
        using var repo = new TempRepo();
        repo.Write(".gitmodules", "[submodule \"admin/schema\"]\n\tpath = admin/schema\n\turl = https://example.invalid/admin-schema.git\n");
        Directory.CreateDirectory(repo.PathOf("admin/schema"));
        repo.Write("admin/knexfile.js", "module.exports = { production: { client: 'pg', migrations: { directory: './schema/migrations' } } };\n");

        // The application's own: no migrations key, so Knex reads ./migrations beside it.
        repo.Write("server/knexfile.js", "module.exports = { production: { client: 'pg', connection: process.env.DATABASE_URL } };\n");
        repo.Write("server/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();

        var result = Audit.Run(repo.Root);
        var project = result.Input.Project;
        Assert.Equal("server/knexfile.js", project.Knexfile!.Path);
        Assert.Equal(["server/migrations"], project.Settings.Directories);
        Assert.Equal("server/knexfile.js, environment 'production', which sets no migrations.directory: Knex's default ./migrations beside it", project.FolderChoice.Reason);
        Assert.Equal(["admin/knexfile.js"], project.OtherKnexfiles);
        Assert.Contains("admin/knexfile.js points its migrations into admin/schema/migrations, in a git submodule that is not checked out; auditing server/knexfile.js, whose migrations are in this repository (choose with --knexfile)", project.Notes);
        Assert.True(result.Ready);
    }
}
