using MigAudit.Core;
using MigAudit.IO;
using MigAudit.Git;
using MigAudit.Knex.Discovery;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Engine;

/// <summary>
/// Which name each kind of database recorded for a migration renamed from a TypeScript name. Knex records the name of
/// the file it loaded, and the knexfile of the time decided which files that was: a knexfile that loaded <c>.ts</c> only
/// in development (<c>loadExtensions: [isDev ? '.ts' : '.js']</c>) ran, everywhere else, tsc's build, where
/// <c>x.ts</c> is <c>x.js</c>. The knexfile is read as the commit that last held the old name had it (the newest release
/// holding it, else the rename's parent), statically as discovery reads it, from git's objects written to a folder of
/// migaudit's own. Whatever cannot be read leaves the rename as it was: any earlier name may have been recorded.
/// </summary>
internal static class RecordedNamesReader
{
    /// <summary>More distinct commits than this are not read: each is a snapshot and a discovery.</summary>
    private const int MaxCommits = 8;

    public static IReadOnlyList<RenamedMigration> Read(KnexProject project, GitHistory history)
    {
        if (history.Facts.TopLevel is not { } top || project.Knexfile is not { } knexfile || project.Settings is { CustomSource: not null } or { RecordedExtension: not null } or { UnreadLoadExtensions: not null })
        {
            return history.Renamed;
        }

        if (!history.Renamed.Any(r => Eligible(r, project.Settings)))
        {
            return history.Renamed;
        }

        var package = ProjectDiscovery.NearestPackageDirectory(project.Root, Path.GetDirectoryName(Path.Combine(project.Root, knexfile.Path))!);
        // git names the top level with every symbolic link resolved; the audited root may be reached through one.
        var packageFromTop = Relative(RealPath.Of(top) ?? top, RealPath.Of(package) ?? package);
        var packageFromRoot = Relative(project.Root, package);
        var reads = new Dictionary<string, OldKnexfile?>(StringComparer.Ordinal);
        var result = new List<RenamedMigration>();
        foreach (var rename in history.Renamed)
        {
            if (!Eligible(rename, project.Settings) || CommitOf(rename) is not { } commit)
            {
                result.Add(rename);
                continue;
            }

            if (!reads.TryGetValue(commit, out var old))
            {
                old = reads.Count < MaxCommits ? ReadAt(top, commit, packageFromTop, project.Environment) : null;
                reads[commit] = old;
            }

            var kinds = old is null ? null : Kinds(old, rename, packageFromRoot);
            result.Add(kinds is null ? rename : rename with { RecordedBy = kinds, RecordedAt = commit });
        }

        return result;
    }

    /// <summary>Renamed from TypeScript names only, to a name Knex loads at HEAD under its own name.</summary>
    private static bool Eligible(RenamedMigration rename, MigrationSettings settings) =>
        rename.EarlierNames.All(n => TsBuild.EmittedExtension(MigrationNames.Extension(n)) is not null && !n.EndsWith(".d" + MigrationNames.Extension(n), StringComparison.Ordinal)) &&
        TsBuild.EmittedExtension(MigrationNames.Extension(rename.NewName)) is null &&
        settings.LoadExtensions.Contains(MigrationNames.Extension(rename.NewName));

    /// <summary>The newest release tag that held an earlier name, else the commit before the rename (its first parent).</summary>
    private static string? CommitOf(RenamedMigration rename) =>
        rename.Releases is [.., var newest] ? newest
        : rename.RenamedIn == "working-tree" ? "HEAD"
        : rename.Commit is { } commit ? commit.Id + "^"
        : null;

    private static readonly HashSet<string> ReadExtensions = new(StringComparer.Ordinal)
    {
        ".js", ".cjs", ".mjs", ".ts", ".mts", ".cts", ".json", ".coffee", ".sh", ".yml", ".yaml",
    };

    /// <summary>
    /// The files discovery reads: code and JSON (the knexfile, the modules it requires, package.json, tsconfig.json),
    /// dotenv files, and what names a deploy's knex command (Dockerfiles, compose files, shell scripts).
    /// </summary>
    private static bool DiscoveryReads(string path)
    {
        var name = Path.GetFileName(path);
        return ReadExtensions.Contains(MigrationNames.Extension(name)) || name.StartsWith(".env", StringComparison.Ordinal) || name.Contains("Dockerfile", StringComparison.OrdinalIgnoreCase) || name.Contains("dockerfile", StringComparison.Ordinal);
    }

    private static string Relative(string from, string to) => PathText.WithSlashes(Path.GetRelativePath(from, to)) is var relative && relative == "." ? string.Empty : relative;

