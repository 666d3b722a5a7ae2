using System.CommandLine;
using MigAudit.Live;
using MigAudit.Reporting;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command DriftCommand(TextWriter stdout)
    {
        var path = ProjectPathArgument();
        var database = DatabaseAddressChecked(new Option<string>("--database") { Description = "The database to compare with the project (a postgres:// URL or libpq keyword=value string, read as psql reads it: PG* variables, .pgpass and pg_service.conf fill what it omits; sslmode and the ssl* parameters are honoured), opened read-only.", Required = true, HelpName = "URL" });
        var format = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json");
        var environment = EnvironmentOption("The knexfile environment whose migration settings to use (default: production, else the only one).");
        var command = new Command("drift", "Compare a live database with the project, read-only: applied vs files, pending, lock, orphaned and missing tables, schema differences.") { path, database, format, environment };
        command.SetAction(async (parse, cancellation) =>
        {
            var result = await AgainstDatabaseAsync(parse.GetValue(path)!, parse.GetValue(environment), parse.GetValue(database)!, DriftChecker.RunAsync);

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
