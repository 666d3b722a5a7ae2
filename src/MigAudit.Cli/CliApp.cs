using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.IO;
using MigAudit.Live;
using MigAudit.Knex.Discovery;
using MigAudit.Reporting;
using Spectre.Console;

namespace MigAudit.Cli;

/// <summary>The command line: parse options, call the engine, choose a renderer. Exit codes: 0 ready, 1 not ready, 2 usage or input error, 3 unknown.</summary>
public static partial class CliApp
{
    public const int ExitReady = 0;
    public const int ExitNotReady = 1;
    public const int ExitUsage = 2;

    /// <summary>Nothing blocks, but something that decides readiness is undecided: migaudit could not read it, or only production can tell.</summary>
    public const int ExitUnknown = 3;

    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <param name="stdin">What "-" reads (audit --applied -): the process's standard input unless a caller gives another.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TextReader? stdin = null)
    {
        var root = BuildCommands(stdout, stderr, stdin ?? Console.In);

        // `migaudit` alone, `migaudit ./server` or `migaudit --format json` audit, as `knex` users expect of a linter.
        if (args.Length == 0 || !root.Subcommands.Any(c => c.Name == args[0]) && args[0] is not ("--help" or "-h" or "-?" or "--version"))
        {
            // A bare word that is no folder is a mistyped command more likely than a missing project. (An empty first
            // argument is an empty PATH: audit's own check names it.)
            if (args.Length > 0 && args[0].Length > 0 && !args[0].StartsWith('-') && !Directory.Exists(args[0]) && !args[0].Contains('/', StringComparison.Ordinal) && !args[0].Contains('\\', StringComparison.Ordinal))
            {
                await stderr.WriteLineAsync(Quoting.Printable($"migaudit: '{args[0]}' is neither a command nor a folder (commands: {CommandNames(root)}; run 'migaudit --help' for usage)"));
                return ExitUsage;
            }

            args = ["audit", .. args];
        }

        var parse = root.Parse(args);
        if (UsageErrors(parse) is { Count: > 0 } messages)
        {
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
            await stderr.WriteLineAsync(Quoting.Printable($"migaudit: internal error: {error.GetType().Name}: {Config.Redaction.Redact(error.Message, ConnectionUrl.SecretsOf(null))} (set MIGAUDIT_DEBUG=1 for details)"));
            return ExitUsage;
        }
    }

    /// <summary>
    /// What is wrong with the command line, one message per problem, or none. An unknown option is said to be one:
    /// System.CommandLine would hand a lone '--bogus' to PATH (and audit would then say "'--bogus' is not a
    /// directory"), and calls a later one an "unrecognized command or argument".
    /// </summary>
    private static List<string> UsageErrors(ParseResult parse)
    {
        var tokens = parse.Tokens.ToList();
        var doubleDash = tokens.FindIndex(t => t.Type == TokenType.DoubleDash);
        bool BeforeDoubleDash(Token token) => doubleDash < 0 || tokens.IndexOf(token) < doubleDash;
        static bool OptionLike(string value) => value.Length > 1 && value[0] == '-';

        // After '--' every token is an argument, the POSIX convention: 'audit -- -weird' names a folder called -weird.
        var afterDoubleDash = doubleDash < 0 ? [] : tokens.Skip(doubleDash + 1).Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
        var unknown = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens)
            .Where(t => OptionLike(t.Value) && BeforeDoubleDash(t)).Select(t => t.Value)
            .Concat(parse.UnmatchedTokens.Where(t => OptionLike(t) && !afterDoubleDash.Contains(t)))
            .Distinct(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            // The other errors follow from it (the value meant for PATH is left over): the unknown option is the one to fix.
            return [$"unknown option{(unknown.Count > 1 ? "s" : string.Empty)} {string.Join(", ", unknown.Select(u => $"'{u}'"))}"];
        }