    /// <param name="Settings">The old knexfile's migration settings, paths relative to the package folder.</param>
    /// <param name="OutDirs">For each migrations folder tsc builds, the build's output folder (package-relative).</param>
    private sealed record OldKnexfile(MigrationSettings Settings, IReadOnlyDictionary<string, string> OutDirs);

    /// <summary>The package folder as <paramref name="commit"/> held it, discovered; null when it cannot be written or read.</summary>
    private static OldKnexfile? ReadAt(string top, string commit, string package, string? environment)
    {
        var folder = Path.Combine(Path.GetTempPath(), "migaudit-recorded-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            if (GitSnapshot.Write(top, commit, package, folder, DiscoveryReads) is not { Refused: null, Files: > 0 })
            {
                return null;
            }

            var project = ProjectDiscovery.Discover(folder, new DiscoveryOptions { Environment = environment });
            // What tsc's build would do is read now, while the files exist: the folder goes when this returns.
            return project.Knexfile is null || project.Settings.Source != ConfigSource.Knexfile || project.Settings.CustomSource is not null
                ? null
                : new OldKnexfile(project.Settings, OutDirs(folder, project.Settings.Directories));
        }
        catch (ProjectException)
        {
            return null;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Dictionary<string, string> OutDirs(string folder, IReadOnlyList<string> directories)
    {
        var outDirs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in directories)
        {
            var full = Path.GetFullPath(Path.Combine(folder, directory));
            if (TsConfig.Nearest(folder, full) is { OutDir: { } outDir } tsconfig && Covers(tsconfig, full))
            {
                outDirs[directory] = Relative(folder, Path.TrimEndingDirectorySeparator(outDir));
            }
        }

        return outDirs;
    }

    /// <summary>tsc builds the folder: it is below the tsconfig's folder (its default include) and not in the output.</summary>
    private static bool Covers(TsConfig tsconfig, string directory)
    {
        var own = Path.GetDirectoryName(tsconfig.File)!;
        var outDir = Path.TrimEndingDirectorySeparator(tsconfig.OutDir!);
        return (directory + Path.DirectorySeparatorChar).StartsWith(own + Path.DirectorySeparatorChar, StringComparison.Ordinal) &&
               !(directory + Path.DirectorySeparatorChar).StartsWith(outDir + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    /// <summary>The kinds of database the old knexfile made, and what each recorded; null when one cannot be told.</summary>
    private static IReadOnlyList<RecordedNames>? Kinds(OldKnexfile old, RenamedMigration rename, string package)
    {
        var settings = old.Settings;
        var oldFolder = PathText.WithSlashes(Path.GetDirectoryName(rename.OldPath) ?? string.Empty);
        // The folder the old name was in, relative to the package: the old knexfile must have named it.
        var inPackage = package.Length == 0 ? oldFolder : oldFolder.StartsWith(package + "/", StringComparison.Ordinal) ? oldFolder[(package.Length + 1)..] : null;
        if (inPackage is null || !settings.Directories.Contains(inPackage, StringComparer.Ordinal))
        {
            return null;
        }

        var choices = settings.UnreadLoadExtensions is { } unread
            ? unread.Alternatives
            : [new LoadExtensionsChoice("always", settings.LoadExtensions)];
        if (choices.Count == 0)
        {
            return null;
        }

        var line = settings.UnreadLoadExtensions?.Line ?? settings.SourceLine;
        var prefix = package.Length == 0 ? string.Empty : package + "/";
        var where = $"{prefix}{settings.SourceFile}{(line is { } l ? $":{l}" : string.Empty)}";
        var build = old.OutDirs.TryGetValue(inPackage, out var outDir) ? prefix + outDir : null;
        var earlier = rename.EarlierNames.ToList();
        var kinds = new List<RecordedNames>();
        foreach (var choice in choices)
        {
            if (earlier.All(n => choice.Extensions.Contains(MigrationNames.Extension(n))))
            {
                kinds.Add(new RecordedNames(choice.Condition, where, choice.Extensions, earlier.Select(n => new RecordedName(n, n)).ToList(), null));
            }
            else if (earlier.All(n => !choice.Extensions.Contains(MigrationNames.Extension(n)) && choice.Extensions.Contains(TsBuild.EmittedExtension(MigrationNames.Extension(n))!)) && build is not null)
            {
                // Knex lists none of the .ts sources under this value, and tsc writes each as .js to the outDir: databases
                // migrated this way ran the build, and recorded the compiled names.
                kinds.Add(new RecordedNames(choice.Condition, where, choice.Extensions,
                    earlier.Select(n => new RecordedName(n[..^MigrationNames.Extension(n).Length] + TsBuild.EmittedExtension(MigrationNames.Extension(n)), n)).ToList(),
                    build));
            }
            else
            {
                return null;
            }
        }

        return kinds;
    }
}
