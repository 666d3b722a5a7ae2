using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Git;

/// <summary>
/// A TypeScript project whose knexfile loaded the .ts sources only in development and test, and everywhere else ran
/// tsc's build (outDir dist), where x.ts is x.js; later its sources became .js. Knex records the name of the file it
/// loaded (tests/MigAudit.Tests/Knex/KnexTruthTests: loadExtensions ['.js'] lists no .ts file, ['.ts'] lists x.ee.ts),
/// so a database migrated from the build recorded x.js, the file's name now, and the .ts → .js rename changes nothing
/// for it; the knexfile is read as the commit that last held the old name had it.
/// </summary>
public sealed class CompiledDeployRenameTests
{
    private const string AppConfig = """
        const appEnv = process.env.APP_ENV || 'development';

        const appConfig = {
          appEnv: appEnv,
          isDev: appEnv === 'development',
          isTest: appEnv === 'test',
        };

        export default appConfig;
        """;

    private const string ChosenByEnvironment = """
        import appConfig from './src/config/app';

        const fileExtension = appConfig.isDev || appConfig.isTest ? 'ts' : 'js';

        const knexConfig = {
          client: 'pg',
          connection: process.env.DATABASE_URL,
          migrations: {
            directory: __dirname + '/src/db/migrations',
            extension: fileExtension,
            loadExtensions: [`.${fileExtension}`],
          },
        };

        export default knexConfig;
        """;

    /// <summary>ts-node everywhere: production loads the .ts sources too.</summary>
    private const string TypeScriptEverywhere = """
        const knexConfig = {
          client: 'pg',
          connection: process.env.DATABASE_URL,
          migrations: {
            directory: __dirname + '/src/db/migrations',
            extension: 'ts',
            loadExtensions: ['.ts'],
          },
        };

        export default knexConfig;
        """;

    private const string JsKnexfile = """
        module.exports = {
          client: 'pg',
          connection: process.env.DATABASE_URL,
          migrations: { directory: __dirname + '/src/db/migrations', extension: 'js', loadExtensions: ['.js'] },
        };
        """;

    private const string TsConfig = """
        {
          "compilerOptions": { "outDir": "dist", "module": "commonjs", "target": "es2021", "allowJs": true },
          "include": ["src/**/*"]
        }
        """;

    private const string Folder = "src/db/migrations/";

    private static string TsTable(string table) => $$"""
        import { Knex } from 'knex';

        export async function up(knex: Knex): Promise<void> {
          await knex.schema.createTable('{{table}}', (table) => {
            table.increments('id');
          });
        }

        export async function down(knex: Knex): Promise<void> {
          await knex.schema.dropTable('{{table}}');
        }
        """;

    /// <summary>
    /// users.ts and plans.ee.ts, plans.ee.ts renamed to plans.ts; release v0.1.0 (plans.ee.ts shipped in it when
    /// <paramref name="eeReleased"/>, as v0.0.9); then every source converted to .js, with a knexfile that says 'js'.
    /// </summary>
    private static TempRepo Project(string knexfile, bool eeReleased = false)
    {
        var repo = new TempRepo();
        repo.Write("package.json", """{ "name": "backend", "scripts": { "start": "node dist/src/server.js" } }""");
        repo.Write("tsconfig.json", TsConfig);
        repo.Write("src/config/app.js", AppConfig);
        repo.Write("knexfile.ts", knexfile);
        repo.Write(Folder + "20230101000000_users.ts", TsTable("users"));
        repo.Write(Folder + "20230102000000_plans.ee.ts", TsTable("plans"));
        repo.Commit("typescript backend");
        if (eeReleased)
        {
            repo.Git("tag", "v0.0.9");
        }

        repo.Move(Folder + "20230102000000_plans.ee.ts", Folder + "20230102000000_plans.ts");
        repo.Commit("plans are no longer enterprise-only");
        repo.Git("tag", "v0.1.0");

        repo.Delete("knexfile.ts");
        repo.Write("knexfile.js", JsKnexfile);
        repo.Delete(Folder + "20230101000000_users.ts");
        repo.Write(Folder + "20230101000000_users.js", Audit.CreateTable("users"));
        repo.Delete(Folder + "20230102000000_plans.ts");
        repo.Write(Folder + "20230102000000_plans.js", Audit.CreateTable("plans"));
        repo.Commit("convert the backend to JavaScript");
        return repo;
    }

