using System.Diagnostics;
using MigAudit.Tests.Support;

namespace MigAudit.Tests;

/// <summary>The audit's progress line: on a terminal (a real pseudo-terminal from script(1)) with the text format only.</summary>
public sealed class ProgressTests
{
    private static string? Script => new[] { "/usr/bin/script", "/bin/script" }.FirstOrDefault(File.Exists);

    /// <summary>Runs the built CLI under script(1), which gives it a pseudo-terminal for stdin, stdout and stderr.</summary>
    private static string OnTerminal(string arguments)
    {
        var start = new ProcessStartInfo(Script!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-qec", $"dotnet {Path.Combine(AppContext.BaseDirectory, "migaudit.dll")} {arguments}", "/dev/null" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TERM"] = "xterm";
        start.Environment["MIGAUDIT_PROGRESS_AFTER_MS"] = "0";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    [SkippableFact]
    public void The_stage_is_shown_on_a_terminal_then_erased_and_never_in_a_machine_format_or_a_pipe()
    {
        Skip.If(Script is null, "script(1) is not installed");
        using var repo = new TempRepo();
        repo.CopyFixture(Path.Combine("create-index-not-concurrently", "bad"));
        repo.Commit();

        var text = OnTerminal($"audit {repo.Root}");
        Assert.Contains("\r\u001b[2Kmigaudit: ", text);
        Assert.Matches(@"\r\u001b\[2K(?!migaudit)", text);
        Assert.Contains("Production Readiness:", text);

        Assert.DoesNotContain("\u001b[2Kmigaudit: ", OnTerminal($"audit {repo.Root} --format json"));
        Assert.DoesNotContain("\u001b[2Kmigaudit: ", OnTerminal($"audit {repo.Root} | cat"));
    }
}
