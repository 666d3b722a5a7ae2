using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>The GitHub Action's script (scripts/action.sh), run locally against fixture repositories and a local stand-in for GitHub's API.</summary>
public sealed class ActionTests
{
    private static string ScriptPath => Path.Combine(NodeKnex.ScriptsDirectory!, "..", "..", "scripts", "action.sh");

    private static (int Exit, string Stdout, string Stderr, Dictionary<string, string> Outputs) RunAction(string workdir, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workdir };
        start.ArgumentList.Add(ScriptPath);
        var outputs = Path.Combine(workdir, "github-output.txt");
        File.WriteAllText(outputs, string.Empty);
        start.Environment["MIGAUDIT"] = $"dotnet {Path.Combine(AppContext.BaseDirectory, "migaudit.dll")}";
        start.Environment["GITHUB_OUTPUT"] = outputs;
        start.Environment["RUNNER_TEMP"] = Directory.CreateTempSubdirectory("migaudit-action-").FullName;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var values = File.ReadAllLines(outputs).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return (process.ExitCode, stdout.Result, stderr, values);
    }

    [Fact]
    public void A_shallow_checkout_is_warned_about_and_the_outputs_and_verdict_follow_the_inputs()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Commit("one");
        repo.Commit("two");
        using var clone = new TempRepo(init: false);
        Directory.Delete(clone.Root, recursive: true);
        repo.Git("-c", "protocol.file.allow=always", "clone", "-q", "--depth", "1", "file://" + repo.Root, clone.Root);

        var run = RunAction(clone.Root, new Dictionary<string, string> { ["INPUT_PATH"] = clone.Root });

        Assert.Equal(1, run.Exit);
        Assert.Contains("::warning title=migaudit::The repository is a shallow clone", run.Stdout);
        Assert.Contains("::error file=migrations/", run.Stdout);
        using var sarif = JsonDocument.Parse(File.ReadAllText(run.Outputs["sarif"]));
        Assert.Equal("2.1.0", sarif.RootElement.GetProperty("version").GetString());
        Assert.Contains("missing-down", File.ReadAllText(run.Outputs["markdown"]));

        var never = RunAction(clone.Root, new Dictionary<string, string> { ["INPUT_PATH"] = clone.Root, ["INPUT_FAIL_ON"] = "never" });
        Assert.Equal(0, never.Exit);
    }

    [Fact]
    public async Task One_pull_request_comment_is_posted_then_updated_in_place()
    {
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("missing-down", "bad"));
        repo.Commit();
        var port = FreePort();
        var requests = new List<(string Method, string Path, string Body)>();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var existing = "[]";
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream);
                var body = await reader.ReadToEndAsync();
                lock (requests)
                {
                    requests.Add((context.Request.HttpMethod, context.Request.Url!.PathAndQuery, body));
                }

                var reply = Encoding.UTF8.GetBytes(context.Request.HttpMethod == "GET" ? existing : "{}");
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(reply);
                context.Response.Close();
            }
        });
        var eventFile = repo.PathOf("event.json");
        File.WriteAllText(eventFile, "{\"pull_request\":{\"number\":42}}");
        var environment = new Dictionary<string, string>
        {
            ["INPUT_PATH"] = repo.Root,
            ["INPUT_FAIL_ON"] = "never",
            ["GITHUB_EVENT_PATH"] = eventFile,
            ["GITHUB_TOKEN"] = "test-token",
            ["GITHUB_REPOSITORY"] = "acme/app",
            ["GITHUB_API_URL"] = $"http://127.0.0.1:{port}",
        };

        var first = RunAction(repo.Root, environment);
        existing = "[{\"id\":7,\"body\":\"other\"},{\"id\":9,\"body\":\"<!-- migaudit -->\\nold report\"}]";
        var second = RunAction(repo.Root, environment);
        listener.Stop();
        await serving;

        Assert.True(first.Exit == 0, first.Stderr);
        Assert.True(second.Exit == 0, second.Stderr);
        Assert.Equal(
            [("GET", "/repos/acme/app/issues/42/comments?per_page=100"), ("POST", "/repos/acme/app/issues/42/comments"), ("GET", "/repos/acme/app/issues/42/comments?per_page=100"), ("PATCH", "/repos/acme/app/issues/comments/9")],
            requests.Select(r => (r.Method, r.Path)));
        using var posted = JsonDocument.Parse(requests[1].Body);
        Assert.StartsWith("<!-- migaudit -->\n## migaudit: ", posted.RootElement.GetProperty("body").GetString());
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