    private static AuditResult Run(TempRepo repo, params string[] applied) =>
        Auditor.Run(repo.Root, new DiscoveryOptions(), new AuditSettings { Applied = new AppliedNames(applied.ToHashSet(StringComparer.Ordinal), "production.txt") }, baseline: null);

    private static Finding RenameOf(AuditResult result, string oldName) =>
        Assert.Single(result.Of("renamed-migration"), f => f.Message.StartsWith(oldName + " was renamed", StringComparison.Ordinal));

    [Fact]
    public void The_names_each_kind_of_database_recorded_are_read_from_the_knexfile_of_the_newest_release_that_held_the_old_name()
    {
        using var repo = Project(ChosenByEnvironment);
        var result = Audit.Run(repo.Root);

        var users = Assert.Single(result.Input.Renamed, r => r.NewName == "20230101000000_users.js");
        Assert.Equal("v0.1.0", users.RecordedAt);
        Assert.Collection(users.RecordedBy!,
            sources =>
            {
                Assert.Equal(("appConfig.isDev || appConfig.isTest (knexfile.ts:3)", "knexfile.ts:11", null), (sources.Condition, sources.Where, sources.OutDir));
                Assert.Equal([".ts"], sources.LoadExtensions);
                Assert.Equal(["20230101000000_users.ts"], sources.Names);
            },
            compiled =>
            {
                Assert.Equal(("not (appConfig.isDev || appConfig.isTest) (knexfile.ts:3)", "knexfile.ts:11", "dist"), (compiled.Condition, compiled.Where, compiled.OutDir));
                Assert.Equal([".js"], compiled.LoadExtensions);
                Assert.Equal(["20230101000000_users.js"], compiled.Names);
            });
        Assert.Equal(["20230101000000_users.ts"], users.StaleNames);

        var plans = Assert.Single(result.Input.Renamed, r => r.NewName == "20230102000000_plans.js");
        Assert.Equal(["20230102000000_plans.ee.ts", "20230102000000_plans.ts", "20230102000000_plans.ee.js"], plans.StaleNames);
        Assert.Equal(["20230102000000_plans.ee.js", "20230102000000_plans.js"], plans.RecordedBy![1].Names);
    }

    [Fact]
    public void A_ts_to_js_rename_is_low_and_not_blocking_when_the_compiled_deploy_recorded_the_new_name()
    {
        using var repo = Project(ChosenByEnvironment);
        var result = Audit.Run(repo.Root);

        var users = RenameOf(result, "20230101000000_users.ts");
        Assert.Equal((Severity.Low, false, Evidence.Possible, FindingScope.Pending), (users.Severity, users.Blocking, users.Evidence, users.Scope));
        Assert.Equal(
            "20230101000000_users.ts was renamed to 20230101000000_users.js in commit " + result.Input.Renamed[0].Commit!.ShortId + " (Test Author, " + result.Input.Renamed[0].Commit!.Date.ToString("yyyy-MM-dd") + "): " +
            "only its extension changed, but Knex records the file name with its extension in knex_migrations, and which file Knex loaded, and so the name it recorded, depended on the knexfile at v0.1.0: " +
            "databases migrated with the TypeScript sources (the knexfile loaded [.ts] when appConfig.isDev || appConfig.isTest (knexfile.ts:3), knexfile.ts:11) recorded 20230101000000_users.ts and fail 'knex migrate:latest' with \"The migration directory is corrupt, the following files are missing: 20230101000000_users.ts\"; " +
            "databases migrated from tsc's build in dist, where the file is 20230101000000_users.js (the knexfile loaded [.js] when not (appConfig.isDev || appConfig.isTest) (knexfile.ts:3), knexfile.ts:11) recorded 20230101000000_users.js, the file's name now: unaffected. " +
            "Under 20230101000000_users.ts: it shipped in release v0.1.0, and no release has the rename yet: the next deploy is the first without it.",
            users.Message);
        Assert.Equal("On every database that applied 20230101000000_users.ts, run UPDATE \"knex_migrations\" SET name = '20230101000000_users.js' WHERE name = '20230101000000_users.ts' (or rename the file back)", users.Action);
        Assert.Equal("ready", result.Verdict);
    }

