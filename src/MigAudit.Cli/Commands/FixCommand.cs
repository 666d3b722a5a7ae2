using System.CommandLine;
using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.Engine.Fixes;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command FixCommand(TextWriter stdout)
    {
        var path = ProjectPathArgument();
        var rules = new Option<string[]>("--rule") { Description = $"Fix only these rules ({string.Join(", ", Fixer.SupportedRules)}). Repeat for several.", AllowMultipleArgumentsPerToken = true, HelpName = "ID" };
        var apply = new Option<bool>("--apply") { Description = "Write the changes (renames with git mv). Without it nothing is changed: the diff and commands are printed." };
        var force = new Option<bool>("--force") { Description = $"Overwrite {DeletedMigrations.DocumentPath} and {DeletedMigrations.RollbackPath} even when migaudit did not write them." };
        var command = new Command("fix", "Fix what can be fixed mechanically and safely; prints a unified diff, changes nothing without --apply.") { path, rules, apply, force };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            var selected = parse.GetValue(rules) ?? [];
            foreach (var rule in selected.Where(r => !Fixer.SupportedRules.Contains(r)))
            {
                throw new ProjectException($"'{rule}' has no automatic fix (fixable: {string.Join(", ", Fixer.SupportedRules)})");
            }

            var (settings, options) = Configure(root, null, null, null);
            var audit = Auditor.Run(root, options, settings, baseline: null);
            var plan = Fixer.Plan(audit, selected, parse.GetValue(force));
            if (plan.IsEmpty && plan.Refusals.Count == 0)
            {
                stdout.WriteLine("Nothing to fix.");
                return ExitReady;
            }

            stdout.Write(plan.Describe());
            if (!parse.GetValue(apply))
            {
                stdout.WriteLine(plan.IsEmpty ? "Nothing to change." : "Dry run: nothing was changed. Run again with --apply to write these changes.");
                return ExitReady;
            }

            foreach (var line in Fixer.Apply(plan, audit.Input.Project.Root))
            {
                stdout.WriteLine(line);
            }

            return ExitReady;
        });
        return command;
    }
}
