using System.CommandLine;
using MigAudit.Core;
using MigAudit.Reporting;
using MigAudit.Rules;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command ExplainCommand(TextWriter stdout)
    {
        var id = new Argument<string>("ID") { Description = "A rule id, as 'migaudit rules' lists them." };
        var command = new Command("explain", "Print a rule's documentation: why it matters in Knex, a bad and a good example, the fix.") { id };
        command.SetAction(parse =>
        {
            var rule = parse.GetValue(id)!;
            var docs = RuleCatalog.Find(rule) is null ? null : RuleDocs.Markdown(rule);
            if (docs is null)
            {
                throw new ProjectException($"unknown rule id '{rule}' (run 'migaudit rules' for the list)");
            }

            stdout.Write(docs);
            return ExitReady;
        });
        return command;
    }
}
