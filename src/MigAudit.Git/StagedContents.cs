using System.Text;

namespace MigAudit.Git;

/// <summary>
/// For audit --staged: the files the commit being made will hold where the working tree has moved on since they were
/// staged (git add -p, or an edit after git add). The commit takes the index's version, so that is the one to audit.
/// </summary>
public static class StagedContents
{
    /// <param name="root">The project folder; paths are asked and answered relative to it.</param>
    /// <param name="paths">The migration folders and the knexfile, relative to <paramref name="root"/>.</param>
    /// <returns>Relative path → the text the index holds, for each tracked file under <paramref name="paths"/> whose working tree differs from the index.</returns>
    public static IReadOnlyDictionary<string, string> Read(string root, IReadOnlyList<string> paths)
    {
        if (paths.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        // Without --cached, git diff compares the working tree with the index: exactly the files whose staged version differs.
        var differing = GitRunner.Run(root, ["--literal-pathspecs", "diff", "--no-ext-diff", "--no-textconv", "--name-only", "-z", "--relative", "--", .. paths]);
        if (!differing.Ok)
        {
            return new Dictionary<string, string>();
        }

        var files = differing.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(f => !f.Contains('\n')).ToList();
        // ":./path" names the index's stage-0 entry, relative to the folder git runs in.
        var blobs = GitRunner.CatFiles(root, files.Select(f => ":./" + f).ToList());
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < files.Count; i++)
        {
            if (blobs[i] is { } blob)
            {
                texts[files[i]] = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(blob);
            }
        }

        return texts;
    }
}
