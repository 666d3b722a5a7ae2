using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

public sealed class CliTests
{
    [Fact]
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
