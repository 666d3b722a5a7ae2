namespace MigAudit.Git;

/// <summary>
/// The files of one folder as a commit held them, written to a folder of migaudit's own so that a static reader
/// (discovery) can read them there. Read from git's objects only (ls-tree, cat-file --batch): a checkout or
/// <c>git archive</c> can run filter programs the repository names, and the audited working tree is never touched.
/// </summary>
public static class GitSnapshot
{
    /// <summary>Files larger than this are not written: a knexfile and the modules it reads are small, and blobs of this size are data.</summary>
    public const long MaxFileBytes = 256 * 1024;

    /// <summary>A folder with more files than this is not written at all: the read would cost more than it can tell.</summary>
    public const int MaxFiles = 4000;

    /// <summary>What was written, and why the snapshot was not, when it was not.</summary>
    public sealed record Result(int Files, long Bytes, string? Refused);

    /// <summary>
    /// Writes <paramref name="folder"/> (relative to the repository's top, '/' separators, "" for the whole tree) as
    /// <paramref name="commit"/> held it into <paramref name="destination"/>, which must exist and be empty; skips
    /// node_modules, symbolic links, submodules, binary files and files over <see cref="MaxFileBytes"/>.
    /// </summary>
    /// <param name="keep">Which files (folder-relative path) to write: the reader's kinds of file only, the rest is cost.</param>
    public static Result Write(string top, string commit, string folder, string destination, Func<string, bool> keep)
    {
        var listing = GitRunner.Run(top, "ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", folder.Length == 0 ? "." : folder);
        if (!listing.Ok)
        {
            return new Result(0, 0, $"git ls-tree failed: {listing.Stderr.Trim()}");
        }

        var root = Path.GetFullPath(destination);
        var wanted = new List<(string Id, string Path)>();
        foreach (var entry in listing.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            // <mode> SP <type> SP <object> SP+ <size> TAB <path>
            var tab = entry.IndexOf('\t', StringComparison.Ordinal);
            var fields = tab < 0 ? [] : entry[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is not [var mode, "blob", var id, var size] || mode == "120000" || !long.TryParse(size, out var bytes) || bytes > MaxFileBytes)
            {
                continue;
            }

            var path = entry[(tab + 1)..];
            var inside = folder.Length == 0 ? path : path.StartsWith(folder + "/", StringComparison.Ordinal) ? path[(folder.Length + 1)..] : null;
            if (inside is null || inside.Split('/').Any(part => part is "node_modules" or ".." or "." or ".git" || part.Length == 0) || !keep(inside))
            {
                continue;
            }

            wanted.Add((id, inside));
            if (wanted.Count > MaxFiles)
            {
                return new Result(0, 0, $"{folder} holds more than {MaxFiles} files at {commit}");
            }
        }

        var contents = GitRunner.CatFiles(top, wanted.Select(w => w.Id).ToList());
        var (written, total) = (0, 0L);
        for (var i = 0; i < wanted.Count; i++)
        {
            if (contents[i] is not { } content || Array.IndexOf(content, (byte)0) >= 0)
            {
                continue;
            }

            var target = Path.GetFullPath(Path.Combine(root, wanted[i].Path));
            if (!target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, content);
            written++;
            total += content.Length;
        }

        return new Result(written, total, null);
    }
}
