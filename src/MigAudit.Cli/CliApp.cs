using System.CommandLine;
using System.Reflection;
using MigAudit.Core;
using MigAudit.Engine;
using MigAudit.Live;
using MigAudit.Knex.Discovery;
using MigAudit.Reporting;
using Spectre.Console;

namespace MigAudit.Cli;

/// <summary>The command line: parse options, call the engine, choose a renderer. Exit codes: 0 ready, 1 not ready, 2 usage or input error.</summary>
public static partial class CliApp
{
    public const int ExitReady = 0;
    public const int ExitNotReady = 1;
    public const int ExitUsage = 2;

    public static string Version { get; } =
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildCommands(stdout, stderr);

        // `migaudit` alone, `migaudit ./server` or `migaudit --format json` audit, as `knex` users expect of a linter.
        if (args.Length == 0 || !root.Subcommands.Any(c => c.Name == args[0]) && args[0] is not ("--help" or "-h" or "-?" or "--version"))
        {
            // A bare word that is no folder is a mistyped command more likely than a missing project.
            if (args.Length > 0 && !args[0].StartsWith('-') && !Directory.Exists(args[0]) && !args[0].Contains('/', StringComparison.Ordinal) && !args[0].Contains('\\', StringComparison.Ordinal))
            {
                await stderr.WriteLineAsync(Quoting.Printable($"migaudit: '{args[0]}' is neither a command nor a folder (commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))}; run 'migaudit --help' for usage)"));
                return ExitUsage;
            }

            args = ["audit", .. args];
        }

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
            await stderr.WriteLineAsync(Quoting.Printable($"migaudit: internal error: {error.GetType().Name}: {Config.Redaction.Redact(error.Message, ConnectionUrl.SecretsOf(null))} (set MIGAUDIT_DEBUG=1 for details)"));
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

    /// <summary>PATH, shared by the commands that read a project: the current folder by default.</summary>
    private static Argument<string> ProjectPathArgument() => new("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };

    /// <summary>--env, shared by the commands that read the knexfile.</summary>
    private static Option<string?> EnvironmentOption(string description) => new("--env") { Description = description };

    private static Option<string?> OutputOption() => new("--output", "-o") { Description = "Write the report to this file instead of standard output." };

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