        // One line, whatever System.CommandLine's messages look like (some list the allowed values one per line); one
        // message per option or argument (an empty --format is both empty and not one of the formats). Its own
        // "Unrecognized command or argument" errors are replaced by the line below.
        var messages = parse.Errors
            .Where(e => !(e.SymbolResult is CommandResult && parse.UnmatchedTokens.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))))
            .DistinctBy(e => (object?)e.SymbolResult ?? e)
            .Select(e => e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(lines => lines.Length == 1 ? lines[0] : lines[0] + " " + string.Join(", ", lines[1..]))
            .ToList();
        messages.AddRange(parse.UnmatchedTokens.Select(t => $"unexpected argument '{t}'"));
        return messages;
    }

    /// <summary>What a value named by its help name must be, for the message that says it is missing.</summary>
    private static readonly Dictionary<string, string> ValueNouns = new(StringComparer.Ordinal)
    {
        ["FILE"] = "a file name",
        ["DIR"] = "a folder",
        ["PATH"] = "a folder",
        ["URL"] = "a database URL",
        ["ENV"] = "a knexfile environment name",
        ["REF"] = "a git reference",
        ["BRANCH"] = "a branch",
        ["KEY=VALUE"] = "KEY=VALUE",
        ["ID"] = "a rule id",
        ["NAME"] = "a migration file name",
        ["COMMAND"] = "a command name",
    };

    /// <summary>
    /// Every text option and argument of every command refuses an empty value, at parse time: '' names no file,
    /// folder, database or environment (.NET's path APIs throw on it, Npgsql reads it as "no host", and a folder of
    /// '' would silently be the project root), so it is a usage error naming the option, before anything reads it.
    /// </summary>
    private static void RefuseEmptyValues(Command command)
    {
        string Message(string name, string? helpName) =>
            $"{name} needs {ValueNouns.GetValueOrDefault(helpName ?? name, "a value")}, not an empty string";

        foreach (var option in command.Options.Where(o => o.ValueType == typeof(string) || o.ValueType == typeof(string[])))
        {
            option.Validators.Add(result =>
            {
                if (result.Tokens.Any(t => t.Value.Length == 0))
                {
                    result.AddError(Message(option.Name, option.HelpName));
                }
            });
        }

        foreach (var argument in command.Arguments.Where(a => a.ValueType == typeof(string) || a.ValueType == typeof(string[])))
        {
            argument.Validators.Add(result =>
            {
                if (result.Tokens.Any(t => t.Value.Length == 0))
                {
                    result.AddError(Message(argument.Name, argument.HelpName));
                }
            });
        }

        foreach (var subcommand in command.Subcommands)
        {
            RefuseEmptyValues(subcommand);
        }
    }

    private static RootCommand BuildCommands(TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var root = new RootCommand("migaudit — audits a Knex.js project's migrations and database configuration and says whether it is ready for production. Audit exit codes: 0 ready, 1 not ready, 2 usage error or unreadable project, 3 unknown (nothing blocks, but something that decides readiness could not be read, or only production's migrations table can tell: answer with audit --applied).");
        root.Subcommands.Add(AuditCommand(stdout, stderr, stdin));
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
        root.Subcommands.Add(HelpCommand(root, stdout));
        RefuseEmptyValues(root);
        return root;
    }

    /// <summary>The commands --help lists (not the hidden ones), for messages that name them.</summary>
    private static string CommandNames(RootCommand root) => string.Join(", ", root.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));

    private static readonly string[] Formats = ["text", "json", "markdown", "github", "sarif", "html", "compact", "gitlab"];

    private static Option<string> FormatOption() => new Option<string>("--format", "-f")
    {
        Description = "Report format: text, json, markdown, github (workflow annotations), sarif, html, compact (one 'file:line:col: severity rule message' line per finding, then a summary line) or gitlab (code quality JSON; paths from the repository root, the others' are from the audited folder).",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong(Formats);

    /// <summary>PATH, shared by the commands that read a project: the current folder by default.</summary>
    private static Argument<string> ProjectPathArgument() => new("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };

    /// <summary>--env, shared by the commands that read the knexfile.</summary>
    private static Option<string?> EnvironmentOption(string description) => new("--env") { Description = description, HelpName = "ENV" };

    /// <summary>--client, for a knexfile that picks its database client at run time (process.env.DB_CLIENT, a condition).</summary>
    private static Option<string?> ClientOption()
    {
        var option = new Option<string?>("--client")
        {
            Description = "The Knex client production uses, when the knexfile chooses it at run time (client: process.env.DB_CLIENT, or a configuration picked by a condition): pg, mysql2, sqlite3, better-sqlite3, mssql, oracledb or another Knex client name. Or set \"client\" in .migauditrc.json. A client the knexfile names outright wins.",
            HelpName = "NAME",
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var name }] && Knex.Discovery.DialectDetection.FromClientName(name) is null)
            {
                result.AddError($"--client {name}: not a Knex client name ({Knex.Discovery.DialectDetection.ClientNames})");
            }
        });
        return option;
    }

    private static Option<string?> OutputOption() => new("--output", "-o") { Description = "Write the report to this file instead of standard output.", HelpName = "FILE" };

    /// <summary>--database of verify, drift and plan: checked when the command line is parsed, before the static audit runs.</summary>
    private static Option<T> DatabaseAddressChecked<T>(Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: { Length: > 0 } address }] && Verifier.AddressProblem(address) is { } problem)
            {
                result.AddError($"{option.Name}: {problem}");
            }
        });
        return option;
    }

    /// <summary>The project's settings file, with command-line options winning over it.</summary>
    private static (AuditSettings Settings, DiscoveryOptions Options) Configure(string root, string? environment, string? knexfile, string[]? migrations, string? config = null, string? client = null)
    {
        var settings = !Directory.Exists(root) ? new AuditSettings() : config is not null ? AuditSettings.LoadFile(root, config) : AuditSettings.Load(root);
        return (settings, new DiscoveryOptions
        {
            Environment = environment ?? settings.Environment,
            Knexfile = knexfile ?? settings.Knexfile,
            Client = client ?? settings.Client,
            MigrationDirectories = migrations is { Length: > 0 } ? migrations : settings.Migrations,
        });
    }

    /// <summary>drift and plan: the static audit, then a read of the live database; a database error is one line, its connection string redacted.</summary>
    private static async Task<T> AgainstDatabaseAsync<T>(string root, string? environment, string database, Func<AuditResult, string, Task<T>> read)
    {
        var (settings, options) = Configure(root, environment, null, null);
        var audit = Auditor.Run(root, options, settings, baseline: null);
        try
        {
            return await read(audit, database);
        }
        catch (Npgsql.NpgsqlException error)
        {
            throw new ProjectException(Config.Redaction.Redact(error.Message, Live.ConnectionUrl.SecretsOf(database)));
        }
    }

    /// <summary>"ready", "not ready, 2 blocking" or "unknown, 1 undecided", for the line that says where a report went.</summary>
    private static string VerdictSummary(AuditResult result) =>
        result.Ready ? "ready" : result.IsUnknown ? $"unknown, {result.Unknowns.Count} undecided" : $"not ready, {result.BlockingCount} blocking";

    /// <param name="maxWarnings">--max-warnings: more non-blocking findings than this exit 1, as ESLint's option does, whatever --fail-on says.</param>
    public static int ExitCode(AuditResult result, string? failOn, int? maxWarnings = null)
    {
        var code = VerdictExitCode(result, failOn);
        return maxWarnings is { } most && result.Findings.Count(f => !f.Blocking) > most ? ExitNotReady : code;
    }

    private static int VerdictExitCode(AuditResult result, string? failOn)
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
            return result.BlockingCount > 0 ? ExitNotReady : result.IsUnknown ? ExitUnknown : ExitReady;
        }

        // A severity threshold chooses which findings fail the run; what could not be read still is no "ready",
        // unless --fail-on never says nothing fails it.
        return threshold is { } level && result.Findings.Any(f => f.Severity >= level) ? ExitNotReady
            : threshold is not null && result.Unknowns.Count > 0 ? ExitUnknown
            : ExitReady;
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

    private static void Render(AuditResult result, string format, string? output, string? docsUrl, TextWriter stdout, TextWriter stderr) =>
        Render(new RepositoryAudit { Sets = [result] }, format, output, docsUrl, stdout, stderr);

    /// <summary>The report of every migration set; the formats that list findings (SARIF, annotations) list every set's at once.</summary>
    private static void Render(RepositoryAudit audit, string format, string? output, string? docsUrl, TextWriter stdout, TextWriter stderr, ReportPaths paths = ReportPaths.Project)
    {
        var result = audit.Combined;
        if (format == "json")
        {
            // Streamed as it is built: a large project's report is never held whole in memory.
            void WriteJson(Stream stream)
            {
                JsonReport.Write(audit, Version, stream);
                stream.WriteByte((byte)'\n');
            }

            if (output is not null)
            {
                SafeWrite.Report(result.Input.Project.Root, output, WriteJson);
                stderr.WriteLine(Quoting.Printable($"{format} report written to {output} ({VerdictSummary(result)})"));
            }
            else if (stdout == Console.Out)
            {
                Console.Out.Flush();
                using var standardOutput = Console.OpenStandardOutput();
                WriteJson(standardOutput);
            }
            else
            {
                using var buffer = new MemoryStream();
                WriteJson(buffer);
                stdout.Write(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            }

            return;
        }

        var text = format switch
        {
            "markdown" => RepositoryReport.Markdown(audit, docsUrl),
            "github" => GithubAnnotations.Render(result, paths),
            "sarif" => SarifReport.Render(result, Version, docsUrl, paths) + "\n",
            "html" => HtmlReport.Render(audit, Version, docsUrl),
            "compact" => CompactReport.Render(result, paths),
            "gitlab" => GitlabReport.Render(result),
            _ => null,
        };
        if (text is null)
        {
            if (output is null)
            {
                RepositoryReport.WriteText(audit, new ReportConsole(stdout, UseColour(stdout)));
                return;
            }

            var plain = new StringWriter();
            RepositoryReport.WriteText(audit, new ReportConsole(plain, colour: false));
            text = plain.ToString();
        }

        if (output is null)
        {
            stdout.Write(text);
            return;
        }

        // The path is the user's, but the name may be one the repository committed: no symbolic link, FIFO or device.
        SafeWrite.Report(result.Input.Project.Root, output, text);
        stderr.WriteLine(Quoting.Printable($"{format} report written to {output} ({VerdictSummary(result)})"));
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
