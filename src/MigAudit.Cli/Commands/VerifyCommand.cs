using System.CommandLine;
using System.Runtime.InteropServices;
using MigAudit.Core;
using MigAudit.Config;
using MigAudit.Engine;
using MigAudit.IO;
using MigAudit.Live;
using MigAudit.Reporting;

namespace MigAudit.Cli;

public static partial class CliApp
{
    private static Command VerifyCommand(TextWriter stdout, TextWriter stderr)
    {
        var path = ProjectPathArgument();
        var database = DatabaseAddressChecked(new Option<string?>("--database") { Description = "A PostgreSQL server of your own to create the scratch database on (a postgres:// URL or libpq keyword=value string, read as psql reads it; the migrations reach it through a relay into the sandbox, so sslmode=require and stronger are refused). Default: a throwaway server from the machine's PostgreSQL binaries, on a private Unix socket.", HelpName = "URL" });
        var keep = new Option<bool>("--keep") { Description = "Keep the scratch database afterwards, on the server given with --database (the throwaway server stops with migaudit, so it has nothing to keep)." };
        var format = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json");
        var environment = EnvironmentOption("The knexfile environment whose migration settings to use (default: production, else the only one).");
        var envFile = new Option<string?>("--env-file") { Description = "Variables the migrations need, in dotenv syntax (KEY=VALUE lines). The migrations run with a scrubbed environment; database URLs among these point at the scratch database.", HelpName = "FILE" };
        var set = new Option<string[]>("--set") { Description = "One variable the migrations need, KEY=VALUE (repeatable).", AllowMultipleArgumentsPerToken = false, HelpName = "KEY=VALUE" };
        var allowNetwork = new Option<bool>("--allow-network") { Description = "Share the machine's network with the sandbox and lift the driver's socket rule, so that migrations can reach other hosts (other databases on the scratch server stay refused)." };
        var skipLatestAgain = new Option<bool>("--skip-latest-again") { Description = "Do not run migrate:latest once more after every down (faster; downs that leave something behind are still reported)." };
        var noLockTrace = new Option<bool>("--no-lock-trace") { Description = "Do not read, after each up, the locks its transaction holds and the tables it rewrote (faster; no locks, rewrites or lock disagreements are reported)." };
        var unsandboxed = new Option<bool>("--run-project-code-unsandboxed") { Description = "Where no operating-system sandbox can be built (no bubblewrap, no user namespaces, macOS, Windows), run the project's migrations anyway, as your user: they can then read your files and secrets and reach your network. Without it, verify refuses to run there." };
        var command = new Command("verify", "Run the migrations for real with the project's own knex on a scratch PostgreSQL database: every up in one migrate:latest, as production runs it, every down in reverse, then latest again.") { path, database, keep, format, environment, envFile, set, allowNetwork, skipLatestAgain, noLockTrace, unsandboxed };
        command.SetAction(async (parse, cancellation) =>
        {
            var root = parse.GetValue(path)!;
            if (parse.GetValue(keep) && parse.GetValue(database) is null)
            {
                // The throwaway server listens on a private socket only and dies with migaudit (its parent-death signal):
                // a database kept there could never be reached.
                throw new ProjectException("--keep keeps the scratch database on a server you give with --database: the throwaway server listens only on a private socket and stops with migaudit");
            }

            var (settings, options) = Configure(root, parse.GetValue(environment), null, null);
            var audit = Auditor.Run(root, options, settings, baseline: null);
            if (audit.Input.Project.Dialect.Dialect is not (SqlDialect.PostgreSQL or SqlDialect.Unknown))
            {
                throw new ProjectException($"'migaudit verify' runs the migrations on PostgreSQL, and this project's migrations are written for {audit.Input.Project.Dialect.Describe()}");
            }

            if (!Verifier.KnexInstalled(audit.Input.Project))
            {
                var folder = Verifier.DriverProjectOf(audit.Input.Project).PackageFolder;
                throw new ProjectException($"knex is not installed in {folder}: run 'npm install' there first ('migaudit verify' runs the project's own knex)");
            }

            var variables = new Dictionary<string, string>(StringComparer.Ordinal);
            if (parse.GetValue(envFile) is { } file)
            {
                foreach (var (name, value) in DotEnv.Parse(SafeRead.TextOrFail(file, "the --env-file"), file))
                {
                    variables[name] = value;
                }
            }

            foreach (var (name, value) in (parse.GetValue(set) ?? []).Select(DotEnv.ParseAssignment))
            {
                variables[name] = value;
            }

            var verifyOptions = new VerifyOptions(variables, parse.GetValue(allowNetwork), LatestAgain: !parse.GetValue(skipLatestAgain), TraceLocks: !parse.GetValue(noLockTrace), Unsandboxed: parse.GetValue(unsandboxed));

            // Ctrl-C, kill or a closed terminal: stop the driver, drop the scratch database, stop the throwaway server,
            // then exit 128 + the signal's number, as a shell does.
            using var interrupted = new CancellationTokenSource();
            var exitOnSignal = 0;
            PosixSignalRegistration Stop(PosixSignal signal, int exitCode) => PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true;
                exitOnSignal = exitCode;
                interrupted.Cancel();
            });
            using var sigint = Stop(PosixSignal.SIGINT, 130);
            using var sigterm = Stop(PosixSignal.SIGTERM, 143);
            using var sighup = Stop(PosixSignal.SIGHUP, 129);
            VerifyResult result;
            try
            {
                result = stderr == Console.Error && !Console.IsErrorRedirected
                    ? await LiveProgressAsync(audit.Input.Migrations.Count, progress => Verifier.RunAsync(audit, parse.GetValue(database), parse.GetValue(keep), progress, verifyOptions, interrupted.Token))
                    : await Verifier.RunAsync(audit, parse.GetValue(database), parse.GetValue(keep), new SynchronousProgress(stderr.WriteLine), verifyOptions, interrupted.Token);
            }
            catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
            {
                await stderr.WriteLineAsync(parse.GetValue(keep)
                    ? "migaudit: verify interrupted: the knex driver was stopped; the scratch database was kept (--keep)"
                    : "migaudit: verify interrupted: the knex driver was stopped, the scratch database dropped and any throwaway server removed");
                return exitOnSignal;
            }
            catch (Exception error) when (error is Npgsql.NpgsqlException or TimeoutException)
            {
                throw new ProjectException(Redaction.Redact(error.Message, ConnectionUrl.SecretsOf(parse.GetValue(database))));
            }

            if (parse.GetValue(format) == "json")
            {
                stdout.WriteLine(VerifyReport.Json(result));
            }
            else
            {
                VerifyReport.WriteText(result, new ReportConsole(stdout, UseColour(stdout)));
            }

            return result.Passed ? ExitReady : ExitNotReady;
        });
        return command;
    }
}
