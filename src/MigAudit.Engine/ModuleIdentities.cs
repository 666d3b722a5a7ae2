using System.Security.Cryptography;
using MigAudit.Core;
using MigAudit.Git;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Engine;

/// <summary>
/// What a relative require/import path names in each version of an edited migration, by content: the first version's
/// path resolved in the tree of the commit that added it (read from git), the current one on disk. A helper moved to
/// another folder, with the require changed to follow it, is the same module when the two files hold the same bytes.
/// </summary>
internal static class ModuleIdentities
{
    // Node's CommonJS resolution tries the path, then these extensions, then the folder's index file; .ts for projects
    // that run their TypeScript migrations through ts-node or knex's own loader.
    private static readonly string[] Extensions = [".js", ".json", ".cjs", ".mjs", ".ts"];

    /// <param name="top">The repository's top folder.</param>
    /// <param name="commit">The commit that added the migration.</param>
    /// <param name="firstPath">The migration's path in that commit, from the repository's top, with slashes.</param>
    /// <returns>Null when both versions require the same paths (nothing to resolve).</returns>
    public static Func<bool, string, string?>? Of(string top, string commit, string firstPath, string currentPath, string before, string now)
    {
        var first = CodeEquivalence.ModuleSpecifiers(before).Where(IsRelative).ToHashSet(StringComparer.Ordinal);
        var current = CodeEquivalence.ModuleSpecifiers(now).Where(IsRelative).ToHashSet(StringComparer.Ordinal);
        if (first.SetEquals(current))
        {
            return null;
        }

        var firstDirectory = Path.GetDirectoryName(firstPath.Replace('/', Path.DirectorySeparatorChar)) ?? string.Empty;
        var firstIdentities = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var specifier in first.Except(current))
        {
            var candidates = Candidates(Path.GetFullPath(Path.Combine(top, firstDirectory, specifier)))
                .Select(p => Path.GetRelativePath(top, p))
                .Where(p => !p.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(p))
                .Select(p => $"{commit}:{PathText.WithSlashes(p)}")
                .ToList();
            firstIdentities[specifier] = candidates.Count == 0 ? null : GitRunner.CatFiles(top, candidates).FirstOrDefault(b => b is not null) is { } bytes ? Hash(bytes) : null;
        }

        var currentDirectory = Path.GetDirectoryName(currentPath)!;
        var currentIdentities = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var specifier in current.Except(first))
        {
            var file = Candidates(Path.GetFullPath(Path.Combine(currentDirectory, specifier))).FirstOrDefault(File.Exists);
            currentIdentities[specifier] = file is null ? null : Hash(File.ReadAllBytes(file));
        }

        return (isFirst, specifier) => (isFirst ? firstIdentities : currentIdentities).GetValueOrDefault(specifier);
    }

    private static bool IsRelative(string specifier) => specifier.StartsWith("./", StringComparison.Ordinal) || specifier.StartsWith("../", StringComparison.Ordinal);

    /// <summary>
    /// The files a path may name. A path with a known extension names that file; one without is tried with each
    /// extension, then as a folder's index (the bare path itself is left out: in git it may be a folder's tree).
    /// </summary>
    private static IEnumerable<string> Candidates(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.Ordinal)
            ? [path]
            : [.. Extensions.Select(e => path + e), .. Extensions.Select(e => Path.Combine(path, "index" + e))];

    private static string Hash(byte[] content) => Convert.ToHexString(SHA256.HashData(content));
}
