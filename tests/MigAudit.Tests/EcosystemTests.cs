using System.Diagnostics;
using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>Configuration file, baseline, inline suppression, exit-code control, rules/explain and packaging.</summary>
public sealed class EcosystemTests
{
    private static TempRepo Project()
    {
        var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Write("migrations/20250102000000_create_events.js", "exports.up = (knex) => knex.schema.createTable('events', (t) => {\n  t.increments('id');\n  t.timestamps(true, true);\n});\nexports.down = (knex) => knex.schema.dropTable('events');\n");
        repo.Commit();
        return repo;
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Config_file_turns_rules_off_re_rates_them_and_ignores_paths()
    {
        using var repo = Project();
        var before = await CliRunner.RunAsync("audit", repo.Root, "-f", "json");
        Assert.Equal(["missing-down", "missing-created-at-index"], Rules(before.Stdout));

        repo.Write(".migauditrc.json", """
            {
              // comments are allowed
              "rules": { "missing-created-at-index": "off", "missing-down": "low" },
              "tenantColumn": "account_id",
              "failOn": "medium"
            }
            """);
        var after = await CliRunner.RunAsync("audit", repo.Root, "-f", "json");
        using var json = JsonDocument.Parse(after.Stdout);
        var finding = json.RootElement.GetProperty("findings")[0];
        Assert.Equal(("missing-down", "low"), (finding.GetProperty("rule").GetString(), finding.GetProperty("severity").GetString()));
        Assert.Equal(1, json.RootElement.GetProperty("ignored").GetInt32());
        Assert.Equal(0, after.ExitCode);

        repo.Write(".migauditrc.json", "{ \"ignore\": [\"migrations/20250101000000_*\"] }");
        var ignored = await CliRunner.RunAsync("audit", repo.Root, "-f", "json");
        Assert.Equal(["missing-created-at-index"], Rules(ignored.Stdout));
        Assert.Equal(0, ignored.ExitCode);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Package_json_migaudit_key_is_read()
    {
        using var repo = Project();
        repo.Write("package.json", "{ \"name\": \"app\", \"migaudit\": { \"rules\": { \"missing-down\": \"off\" } } }");
        var run = await CliRunner.RunAsync("audit", repo.Root, "-f", "json");
        Assert.Equal(["missing-created-at-index"], Rules(run.Stdout));
    }

    [Theory]
    [Trait("Surface", "cli")]
    [InlineData("{ \"rules\": { \"missing-down\": \"off\" }, \"colour\": true }", "migaudit: .migauditrc.json: unknown key 'colour' (known: knexfile, environment, migrations, mainline, releases, tenantColumn, rules, ignore, failOn, docsUrl, applied, client, baseline, suppress)")]
    [InlineData("{ \"rules\": { \"no-such-rule\": \"off\" } }", "migaudit: .migauditrc.json: unknown rule id 'no-such-rule' in 'rules' (run 'migaudit rules' for the list)")]
    [InlineData("{ \"rules\": { \"missing-down\": \"critical\" } }", "migaudit: .migauditrc.json: rules.missing-down must be \"off\", \"low\", \"medium\" or \"high\"")]
    [InlineData("{\n  \"rules\": {\n    \"missing-down\": \"off\",,\n  }\n}", "migaudit: .migauditrc.json: invalid JSON at line 3")]
    public async Task Bad_config_is_a_one_line_error(string config, string expected)
    {
        using var repo = Project();
        repo.Write(".migauditrc.json", config);
        var run = await CliRunner.RunAsync("audit", repo.Root);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(expected, run.Stderr.Trim());
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Init_writes_the_discovered_settings_and_refuses_to_overwrite()
    {
        using var repo = Project();
        var run = await CliRunner.RunAsync("init", repo.Root);
        Assert.Equal(0, run.ExitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(repo.PathOf(".migauditrc.json")));
        Assert.Equal("knexfile.js", json.RootElement.GetProperty("knexfile").GetString());
        Assert.Equal("migrations", json.RootElement.GetProperty("migrations")[0].GetString());
        Assert.Equal(0, (await CliRunner.RunAsync("audit", repo.Root, "--fail-on", "never")).ExitCode);
        Assert.Equal(2, (await CliRunner.RunAsync("init", repo.Root)).ExitCode);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Baseline_reports_only_new_findings()
    {
        using var repo = Project();
        var write = await CliRunner.RunAsync("audit", repo.Root, "--write-baseline");
        Assert.Equal(0, write.ExitCode);
        Assert.Contains("Baseline with 2 findings written", write.Stderr);

        var clean = await CliRunner.RunAsync("audit", repo.Root, "--baseline", repo.PathOf(".migaudit-baseline.json"), "-f", "json");
        Assert.Equal(0, clean.ExitCode);
        Assert.Empty(Rules(clean.Stdout));
        using (var json = JsonDocument.Parse(clean.Stdout))
        {
            Assert.Equal(2, json.RootElement.GetProperty("baselined").GetInt32());
        }

        repo.Write("migrations/20250103000000_create_logs.js", "exports.up = (knex) => knex.schema.createTable('logs', (t) => t.increments('id'));\n");
        var fresh = await CliRunner.RunAsync("audit", repo.Root, "--baseline", repo.PathOf(".migaudit-baseline.json"), "-f", "json");
        Assert.Equal(1, fresh.ExitCode);
        Assert.Equal(["missing-down", "type-advice", "untracked-migration"], Rules(fresh.Stdout).Order());

        repo.Write("broken.json", "{ \"findings\": 3 }");
        var broken = await CliRunner.RunAsync("audit", repo.Root, "--baseline", repo.PathOf("broken.json"));
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("is not a migaudit baseline", broken.Stderr);
        Assert.Equal(2, (await CliRunner.RunAsync("audit", repo.Root, "--baseline", repo.PathOf("missing.json"))).ExitCode);
    }

    [Theory]
    [Trait("Surface", "cli")]
    [InlineData("missing-created-at-index", 1)]
    [InlineData("fk-missing-index, missing-created-at-index", 1)]
    [InlineData("fk-missing-index", 0)]
    public async Task Inline_suppression_needs_the_rule_id_on_the_line_above(string rules, int suppressed)
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Write("migrations/20250102000000_create_events.js", $"// migaudit-disable-next-line {rules} -- events are purged daily\nexports.up = (knex) => knex.schema.createTable('events', (t) => {{\n  t.increments('id');\n  t.timestamps(true, true);\n}});\nexports.down = (knex) => knex.schema.dropTable('events');\n");
        repo.Commit();
        var run = await CliRunner.RunAsync("audit", repo.Root, "-f", "json");
        // A rule the comment names that hides nothing there (fk-missing-index) is reported as an unused suppression.
        var unused = rules.Contains("fk-missing-index", StringComparison.Ordinal) ? new[] { "suppression-problem" } : [];
        Assert.Equal([.. (suppressed == 1 ? ["missing-down"] : new[] { "missing-down", "missing-created-at-index" }), .. unused], Rules(run.Stdout));
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal(suppressed, json.RootElement.GetProperty("suppressed").GetInt32());
    }

    [Theory]
    [Trait("Surface", "cli")]
    [InlineData("high", 1)]
    [InlineData("medium", 1)]
    [InlineData("never", 0)]
    public async Task Fail_on_controls_the_exit_code(string level, int expected)
    {
        using var repo = Project();
        Assert.Equal(expected, (await CliRunner.RunAsync("audit", repo.Root, "--fail-on", level)).ExitCode);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Fail_on_high_passes_a_project_with_only_low_findings()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("index-naming", "bad"));
        repo.Commit();
        Assert.Equal(0, (await CliRunner.RunAsync("audit", repo.Root, "--fail-on", "high")).ExitCode);
        Assert.Equal(1, (await CliRunner.RunAsync("audit", repo.Root, "--fail-on", "low")).ExitCode);
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Output_writes_any_format_to_a_file()
    {
        using var repo = Project();
        var target = repo.PathOf("out/report.sarif");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var run = await CliRunner.RunAsync("audit", repo.Root, "-f", "sarif", "-o", target);
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Contains("sarif report written to", run.Stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(target));
        Assert.Equal("2.1.0", json.RootElement.GetProperty("version").GetString());

        var text = repo.PathOf("out/report.txt");
        await CliRunner.RunAsync("audit", repo.Root, "-o", text);
        Assert.Contains("Production Readiness: NOT READY", File.ReadAllText(text));
        Assert.DoesNotContain("\u001b[", File.ReadAllText(text));
    }

    [Fact]
    [Trait("Surface", "cli")]
    public async Task Rules_and_explain()
    {
        var rules = await CliRunner.RunAsync("rules");
        Assert.Equal(0, rules.ExitCode);
        Assert.Contains(rules.Stdout.Split('\n'), l => l.StartsWith("missing-down", StringComparison.Ordinal) && l.Contains("high      yes", StringComparison.Ordinal));
        Assert.Equal(MigAudit.Rules.RuleCatalog.All.Count + 1, rules.Stdout.Trim().Split('\n').Length);

        var explain = await CliRunner.RunAsync("explain", "duplicate-version");
        Assert.Equal(0, explain.ExitCode);
        Assert.StartsWith("# duplicate-version", explain.Stdout);
        Assert.Contains("## Bad", explain.Stdout);

        var unknown = await CliRunner.RunAsync("explain", "nope");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("migaudit: unknown rule id 'nope' (run 'migaudit rules' for the list)", unknown.Stderr.Trim());
    }

    [Fact]
    public void Packs_as_a_dotnet_global_tool_that_runs()
    {
        using var work = new TempRepo(init: false);
        var cli = Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "src", "MigAudit.Cli", "MigAudit.Cli.csproj");
        var packages = Path.Combine(work.Root, "packages");
        Run("dotnet", "pack", cli, "-c", "Release", "-o", packages, "--nologo", "-v", "quiet");
        var package = Assert.Single(Directory.GetFiles(packages, "migaudit.*.nupkg"));
        using (var nupkg = System.IO.Compression.ZipFile.OpenRead(package))
        {
            using var nuspec = new StreamReader(nupkg.GetEntry("migaudit.nuspec")!.Open());
            Assert.Contains("<license type=\"expression\">MIT</license>", nuspec.ReadToEnd(), StringComparison.Ordinal);
        }

        var tools = Path.Combine(work.Root, "tools");
        Run("dotnet", "tool", "install", "migaudit", "--tool-path", tools, "--add-source", packages, "--version", "0.1.0");
        var version = Run(Path.Combine(tools, "migaudit"), "--version");
        Assert.StartsWith("0.1.0", version.Trim());
    }

    private static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), $"{file} did not finish");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)}: {stdout} {stderr.Result}");
        return stdout;
    }

    private static List<string> Rules(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()!).ToList();
    }
}
