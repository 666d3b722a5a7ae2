using System.CommandLine;
using MigAudit.Engine;
using MigAudit.Reporting;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command SchemaCommand(TextWriter stdout)
    {
        var path = ProjectPathArgument();
        var format = new Option<string>("--format", "-f") { Description = "Output format: text, json or sql.", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json", "sql");
        var environment = EnvironmentOption("The knexfile environment (default: production, else the only one).");
        var knexfile = new Option<string?>("--knexfile") { Description = "The knexfile to read, instead of searching for one.", HelpName = "FILE" };
        var migrations = new Option<string[]>("--migrations") { Description = "Migration directories, relative to PATH.", AllowMultipleArgumentsPerToken = true, HelpName = "DIR" };
        var client = ClientOption();
        var command = new Command("schema", "Print the schema replayed statically from the migrations: tables, columns, foreign keys, indexes, and which migration created each.") { path, format, environment, knexfile, client, migrations };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            var (settings, options) = Configure(root, parse.GetValue(environment), parse.GetValue(knexfile), parse.GetValue(migrations), client: parse.GetValue(client));
            var input = Auditor.Run(root, options, settings, baseline: null).Input;
            var replay = input.Schema;
            var dialect = input.Project.Dialect;
            switch (parse.GetValue(format))
            {
                case "json":
                    stdout.WriteLine(JsonReport.RenderSchema(replay, dialect));
                    break;
                case "sql":
                    stdout.Write(SchemaReport.Sql(replay, dialect));
                    break;
                default:
                    SchemaReport.WriteText(replay, dialect, new ReportConsole(stdout, UseColour(stdout)));
                    break;
            }

            return ExitReady;
        });
        return command;
    }
}
