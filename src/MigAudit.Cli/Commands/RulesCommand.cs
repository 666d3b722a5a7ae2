using System.CommandLine;
using MigAudit.Core;
using MigAudit.Rules;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command RulesCommand(TextWriter stdout)
    {
        var command = new Command("rules", "List every rule: id, severity, blocking, the databases it applies to, summary.");
        command.SetAction(_ =>
        {
            var width = RuleCatalog.All.Max(r => r.Id.Length);
            static string Dialects(MigAudit.Rules.Rule rule) => rule.Dialects.Count == MigAudit.Rules.Rule.AllDialects.Count ? "all" : string.Join(",", rule.Dialects.Select(d => d.ToString().ToLowerInvariant()));
            var dialectWidth = RuleCatalog.All.Max(r => Dialects(r).Length);
            stdout.WriteLine($"{"id".PadRight(width)}  severity  blocking  {"databases".PadRight(dialectWidth)}  summary");
            foreach (var rule in RuleCatalog.All)
            {
                stdout.WriteLine($"{rule.Id.PadRight(width)}  {rule.Severity.ToId(),-8}  {(rule.Blocking ? "yes" : "no"),-8}  {Dialects(rule).PadRight(dialectWidth)}  {rule.Summary}");
            }

            return ExitReady;
        });
        return command;
    }
}
