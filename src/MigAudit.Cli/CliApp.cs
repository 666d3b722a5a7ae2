using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using MigAudit.Core;
using MigAudit.Demo;
using MigAudit.Config;
using MigAudit.Engine;
using MigAudit.Engine.Fixes;
using MigAudit.IO;
using MigAudit.Live;
using MigAudit.Knex.Discovery;
using MigAudit.Reporting;
using MigAudit.Rules;
using Spectre.Console;

namespace MigAudit.Cli;

/// <summary>The command line: parse options, call the engine, choose a renderer. Exit codes: 0 ready, 1 not ready, 2 usage or input error.</summary>
public static class CliApp
{
    public const int ExitReady = 0;
    public const int ExitNotReady = 1;
    public const int ExitUsage = 2;

    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildCommands(stdout, stderr);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, whatever System.CommandLine's messages look like (some list the allowed values one per line).
            var messages = parse.Errors.Select(e => e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .Select(lines => lines.Length == 1 ? lines[0] : lines[0] + " " + string.Join(", ", lines[1..]));
            await stderr.WriteLineAsync(Quoting.Printable($"migaudit: {string.Join("; ", messages)} (run 'migaudit --help' for usage)"));
            return ExitUsage;
        }

        try
        {
            // Signals are handled where there is something to clean up (verify), not by System.CommandLine's timeout.
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (ProjectException error)
        {
            await stderr.WriteLineAsync($"migaudit: {Quoting.Printable(error.Message)}");
            return error.ExitCode;
        }
        catch (Exception error) when (Environment.GetEnvironmentVariable("MIGAUDIT_DEBUG") is null)
        {
            await stderr.WriteLineAsync(Quoting.Printable($"migaudit: internal error: {error.GetType().Name}: {error.Message} (set MIGAUDIT_DEBUG=1 for details)"));
            return ExitUsage;
        }
    }

    private static RootCommand BuildCommands(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("migaudit — audits a Knex.js project's migrations and database configuration and says whether it is ready for production.");
        root.Subcommands.Add(AuditCommand(stdout, stderr));
        root.Subcommands.Add(DemoCommand(stdout, stderr));
        root.Subcommands.Add(SchemaCommand(stdout));
        root.Subcommands.Add(BenchGenCommand(stdout));
        root.Subcommands.Add(InitCommand(stdout, stderr));
        root.Subcommands.Add(VerifyCommand(stdout, stderr));
        root.Subcommands.Add(DriftCommand(stdout));
        root.Subcommands.Add(PlanCommand(stdout));
        root.Subcommands.Add(FixCommand(stdout));
        root.Subcommands.Add(RestoreCommand(stdout));
        root.Subcommands.Add(RulesCommand(stdout));
        root.Subcommands.Add(ExplainCommand(stdout));
        return root;
    }

    private static readonly string[] Formats = ["text", "json", "markdown", "github", "sarif", "html"];

