using System.CommandLine;
using MigAudit.Engine;
using MigAudit.Engine.Fixes;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command RestoreCommand(TextWriter stdout)
    {
        var name = new Argument<string>("NAME") { Description = "The deleted migration's file name." };
        var path = new Option<string>("--path") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => ".", HelpName = "PATH" };
        var command = new Command("restore", "Bring a deleted migration back from the last version git has of it.") { name, path };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            var (settings, options) = Configure(root, null, null, null);
            var audit = Auditor.Run(root, options, settings, baseline: null);
            stdout.WriteLine(DeletedMigrations.Restore(audit, parse.GetValue(name)!));

            return ExitReady;
        });
        return command;
    }
}
