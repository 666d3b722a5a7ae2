using MigAudit.Core;
namespace MigAudit.Knex.Discovery;

/// <summary>Walks the project tree once, skipping dependencies, VCS data and build output folders.</summary>
public static class ProjectFiles
{
    private static readonly HashSet<string> SkippedDirectories = new(StringComparer.Ordinal)
    {
        "node_modules", ".git", ".hg", ".svn", "bower_components", "coverage", ".next", ".nuxt", ".cache", ".turbo",
    };

    /// <summary>Folders whose files are usually compiled copies of the sources; a knexfile there is a last resort.</summary>
    public static readonly HashSet<string> BuildOutputDirectories = new(StringComparer.Ordinal) { "dist", "build", "out", "lib-cov" };

    /// <summary>Folders whose knexfiles belong to tests, examples or vendored code, not to the application.</summary>
    public static readonly HashSet<string> SideDirectories = new(StringComparer.OrdinalIgnoreCase)
    {
        "test", "tests", "__tests__", "spec", "e2e", "fixtures", "__fixtures__", "example", "examples", "sample", "samples", "demo", "vendor", "third_party", "docs",
    };

    /// <summary>
    /// Whether a root-relative path lies under one of the <see cref="SideDirectories"/>, or a folder named for one
    /// ("packages/e2e-tests", "integration_tests").
    /// </summary>
    public static bool IsInSideDirectory(string relative) =>
        relative.Split('/').SkipLast(1).Any(folder => SideDirectories.Contains(folder) || folder.Split(['-', '_', '.']).Any(SideDirectories.Contains));

    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint,
        ReturnSpecialDirectories = false,
    };

    public static IEnumerable<string> EnumerateFiles(string root, Func<string, bool> include, int maxDepth = 12)
    {
        var pending = new Stack<(string Path, int Depth)>();
        pending.Push((root, 0));
        while (pending.Count > 0)
        {
            var (directory, depth) = pending.Pop();
            IEnumerable<string> files;
            IEnumerable<string> directories;
            try
            {
                files = Directory.EnumerateFiles(directory, "*", Options).Where(f => include(Path.GetFileName(f))).ToList();
                directories = depth >= maxDepth ? [] : Directory.EnumerateDirectories(directory, "*", Options).ToList();
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var file in files)
            {
                yield return file;
            }

            foreach (var child in directories.OrderDescending(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(child);
                if (!SkippedDirectories.Contains(name) && !(name.StartsWith('.') && name.Length > 1))
                {
                    pending.Push((child, depth + 1));
                }
            }
        }
    }

    public static string Relative(string root, string path) =>
        PathText.WithSlashes(Path.GetRelativePath(root, path));
}
