using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

public sealed class CliTests
{
    [Fact]
    [Trait("Surface", "cli")]
    public async Task Clean_project_is_ready_with_exit_code_0()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", Audit.Knexfile);
        repo.Write("migrations/20250101000000_create_users.js", Audit.CreateTable("users"));
        repo.Write("migrations/20250102000000_create_orders.js", Audit.CreateTable("orders"));
        repo.Commit();

        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Production Readiness: READY", run.Stdout);
        Assert.Contains("Current state is PRODUCTION READY", run.Stdout);
        Assert.DoesNotContain("\u001b[", run.Stdout);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Not_ready_project_exits_1_and_json_parses()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Commit();

        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("not-ready", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal("missing-down", json.RootElement.GetProperty("findings")[0].GetProperty("rule").GetString());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Empty_folder_is_a_one_line_error_with_exit_code_2()
    {
        using var repo = new TempRepo(init: false);
        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.StartsWith("migaudit: no Knex project found in", run.Stderr);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Missing_path_and_bad_option_are_usage_errors()
    {
        var missing = await CliRunner.RunAsync("audit", "/nonexistent/path/for/migaudit");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("is not a directory", missing.Stderr);

        var badFormat = await CliRunner.RunAsync("audit", ".", "--format", "yaml");
        Assert.Equal(2, badFormat.ExitCode);
        Assert.Contains("yaml", badFormat.Stderr);

        var unknown = await CliRunner.RunAsync("frobnicate");
        Assert.Equal(2, unknown.ExitCode);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Without_a_command_migaudit_audits_like_knex_users_expect()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Commit();

        // A folder, options alone, or knex's own --cwd: all audit.
        var byPath = await CliRunner.RunAsync(repo.Root, "--format", "json");
        var byCwd = await CliRunner.RunAsync("--cwd", repo.Root, "--format", "json");
        var explicitly = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        static string Findings(CliResult run) => string.Join("; ", JsonDocument.Parse(run.Stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("message").GetString()));
        Assert.Equal((1, Findings(explicitly)), (byPath.ExitCode, Findings(byPath)));
        Assert.Equal((1, Findings(explicitly)), (byCwd.ExitCode, Findings(byCwd)));

        var both = await CliRunner.RunAsync("audit", repo.Root, "--cwd", Path.GetTempPath());
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("name two different folders: give one", both.Stderr);

        var typo = await CliRunner.RunAsync("verfy", repo.Root);
        Assert.Equal(2, typo.ExitCode);
        Assert.StartsWith("migaudit: 'verfy' is neither a command nor a folder (commands: audit, demo, schema,", typo.Stderr);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Changed_since_and_staged_report_only_what_the_change_touches_while_reading_everything()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("create-index-not-concurrently", "bad"));
        repo.Commit("main");
        repo.Git("branch", "-M", "main");
        repo.Git("checkout", "-q", "-b", "feature");

        // The branch adds a hazard, collides with an old version, and deletes nothing; an untracked file counts too.
        repo.Write("migrations/20250103000000_drop_email.js", "exports.up = (knex) => knex.schema.alterTable('users', (t) => { t.dropColumn('email'); });\nexports.down = (knex) => knex.schema.alterTable('users', (t) => { t.string('email'); });\n");
        repo.Write("migrations/20250101000000_audit_log.js", Audit.CreateTable("audit_log"));
        repo.Commit("feature");
        repo.Write("migrations/20250104000000_rename_users.js", "exports.up = (knex) => knex.schema.renameTable('users', 'accounts');\nexports.down = (knex) => knex.schema.renameTable('accounts', 'users');\n");

        var whole = Audit.Run(repo.Root).Findings.Select(f => f.Rule).ToList();
        var run = await CliRunner.RunAsync("audit", repo.Root, "--changed-since", "main", "--format", "json");

        using var json = JsonDocument.Parse(run.Stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("rule").GetString()!, f.GetProperty("file").GetString()!)).ToList();
        Assert.Contains("create-index-not-concurrently", whole);
        // The old migration's own index findings are left out; the collision with its version is the change's.
        Assert.Equal(
            [
                ("duplicate-version", "migrations/20250101000000_create_users.js"), ("late-migration", "migrations/20250101000000_audit_log.js"),
                ("untracked-migration", "migrations/20250104000000_rename_users.js"), ("irreversible-down", "migrations/20250103000000_drop_email.js"),
                ("rename-table", "migrations/20250104000000_rename_users.js"), ("drop-column", "migrations/20250103000000_drop_email.js"), ("missing-lock-timeout", "knexfile.js"),
            ],
            findings);
        var scope = json.RootElement.GetProperty("scope");
        Assert.Equal(["migrations/20250101000000_audit_log.js", "migrations/20250103000000_drop_email.js", "migrations/20250104000000_rename_users.js"], scope.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(whole.Count - findings.Count, scope.GetProperty("outOfScope").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("migrations").GetArrayLength() - 1);

        // Staged: only what the index holds against HEAD.
        repo.Git("add", "migrations/20250104000000_rename_users.js");
        var staged = await CliRunner.RunAsync("audit", repo.Root, "--staged", "--format", "json");
        using var stagedJson = JsonDocument.Parse(staged.Stdout);
        // The commit being made adds the staged migration: it is not reported as untracked (StagedCliTests has the rest).
        Assert.Equal(["rename-table", "missing-lock-timeout"], stagedJson.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()));

        var text = await CliRunner.RunAsync("audit", repo.Root, "--staged");
        Assert.Contains("Scope:       staged changes: 1 file;", text.Stdout);

        var unknown = await CliRunner.RunAsync("audit", repo.Root, "--changed-since", "no-such-branch");
        Assert.Equal(2, unknown.ExitCode);
        Assert.StartsWith("migaudit: --changed-since no-such-branch: git knows no merge base of it and HEAD", unknown.Stderr);
        Assert.Equal(2, (await CliRunner.RunAsync("audit", repo.Root, "--staged", "--changed-since", "main")).ExitCode);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Unknown_environment_names_the_ones_available()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.js", "module.exports = { development: { client: 'pg' }, staging: { client: 'pg' } };\n");
        repo.Write("migrations/20250101000000_a.js", Audit.CreateTable("a"));
        repo.Commit();

        var run = await CliRunner.RunAsync("audit", repo.Root, "--env", "production");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("migaudit: environment 'production' is not in knexfile.js (it has: development, staging)", run.Stderr.Trim());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Migrations_option_overrides_discovery()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("db/changes/20250101000000_a.js", Audit.CreateTable("a"));
        var run = await CliRunner.RunAsync("audit", repo.Root, "--migrations", "db/changes", "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("db/changes", json.RootElement.GetProperty("migrationDirectories")[0].GetString());
        Assert.False(json.RootElement.GetProperty("git").GetProperty("isRepository").GetBoolean());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Demo_command_reproduces_the_seed_and_exits_1()
    {
        var run = await CliRunner.RunAsync("demo");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"{"Total Migrations (Active in filesystem):",-44}  75", run.Stdout);
        Assert.Contains($"{"Total Migrations (Committed in git):",-44}  55", run.Stdout);
        Assert.Contains($"{"Deleted Migrations:",-44}  26", run.Stdout);
        Assert.Contains("Production Readiness: NOT READY", run.Stdout);
        Assert.Contains("Rename 20250202000034_helpdesk_tickets.js to 20250202000035_helpdesk_tickets.js", run.Stdout);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Schema_command_prints_text_json_and_sql()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("fk-missing-on-delete", "good"));
        repo.Commit();

        var text = await CliRunner.RunAsync("schema", repo.Root);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("posts  (created by 20250102000000_create_posts.js)", text.Stdout);
        Assert.Contains("FK user_id -> users(id) on delete CASCADE  [posts_user_id_foreign]", text.Stdout);

        var json = await CliRunner.RunAsync("schema", repo.Root, "--format", "json");
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(["posts", "users"], document.RootElement.GetProperty("schema").GetProperty("tables").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        var sql = await CliRunner.RunAsync("schema", repo.Root, "--format", "sql");
        Assert.Contains("CREATE TABLE \"posts\" (\n  \"id\" serial NOT NULL,\n  \"user_id\" integer NOT NULL,\n  PRIMARY KEY (\"id\")\n);", sql.Stdout);
        Assert.Contains("ALTER TABLE \"posts\" ADD CONSTRAINT \"posts_user_id_foreign\" FOREIGN KEY (\"user_id\") REFERENCES \"users\" (\"id\") ON DELETE CASCADE;", sql.Stdout);
        Assert.Contains("CREATE INDEX \"posts_user_id_index\" ON \"posts\" (\"user_id\");", sql.Stdout);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Schema_command_reads_the_project_configuration()
    {
        using var repo = new TempRepo(init: false);
        repo.Write("db/changes/20250101000000_users.js", Audit.CreateTable("users"));
        Assert.Equal(2, (await CliRunner.RunAsync("schema", repo.Root)).ExitCode);

        repo.Write(".migauditrc.json", "{ \"migrations\": [\"db/changes\"] }");
        var run = await CliRunner.RunAsync("schema", repo.Root, "--format", "json");
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("users", json.RootElement.GetProperty("schema").GetProperty("tables")[0].GetProperty("name").GetString());
    }
}