    private static Option<string> FormatOption() => new Option<string>("--format", "-f")
    {
        Description = "Report format: text, json, markdown, github (workflow annotations), sarif or html.",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong(Formats);

    private static Option<string?> OutputOption() => new("--output", "-o") { Description = "Write the report to this file instead of standard output." };

    private static Command AuditCommand(TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string>("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var format = FormatOption();
        var output = OutputOption();
        var environment = new Option<string?>("--env") { Description = "The knexfile environment to audit (default: production, else the only one)." };
        var knexfile = new Option<string?>("--knexfile") { Description = "The knexfile to read, instead of searching for one." };
        var migrations = new Option<string[]>("--migrations")
        {
            Description = "Migration directories, relative to PATH; overrides the knexfile. Repeat for several.",
            AllowMultipleArgumentsPerToken = true,
        };
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a finding of this severity or higher remains: high, medium, low or never (default: any blocking finding)." };
        failOn.AcceptOnlyFromAmong(AuditSettings.FailOnValues);
        var baseline = new Option<string?>("--baseline") { Description = "Report only findings that are not in this baseline file." };
        var writeBaseline = new Option<string?>("--write-baseline")
        {
            Description = $"Record today's findings as the baseline (default file: {Baseline.DefaultFile}, inside the project) and exit 0.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var force = new Option<bool>("--force") { Description = "With --write-baseline: overwrite the file even when it is not a migaudit baseline." };
        var branch = new Option<string?>("--branch") { Description = "The mainline: history is read along this branch's first-parent line (default: HEAD; or 'mainline' in .migauditrc.json)." };
        var command = new Command("audit", "Audit a Knex project statically (its code is never run).")
        {
            path, format, output, environment, knexfile, migrations, failOn, baseline, writeBaseline, force, branch,
        };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            var (settings, options) = Configure(root, parse.GetValue(environment), parse.GetValue(knexfile), parse.GetValue(migrations));
            settings = settings with { Mainline = parse.GetValue(branch) ?? settings.Mainline };
            BaselineSet? accepted = null;
            if (parse.GetValue(baseline) is { } baselineFile)
            {
                try
                {
                    accepted = Baseline.Read(Path.IsPathRooted(baselineFile) || File.Exists(baselineFile) ? baselineFile : Path.Combine(root, baselineFile));
                    if (accepted.Notice(baselineFile) is { } notice)
                    {
                        stderr.WriteLine(Quoting.Printable("migaudit: " + notice));
                    }
                }
                catch (Exception error) when (error is FormatException or IOException)
                {
                    throw new ProjectException(error is FileNotFoundException ? $"baseline '{baselineFile}' does not exist" : error.Message);
                }
            }

            var result = Auditor.Run(root, options, settings, accepted is null ? null : accepted.Accepts);
            if (parse.GetResult(writeBaseline) is not null)
            {
                var projectRoot = result.Input.Project.Root;
                var target = parse.GetValue(writeBaseline) is { } named ? Path.GetFullPath(named) : Path.Combine(projectRoot, Baseline.DefaultFile);
                var full = SafeWrite.Check(projectRoot, target);
                if (!parse.GetValue(force) && File.Exists(full) && !Baseline.IsBaseline(SafeRead.TextOrFail(full, "the baseline file")))
                {
                    throw new ProjectException($"{Quoting.Printable(target)} exists and is not a migaudit baseline; choose another file, or pass --force to overwrite it");
                }

                SafeWrite.Text(projectRoot, full, Baseline.Write(result.Findings, Version));
                stderr.WriteLine(Quoting.Printable($"Baseline with {result.Findings.Count} findings written to {target}; later runs with --baseline report only new ones."));
                return ExitReady;
            }

            Render(result, parse.GetValue(format)!, parse.GetValue(output), settings.DocsUrl, stdout, stderr);
            return ExitCode(result, parse.GetValue(failOn) ?? settings.FailOn);
        });
        return command;
    }

    /// <summary>The project's settings file, with command-line options winning over it.</summary>
    private static (AuditSettings Settings, DiscoveryOptions Options) Configure(string root, string? environment, string? knexfile, string[]? migrations)
    {
        var settings = Directory.Exists(root) ? AuditSettings.Load(root) : new AuditSettings();
        return (settings, new DiscoveryOptions
        {
            Environment = environment ?? settings.Environment,
            Knexfile = knexfile ?? settings.Knexfile,
            MigrationDirectories = migrations is { Length: > 0 } ? migrations : settings.Migrations,
        });
    }

    public static int ExitCode(AuditResult result, string? failOn)
    {
        var threshold = failOn switch
        {
            "never" => (Severity?)null,
            "high" => Severity.High,
            "medium" => Severity.Medium,
            "low" => Severity.Low,
            _ => null,
        };
        if (failOn is null)
        {
            return result.Ready ? ExitReady : ExitNotReady;
        }

        return threshold is { } level && result.Findings.Any(f => f.Severity >= level) ? ExitNotReady : ExitReady;
    }

    private static Command VerifyCommand(TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string>("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var database = new Option<string?>("--database") { Description = "A PostgreSQL server to create the scratch database on (postgres://user:password@host:port/db). Default: a throwaway server from the machine's PostgreSQL binaries." };
        var keep = new Option<bool>("--keep") { Description = "Keep the scratch database (and the throwaway server) afterwards." };
        var format = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json");
        var environment = new Option<string?>("--env") { Description = "The knexfile environment whose migration settings to use." };
        var envFile = new Option<string?>("--env-file") { Description = "Variables the migrations need, in dotenv syntax (KEY=VALUE lines). The migrations run with a scrubbed environment; database URLs among these point at the scratch database." };
        var set = new Option<string[]>("--set") { Description = "One variable the migrations need, KEY=VALUE (repeatable).", AllowMultipleArgumentsPerToken = false };
        var allowNetwork = new Option<bool>("--allow-network") { Description = "Let migrations open connections to hosts other than the scratch server (other databases on it stay refused)." };
        var skipLatestAgain = new Option<bool>("--skip-latest-again") { Description = "Do not run migrate:latest once more after every down (faster; downs that leave something behind are still reported)." };
        var command = new Command("verify", "Run the migrations for real with the project's own knex on a scratch PostgreSQL database: every up in one migrate:latest, as production runs it, every down in reverse, then latest again.") { path, database, keep, format, environment, envFile, set, allowNetwork, skipLatestAgain };
        command.SetAction(async (parse, cancellation) =>
        {
            var root = parse.GetValue(path)!;
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

            var verifyOptions = new VerifyOptions(variables, parse.GetValue(allowNetwork), LatestAgain: !parse.GetValue(skipLatestAgain));

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
                throw new ProjectException(Redaction.Redact(error.Message));
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

    private static Command DriftCommand(TextWriter stdout)
    {
        var path = new Argument<string>("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var database = new Option<string>("--database") { Description = "The database to compare with the project (postgres://user:password@host:port/db), opened read-only.", Required = true };
        var format = new Option<string>("--format", "-f") { Description = "text or json.", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json");
        var environment = new Option<string?>("--env") { Description = "The knexfile environment whose migration settings to use." };
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

    private static Command PlanCommand(TextWriter stdout)
    {
        var path = new Argument<string>("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var database = new Option<string>("--database") { Description = "The database the pending migrations would run on (postgres://user:password@host:port/db), opened read-only.", Required = true };
        var format = new Option<string>("--format", "-f") { Description = "text, json or markdown (for a pull-request comment).", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json", "markdown");
        var environment = new Option<string?>("--env") { Description = "The knexfile environment whose migration settings to use." };
        var command = new Command("plan", "Show what the pending migrations will do to a live database, read-only: in Knex's order, each statement's lock, row work (rewrite, scan, index build), its table's live size, a duration class and risk, and the open transactions a lock would wait behind. Exit 1 when a step is high risk or the migration lock is held.") { path, database, format, environment };
        command.SetAction(async (parse, cancellation) =>
        {
            var root = parse.GetValue(path)!;
            var (settings, options) = Configure(root, parse.GetValue(environment), null, null);
            var audit = Auditor.Run(root, options, settings, baseline: null);
            PlanResult result;
            try
            {
                result = await Planner.RunAsync(audit, parse.GetValue(database)!);
            }
            catch (Npgsql.NpgsqlException error)
            {
                throw new ProjectException(Redaction.Redact(error.Message));
            }

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

    private static Command FixCommand(TextWriter stdout)
    {
        var path = new Argument<string>("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var rules = new Option<string[]>("--rule") { Description = $"Fix only these rules ({string.Join(", ", Fixer.SupportedRules)}). Repeat for several.", AllowMultipleArgumentsPerToken = true };
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

    private static Command RestoreCommand(TextWriter stdout)
    {
        var name = new Argument<string>("NAME") { Description = "The deleted migration's file name." };
        var path = new Option<string>("--path") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var command = new Command("restore", "Bring a deleted migration back from the last version git has of it.") { name, path };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            var (settings, options) = Configure(root, null, null, null);
            var audit = Auditor.Run(root, options, settings, baseline: null);
            stdout.WriteLine(DeletedMigrations.Restore(audit, parse.GetValue(name)!));

            return ExitReady;
        });
        return command;
    }

    /// <summary>knex found by Node's resolution from the project folder (node_modules here or in a parent folder).</summary>
    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    /// <summary>A live Spectre.Console display on the terminal: one bar for the ups, one for the downs.</summary>
    private static async Task<VerifyResult> LiveProgressAsync(int migrations, Func<IProgress<string>, Task<VerifyResult>> run)
    {
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(Console.Error) });
        VerifyResult? result = null;
        await console.Progress()
            .Columns(new Spectre.Console.TaskDescriptionColumn(), new Spectre.Console.ProgressBarColumn(), new Spectre.Console.PercentageColumn(), new Spectre.Console.ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var up = context.AddTask("up, one by one", maxValue: Math.Max(1, migrations));
                var down = context.AddTask("down, in reverse", maxValue: Math.Max(1, migrations));
                result = await run(new SynchronousProgress(line =>
                {
                    var task = line.Contains("] up ", StringComparison.Ordinal) ? up : line.Contains("] down ", StringComparison.Ordinal) ? down : null;
                    task?.Increment(1);
                    if (task is not null)
                    {
                        task.Description = Spectre.Console.Markup.Escape(line[(line.IndexOf(']', StringComparison.Ordinal) + 2)..]);
                    }
                }));
                up.Value = up.MaxValue;
                down.Value = down.MaxValue;
            });
        return result!;
    }


    private static Command InitCommand(TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string>("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
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

    private static Command SchemaCommand(TextWriter stdout)
    {
        var path = new Argument<string>("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var format = new Option<string>("--format", "-f") { Description = "Output format: text, json or sql.", DefaultValueFactory = _ => "text" }.AcceptOnlyFromAmong("text", "json", "sql");
        var environment = new Option<string?>("--env") { Description = "The knexfile environment (default: production, else the only one)." };
        var knexfile = new Option<string?>("--knexfile") { Description = "The knexfile to read, instead of searching for one." };
        var migrations = new Option<string[]>("--migrations") { Description = "Migration directories, relative to PATH.", AllowMultipleArgumentsPerToken = true };
        var command = new Command("schema", "Print the schema replayed statically from the migrations: tables, columns, foreign keys, indexes, and which migration created each.") { path, format, environment, knexfile, migrations };
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            var (settings, options) = Configure(root, parse.GetValue(environment), parse.GetValue(knexfile), parse.GetValue(migrations));
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

    private static Command BenchGenCommand(TextWriter stdout)
    {
        var path = new Argument<string>("PATH") { Description = "The folder to create (must be new or empty)." };
        var migrations = new Option<int>("--migrations", "-n") { Description = "Migration files on disk at the end.", DefaultValueFactory = _ => 1000 };
        var commits = new Option<int>("--commits", "-c") { Description = "Commits of history.", DefaultValueFactory = _ => 5000 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 42 };
        var command = new Command("bench-gen", "Write a synthetic Knex repository for benchmarks.") { path, migrations, commits, seed };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var target = parse.GetValue(path)!;
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                throw new ProjectException($"'{target}' is not empty");
            }

            var summary = SyntheticRepository.Create(target, parse.GetValue(migrations), parse.GetValue(commits), parse.GetValue(seed));
            stdout.WriteLine($"{target}: {summary.Active} migrations on disk ({summary.Untracked} untracked), {summary.Commits} commits, {summary.Deleted} deleted, {summary.Renamed} renamed, {summary.Edited} edited");
            return ExitReady;
        });
        return command;
    }

    private static Command DemoCommand(TextWriter stdout, TextWriter stderr)
    {
        var format = FormatOption();
        var directory = new Option<string?>("--path") { Description = "Where to create the demo repository (default: a new temp folder)." };
        var keep = new Option<bool>("--keep") { Description = "Keep the demo repository after the audit (always kept with --path)." };
        var output = OutputOption();
        var command = new Command("demo", "Build the BotBuilder sample repository (a real git history) in a temp folder and audit it.") { format, output, directory, keep };
        command.SetAction(parse =>
        {
            var target = parse.GetValue(directory);
            var temporary = target is null;
            target ??= Path.Combine(Path.GetTempPath(), "migaudit-demo-" + Guid.NewGuid().ToString("n")[..8]);
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            {
                throw new ProjectException($"'{target}' is not empty; the demo needs an empty or new folder");
            }

            stderr.WriteLine($"Building the BotBuilder demo repository in {target} ...");
            try
            {
                BotBuilderDemo.Create(target);
                var result = Auditor.Run(target, new DiscoveryOptions());
                Render(result, parse.GetValue(format)!, parse.GetValue(output), null, stdout, stderr);
                return result.Ready ? ExitReady : ExitNotReady;
            }
            finally
            {
                if (temporary && !parse.GetValue(keep))
                {
                    TryDelete(target);
                }
                else
                {
                    stderr.WriteLine($"The demo repository is kept in {target}");
                }
            }
        });
        return command;
    }

    private static void Render(AuditResult result, string format, string? output, string? docsUrl, TextWriter stdout, TextWriter stderr)
    {
        var text = format switch
        {
            "json" => JsonReport.Render(result, Version) + "\n",
            "markdown" => MarkdownReport.Render(result, docsUrl),
            "github" => GithubAnnotations.Render(result),
            "sarif" => SarifReport.Render(result, Version, docsUrl) + "\n",
            "html" => HtmlReport.Render(result, Version, docsUrl),
            _ => null,
        };
        if (text is null)
        {
            if (output is null)
            {
                TextReport.Write(result, new ReportConsole(stdout, UseColour(stdout)));
                return;
            }

            var plain = new StringWriter();
            TextReport.Write(result, new ReportConsole(plain, colour: false));
            text = plain.ToString();
        }

        if (output is null)
        {
            stdout.Write(text);
            return;
        }

        try
        {
            File.WriteAllText(output, text);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ProjectException($"cannot write {output}: {error.Message}");
        }

        stderr.WriteLine($"{format} report written to {output} ({(result.Ready ? "ready" : $"not ready, {result.BlockingCount} blocking")})");
    }

    private static bool UseColour(TextWriter stdout) =>
        stdout == Console.Out && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null &&
        Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    private static void TryDelete(string directory)
    {
        try
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(directory, recursive: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A leftover temp folder is not worth failing the run for.
        }
    }
}
