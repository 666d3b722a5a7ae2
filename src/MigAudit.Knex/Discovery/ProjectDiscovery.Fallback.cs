using System.Text.RegularExpressions;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

/// <summary>Static evaluation gave up on a knexfile (or a module it requires): where, and why, for the report and the unknown.</summary>
/// <param name="NodeFailsToo">Node cannot load it either (a JavaScript syntax error, a FIFO): every knex command fails.</param>
public sealed record KnexfileGaveUp(string File, int? Line, string Reason, bool NodeFailsToo = false);

/// <summary>
/// When the knexfile cannot be evaluated, the audit still runs on a folder it names as an assumption: --migrations
/// when given, else Knex's default ./migrations beside the knexfile, else the folders of migration-shaped files.
/// The verdict is then never "ready": the folder is an unknown of its own.
/// </summary>
public static partial class ProjectDiscovery
{
    private static readonly string[] ShapedExtensions = [".js", ".cjs", ".mjs", ".ts"];

    private static (MigrationSettings?, SettingChoice?) Fallback(string root, string knexfilePath, KnexfileGaveUp gaveUp, List<string> notes, List<ReadinessUnknown> unknowns)
    {
        var beside = Path.Combine(Path.GetDirectoryName(knexfilePath)!, "migrations");
        if (HasMigrationFiles(beside))
        {
            // Knex's default: migrations.directory './migrations', resolved from the knexfile's folder (its working directory).
            var relative = ProjectFiles.Relative(root, beside);
            var reason = $"Knex's default ./migrations beside {Quoting.Printable(gaveUp.File)}, because {Quoting.Printable(gaveUp.File)} could not be evaluated";
            notes.Add($"{Quoting.Printable(gaveUp.File)} could not be evaluated ({Quoting.Printable(gaveUp.Reason)}): auditing {Quoting.Printable(relative)}, Knex's default folder beside it; name the folder with --migrations DIR if the knexfile says otherwise");
            unknowns.Add(new ReadinessUnknown($"the migrations folder {Quoting.Printable(relative)} is assumed (Knex's default beside the knexfile), not read from {Quoting.Printable(gaveUp.File)}: production may run another folder", gaveUp.File, gaveUp.Line));
            return (new MigrationSettings { Directories = [relative], Source = ConfigSource.Convention, SourceFile = gaveUp.File, SourceLine = gaveUp.Line }, new SettingChoice(ChoiceSource.KnexDefault, reason));
        }

        var shaped = MigrationShapedFolders(root);
        if (shaped.Count > 0)
        {
            var reason = $"the folder{(shaped.Count == 1 ? string.Empty : "s")} whose files look like migrations (a version in the name, up and down exported), because {Quoting.Printable(gaveUp.File)} could not be evaluated and there is no ./migrations beside it";
            notes.Add($"{Quoting.Printable(gaveUp.File)} could not be evaluated ({Quoting.Printable(gaveUp.Reason)}): auditing {string.Join(", ", shaped.Select(Quoting.Printable))}, whose files look like migrations; name the folder with --migrations DIR");
            unknowns.Add(ShapedFoldersAssumed(shaped, Quoting.Printable(gaveUp.File), gaveUp.File, gaveUp.Line));
            return (new MigrationSettings { Directories = shaped, Source = ConfigSource.Convention, SourceFile = gaveUp.File, SourceLine = gaveUp.Line }, new SettingChoice(ChoiceSource.MigrationShaped, reason));
        }

        return (null, null);
    }

    /// <summary>The unknown of an audit on migration-shaped folders: which folders, and what they were not read from.</summary>
    private static ReadinessUnknown ShapedFoldersAssumed(List<string> shaped, string notReadFrom, string? file, int? line) =>
        new($"the migrations folder{(shaped.Count == 1 ? string.Empty : "s")} {string.Join(", ", shaped.Select(Quoting.Printable))} {(shaped.Count == 1 ? "is" : "are")} assumed from the files' shape, not read from {notReadFrom}: production may run another folder", file, line);

    /// <summary>Files Knex would load at the top of the folder (it does not recurse).</summary>
    private static bool HasMigrationFiles(string directory) =>
        Directory.Exists(directory) && Directory.EnumerateFiles(directory).Any(f => MigrationSettings.DefaultLoadExtensions.Contains(MigrationNames.Extension(Path.GetFileName(f))));

    [GeneratedRegex(@"(?:exports\.up\b|export\s+(?:async\s+)?function\s+up\b|export\s+const\s+up\b|\bup\s*[:(=])")]
    private static partial Regex ExportsUp();

    [GeneratedRegex(@"(?:exports\.down\b|export\s+(?:async\s+)?function\s+down\b|export\s+const\s+down\b|\bdown\s*[:(=])")]
    private static partial Regex ExportsDown();

