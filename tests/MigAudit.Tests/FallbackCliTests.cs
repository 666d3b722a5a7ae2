using System.Text.Json;
using System.Text.Json.Nodes;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>The UNKNOWN verdict on the command line: exit 3, the header's assumption, every format's wording.</summary>
public sealed class FallbackCliTests
{
    private const string UnreadableKnexfile = """
        import type { Knex } from "knex";
        namespace Env { export const { production } = { production: "production" }; }
        const config: { [key: string]: Knex.Config } = { production: { client: "pg" } };
        export default config;
        """;

    private const string KnexfileReason = "migaudit could not evaluate knexfile.ts: cannot be parsed: migaudit does not rewrite an exported destructuring declaration in a namespace, found '{' (migaudit could not read this TypeScript); the environment's migration settings (folder, table, loadExtensions, migrationSource) are not known";

    private const string FolderReason = "the migrations folder migrations is assumed (Knex's default beside the knexfile), not read from knexfile.ts: production may run another folder";

    private static TempRepo AssumedFolderProject()
    {
        var repo = new TempRepo();
        repo.Write("knexfile.ts", UnreadableKnexfile);
        repo.Write("migrations/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Commit();
        return repo;
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task An_assumed_folder_exits_3_and_the_header_says_which_assumption_and_why()
    {
        using var repo = AssumedFolderProject();
        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal(string.Empty, run.Stderr);
        var lines = run.Stdout.Split('\n');
        Assert.Contains("Status:      UNKNOWN (nothing blocks, but what decides it is undecided: migaudit could not read it, or only production can tell)", lines);
        Assert.Contains("Knexfile:    knexfile.ts (environment not known: cannot be parsed: migaudit does not rewrite an exported destructuring declaration in a namespace, found '{' (migaudit could not read this TypeScript))", lines);
        Assert.Contains("Migrations:  migrations (table knex_migrations, ASSUMED: Knex's default ./migrations beside knexfile.ts, because knexfile.ts could not be evaluated)", lines);
        Assert.Contains($"- knexfile.ts:2: {KnexfileReason}", lines);
        Assert.Contains($"- knexfile.ts:2: {FolderReason}", lines);
        Assert.Contains("Production Readiness: UNKNOWN", lines);
        Assert.Contains("Current state is UNKNOWN: nothing blocks, but what decides it is undecided (migaudit could not read it, or only production can tell)", lines);
    }

    [Theory]
    [Trait("Surface", "cli")]
    [InlineData("never", 0)]
    [InlineData("high", 3)]
    [InlineData("low", 3)]
    public async Task Fail_on_never_exits_0_and_a_severity_threshold_still_exits_3(string failOn, int exitCode)
    {
        using var repo = AssumedFolderProject();
        var run = await CliRunner.RunAsync("audit", repo.Root, "--fail-on", failOn);
        Assert.Equal(exitCode, run.ExitCode);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Json_says_unknown_with_the_unknowns_and_where_the_folder_came_from()
    {
        using var repo = AssumedFolderProject();
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "json");
        Assert.Equal(3, run.ExitCode);
        var json = JsonNode.Parse(run.Stdout)!;
        Assert.Equal("unknown", json["verdict"]!.GetValue<string>());
        Assert.False(json["ready"]!.GetValue<bool>());
        Assert.Equal(0, json["blockingCount"]!.GetValue<int>());
        Assert.Equal("knex-default", json["migrationsFolderSource"]!.GetValue<string>());
        Assert.Equal("Knex's default ./migrations beside knexfile.ts, because knexfile.ts could not be evaluated", json["migrationsFolderReason"]!.GetValue<string>());
        Assert.Equal(
            $$"""[{"reason":{{JsonSerializer.Serialize(KnexfileReason)}},"file":"knexfile.ts","line":2,"names":[]},{"reason":{{JsonSerializer.Serialize(FolderReason)}},"file":"knexfile.ts","line":2,"names":[]}]""",
            json["unknowns"]!.ToJsonString());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task A_ready_project_says_where_its_folder_and_environment_came_from_in_json()
    {
        using var repo = Audit.Project(("20240101120000_create_users.js", Audit.CreateTable("users")));
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "json", "--env", "production");
        Assert.Equal(0, run.ExitCode);
        var json = JsonNode.Parse(run.Stdout)!;
        Assert.Equal(("ready", true, "[]"), (json["verdict"]!.GetValue<string>(), json["ready"]!.GetValue<bool>(), json["unknowns"]!.ToJsonString()));
        Assert.Equal(("knexfile", "knexfile.js, environment 'production'"), (json["migrationsFolderSource"]!.GetValue<string>(), json["migrationsFolderReason"]!.GetValue<string>()));
        Assert.Equal(("option", "--env production"), (json["environmentSource"]!.GetValue<string>(), json["environmentReason"]!.GetValue<string>()));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Markdown_github_html_and_sarif_show_unknown_with_the_reasons_at_file_and_line()
    {
        using var repo = AssumedFolderProject();
        var markdown = await CliRunner.RunAsync("audit", repo.Root, "--format", "markdown");
        Assert.Equal(3, markdown.ExitCode);
        Assert.StartsWith("## migaudit: ❔ readiness unknown (2 undecided)\n\nUndecided, and it decides readiness:\n\n", markdown.Stdout);
        Assert.Contains($"- `knexfile.ts:2`: {FolderReason}\n", markdown.Stdout);

        var github = await CliRunner.RunAsync("audit", repo.Root, "--format", "github");
        Assert.Equal(3, github.ExitCode);
        Assert.Contains($"::warning file=knexfile.ts,line=2,title=migaudit unknown::{FolderReason}\n", github.Stdout);
        Assert.EndsWith("::warning title=migaudit::readiness unknown: 2 things that decide it are undecided (not read, or only production can tell)\n", github.Stdout);

        var html = await CliRunner.RunAsync("audit", repo.Root, "--format", "html");
        Assert.Contains("<div class=\"verdict unknown\" id=\"verdict\">Readiness unknown — 2 undecided</div>", html.Stdout);
        Assert.Contains("<li><code>knexfile.ts:2</code>: the migrations folder migrations is assumed (Knex&#39;s default beside the knexfile), not read from knexfile.ts: production may run another folder</li>", html.Stdout);

        var sarif = await CliRunner.RunAsync("audit", repo.Root, "--format", "sarif");
        Assert.Equal(3, sarif.ExitCode);
        var run = JsonNode.Parse(sarif.Stdout)!["runs"]![0]!;
        Assert.Equal("unknown", run["properties"]!["verdict"]!.GetValue<string>());
        var notifications = run["invocations"]![0]!["toolExecutionNotifications"]!.AsArray();
        Assert.Equal([KnexfileReason, FolderReason], notifications.Select(n => n!["message"]!["text"]!.GetValue<string>()));
        Assert.Equal(2, notifications[1]!["locations"]![0]!["physicalLocation"]!["region"]!["startLine"]!.GetValue<int>());
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Output_file_line_on_stderr_says_unknown()
    {
        using var repo = AssumedFolderProject();
        var output = Path.Combine(repo.Root, "report.json");
        var run = await CliRunner.RunAsync("audit", repo.Root, "--format", "json", "--output", output);
        Assert.Equal(3, run.ExitCode);
        Assert.Equal($"json report written to {output} (unknown, 2 undecided)\n", run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Migrations_option_gives_an_audit_where_the_knexfile_cannot_be_evaluated()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.ts", UnreadableKnexfile);
        repo.Write("database/schema/20240101120000_create_users.js", Audit.CreateTable("users"));
        repo.Write("src/app.js", "module.exports = {};\n");
        repo.Commit();

        var run = await CliRunner.RunAsync("audit", repo.Root, "--migrations", "database/schema");
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("Migrations:  database/schema (table knex_migrations, from --migrations)\n", run.Stdout);
        Assert.Contains($"- knexfile.ts:2: {KnexfileReason}\n", run.Stdout);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task No_migrations_of_its_own_exits_2_with_one_line()
    {
        using var repo = new TempRepo();
        repo.Write("knexfile.ts", UnreadableKnexfile);
        repo.Commit();

        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Equal("migaudit: knexfile.ts:2: cannot be parsed: migaudit does not rewrite an exported destructuring declaration in a namespace, found '{' (migaudit could not read this TypeScript); and this repository has no migrations to audit instead: no ./migrations beside the knexfile and no folder of migration-shaped files (a version in the name, up and down exported). Name the folder with --migrations DIR: the knexfile is then not needed to find it\n", run.Stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Help_documents_exit_code_3()
    {
        var run = await CliRunner.RunAsync("audit", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Exit codes: 0 ready, 1 not ready (a blocking finding), 2 usage error or unreadable project, 3 unknown (nothing blocks, but migaudit could not read something that decides readiness, or only production's migrations table can tell: answer with --applied).", run.Stdout.Replace("\n", " ", StringComparison.Ordinal).Replace("  ", " ", StringComparison.Ordinal));
    }
}
