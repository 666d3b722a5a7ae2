using MigAudit.Core;
using MigAudit.Knex.Discovery;

namespace MigAudit.Knex.Migrations;

/// <summary>A file Knex will load, before analysis.</summary>
public sealed record ListedMigration(string Name, string Path, string Directory, int Order, string FullPath);

public sealed record MigrationListing(IReadOnlyList<ListedMigration> Migrations, IReadOnlyList<IgnoredFile> Ignored, IReadOnlyList<SourceProblem> Problems);

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
        var problems = new List<SourceProblem>();
        foreach (var directory in settings.Directories)
        {
            var full = Path.GetFullPath(Path.Combine(root, directory));
            var entries = new List<ListedMigration>();
            perDirectory.Add(entries);
            if (DirectoryProblem(root, directory, full, settings) is { } problem)
            {
                problems.Add(problem);
                continue;
            }

            List<string> names;
            try
            {
                names = Directory.EnumerateFileSystemEntries(full).ToList();
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Knex's fs.readdir fails the same way (EACCES, ELOOP, ...), and migrate:latest with it.
                problems.Add(new SourceProblem(settings.SourceFile, settings.SourceLine, $"migration directory '{Quoting.Printable(directory)}' cannot be listed ({Quoting.Printable(error.Message)}): Knex's readdir fails there too and 'knex migrate:latest' stops", KnexFails: true, Key: "directory:" + directory));
                continue;
            }

            foreach (var file in names)
            {
                var name = Path.GetFileName(file);
                var relative = ProjectFiles.Relative(root, file);
                var extension = MigrationNames.Extension(name);
                if (settings.CustomSource is { } custom)
                {
                    // The source's own filter decides; a folder it would keep is not a migration file migaudit reads.
                    if (File.Exists(file) && custom.Accepts(name, isFile: true))
                    {
                        entries.Add(new ListedMigration(name, relative, directory, 0, file));
                    }
                }
                else if (settings.LoadExtensions.Contains(extension, StringComparer.Ordinal))
                {
                    entries.Add(new ListedMigration(name, relative, directory, 0, file));
                }
                else if (LookAlikeExtensions.Contains(extension) || (MigrationNames.VersionOf(name) is not null && !name.StartsWith('.')))
                {
                    ignored.Add(new IgnoredFile(name, relative, IgnoreReason(extension, settings.LoadExtensions)));
                }
            }
        }

        if (settings.CustomSource is { } source)
        {
            // getMigrations() reads the folders in turn and sorts what it read, or keeps readdir's (byte) order.
            var read = perDirectory.SelectMany(entries => MigrationOrdering.Sort(entries, m => m.Name, MigrationOrder.ReaddirOrder)).ToList();
            var sorted = MigrationOrdering.Sort(read, m => m.Name, source.Order);
            if (source.Order != MigrationOrder.Unknown && !MigrationOrdering.CanCompare(source.Order, read.Select(m => m.Name)))
            {
                problems.Add(new SourceProblem(source.File, source.Line, $"the custom migrationSource sorts with {Quoting.Printable(source.OrderText)}, and {MigrationOrdering.Limitation(source.Order)}: the order Knex runs these migrations in is unknown", KnexFails: false, Key: "migration-source-order"));
            }

            return new MigrationListing(sorted.Select((m, index) => m with { Order = index + 1 }).ToList(), ignored, problems);
        }

        IEnumerable<ListedMigration> ordered = settings.SortDirsSeparately
            ? perDirectory.SelectMany(entries => entries.OrderBy(m => m.Name, StringComparer.Ordinal))
            : perDirectory.SelectMany(entries => entries.OrderBy(m => m.Name, StringComparer.Ordinal)).OrderBy(m => m.Name, StringComparer.Ordinal);

        // Within one directory readdir order is not specified; Knex then sorts. OrderBy is stable, as lodash's sortBy.
        var list = ordered.Select((m, index) => m with { Order = index + 1 }).ToList();
        return new MigrationListing(list, ignored.OrderBy(i => i.Path, StringComparer.Ordinal).ToList(), problems);
    }

    /// <summary>
    /// A configured directory Knex cannot list (it fails: ENOENT, ENOTDIR, ELOOP, as checked with real knex's
    /// FsMigrations), or one outside the project, which migaudit does not read: a repository must not make the audit
    /// read /etc or a device folder.
    /// </summary>
    private static SourceProblem? DirectoryProblem(string root, string directory, string full, MigrationSettings settings)
    {
        var shown = Quoting.Printable(directory);
        var real = IO.RealPath.Of(full);
        if (real is not null && !IO.RealPath.IsInside(root, full))
        {
            return new SourceProblem(settings.SourceFile, settings.SourceLine, $"migration directory '{shown}' is outside the project ({Quoting.Printable(real)}): migaudit does not read it, so which migrations Knex runs there is unknown", KnexFails: false, Key: "directory:" + directory);
        }

        return IO.FileKinds.Of(full) switch
        {
            IO.FileKind.Missing => new SourceProblem(settings.SourceFile, settings.SourceLine, $"migration directory '{shown}' does not exist: Knex's readdir fails there and 'knex migrate:latest' stops with \"ENOENT: no such file or directory, scandir '{Quoting.Printable(full)}'\"", KnexFails: true, Key: "directory:" + directory),
            IO.FileKind.Directory or IO.FileKind.Unknown => null,
            var kind => new SourceProblem(settings.SourceFile, settings.SourceLine, $"migration directory '{shown}' is {IO.FileKinds.Describe(kind)}: Knex's readdir fails there (ENOTDIR) and 'knex migrate:latest' stops", KnexFails: true, Key: "directory:" + directory),
        };
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
