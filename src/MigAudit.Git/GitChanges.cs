using MigAudit.Core;

namespace MigAudit.Git;

/// <summary>
/// The files a change touches, for --changed-since and --staged: paths relative to the project root (git's --relative
/// limits the diff to it and names paths from it), renames with both names, deletions included.
/// </summary>
public static class GitChanges
{
    /// <summary>Everything since the merge base of HEAD and <paramref name="reference"/>: its commits, the working tree and untracked files.</summary>
    public static ChangeScope Since(string root, string reference)
    {
        if (reference.StartsWith('-'))
        {
            throw new ProjectException($"--changed-since {reference}: not a git reference");
        }

        var mergeBase = GitRunner.Run(root, "merge-base", "--end-of-options", reference, "HEAD");
        if (!mergeBase.Ok)
        {
            throw new ProjectException($"--changed-since {reference}: git knows no merge base of it and HEAD ({FirstLine(mergeBase.Stderr)}); in CI, fetch the full history (actions/checkout with fetch-depth: 0)");
        }

        var commit = mergeBase.Stdout.Trim();
        var files = new SortedSet<string>(StringComparer.Ordinal);
        AddNameStatus(files, Run(root, "diff", "--name-status", "-z", "-M", "--relative", commit));
        foreach (var path in Run(root, "ls-files", "--others", "--exclude-standard", "-z").Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            files.Add(path);
        }

        return new ChangeScope($"changes since {reference} (merge base {commit[..Math.Min(10, commit.Length)]})", commit, [.. files]);
    }

    /// <summary>What the index holds against HEAD: the change a pre-commit hook sees.</summary>
    public static ChangeScope Staged(string root)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        AddNameStatus(files, Run(root, "diff", "--cached", "--name-status", "-z", "-M", "--relative"));
        return new ChangeScope("staged changes", null, [.. files]);
    }

    private static string Run(string root, params string[] arguments)
    {
        var output = GitRunner.Run(root, arguments);
        return output.Ok ? output.Stdout : throw new ProjectException($"git {arguments[0]} failed: {FirstLine(output.Stderr)}");
    }

    /// <summary>-z name-status: "M\0path\0", and for renames and copies "R100\0old\0new\0".</summary>
    private static void AddNameStatus(SortedSet<string> files, string output)
    {
        var fields = output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < fields.Length; i++)
        {
            var status = fields[i];
            var paths = status.Length > 0 && status[0] is 'R' or 'C' ? 2 : 1;
            for (var k = 1; k <= paths && i + k < fields.Length; k++)
            {
                files.Add(fields[i + k]);
            }

            i += paths;
        }
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no reason given";
}
