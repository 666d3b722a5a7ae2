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

    /// <param name="audited">The knexfile already audited (the primary set's), full path; null when none was.</param>
    public static IReadOnlyList<Setup> OtherSetups(string root, string? audited)
    {
        var setups = new List<Setup>();
        foreach (var command in KnexScript.FindMigrateCommands(root))
        {
            var flags = (command.Knexfile is { } k ? $" --knexfile {k}" : string.Empty) + (command.Environment is { } e ? $" --env {e}" : string.Empty) +
                        (command.MigrationsDirectory is { } m ? $" --migrations-directory {m}" : string.Empty);

            // The command's --env is the environment that set runs with: it is what the command does, whatever
            // environment the project's main set is audited in.
            setups.Add(new Setup(
                new DiscoveryOptions { Environment = command.Environment, Script = new ScriptChoice(command) },
                $"the '{Quoting.Printable(command.Name)}' script in {Quoting.Printable(command.PackageJson)} runs knex migrate:latest{Quoting.Printable(flags)}"));
        }

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
