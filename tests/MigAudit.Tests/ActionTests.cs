using System.Net;
using System.Text;
using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>
/// The GitHub Action's script (scripts/action.sh), run locally as the runner runs it: in a real git repository, with the
/// built migaudit (the AOT binary when MIGAUDIT_CLI_BINARY names it), a local stand-in for GitHub's API, and the files
/// the runner gives a step (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the event). MIGAUDIT is a wrapper that logs each run, so
/// every test also proves the action audits once.
/// </summary>
[Trait("Surface", "cli")]
public sealed class ActionTests : IDisposable
{
    private const string Migration = "migrations/20250101000000_create_users.js";

    /// <summary>Each run's RUNNER_TEMP is a folder in here, removed with the test (the npm install puts a binary there).</summary>
    private readonly DirectoryInfo scratch = Directory.CreateTempSubdirectory("migaudit-action-");

    public void Dispose() => scratch.Delete(recursive: true);

    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(NodeKnex.ScriptsDirectory!, "..", ".."));

    private static string ScriptPath => Path.Combine(RepositoryRoot, "scripts", "action.sh");

    private static string RealMigaudit => CliRunner.Binary ?? $"dotnet {Path.Combine(AppContext.BaseDirectory, "migaudit.dll")}";

    /// <param name="Temp">RUNNER_TEMP.</param>
    /// <param name="Audits">The arguments of each run of migaudit, one line a run.</param>
    private sealed record ActionRun(int Exit, string Stdout, string Stderr, Dictionary<string, string> Outputs, string Summary, string[] Audits, string Temp);

    /// <summary>What a runner's step sees; the test's own GITHUB_* variables (if any) never leak in.</summary>
    private async Task<ActionRun> RunActionAsync(string workdir, IReadOnlyDictionary<string, string?> environment, string? path = null)
    {
        var temp = scratch.CreateSubdirectory(Guid.NewGuid().ToString("n")[..8]).FullName;
        var outputs = Path.Combine(temp, "github-output.txt");
        var summary = Path.Combine(temp, "step-summary.md");
        var runs = Path.Combine(temp, "runs.txt");
        var wrapper = Path.Combine(temp, "migaudit-counted.sh");
        File.WriteAllText(outputs, string.Empty);
        File.WriteAllText(runs, string.Empty);
        File.WriteAllText(wrapper, $"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{runs}'\nexec {RealMigaudit} \"$@\"\n");
        var variables = new Dictionary<string, string?>
        {
            ["MIGAUDIT"] = $"sh {wrapper}",
            ["RUNNER_TEMP"] = temp,
            ["GITHUB_OUTPUT"] = outputs,
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["GITHUB_TOKEN"] = null,
            ["GITHUB_EVENT_PATH"] = null,
            ["GITHUB_REPOSITORY"] = null,
            ["GITHUB_API_URL"] = null,
            [CliRunner.BinaryVariable] = null,
        };
        if (path is not null)
        {
            variables["PATH"] = path;
            variables["DOTNET_ROOT"] = null;
        }

        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        var run = await ChildProcess.RunAsync(path is null ? "bash" : Path.Combine(path, "bash"), [ScriptPath], workdir, variables);
        var values = File.ReadAllLines(outputs).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return new ActionRun(run.ExitCode, run.Stdout, run.Stderr, values, File.Exists(summary) ? File.ReadAllText(summary) : string.Empty, File.ReadAllLines(runs), temp);
    }

    private static TempRepo MissingDownRepo(string folder = ".")
    {
        var repo = new TempRepo();
        var source = Path.Combine(AppContext.BaseDirectory, "fixtures", "missing-down", "bad");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            repo.Write(Path.Combine(folder, Path.GetRelativePath(source, file)), File.ReadAllText(file));
        }

        repo.Commit();
        return repo;
    }

    [Fact]
    public async Task A_shallow_checkout_is_warned_about_and_the_outputs_and_verdict_follow_the_inputs()
    {
        using var repo = MissingDownRepo();
        repo.Commit("two");
        using var clone = new TempRepo(init: false);
        Directory.Delete(clone.Root, recursive: true);
        repo.Git("-c", "protocol.file.allow=always", "clone", "-q", "--depth", "1", "file://" + repo.Root, clone.Root);

        var run = await RunActionAsync(clone.Root, new Dictionary<string, string?> { ["INPUT_PATH"] = "." });

        Assert.True(run.Exit == 1, run.Stderr);
        Assert.Contains("::warning title=migaudit::The repository is a shallow clone", run.Stdout);
        Assert.Contains($"::error file={Migration},line=1,title=migaudit missing-down (blocking)::", run.Stdout);
        using var sarif = JsonDocument.Parse(File.ReadAllText(run.Outputs["sarif"]));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        Assert.StartsWith("## migaudit: ❌ not ready for production", File.ReadAllText(run.Outputs["markdown"]));
        Assert.Equal(File.ReadAllText(run.Outputs["markdown"]), run.Summary);
        Assert.Single(run.Audits);

        var never = await RunActionAsync(clone.Root, new Dictionary<string, string?> { ["INPUT_PATH"] = ".", ["INPUT_FAIL_ON"] = "never" });
        Assert.Equal(0, never.Exit);
        Assert.Single(never.Audits);
    }

    [Fact]
    public async Task The_step_format_the_sarif_and_the_markdown_come_from_one_audit_run()
    {
        using var repo = MissingDownRepo();

        var run = await RunActionAsync(repo.Root, new Dictionary<string, string?> { ["INPUT_FORMAT"] = "json", ["INPUT_FAIL_ON"] = "high" });

        Assert.True(run.Exit == 1, run.Stderr);
        var audit = Assert.Single(run.Audits);
        Assert.Equal($"audit . --paths repo-root --report sarif={run.Outputs["sarif"]} --report markdown={run.Outputs["markdown"]} --fail-on high --format json", audit);

        // The three reports of that run say the same: one finding, blocking, not ready.
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.Equal("not-ready", json.RootElement.GetProperty("verdict").GetString());
        Assert.Equal(["missing-down"], json.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()!).ToArray());
        using var sarif = JsonDocument.Parse(File.ReadAllText(run.Outputs["sarif"]));
        var sarifRun = sarif.RootElement.GetProperty("runs")[0];
        Assert.Equal("not-ready", sarifRun.GetProperty("properties").GetProperty("verdict").GetString());
        Assert.Equal(["missing-down"], sarifRun.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ruleId").GetString()!).ToArray());
        Assert.StartsWith("## migaudit: ❌ not ready for production (1 blocking)", run.Summary);
    }

    [Fact]
    public async Task A_project_below_the_repository_root_gets_paths_from_the_root_in_sarif_and_annotations()
    {
        using var repo = MissingDownRepo("server");

        var run = await RunActionAsync(repo.Root, new Dictionary<string, string?> { ["INPUT_PATH"] = "server" });

        Assert.True(run.Exit == 1, run.Stderr);
        Assert.Contains($"::error file=server/{Migration},line=1,title=migaudit missing-down (blocking)::", run.Stdout);
        Assert.DoesNotContain($"file={Migration}", run.Stdout);
        using var sarif = JsonDocument.Parse(File.ReadAllText(run.Outputs["sarif"]));
        var location = sarif.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
        Assert.Equal($"server/{Migration}", location.GetProperty("uri").GetString());
        Assert.Equal("%SRCROOT%", location.GetProperty("uriBaseId").GetString());

        // What code scanning resolves: the uri from the checkout's root names the migration.
        Assert.True(File.Exists(Path.Combine(repo.Root, location.GetProperty("uri").GetString()!)));
        Assert.Single(run.Audits);
    }

    [Fact]
    public async Task One_pull_request_comment_is_posted_then_updated_in_place()
    {
        using var repo = MissingDownRepo();
        var existing = "[]";
        await using var github = new FakeGitHub((method, _) => (200, method == "GET" ? existing : """{"id":9,"html_url":"https://github.invalid/acme/app/pull/42#issuecomment-9"}"""));
        var environment = PullRequest(repo, github.Url, failOn: "never");

        var first = await RunActionAsync(repo.Root, environment);
        existing = """[{"id":7,"body":"other"},{"id":9,"body":"<!-- migaudit -->\nold report"}]""";
        var second = await RunActionAsync(repo.Root, environment);

        Assert.True(first.Exit == 0, first.Stderr);
        Assert.True(second.Exit == 0, second.Stderr);
        Assert.Equal(
            [("GET", "/repos/acme/app/issues/42/comments?per_page=100"), ("POST", "/repos/acme/app/issues/42/comments"), ("GET", "/repos/acme/app/issues/42/comments?per_page=100"), ("PATCH", "/repos/acme/app/issues/comments/9")],
            github.Requests.Select(r => (r.Method, r.Path)));
        Assert.All(github.Requests, r => Assert.Equal("Bearer test-token", r.Authorization));
        using var posted = JsonDocument.Parse(github.Requests[1].Body);
        Assert.Equal("<!-- migaudit -->\n" + first.Summary, posted.RootElement.GetProperty("body").GetString());
        Assert.Contains("migaudit: posted the pull-request comment https://github.invalid/acme/app/pull/42#issuecomment-9", first.Stdout);
        Assert.DoesNotContain("::warning", first.Stdout + second.Stdout);
        Assert.Single(first.Audits);
        Assert.Single(second.Audits);
    }

    [Theory]
    [InlineData("POST", "never", 0)]
    [InlineData("POST", "", 1)]
    [InlineData("GET", "never", 0)]
    [InlineData("GET", "", 1)]
    public async Task A_refused_comment_is_a_warning_and_the_exit_code_follows_fail_on_only(string refused, string failOn, int exit)
    {
        using var repo = MissingDownRepo();
        await using var github = new FakeGitHub((method, _) => method == refused
            ? (403, """{"message":"Resource not accessible by integration"}""")
            : (200, method == "GET" ? "[]" : "{}"));

        var run = await RunActionAsync(repo.Root, PullRequest(repo, github.Url, failOn));

        Assert.True(run.Exit == exit, run.Stdout + run.Stderr);
        Assert.Contains(
            "::warning title=migaudit comment::GitHub refused the pull-request comment, HTTP 403 (GitHub: Resource not accessible by integration). A pull request from a fork gets a read-only token, and otherwise the workflow needs `permissions: pull-requests: write`. The report is in the job summary.",
            run.Stdout);
        Assert.StartsWith("## migaudit: ❌ not ready for production (1 blocking)", run.Summary);
        Assert.Equal(refused == "GET" ? ["GET"] : ["GET", "POST"], github.Requests.Select(r => r.Method).ToArray());
        Assert.Single(run.Audits);
    }

    [Fact]
    public async Task An_api_that_cannot_be_reached_or_answers_404_is_a_warning_too()
    {
        using var repo = MissingDownRepo();
        await using (var github = new FakeGitHub((_, _) => (404, """{"message":"Not Found"}""")))
        {
            var run = await RunActionAsync(repo.Root, PullRequest(repo, github.Url, "never"));
            Assert.True(run.Exit == 0, run.Stdout + run.Stderr);
            Assert.Contains("::warning title=migaudit comment::GitHub answered 404 for the pull-request comment (GitHub: Not Found)", run.Stdout);
        }

        // Nothing listens there any more: fetch fails to connect.
        var closed = $"http://127.0.0.1:{LoopbackHttpServer.FreePort()}";
        var down = await RunActionAsync(repo.Root, PullRequest(repo, closed, ""));
        Assert.True(down.Exit == 1, down.Stdout + down.Stderr);
        Assert.Contains("::warning title=migaudit comment::the pull-request comment was not posted: fetch failed. The report is in the job summary.", down.Stdout);
        Assert.StartsWith("## migaudit:", down.Summary);
    }

    [SkippableFact]
    public async Task Without_a_command_the_action_installs_migaudit_of_its_own_version_and_a_failed_install_says_what_to_set()
    {
        // The stand-in npm is a POSIX sh script with an executable bit.
        if (OperatingSystem.IsWindows())
        {
            Skip.If(true, "needs a POSIX sh");
            return;
        }

        using var repo = MissingDownRepo();
        using var programs = new ProgramsOnly("bash", "node", "git", "dirname", "rm", "cat");
        var calls = Path.Combine(programs.Folder, "npm-calls.txt");

        // A stand-in npm that logs its arguments and fails, as npm does for a package the registry does not have.
        File.WriteAllText(Path.Combine(programs.Folder, "npm"), $"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{calls}'\necho 'npm error 404 Not Found' >&2\nexit 1\n");
        File.SetUnixFileMode(Path.Combine(programs.Folder, "npm"), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var version = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot, "npm", "migaudit", "package.json"))).RootElement.GetProperty("version").GetString();

        var run = await RunActionAsync(repo.Root, new Dictionary<string, string?> { ["MIGAUDIT"] = null }, programs.Folder);

        Assert.Equal(2, run.Exit);
        Assert.Equal($"install --no-save --no-audit --no-fund --loglevel=error --prefix {run.Temp}/migaudit migaudit@{version}", File.ReadAllText(calls).TrimEnd());
        Assert.Contains($"::error title=migaudit::npm could not install migaudit@{version}. Set the action's migaudit-version, packages (npm tarballs) or binary input.", run.Stdout);
        Assert.Empty(run.Audits);
        Assert.Empty(run.Outputs);
    }

    [SkippableFact]
    [Trait("Surface", "npm")]
    public async Task The_action_runs_migaudit_from_the_npm_packages_with_no_dotnet_on_the_path()
    {
        var folder = Environment.GetEnvironmentVariable("MIGAUDIT_NPM_PACKAGES") is { Length: > 0 } named && Directory.Exists(named) ? named : null;
        Requires.Dependency(folder is not null, "the npm packages (scripts/build-npm.sh, then MIGAUDIT_NPM_PACKAGES)");
        var tarballs = Directory.GetFiles(folder!, "*.tgz");
        var launcher = Assert.Single(tarballs, t => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(t), @"^migaudit-\d"));
        var platform = Assert.Single(tarballs, t => Path.GetFileName(t).StartsWith($"migaudit-{NpmPackages.PlatformKey}-", StringComparison.Ordinal));
        using var repo = MissingDownRepo("server");
        using var programs = new ProgramsOnly("bash", "sh", "node", "npm", "git", "dirname", "rm", "cat");

        var run = await RunActionAsync(repo.Root, new Dictionary<string, string?> { ["MIGAUDIT"] = null, ["INPUT_PATH"] = "server", ["INPUT_PACKAGES"] = $"{launcher} {platform}", ["npm_config_update_notifier"] = "false" }, programs.Folder);

        Assert.True(run.Exit == 1, run.Stdout + run.Stderr);
        Assert.Contains($"::error file=server/{Migration},line=1,title=migaudit missing-down (blocking)::", run.Stdout);
        var installed = Path.Combine(run.Temp, "migaudit", "node_modules", "@migaudit", NpmPackages.PlatformKey, "bin", "migaudit");
        Assert.True(File.Exists(installed), installed);
        Assert.Contains($"\"uri\": \"server/{Migration}\"", File.ReadAllText(run.Outputs["sarif"]));
        Assert.StartsWith("## migaudit: ❌ not ready for production", run.Summary);
        Assert.False(File.Exists(Path.Combine(programs.Folder, "dotnet")));

        // Without the platform package (npm leaves out an optional dependency it cannot install, as --omit=optional
        // does here), the launcher's reason is the step's error, before any audit.
        var launcherOnly = await RunActionAsync(repo.Root, new Dictionary<string, string?> { ["MIGAUDIT"] = null, ["INPUT_PACKAGES"] = launcher, ["npm_config_omit"] = "optional", ["npm_config_update_notifier"] = "false" }, programs.Folder);
        Assert.Equal(2, launcherOnly.Exit);
        Assert.Contains("::error title=migaudit::migaudit was installed but cannot run here: ", launcherOnly.Stdout);
        Assert.Contains($"@migaudit/{NpmPackages.PlatformKey}", launcherOnly.Stdout);
        Assert.Empty(launcherOnly.Outputs);
    }

    /// <summary>
    /// action.yml, read as text (no YAML parser in the tests): every input the script reads is passed to it as INPUT_*
    /// and read there, and nothing installs or runs .NET.
    /// </summary>
    [Fact]
    public void The_action_passes_each_input_to_the_script_and_installs_no_dotnet()
    {
        var action = File.ReadAllText(Path.Combine(RepositoryRoot, "action.yml"));
        var script = File.ReadAllText(ScriptPath);
        var inputs = System.Text.RegularExpressions.Regex.Matches(action.Split("\noutputs:")[0], @"^  ([a-z-]+):$", System.Text.RegularExpressions.RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToArray();

        Assert.Equal(["path", "format", "fail-on", "baseline", "changed-since", "comment", "upload-sarif", "migaudit-version", "packages", "binary"], inputs);
        foreach (var input in inputs.Except(["comment", "upload-sarif"]))
        {
            var variable = "INPUT_" + input.ToUpperInvariant().Replace('-', '_');
            Assert.Contains($"        {variable}: ${{{{ inputs.{input} }}}}\n", action);
            Assert.Contains("${" + variable + ":-", script);
        }

        Assert.Contains("GITHUB_TOKEN: ${{ inputs.comment == 'true' && github.token || '' }}", action);
        Assert.Contains("if: always() && inputs.upload-sarif == 'true' && steps.audit.outputs.sarif != ''", action);
        Assert.DoesNotContain("dotnet", action, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("dotnet", script, StringComparison.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string?> PullRequest(TempRepo repo, string api, string failOn)
    {
        // Inside .git: git and migaudit see no new file, and it goes with the repository.
        var eventFile = repo.PathOf(Path.Combine(".git", "event.json"));
        File.WriteAllText(eventFile, """{"pull_request":{"number":42}}""");
        return new Dictionary<string, string?>
        {
            ["INPUT_FAIL_ON"] = failOn,
            ["GITHUB_EVENT_PATH"] = eventFile,
            ["GITHUB_TOKEN"] = "test-token",
            ["GITHUB_REPOSITORY"] = "acme/app",
            ["GITHUB_API_URL"] = api,
        };
    }

    /// <summary>A stand-in for GitHub's REST API on loopback: answers each request as told and records it.</summary>
    private sealed class FakeGitHub : IAsyncDisposable
    {
        private readonly LoopbackHttpServer server;

        public FakeGitHub(Func<string, string, (int Status, string Body)> answer)
        {
            server = new LoopbackHttpServer(async context =>
            {
                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                var path = context.Request.Url!.PathAndQuery;
                lock (Requests)
                {
                    Requests.Add((context.Request.HttpMethod, path, body, context.Request.Headers["Authorization"]));
                }

                var (status, reply) = answer(context.Request.HttpMethod, path);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(reply));
            });
        }

        /// <summary>The API's root, without the trailing '/' (as GITHUB_API_URL is).</summary>
        public string Url => server.Url.TrimEnd('/');

        public List<(string Method, string Path, string Body, string? Authorization)> Requests { get; } = [];

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }
}
