using System.Diagnostics;
using MigAudit.Cli;

namespace MigAudit.Tests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs migaudit's command line: in this process (the JIT build), or, when MIGAUDIT_CLI_BINARY names a binary, as that
/// program in a process of its own. scripts/test.sh sets it to the Native AOT build and runs the tests traited
/// Surface=cli again, so the AOT binary goes through the same end-to-end cases.
/// </summary>
public static class CliRunner
{
    public const string BinaryVariable = "MIGAUDIT_CLI_BINARY";

    public static string? Binary { get; } = Environment.GetEnvironmentVariable(BinaryVariable) is { Length: > 0 } path ? path : null;

    public static async Task<CliResult> RunAsync(params string[] args)
    {
        if (Binary is not null)
        {
            return await RunBinaryAsync(Binary, args);
        }

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    private static async Task<CliResult> RunBinaryAsync(string binary, string[] args)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {binary}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
