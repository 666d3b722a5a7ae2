using System.CommandLine;
using MigAudit.Core;
using MigAudit.Live;
using MigAudit.Reporting;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command PlanCommand(TextWriter stdout)
    {
        var path = ProjectPathArgument();
        var database = DatabaseAddressChecked(new Option<string>("--database") { Description = "The database the pending migrations would run on (a postgres:// URL or libpq keyword=value string, read as psql reads it: PG* variables, .pgpass and pg_service.conf fill what it omits; sslmode and the ssl* parameters are honoured), opened read-only.", Required = true, HelpName = "URL" });
        var format = new Option<string>("--format", "-f") { Description = "text, json or markdown (for a pull-request comment).", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json", "markdown");
        var environment = EnvironmentOption("The knexfile environment whose migration settings to use (default: production, else the only one).");
        var command = new Command("plan", "Show what the pending migrations will do to a live database, read-only: in Knex's order, each statement's lock, row work (rewrite, scan, index build), its table's live size, a duration class and risk, and the open transactions a lock would wait behind. Exit 1 when a step is high risk or the migration lock is held.") { path, database, format, environment };
        command.SetAction(async (parse, cancellation) =>
        {
            var result = await AgainstDatabaseAsync(parse.GetValue(path)!, parse.GetValue(environment), parse.GetValue(database)!, Planner.RunAsync);

            switch (parse.GetValue(format))
            {
                case "json":
                    stdout.WriteLine(PlanReport.Json(result));
                    break;
                case "markdown":
                    stdout.Write(PlanReport.Markdown(result));
                    break;
                default:
                    PlanReport.WriteText(result, new ReportConsole(stdout, UseColour(stdout)));
                    break;
            }

            return result.Worst == Severity.High || result.MigrationLockHeld ? ExitNotReady : ExitReady;
        });
        return command;
    }
}
