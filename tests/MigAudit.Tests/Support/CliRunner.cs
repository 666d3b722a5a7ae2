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

    public static Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    /// <summary>The command line with <paramref name="input"/> on its standard input (what "-" reads).</summary>
    public static async Task<CliResult> RunWithInputAsync(string? input, params string[] args)
    {
        if (Binary is not null)
        {
            return await ChildProcess.RunAsync(Binary, args, input: input);
        }

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, new StringReader(input ?? string.Empty));
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
