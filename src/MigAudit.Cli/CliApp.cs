using System.CommandLine;
using System.Reflection;
using MigAudit.Core;
using MigAudit.Demo;
using MigAudit.Engine;
using MigAudit.Knex.Discovery;
using MigAudit.Reporting;

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
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"migaudit: {error.Message}");
            }

            await stderr.WriteLineAsync("Run 'migaudit --help' for usage.");
            return ExitUsage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (ProjectException error)
        {
            await stderr.WriteLineAsync($"migaudit: {error.Message}");
            return ExitUsage;
        }
        catch (Exception error) when (Environment.GetEnvironmentVariable("MIGAUDIT_DEBUG") is null)
        {
            await stderr.WriteLineAsync($"migaudit: internal error: {error.GetType().Name}: {error.Message} (set MIGAUDIT_DEBUG=1 for details)");
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
        return root;
    }

    private static Option<string> FormatOption() => new Option<string>("--format", "-f")
    {
        Description = "Report format: text or json.",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");

    private static Command AuditCommand(TextWriter stdout, TextWriter stderr)
    {
        var path = new Argument<string>("PATH") { Description = "The project folder (default: the current folder).", DefaultValueFactory = _ => "." };
        var format = FormatOption();
        var environment = new Option<string?>("--env") { Description = "The knexfile environment to audit (default: production, else the only one)." };
        var knexfile = new Option<string?>("--knexfile") { Description = "The knexfile to read, instead of searching for one." };
        var migrations = new Option<string[]>("--migrations")
        {
            Description = "Migration directories, relative to PATH; overrides the knexfile. Repeat for several.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("audit", "Audit a Knex project statically (its code is never run).") { path, format, environment, knexfile, migrations };
        command.SetAction(parse =>
        {
            var options = new DiscoveryOptions
            {
                Environment = parse.GetValue(environment),
                Knexfile = parse.GetValue(knexfile),
                MigrationDirectories = parse.GetValue(migrations) ?? [],
            };
            var result = Auditor.Run(parse.GetValue(path)!, options);
            Render(result, parse.GetValue(format)!, stdout);
            return result.Ready ? ExitReady : ExitNotReady;
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
            var options = new DiscoveryOptions { Environment = parse.GetValue(environment), Knexfile = parse.GetValue(knexfile), MigrationDirectories = parse.GetValue(migrations) ?? [] };
            var replay = Auditor.Run(parse.GetValue(path)!, options).Input.Schema;
            switch (parse.GetValue(format))
            {
                case "json":
                    stdout.WriteLine(JsonReport.RenderSchema(replay));
                    break;
                case "sql":
                    stdout.Write(SchemaReport.Sql(replay));
                    break;
                default:
                    SchemaReport.WriteText(replay, new ReportConsole(stdout, UseColour(stdout)));
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
        var command = new Command("demo", "Build the BotBuilder sample repository (a real git history) in a temp folder and audit it.") { format, directory, keep };
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
                Render(result, parse.GetValue(format)!, stdout);
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

    private static void Render(AuditResult result, string format, TextWriter stdout)
    {
        if (format == "json")
        {
            stdout.WriteLine(JsonReport.Render(result, Version));
            return;
        }

        TextReport.Write(result, new ReportConsole(stdout, UseColour(stdout)));
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
