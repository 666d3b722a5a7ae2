using MigAudit.Cli;

namespace MigAudit.Tests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

public static class CliRunner
{
    public static async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