    [Fact]
    public void A_chain_whose_enterprise_name_no_release_held_is_low_and_names_every_stale_name_in_its_update()
    {
        using var repo = Project(ChosenByEnvironment);
        var result = Audit.Run(repo.Root);

        var plans = RenameOf(result, "20230102000000_plans.ee.ts");
        Assert.Equal((Severity.Low, false, Evidence.Possible), (plans.Severity, plans.Blocking, plans.Evidence));
        Assert.Contains(
            "databases migrated with the TypeScript sources (the knexfile loaded [.ts] when appConfig.isDev || appConfig.isTest (knexfile.ts:3), knexfile.ts:11) recorded 20230102000000_plans.ee.ts or 20230102000000_plans.ts " +
            "(20230102000000_plans.ee.ts: in no release; 20230102000000_plans.ts: release v0.1.0) and fail 'knex migrate:latest'", plans.Message);
        Assert.Contains(
            "databases migrated from tsc's build in dist, where the file is 20230102000000_plans.ee.js or 20230102000000_plans.js (the knexfile loaded [.js] when not (appConfig.isDev || appConfig.isTest) (knexfile.ts:3), knexfile.ts:11) " +
            "recorded 20230102000000_plans.ee.js (20230102000000_plans.ee.js: in no release), or 20230102000000_plans.js, the file's name now; those that recorded 20230102000000_plans.ee.js fail 'knex migrate:latest' with \"The migration directory is corrupt, the following files are missing: 20230102000000_plans.ee.js\"",
            plans.Message);
        Assert.Equal("On every database that applied it under an earlier name, run UPDATE \"knex_migrations\" SET name = '20230102000000_plans.js' WHERE name IN ('20230102000000_plans.ee.ts', '20230102000000_plans.ts', '20230102000000_plans.ee.js')", plans.Action);
    }

    [Fact]
    public void A_chain_whose_enterprise_name_shipped_still_blocks_for_the_compiled_deploys_that_recorded_it()
    {
        using var repo = Project(ChosenByEnvironment, eeReleased: true);
        var result = Audit.Run(repo.Root);

        var plans = RenameOf(result, "20230102000000_plans.ee.ts");
        Assert.Equal((Severity.High, true, Evidence.Certain, FindingScope.Pending), (plans.Severity, plans.Blocking, plans.Evidence, plans.Scope));
        Assert.Contains("recorded 20230102000000_plans.ee.js (20230102000000_plans.ee.js: release v0.0.9), or 20230102000000_plans.js, the file's name now", plans.Message);
        Assert.Contains("Under 20230102000000_plans.ee.ts and 20230102000000_plans.ts and 20230102000000_plans.ee.js: it shipped in releases v0.0.9 to v0.1.0 (2), and no release has the rename yet", plans.Message);

        // users.ts → users.js changed nothing for the compiled deploys: low whatever the chain does.
        Assert.Equal((Severity.Low, false), (RenameOf(result, "20230101000000_users.ts").Severity, RenameOf(result, "20230101000000_users.ts").Blocking));
        Assert.Equal("not-ready", result.Verdict);
    }

    [Fact]
    public void A_knexfile_that_loaded_the_ts_sources_in_every_environment_keeps_the_finding_blocking()
    {
        using var repo = Project(TypeScriptEverywhere);
        var result = Audit.Run(repo.Root);

        var rename = Assert.Single(result.Input.Renamed, r => r.NewName == "20230101000000_users.js");
        var only = Assert.Single(rename.RecordedBy!);
        Assert.Equal(("always", "knexfile.ts:4", false), (only.Condition, only.Where, only.Compiled));
        var users = RenameOf(result, "20230101000000_users.ts");
        Assert.Equal((Severity.High, true, Evidence.Certain, FindingScope.Pending), (users.Severity, users.Blocking, users.Evidence, users.Scope));
        Assert.Contains("so databases that applied 20230101000000_users.ts fail 'knex migrate:latest' with \"The migration directory is corrupt, the following files are missing: 20230101000000_users.ts\". Under its old name: it shipped in release v0.1.0, and no release has the rename yet", users.Message);
        Assert.Equal("not-ready", result.Verdict);
    }

