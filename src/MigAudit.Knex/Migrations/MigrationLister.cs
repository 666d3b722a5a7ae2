using MigAudit.Core;
using MigAudit.Knex.Discovery;

namespace MigAudit.Knex.Migrations;

/// <summary>A file Knex will load, before analysis.</summary>
public sealed record ListedMigration(string Name, string Path, string Directory, int Order, string FullPath);

public sealed record MigrationListing(IReadOnlyList<ListedMigration> Migrations, IReadOnlyList<IgnoredFile> Ignored, IReadOnlyList<string> MissingDirectories);

/// <summary>
/// Lists migrations exactly as Knex's FsMigrations does: each configured directory read non-recursively,
/// names kept when Node's <c>path.extname</c> is in loadExtensions (case-sensitive), then sorted with
/// JavaScript's default string order — all directories together (a stable sort, so equal names keep
/// directory order), or each directory on its own when sortDirsSeparately is set.
/// </summary>
public static class MigrationLister
{
    private static readonly HashSet<string> LookAlikeExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".js", ".cjs", ".mjs", ".ts", ".mts", ".cts", ".tsx", ".jsx", ".sql", ".coffee",
    };

    public static MigrationListing List(string root, MigrationSettings settings)
    {
        var perDirectory = new List<List<ListedMigration>>();
        var ignored = new List<IgnoredFile>();
        var missing = new List<string>();
        foreach (var directory in settings.Directories)
        {
            var full = Path.Combine(root, directory);
            var entries = new List<ListedMigration>();
            perDirectory.Add(entries);
            if (!Directory.Exists(full))
            {
                missing.Add(directory);
                continue;
            }

            foreach (var file in Directory.EnumerateFileSystemEntries(full))
            {
                var name = Path.GetFileName(file);
                var relative = ProjectFiles.Relative(root, file);
                var extension = MigrationNames.Extension(name);
                if (settings.LoadExtensions.Contains(extension, StringComparer.Ordinal))
                {
                    entries.Add(new ListedMigration(name, relative, directory, 0, file));
                }
                else if (LookAlikeExtensions.Contains(extension) || (MigrationNames.VersionOf(name) is not null && !name.StartsWith('.')))
                {
                    ignored.Add(new IgnoredFile(name, relative, IgnoreReason(extension, settings.LoadExtensions)));
                }
            }
        }

        IEnumerable<ListedMigration> ordered = settings.SortDirsSeparately
            ? perDirectory.SelectMany(entries => entries.OrderBy(m => m.Name, StringComparer.Ordinal))
            : perDirectory.SelectMany(entries => entries.OrderBy(m => m.Name, StringComparer.Ordinal)).OrderBy(m => m.Name, StringComparer.Ordinal);

        // Within one directory readdir order is not specified; Knex then sorts. OrderBy is stable, as lodash's sortBy.
        var list = ordered.Select((m, index) => m with { Order = index + 1 }).ToList();
        return new MigrationListing(list, ignored.OrderBy(i => i.Path, StringComparer.Ordinal).ToList(), missing);
    }

    private static string IgnoreReason(string extension, IReadOnlyList<string> loadExtensions)
    {
        if (extension.Length == 0)
        {
            return "no extension: Knex only loads files whose extension is in loadExtensions";
        }

        var lower = extension.ToLowerInvariant();
        if (lower != extension && loadExtensions.Contains(lower, StringComparer.Ordinal))
        {
            return $"extension '{extension}' differs in case from '{lower}': Knex compares extensions case-sensitively and skips this file";
        }

        return $"extension '{extension}' is not in loadExtensions ({string.Join(", ", loadExtensions)}): Knex skips this file";
    }
}
