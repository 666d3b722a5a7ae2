using MigAudit.Core;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// The Knex setups of a repository besides the one <see cref="ProjectDiscovery.Discover"/> chooses: every other
/// migrate:latest command of the project's scripts, and every other knexfile of the application (not a test
/// fixture's, an example's, vendored code's or build output's). Each is discovered as its own project; a setup whose
/// folders are another's is the same migration set, run again, and is dropped.
/// </summary>
public static class MigrationSets
{
    /// <summary>A setup to discover: the options that choose it, and how the report names where it came from.</summary>
    public sealed record Setup(DiscoveryOptions Options, string Reason);

    /// <param name="primary">The set <see cref="ProjectDiscovery.Discover"/> chose with default options; null when it failed.</param>
    public static IReadOnlyList<Setup> OtherSetups(string root, KnexProject? primary)
    {
        var setups = new List<Setup>();
        var commands = KnexScript.FindMigrateCommands(root);

        // Discover already ran the first migrate:latest command (a package.json one wins over every other knex
        // command): it needs discovering again only when its own --env is another than the environment chosen then.
        var first = commands.FirstOrDefault();
        var alreadyRun = first is not null && (first.Environment is null || first.Environment == primary?.Environment);
        foreach (var command in alreadyRun ? commands.Skip(1) : commands)
        {
            var flags = (command.Knexfile is { } k ? $" --knexfile {k}" : string.Empty) + (command.Environment is { } e ? $" --env {e}" : string.Empty) +
                        (command.MigrationsDirectory is { } m ? $" --migrations-directory {m}" : string.Empty);

            // The command's --env is the environment that set runs with: it is what the command does, whatever
            // environment the project's main set is audited in.
            setups.Add(new Setup(
                new DiscoveryOptions { Environment = command.Environment, Script = new ScriptChoice(command) },
                $"the '{Quoting.Printable(command.Name)}' script in {Quoting.Printable(command.PackageJson)} runs knex migrate:latest{Quoting.Printable(flags)}"));
        }

        var audited = primary?.Knexfile is { } primaryKnexfile ? Path.GetFullPath(Path.Combine(primary.Root, primaryKnexfile.Path)) : null;
        foreach (var knexfile in ProjectDiscovery.KnexfileCandidates(root))
        {
            var relative = ProjectFiles.Relative(root, knexfile);
            if (Path.GetFullPath(knexfile) == audited || ProjectDiscovery.IsInBuildOutput(root, knexfile) || ProjectFiles.IsInSideDirectory(relative))
            {
                continue;
            }

            setups.Add(new Setup(new DiscoveryOptions { Knexfile = Path.GetFullPath(knexfile), Script = new ScriptChoice(null) }, $"knexfile {Quoting.Printable(relative)}"));
        }

        return setups;
    }

    /// <summary>Whether two sets run migrations from a folder they share: then they are one set, not two.</summary>
    public static bool Overlap(KnexProject one, KnexProject other) =>
        one.Settings.Directories.Intersect(other.Settings.Directories, StringComparer.Ordinal).Any();

    /// <summary>How the report names a set: its folders.</summary>
    public static string NameOf(KnexProject project) => string.Join(", ", project.Settings.Directories);

    /// <summary>Why the set chosen by <see cref="ProjectDiscovery.Discover"/> is audited: its knexfile and environment, or where its folder came from.</summary>
    public static string ReasonOf(KnexProject project) =>
        project.Knexfile is { } knexfile
            ? $"knexfile {Quoting.Printable(knexfile.Path)}{(project.Environment is { } environment ? $", environment {Quoting.Printable(environment)}" : string.Empty)}"
            : Quoting.Printable(project.FolderChoice.Reason);
}