    [Fact]
    public void Production_names_decide_exactly_a_compiled_name_is_not_a_stale_one()
    {
        using var repo = Project(ChosenByEnvironment);

        // Production ran the build: it holds the .js names, which the files have now.
        var compiled = Run(repo, "20230101000000_users.js", "20230102000000_plans.js");
        Assert.Empty(compiled.Of("renamed-migration"));

        // A database that ran the build while plans was plans.ee.ts holds plans.ee.js: that name is missing now.
        var enterprise = Run(repo, "20230101000000_users.js", "20230102000000_plans.ee.js");
        var plans = Assert.Single(enterprise.Of("renamed-migration"));
        Assert.Equal((Severity.High, true, Evidence.Certain), (plans.Severity, plans.Blocking, plans.Evidence));
        Assert.Contains("production's migrations table (production.txt) holds 20230102000000_plans.ee.js", plans.Message);
    }

    [Fact]
    public void A_knexfile_whose_load_extensions_cannot_be_read_leaves_the_finding_as_it_was()
    {
        using var repo = Project(ChosenByEnvironment.Replace("loadExtensions: [`.${fileExtension}`]", "loadExtensions: require('./extensions').list()", StringComparison.Ordinal));
        var result = Audit.Run(repo.Root);

        Assert.All(result.Input.Renamed, r => Assert.Null(r.RecordedBy));
        var users = RenameOf(result, "20230101000000_users.ts");
        Assert.Equal((Severity.High, true), (users.Severity, users.Blocking));
        Assert.Contains("so databases that applied 20230101000000_users.ts fail 'knex migrate:latest'", users.Message);
    }

    [Fact]
    public void Without_release_tags_the_knexfile_before_the_rename_is_read_and_the_finding_is_low()
    {
        using var repo = Project(ChosenByEnvironment);
        repo.Git("tag", "-d", "v0.1.0");
        var result = Audit.Run(repo.Root);

        var rename = Assert.Single(result.Input.Renamed, r => r.NewName == "20230101000000_users.js");
        Assert.Equal(rename.Commit!.Id + "^", rename.RecordedAt);
        var users = RenameOf(result, "20230101000000_users.ts");
        Assert.Equal((Severity.Low, false, Evidence.Possible, FindingScope.Unknown), (users.Severity, users.Blocking, users.Evidence, users.Scope));
        Assert.Contains($"depended on the knexfile at {rename.Commit.Id[..10]}^: databases migrated with the TypeScript sources", users.Message);
        Assert.Empty(users.DecidingNames);
    }

    [Fact]
    public void With_list_validation_off_the_databases_that_ran_the_sources_run_the_new_name_again()
    {
        using var repo = Project(ChosenByEnvironment);
        repo.Write("knexfile.js", JsKnexfile.Replace("loadExtensions: ['.js'] }", "loadExtensions: ['.js'], disableMigrationsListValidation: true }", StringComparison.Ordinal));
        repo.Commit("validation off");
        var result = Audit.Run(repo.Root);

        var users = RenameOf(result, "20230101000000_users.ts");
        Assert.Equal((Severity.Low, false), (users.Severity, users.Blocking));
        Assert.Contains("recorded 20230101000000_users.ts and are not stopped: with list validation disabled Knex runs 20230101000000_users.js again as a new migration, and that second run fails: ", users.Message);
        Assert.Contains("recorded 20230101000000_users.js, the file's name now: unaffected.", users.Message);
    }

    [Fact]
    public void A_project_reached_through_a_symbolic_link_is_read_the_same()
    {
        using var repo = Project(ChosenByEnvironment);
        var link = Path.Combine(Path.GetTempPath(), "migaudit-link-" + Guid.NewGuid().ToString("N"));
        Directory.CreateSymbolicLink(link, repo.Root);
        try
        {
            var result = Audit.Run(link);
            Assert.Equal((Severity.Low, false), (RenameOf(result, "20230101000000_users.ts").Severity, RenameOf(result, "20230101000000_users.ts").Blocking));
        }
        finally
        {
            File.Delete(link);
        }
    }
}
