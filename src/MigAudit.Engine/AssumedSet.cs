using MigAudit.Core;

namespace MigAudit.Engine;

/// <summary>
/// Several folders of migration-shaped files, assumed because the configuration could not be read, are replayed as
/// one chain. Whether Knex runs them together is exactly what is unknown: a system database's folder and a tenant
/// database's folder (bigcapital) each create their own "users", which one chain reports as a table created twice.
/// Findings that only hold when the folders form one set are therefore not certain, and do not block.
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
        if (project.FolderChoice.Source != ChoiceSource.MigrationShaped || project.Settings.Directories.Count < 2)
        {
            return findings;
        }

        return findings.Select(f => f.Blocking && SetDependentRules.Contains(f.Rule)
            ? f with
            {
                Blocking = false,
                Message = $"{f.Message} This holds only if Knex runs the assumed folders ({string.Join(", ", project.Settings.Directories)}) as one set of migrations, which the configuration migaudit could not read decides.",
            }
            : f).ToList();
    }
}
