using System.Diagnostics;

namespace MigAudit.Tests.Support;

/// <summary>
/// The real knex package installed in tests/node (npm ci there). In CI it must be present; on a developer
/// machine without it, tests that need it return early and say so.
/// </summary>
public static class NodeKnex
{
    public static string? ScriptsDirectory { get; } = Find();

    public static bool Available => ScriptsDirectory is not null && Directory.Exists(Path.Combine(ScriptsDirectory, "node_modules", "knex"));

    public static bool Required => Environment.GetEnvironmentVariable("CI") is "true" or "1";

    /// <summary>Makes the real knex and pg of tests/node resolvable from the project, as 'npm install' there would.</summary>
    public static void LinkInto(TempRepo repo) =>
        Directory.CreateSymbolicLink(repo.PathOf("node_modules"), Path.Combine(ScriptsDirectory!, "node_modules"));

    /// <summary>
    /// Runs JavaScript with a real knex for PostgreSQL bound to <c>knex</c> (no database: only query building, such as
    /// toString()), and returns what it printed. Fails the test when node fails.
    /// </summary>
    public static string WithKnex(string body)
    {
        var script = Path.Combine(Path.GetTempPath(), $"migaudit-knex-{Guid.NewGuid():n}.js");
        File.WriteAllText(script, "const knex = require(require('path').join(process.cwd(), 'node_modules', 'knex'))({ client: 'pg' });\n" + body);
        try
        {
            var (exit, stdout, stderr) = Run(script);
            Assert.True(exit == 0, stderr);
            return stdout;
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// Runs a tests/node script that reads its cases from the JSON file named by its first argument and prints its answer
    /// as JSON; fails the test when node fails.
    /// </summary>
    public static T RunJson<T>(string script, System.Text.Json.Nodes.JsonNode cases)
    {
        var input = Path.Combine(Path.GetTempPath(), $"migaudit-{Path.GetFileNameWithoutExtension(script)}-{Guid.NewGuid():n}.json");
        File.WriteAllText(input, cases.ToJsonString());
        try
        {
            var (exit, stdout, stderr) = Run(script, input);
            Assert.True(exit == 0, stderr);
            return System.Text.Json.JsonSerializer.Deserialize<T>(stdout)!;
        }
        finally
        {
            File.Delete(input);
        }
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = ScriptsDirectory!, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(ScriptsDirectory!, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    private static string? Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "node");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return candidate;
            }
        }

        return null;
    }
}
