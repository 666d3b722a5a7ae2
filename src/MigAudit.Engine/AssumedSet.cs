using MigAudit.Core;

namespace MigAudit.Engine;

/// <summary>
/// Findings on migrations whose folder migaudit assumed (the configuration could not be read) are as certain as the
/// assumption: they hold if production runs that folder, which is exactly what is unknown, so they do not block and
/// the verdict is UNKNOWN (blocking is for what is certain). Several assumed folders are also replayed as one chain,
/// which only Knex's configuration decides: a system database's folder and a tenant database's folder (bigcapital)
/// each create their own "users", which one chain reports as a table created twice; findings that depend on the set
/// say so. What does not depend on the folder (the knexfile Node cannot load, a database client's settings) stands.
/// </summary>
public static class AssumedSet
{
    /// <summary>Rules whose finding depends on which files make up the set and in what order they run.</summary>
    private static readonly HashSet<string> SetDependentRules = new(StringComparer.Ordinal)
    {
        "chain-error", "duplicate-version", "late-migration", "table-created-outside", "irreversible-down",
    };

    public static IReadOnlyList<Finding> Soften(KnexProject project, IReadOnlyList<Finding> findings)
    {
        if (!project.FolderChoice.Assumed)
        {
            return findings;
        }

        var directories = project.Settings.Directories;
        var several = project.FolderChoice.Source == ChoiceSource.MigrationShaped && directories.Count > 1;
        return findings.Select(f =>
            !f.Blocking && f.DecidingNames.Count == 0 ? f
            : several && SetDependentRules.Contains(f.Rule) ? f with
            {
                Blocking = false,
                Evidence = Evidence.Possible,
                Message = $"{f.Message} This holds only if Knex runs the assumed folders ({string.Join(", ", directories)}) as one set of migrations, which the configuration migaudit could not read decides.",
            }
            : InFolders(f.File, directories) || InFolders(f.CalledFromFile, directories) ? f with
            {
                Blocking = false,
                Evidence = Evidence.Possible,
                Message = $"{f.Message} This holds if production runs the assumed folder{(directories.Count == 1 ? string.Empty : "s")} {string.Join(", ", directories)}, which the configuration migaudit could not read decides.",
            }
            : f).ToList();
    }

    private static bool InFolders(string? file, IReadOnlyList<string> directories) =>
        file is not null && directories.Any(d => d == "." || file.StartsWith(d.TrimEnd('/') + "/", StringComparison.Ordinal));
}
