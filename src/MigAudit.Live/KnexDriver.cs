using MigAudit.Core;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MigAudit.Live;

public sealed record DriverReply(bool Ok, IReadOnlyList<string> Names, string? Error, long Milliseconds);

/// <summary>The embedded Node script, running the project's own knex against the scratch database, one command at a time.</summary>
public sealed class KnexDriver : IDisposable
{
    private readonly Process process;
    private readonly string script;

    private KnexDriver(Process process, string script)
    {
        this.process = process;
        this.script = script;
    }

    public static KnexDriver Start(string projectRoot, JsonObject knexConnection, JsonObject migrations, IReadOnlyDictionary<string, string> environment)
    {
        var script = Path.Combine(Path.GetTempPath(), $"migaudit-knex-driver-{Guid.NewGuid():n}.js");
        using (var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("knex-driver.js")!)
        using (var file = File.Create(script))
        {
            resource.CopyTo(file);
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = projectRoot,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(projectRoot);
        start.ArgumentList.Add(new JsonObject { ["connection"] = knexConnection, ["migrations"] = migrations }.ToJsonString());
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new ProjectException("node could not be started");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            File.Delete(script);
            throw new ProjectException("Node.js is not installed: 'migaudit verify' runs the project's own knex with node");
        }

        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return new KnexDriver(process, script);
    }

    public DriverReply Send(string op, TimeSpan timeout)
    {
        process.StandardInput.WriteLine(JsonSerializer.Serialize(new { op }));
        process.StandardInput.Flush();
        var line = ReadReplyAsync();
        if (!line.Wait(timeout))
        {
            throw new TimeoutException($"knex migrate:{op} did not finish within {timeout.TotalSeconds:0} s");
        }

        if (line.Result is null)
        {
            throw new ProjectException("the knex driver stopped unexpectedly");
        }

        var reply = JsonNode.Parse(line.Result)!;
        if (reply["fatal"] is { } fatal)
        {
            throw new ProjectException(fatal.GetValue<string>());
        }

        return new DriverReply(
            reply["ok"]!.GetValue<bool>(),
            reply["names"] is JsonArray names ? names.Select(n => n!.GetValue<string>()).ToList() : [],
            reply["error"]?.GetValue<string>(),
            reply["ms"]?.GetValue<long>() ?? 0);
    }

    /// <summary>The next protocol line (marked with a record separator); anything else is a migration's own output.</summary>
    private async Task<string?> ReadReplyAsync()
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            var marker = line.IndexOf('\u001e', StringComparison.Ordinal);
            if (marker >= 0)
            {
                return line[(marker + 1)..];
            }
        }

        return null;
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.StandardInput.WriteLine("{\"op\":\"quit\"}");
                if (!process.WaitForExit(5000))
                {
                    process.Kill(entireProcessTree: true);
                }
            }
        }
        catch (Exception error) when (error is IOException or InvalidOperationException)
        {
        }

        process.Dispose();
        File.Delete(script);
    }
}
