using System.Text.Json.Nodes;
using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.Knex.Discovery;
using MigAudit.Tests.Support;

namespace MigAudit.Tests.Engine;

/// <summary>
/// Repositories with several Knex setups: each migration set is audited with its own inventory, history and verdict,
/// the repository's verdict is the worst, and a knexfile named on the command line chooses one.
/// </summary>
public sealed class MigrationSetTests
{
    private static string Knexfile(string directory) =>
        $"module.exports = {{ production: {{ client: 'pg', connection: process.env.DATABASE_URL, migrations: {{ directory: '{directory}' }} }} }};\n";

    /// <summary>Two services of a monorepo, each with its knexfile; billing deleted a migration a commit had shipped.</summary>
    private static TempRepo TwoServices()
    {
        var repo = new TempRepo();
        repo.Write("package.json", "{ \"private\": true, \"workspaces\": [\"services/*\"] }\n");
        repo.Write("services/accounts/knexfile.js", Knexfile("./migrations"));
        repo.Write("services/accounts/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("services/billing/knexfile.js", Knexfile("./db/migrations"));
        repo.Write("services/billing/db/migrations/20240101120000_create_invoices.js", Audit.CreateTable("invoices"));
        repo.Write("services/billing/db/migrations/20240102120000_create_payments.js", Audit.CreateTable("payments"));
        repo.Commit("both services");
        repo.Git("tag", "v1.0.0");
        repo.Delete("services/billing/db/migrations/20240102120000_create_payments.js");
        repo.Commit("drop payments migration");
        return repo;
    }

    [Fact]
    public void Each_services_knexfile_is_a_set_with_its_own_verdict_and_the_repository_takes_the_worst()
    {
        using var repo = TwoServices();
        var audit = RepositoryAuditor.Run(repo.Root, new DiscoveryOptions(), new AuditSettings(), baseline: null);

        Assert.Equal(["services/accounts/migrations", "services/billing/db/migrations"], audit.Sets.Select(s => s.Set!.Name));
        Assert.Equal(["knexfile services/accounts/knexfile.js, environment production", "knexfile services/billing/knexfile.js"], audit.Sets.Select(s => s.Set!.Reason));
        Assert.Equal(["ready", "not-ready"], audit.Sets.Select(s => s.Verdict));
        Assert.Equal([1, 1], audit.Sets.Select(s => s.Input.Migrations.Count));
        var deleted = Assert.Single(audit.Sets[1].Findings, f => f.Blocking);
        Assert.Equal(("deleted-migration", "services/billing/db/migrations"), (deleted.Rule, deleted.MigrationSet));
        Assert.DoesNotContain(audit.Sets[0].Findings, f => f.Rule == "deleted-migration");

        var combined = audit.Combined;
        Assert.Equal("not-ready", combined.Verdict);
        Assert.Equal(1, combined.BlockingCount);
        Assert.DoesNotContain(audit.Sets[0].Input.Project.Notes, n => n.StartsWith("several knexfiles found", StringComparison.Ordinal));
    }

    [Fact]
    public void A_knexfile_named_on_the_command_line_chooses_one_set()
    {
        using var repo = TwoServices();
        var audit = RepositoryAuditor.Run(repo.Root, new DiscoveryOptions { Knexfile = "services/accounts/knexfile.js" }, new AuditSettings(), baseline: null);

        var only = Assert.Single(audit.Sets);
        Assert.Null(only.Set);
        Assert.Equal(["services/accounts/migrations"], only.Input.Project.Settings.Directories);
        Assert.Equal("ready", only.Verdict);
    }

    [Fact]
    public void One_knexfile_migrated_with_two_env_values_by_its_script_is_two_sets_inside_the_map_node_env_exports()
    {
        // export default { development, production }[env]: knex's --env chooses within the map NODE_ENV's value
        // exports (knex reads config[opts.env] after Node loads the file; --env does not set NODE_ENV).
        using var repo = new TempRepo(init: false);
        repo.Write("package.json", "{ \"private\": true }\n");
        repo.Write("packages/database/package.json", """
            { "name": "database", "type": "module", "scripts": {
                "migration:run": "knex migrate:latest --knexfile knexfile.mjs --env default && knex migrate:latest --knexfile knexfile.mjs --env secure"
            } }
            """);
        repo.Write("packages/database/knexfile.mjs", """
            const env = process.env.NODE_ENV || 'development';
            export const development = {
              default: { client: 'postgresql', connection: { database: 'app' }, migrations: { loadExtensions: ['.mjs'] } },
              secure: { client: 'postgresql', connection: { database: 'app_keys' }, migrations: { loadExtensions: ['.mjs'], directory: './migrations-keys' } },
            };
            export const production = {};
            export default { development, production }[env] ?? new Error(`No configuration for ${env}`);
            """);
        repo.Write("packages/database/migrations/20240101120000_create_users.mjs", "export const up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexport const down = (knex) => knex.schema.dropTable('users');\n");
        repo.Write("packages/database/migrations-keys/20240101120000_create_keys.mjs", "export const up = (knex) => knex.schema.createTable('keys', (t) => { t.increments('id'); });\nexport const down = (knex) => knex.schema.dropTable('keys');\n");

        var audit = RepositoryAuditor.Run(repo.Root, new DiscoveryOptions(), new AuditSettings(), baseline: null);

        Assert.Equal(["packages/database/migrations", "packages/database/migrations-keys"], audit.Sets.Select(s => s.Set!.Name));
        Assert.Equal(["default", "secure"], audit.Sets.Select(s => s.Input.Project.Environment));
        Assert.Equal(["20240101120000_create_users.mjs", "20240101120000_create_keys.mjs"], audit.Sets.Select(s => Assert.Single(s.Input.Migrations).Name));
        Assert.Equal(
            "the 'migration:run' script in packages/database/package.json runs knex migrate:latest --knexfile knexfile.mjs --env secure",
            audit.Sets[1].Set!.Reason);
        Assert.Contains("packages/database/knexfile.mjs: knex's --env secure chooses within the configuration NODE_ENV=development exports, the only one that has it", audit.Sets[1].Input.Project.Notes);

        // production = {}: Knex's default folder and extensions, which hold none of the .mjs files; said, not a set.
        Assert.Equal(
            ["knexfile packages/database/knexfile.mjs, environment production: no migrations found: looked in 'packages/database/migrations' (from packages/database/knexfile.mjs) for .co, .coffee, .eg, .iced, .js, .cjs, .litcoffee, .ls, .ts files; point migaudit at them with --migrations DIR or --knexfile FILE"],
            audit.NotAudited);
    }

    [Fact]
    public void Knexfiles_naming_the_same_folder_are_one_set_and_a_knexfile_without_migrations_is_only_a_note()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("knexfile.js", Knexfile("./db/migrations"));
        // The same migrations through a TypeScript twin, and a shared base configuration with no folder of its own.
        repo.Write("src/knexfile.ts", Knexfile("../db/migrations"));
        repo.Write("config/knexfile.js", "module.exports = { client: 'pg', migrations: { directory: './migrations' } };\n");
        repo.Write("db/migrations/20240101120000_create_users.js", Audit.CreateTable("users"));

        var audit = RepositoryAuditor.Run(repo.Root, new DiscoveryOptions(), new AuditSettings(), baseline: null);

        var only = Assert.Single(audit.Sets);
        Assert.Null(only.Set);
        Assert.Equal(["db/migrations"], only.Input.Project.Settings.Directories);
        Assert.Equal(["knexfile config/knexfile.js: no migrations in 'config/migrations'"], audit.NotAudited);
        Assert.Contains("not audited: knexfile config/knexfile.js: no migrations in 'config/migrations'", only.Input.Project.Notes);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task The_cli_exits_with_the_worst_verdict_and_json_lists_each_sets_report()
    {
        using var repo = TwoServices();
        var text = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(1, text.ExitCode);
        var lines = text.Stdout.Split('\n');
        Assert.Contains($"Knex Migration Audit: {Path.GetFileName(repo.Root)}, 2 migration sets", lines);
        Assert.Contains("Production Readiness: NOT READY (the worst of its sets)", lines);
        Assert.Contains("  1. READY: services/accounts/migrations — knexfile services/accounts/knexfile.js, environment production; 1 migration, 0 blocking", lines);
        Assert.Contains("  2. NOT READY: services/billing/db/migrations — knexfile services/billing/knexfile.js; 1 migration, 1 blocking", lines);
        Assert.Contains("##### Migration set 2 of 2: services/billing/db/migrations #####", lines);
        Assert.Contains("Set:         services/billing/db/migrations (knexfile services/billing/knexfile.js)", lines);

        var json = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.Equal(1, json.ExitCode);
        var document = JsonNode.Parse(json.Stdout)!;
        Assert.Equal("not-ready", (string?)document["verdict"]);
        var finding = Assert.Single(document["findings"]!.AsArray(), f => (bool)f!["blocking"]!);
        Assert.Equal("services/billing/db/migrations", (string?)finding!["migrationSet"]);
        var sets = document["migrationSets"]!.AsArray();
        Assert.Equal(["ready", "not-ready"], sets.Select(s => (string?)s!["verdict"]));
        Assert.Equal("services/billing/knexfile.js", (string?)sets[1]!["report"]!["knexfile"]);
        Assert.Equal(["20240101120000_create_invoices.js"], sets[1]!["report"]!["migrations"]!.AsArray().Select(m => (string?)m!["name"]));
        Assert.Equal(["20240101120000_create_users.js"], sets[0]!["report"]!["migrations"]!.AsArray().Select(m => (string?)m!["name"]));

        var markdown = await CliRunner.RunAsync("audit", repo.Root, "--format", "markdown");
        Assert.StartsWith("## migaudit: ❌ not ready for production (2 migration sets)\n", markdown.Stdout, StringComparison.Ordinal);
        Assert.Contains("\n### Set 2: `services/billing/db/migrations` — ❌ not ready for production (1 blocking)\n", markdown.Stdout, StringComparison.Ordinal);

        var html = await CliRunner.RunAsync("audit", repo.Root, "--format", "html");
        Assert.Contains("<div class=\"verdict not-ready\" id=\"verdict\">Not ready for production — 1 blocking finding — the worst of 2 migration sets</div>", html.Stdout, StringComparison.Ordinal);
        Assert.Contains("<div class=\"verdict ready\" id=\"set1-verdict\">Ready for production</div>", html.Stdout, StringComparison.Ordinal);
        Assert.Contains("<div class=\"verdict not-ready\" id=\"set2-verdict\">", html.Stdout, StringComparison.Ordinal);

        var sarif = JsonNode.Parse((await CliRunner.RunAsync("audit", repo.Root, "--format", "sarif")).Stdout)!;
        Assert.Contains(sarif["runs"]![0]!["results"]!.AsArray(), r => (string?)r!["ruleId"] == "deleted-migration");
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_repository_with_one_set_keeps_its_report_and_lists_the_set()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Knexfile("./migrations"));
        repo.Write("migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();

        var json = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.Equal(0, json.ExitCode);
        var document = JsonNode.Parse(json.Stdout)!;
        var set = Assert.Single(document["migrationSets"]!.AsArray())!;
        Assert.Equal(("migrations", "ready", 1), ((string?)set["name"], (string?)set["verdict"], (int)set["migrationCount"]!));
        Assert.Null(set["report"]);
        Assert.Empty(document["notAudited"]!.AsArray());
        Assert.StartsWith("Knex Migration Audit Report: ", (await CliRunner.RunAsync("audit", repo.Root)).Stdout, StringComparison.Ordinal);
    }
}
