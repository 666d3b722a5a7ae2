using MigAudit.Core;

namespace MigAudit.Git;

/// <summary>
/// Folders that held the set's migrations before they moved to the folders the knexfile names now (a <c>git mv</c>,
/// a copy then a deletion, a knexfile <c>directory</c> change). Knex records only a migration's file name, so a file
/// that arrives in a migration folder under a name another folder already had is the same migration, not a new one.
/// The history log is limited to the current folders, where a move looks like an addition; the commits where that
/// matters are the ones that add the folders' first migrations together or add one that sorts before an earlier one. For those
/// (a bounded number), the parent commit's folders are listed and looked up for the arrived names in one
/// <c>git cat-file --batch-check</c>: cost in git processes is bounded, never one per migration.
/// </summary>
internal static class FormerFolders
{
    /// <summary>At most this many arrival commits are examined (two git processes each, plus one for all lookups).</summary>
    public const int MaxCommits = 16;

    /// <summary>At most this many (folder, name) lookups in all.</summary>
    private const int MaxLookups = 200_000;

    /// <param name="arrivals">Commits whose migrations look new in the current folders, each with the git paths it added.</param>
    /// <param name="currentFolders">The current migration folders as git paths ("" for the top level).</param>
    /// <returns>Git paths of the folders, other than the current ones, that held a file of an arrived name in the arrival commit's parent.</returns>
    public static IReadOnlyList<string> Find(string root, IReadOnlyList<(string Commit, IReadOnlyList<string> Paths)> arrivals, ISet<string> currentFolders)
    {
        var lookups = new List<(string Folder, string Line)>();
        var examined = arrivals.Take(MaxCommits).ToList();
        // The listings are independent and each is a short git process mostly spent starting up: run a few at once,
        // as they sit on the history's critical path, and use them in the arrivals' order.
        var listings = new GitOutput[examined.Count];
        Parallel.For(0, examined.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            listings[i] = GitRunner.Run(root, "ls-tree", "-r", "-d", "-z", "--name-only", examined[i].Commit + "^"));
        for (var e = 0; e < examined.Count; e++)
        {
            var (commit, paths) = examined[e];
            var folders = listings[e];
            if (!folders.Ok)
            {
                continue; // A root commit has no parent: nothing can have moved into it.
            }

            // A question is one line: a name or folder with a line break cannot be asked (and is no folder worth it).
            var names = paths.Select(p => p[(p.LastIndexOf('/') + 1)..]).Where(n => !n.Contains('\n')).Distinct(StringComparer.Ordinal).ToList();
            foreach (var folder in folders.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Prepend(string.Empty).Where(f => !currentFolders.Contains(f) && !f.Contains('\n')))
            {
                foreach (var name in names)
                {
                    if (lookups.Count >= MaxLookups)
                    {
                        break;
                    }

                    lookups.Add((folder, $"{commit}^:{(folder.Length == 0 ? string.Empty : folder + "/")}{name}"));
                }
            }
        }

        if (lookups.Count == 0)
        {
            return [];
        }

        // One answer line per question, in order: "<oid> blob <size>", or "<question> missing".
        var answers = GitRunner.RunWithInput(root, string.Join('\n', lookups.Select(l => l.Line)) + "\n", "cat-file", "--batch-check=%(objecttype)");
        if (!answers.Ok)
        {
            return [];
        }

        var lines = answers.Stdout.Split('\n');
        return lookups.Where((l, i) => i < lines.Length && lines[i] == "blob").Select(l => l.Folder).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}
