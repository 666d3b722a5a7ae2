using System.CommandLine;
using MigAudit.Core;
using MigAudit.Demo;
using MigAudit.Engine;
using MigAudit.Knex.Discovery;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command DemoCommand(TextWriter stdout, TextWriter stderr)
    {
        var format = FormatOption();
        var directory = new Option<string?>("--path") { Description = "Where to create the demo repository (default: a new temp folder).", HelpName = "DIR" };
        var keep = new Option<bool>("--keep") { Description = "Keep the demo repository after the audit (always kept with --path)." };
        var output = OutputOption();
        var command = new Command("demo", "Build the BotBuilder sample repository (a real git history) in a temp folder and audit it.") { format, output, directory, keep };
        command.SetAction(parse =>
        {
            var target = parse.GetValue(directory);
            var temporary = target is null;
            target ??= Path.Combine(Path.GetTempPath(), "migaudit-demo-" + Guid.NewGuid().ToString("n")[..8]);
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                throw new ProjectException($"'{target}' is not empty; the demo needs an empty or new folder");
            }

            if (!Directory.Exists(target) && Path.Exists(target))
            {
                throw new ProjectException($"'{target}' is not a folder; the demo needs an empty or new folder");
            }

            stderr.WriteLine($"Building the BotBuilder demo repository in {target} ...");
            try
            {
                BotBuilderDemo.Create(target);
                var result = Auditor.Run(target, new DiscoveryOptions());
                Render(result, parse.GetValue(format)!, parse.GetValue(output), null, stdout, stderr);
                return ExitCode(result, failOn: null);
            }
            finally
            {
                if (temporary && !parse.GetValue(keep))
                {
                    TryDelete(target);
                }
                else
                {
                    stderr.WriteLine($"The demo repository is kept in {target}");
                }
            }
        });
        return command;
    }
}
