using System.CommandLine;
using MigAudit.Core;

namespace MigAudit.Cli;

public static partial class CliApp
{
    /// <summary>`migaudit help [COMMAND]`: what --help prints, as git, npm and eslint users type it.</summary>
    private static Command HelpCommand(RootCommand root, TextWriter stdout)
    {
        var name = new Argument<string?>("COMMAND") { Description = "The command to describe (default: every command).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("help", "Show this help, or a command's: migaudit help audit.") { name };
        command.SetAction(parse =>
        {
            var target = parse.GetValue(name);
            if (target is not null && !root.Subcommands.Any(c => !c.Hidden && c.Name == target))
            {
                throw new ProjectException($"unknown command '{target}' (commands: {CommandNames(root)})");
            }

            return root.Parse(target is null ? ["--help"] : [target, "--help"]).Invoke(new InvocationConfiguration { Output = stdout });
        });
        return command;
    }
}
