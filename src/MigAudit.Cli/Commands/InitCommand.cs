using System.CommandLine;
using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.IO;
using MigAudit.Knex.Discovery;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command InitCommand(TextWriter stdout, TextWriter stderr)
    {
        var path = ProjectPathArgument();
        var command = new Command("init", $"Write a starter {AuditSettings.FileName} with the settings migaudit discovers.") { path };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            var target = Path.Combine(root, AuditSettings.FileName);
            if (File.Exists(target))
            {
                throw new ProjectException($"{target} already exists; edit it or remove it first");
            }

            var project = ProjectDiscovery.Discover(root, new DiscoveryOptions());
            SafeWrite.Text(root, AuditSettings.FileName, AuditSettings.Starter(project));
            stdout.WriteLine($"Wrote {target}");
            return ExitReady;
        });
        return command;
    }
}
