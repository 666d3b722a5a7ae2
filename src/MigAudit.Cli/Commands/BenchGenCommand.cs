using System.CommandLine;
using MigAudit.Core;
using MigAudit.Demo;

namespace MigAudit.Cli;

public static partial class CliApp
{
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
}
