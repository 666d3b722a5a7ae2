using System.CommandLine;
using MigAudit.Core;
using MigAudit.Config;
using MigAudit.Engine;
using MigAudit.Live;
using MigAudit.Reporting;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command DriftCommand(TextWriter stdout)
    {
        var path = ProjectPathArgument();
        var database = new Option<string>("--database") { Description = "The database to compare with the project (postgres://user:password@host:port/db), opened read-only.", Required = true };
        var format = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json");
        var environment = EnvironmentOption("The knexfile environment whose migration settings to use (default: production, else the only one).");
        var command = new Command("drift", "Compare a live database with the project, read-only: applied vs files, pending, lock, orphaned and missing tables, schema differences.") { path, database, format, environment };
        command.SetAction(async (parse, cancellation) =>
        {
            var root = parse.GetValue(path)!;
            var (settings, options) = Configure(root, parse.GetValue(environment), null, null);
            var audit = Auditor.Run(root, options, settings, baseline: null);
            DriftResult result;
            try
            {
                result = await DriftChecker.RunAsync(audit, parse.GetValue(database)!);
            }
            catch (Npgsql.NpgsqlException error)
            {
                throw new ProjectException(Redaction.Redact(error.Message));
            }

            if (parse.GetValue(format) == "json")
            {
                stdout.WriteLine(DriftReport.Json(result));
            }
            else
            {
                DriftReport.WriteText(result, new ReportConsole(stdout, UseColour(stdout)));
            }

            return result.Clean ? ExitReady : ExitNotReady;
        });
        return command;
    }
}