    /// <summary>
    /// Folders of the application (not dependencies, build output, tests or examples) holding files named like
    /// migrations (20240101120000_x.js: a naming scheme's version first) whose text exports up and down.
    /// </summary>
    private static List<string> MigrationShapedFolders(string root)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in ProjectFiles.EnumerateFiles(root, name => ShapedExtensions.Contains(MigrationNames.Extension(name)) && MigrationNames.ParseVersion(name).Scheme != NamingScheme.None))
        {
            var relative = ProjectFiles.Relative(root, file);
            var folder = Path.GetDirectoryName(relative) is { Length: > 0 } parent ? PathText.WithSlashes(parent) : ".";
            if (folders.Contains(folder) || IsInBuildOutput(root, file) || ProjectFiles.IsInSideDirectory(relative))
            {
                continue;
            }

            var source = SourceReader.Read(file);
            if (source.Problem is null && ExportsUp().IsMatch(source.Text) && ExportsDown().IsMatch(source.Text))
            {
                folders.Add(folder);
            }
        }

        return [.. folders];
    }

    [GeneratedRegex(@"(?:require\s*\(\s*|\bfrom\s+|import\s*\(\s*)['""](?<package>(?:@[\w.-]+/)?[\w.-]+)[^'""]*['""]")]
    private static partial Regex PackageImport();

    /// <summary>Packages a knexfile commonly requires for its own use, which do not hold the configuration.</summary>
    private static readonly HashSet<string> UtilityPackages = new(StringComparer.Ordinal)
    {
        "knex", "dotenv", "path", "fs", "url", "os", "util", "process", "config", "pg", "pg-connection-string", "ts-node", "typescript", "tsconfig-paths", "dotenv-flow", "dotenv-safe", "env-var", "envalid",
    };

    /// <summary>The exit-2 message: the knexfile could not be evaluated and the repository has no migrations of its own to audit instead.</summary>
    private static string NoMigrationsMessage(string root, string knexfilePath, KnexfileGaveUp gaveUp, ParsedModuleCache cache)
    {
        var where = gaveUp.Line is { } line ? $"{gaveUp.File}:{line}" : gaveUp.File;
        var message = $"{where}: {gaveUp.Reason}; and this repository has no migrations to audit instead: no ./migrations beside the knexfile and no folder of migration-shaped files (a version in the name, up and down exported)";
        var dependency = PackageImport().Matches(cache.File(Path.GetFullPath(knexfilePath)).Text)
            .Select(m => m.Groups["package"].Value)
            .FirstOrDefault(p => !p.StartsWith("node:", StringComparison.Ordinal) && !p.StartsWith('.') && !UtilityPackages.Contains(p) && !p.StartsWith("@types/", StringComparison.Ordinal));
        if (dependency is not null)
        {
            var installed = Directory.Exists(Path.Combine(Path.GetDirectoryName(knexfilePath)!, "node_modules", dependency)) || Directory.Exists(Path.Combine(root, "node_modules", dependency));
            message += $". The knexfile takes its configuration from the package '{Quoting.Printable(dependency)}' ({(installed ? "installed in" : "not installed in")} node_modules): the migrations Knex runs then come from that dependency, not from this repository; audit the package's own repository, or name a folder with --migrations DIR";
        }
        else
        {
            message += ". Name the folder with --migrations DIR: the knexfile is then not needed to find it";
        }

        return message;
    }

    /// <summary>
    /// Several knexfiles, and the chosen one's migrations lie in a git submodule that is not checked out: the
    /// application's own knexfile (whose migrations are in this repository) is the one to audit.
    /// </summary>
    private static KnexfileRead? OwnKnexfileInstead(string root, KnexfileRead chosen, List<string> others, DiscoveryOptions options, KnexScript? script, StaticEvaluator evaluator, ParsedModuleCache cache, List<string> notes)
    {
        var submodules = MissingSubmodules(root);
        var directories = chosen.Settings?.Directories ?? [];
        var missing = directories.FirstOrDefault(d => !HasMigrationFiles(Path.Combine(root, d)) && submodules.Any(m => d == m || d.StartsWith(m + "/", StringComparison.Ordinal)));
        if (submodules.Count == 0 || missing is null)
        {
            return null;
        }

        foreach (var other in others)
        {
            KnexfileRead read;
            try
            {
                read = ReadKnexfile(root, Path.Combine(root, other), options, script, evaluator, cache, [], [], []);
            }
            catch (ProjectException)
            {
                // An environment it does not have, for instance: not the one to audit.
                continue;
            }

            if (read.GaveUp is null && read.Settings is { } settings && settings.Directories.Any(d => HasMigrationFiles(Path.Combine(root, d))))
            {
                notes.Add($"{Quoting.Printable(chosen.Info.Path)} points its migrations into {Quoting.Printable(missing)}, in a git submodule that is not checked out; auditing {Quoting.Printable(other)}, whose migrations are in this repository (choose with --knexfile)");
                return read;
            }
        }

        return null;
    }

    [GeneratedRegex(@"^\s*path\s*=\s*(?<path>.+?)\s*$", RegexOptions.Multiline)]
    private static partial Regex SubmodulePath();

    /// <summary>Submodule folders named in .gitmodules that are missing or empty: not checked out.</summary>
    private static List<string> MissingSubmodules(string root)
    {
        var file = Path.Combine(root, ".gitmodules");
        if (!File.Exists(file) || SourceReader.Read(file) is not { Problem: null } source)
        {
            return [];
        }

        return SubmodulePath().Matches(source.Text).Select(m => PathText.WithSlashes(m.Groups["path"].Value.Trim('/')))
            .Where(p => !Directory.Exists(Path.Combine(root, p)) || !Directory.EnumerateFileSystemEntries(Path.Combine(root, p)).Any())
            .ToList();
    }
}
