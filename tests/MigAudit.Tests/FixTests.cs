using System.Security.Cryptography;
using System.Text.Json;
using MigAudit.Demo;
using MigAudit.Live;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>'migaudit fix': a dry run changes nothing, --apply removes the findings and is idempotent, and the fixed chain really runs.</summary>
public sealed class FixTests
{
    private static Dictionary<string, string> Hashes(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/.git/", StringComparison.Ordinal))
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Dry_run_changes_no_byte_and_shows_the_diff()
    {
        using var folder = new TempRepo(init: false);
        BotBuilderDemo.Create(folder.Root);
        var before = Hashes(folder.Root);
        var run = await CliRunner.RunAsync("fix", folder.Root);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(before, Hashes(folder.Root));
        Assert.Contains("--- a/server/migrations/026_create_intents_entities.js", run.Stdout);
        Assert.Contains("\n-  await db.query('CREATE INDEX IF NOT EXISTS idx_intents_bot_id ON intents (bot_id)');\n", run.Stdout);
        Assert.Contains("\n+  await db.raw('CREATE INDEX IF NOT EXISTS idx_intents_bot_id ON intents (bot_id)');\n", run.Stdout);
        Assert.Contains("-const db = require('../config/db');", run.Stdout);
        Assert.Contains("+module.exports.down = async function (knex) {\n+  await knex.schema.dropTableIfExists('templates');\n+};", run.Stdout);
        Assert.Contains("\nmv -- server/migrations/20250202000034_helpdesk_tickets.js server/migrations/20250202000035_helpdesk_tickets.js\n", run.Stdout);
        Assert.EndsWith("Dry run: nothing was changed. Run again with --apply to write these changes.\n", run.Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Apply_removes_the_findings_is_idempotent_and_the_fixed_chain_runs_for_real()
    {
        using var folder = new TempRepo(init: false);
        BotBuilderDemo.Create(folder.Root);
        var apply = await CliRunner.RunAsync("fix", folder.Root, "--apply");
        Assert.Equal(0, apply.ExitCode);
        Assert.Contains("rewrote server/migrations/035_clone_system.js", apply.Stdout);

        var audit = Audit.Run(folder.Root);
        Assert.Empty(audit.Of("duplicate-version"));
        Assert.Empty(audit.Of("non-knex-migration"));
        Assert.Empty(audit.Of("missing-down"));
        Assert.Empty(audit.Of("chain-error"));
        Assert.Empty(audit.Of("irreversible-down"));

        var before = Hashes(folder.Root);
        var again = await CliRunner.RunAsync("fix", folder.Root, "--apply");
        Assert.Equal("Nothing to fix.\n", again.Stdout);
        Assert.Equal(before, Hashes(folder.Root));

        Requires.PostgresAndKnex();

        NodeKnex.LinkInto(folder);
        var verify = await CliRunner.RunAsync("verify", folder.Root, "--format", "json");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        using var json = JsonDocument.Parse(verify.Stdout);
        Assert.Equal(75, json.RootElement.GetProperty("migrations").GetArrayLength());
        Assert.True(json.RootElement.GetProperty("latestAgain").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("staticModelDifferences").GetArrayLength());
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Concurrently_in_a_transaction_is_fixed_with_the_config_knex_reads_and_then_runs_on_real_postgresql()
    {
        Requires.PostgresAndKnex();
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("concurrently-in-transaction", "bad"));
        repo.Write("migrations/20250103000000_module_exports.js", "module.exports = {\n  up: (knex) => knex.raw('CREATE INDEX CONCURRENTLY users_lower_email_index ON users (lower(email))'),\n  down: (knex) => knex.raw('DROP INDEX CONCURRENTLY users_lower_email_index'),\n};\n");
        repo.Write("migrations/20250104000000_has_config.js", "exports.config = { transaction: true };\nexports.up = (knex) => knex.raw('CREATE INDEX CONCURRENTLY users_id_email_index ON users (id, email)');\nexports.down = (knex) => knex.raw('DROP INDEX CONCURRENTLY users_id_email_index');\n");
        repo.Commit();
        NodeKnex.LinkInto(repo);

        var apply = await CliRunner.RunAsync("fix", repo.Root, "--rule", "concurrently-in-transaction", "--apply");

        Assert.Equal(0, apply.ExitCode);
        Assert.EndsWith("\nmodule.exports.config = { transaction: false };\n", File.ReadAllText(repo.PathOf("migrations/20250102000000_index_users.js")));
        Assert.EndsWith("};\n\n// CONCURRENTLY cannot run inside a transaction block: Knex runs this migration without one.\nmodule.exports.config = { transaction: false };\n", File.ReadAllText(repo.PathOf("migrations/20250103000000_module_exports.js")));
        Assert.Contains("# not fixed (concurrently-in-transaction): migrations/20250104000000_has_config.js: it already exports a config: set transaction: false in it by hand", apply.Stdout);
        Assert.Equal(["migrations/20250104000000_has_config.js"], Audit.Run(repo.Root).Of("concurrently-in-transaction").Select(f => f.File!));

        // Real knex reads the config it added: without the file it could not fix, the chain runs.
        File.Delete(repo.PathOf("migrations/20250104000000_has_config.js"));
        var verify = await CliRunner.RunAsync("verify", repo.Root, "--format", "json");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task A_file_that_cannot_be_converted_safely_is_left_untouched_and_reported()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        const string original = "const pool = require('../db');\nexports.up = async () => {\n  await pool.query('INSERT INTO settings (key) VALUES ($1)', ['x']);\n};\nexports.down = async () => {};\n";
        repo.Write("migrations/20250101000000_settings.js", original);
        repo.Commit();
        var run = await CliRunner.RunAsync("fix", repo.Root, "--apply");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("# not fixed (non-knex-migration): migrations/20250101000000_settings.js: line 3 passes query parameters to pool.query(); knex.raw binds with '?' instead of $1, so convert it by hand", run.Stdout);
        Assert.Equal(original, File.ReadAllText(repo.PathOf("migrations/20250101000000_settings.js")));
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Uncommitted_changes_to_a_file_it_would_touch_stop_the_apply()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Commit();
        File.AppendAllText(repo.PathOf("migrations/20250101000000_create_users.js"), "// work in progress\n");
        var run = await CliRunner.RunAsync("fix", repo.Root, "--apply");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("uncommitted changes", run.Stderr);
        Assert.EndsWith("// work in progress\n", File.ReadAllText(repo.PathOf("migrations/20250101000000_create_users.js")));

        Assert.Equal(2, (await CliRunner.RunAsync("fix", repo.Root, "--rule", "index-naming")).ExitCode);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Deleted_migrations_are_documented_with_a_guarded_rollback_script_then_no_longer_block()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_create_orders.js", Audit.CreateTable("orders"));
        repo.Write("migrations/20250103000000_create_users_again.js", "exports.up = (knex) => knex.schema.createTable('audit_trail', (t) => t.increments('id'));\nexports.down = (knex) => knex.schema.dropTable('audit_trail');\n");
        repo.Commit();
        repo.Delete("migrations/20250102000000_create_orders.js");
        repo.Write("migrations/20250103000000_create_users_again.js", "exports.up = (knex) => knex.schema.createTable('audit_trail', (t) => t.increments('id'));\nexports.down = (knex) => knex.schema.dropTable('audit_trail');\n");
        var deletion = repo.Commit("drop orders");

        var apply = await CliRunner.RunAsync("fix", repo.Root, "--rule", "deleted-migration", "--apply");
        Assert.Equal(0, apply.ExitCode);
        var document = File.ReadAllText(repo.PathOf("docs/deleted-migrations.md"));
        Assert.Contains($"| `20250102000000_create_orders.js` | {deletion[..10]} (Test Author, 2025-01-02) | ", document);
        Assert.Contains("| orders | no |", document);
        var script = File.ReadAllText(repo.PathOf("deleted-migrations-rollback.sql"));
        Assert.Contains("BEGIN;", script);
        Assert.Contains("DROP TABLE IF EXISTS \"orders\"; -- created by 20250102000000_create_orders.js", script);
        Assert.Contains("DELETE FROM \"knex_migrations\" WHERE name IN (\n  '20250102000000_create_orders.js'\n);", script);
        Assert.EndsWith("COMMIT;\n", script);

        var finding = Assert.Single(Audit.Run(repo.Root).Of("deleted-migration"));
        Assert.False(finding.Blocking);
        Assert.Contains("documented in docs/deleted-migrations.md", finding.Message);
        Assert.Equal("Nothing to fix.\n", (await CliRunner.RunAsync("fix", repo.Root, "--rule", "deleted-migration")).Stdout);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task Restore_brings_a_deleted_migration_back_from_history()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();
        repo.Delete("migrations/20250101000000_create_users.js");
        repo.Commit("oops");

        var run = await CliRunner.RunAsync("restore", "20250101000000_create_users.js", "--path", repo.Root);
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("restored migrations/20250101000000_create_users.js from ", run.Stdout);
        Assert.Equal(Audit.CreateTable("users"), File.ReadAllText(repo.PathOf("migrations/20250101000000_create_users.js")));
        Assert.Empty(Audit.Run(repo.Root).Input.Deleted);
        Assert.Equal(2, (await CliRunner.RunAsync("restore", "nope.js", "--path", repo.Root)).ExitCode);
    }

    [SkippableFact]
    [Trait("Surface", "cli")]
    public async Task App_knex_client_is_pointed_at_the_knexfile_environment()
    {
        using var folder = new TempRepo(init: false);
        BotBuilderDemo.Create(folder.Root);
        var run = await CliRunner.RunAsync("fix", folder.Root, "--rule", "pool-mismatch", "--apply");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("const db = knex(require('../knexfile')[process.env.NODE_ENV || 'production']);", File.ReadAllText(Path.Combine(folder.Root, "server/config/db.js")));
        var audit = Audit.Run(folder.Root);
        Assert.Empty(audit.Of("pool-mismatch"));
        Assert.Empty(audit.Of("ssl-mismatch"));
        Assert.Equal("the knexfile", audit.Input.Configuration.Clients.Single(c => c.File == "server/config/db.js").ConfigFrom);
    }
}
