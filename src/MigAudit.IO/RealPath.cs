namespace MigAudit.IO;

/// <summary>A path with every symbolic link along it resolved, like realpath(3): where a read or write really lands.</summary>
public static class RealPath
{
    /// <summary>Symbolic links followed at the most before giving up (Linux's own limit is 40).</summary>
    private const int MaxLinks = 40;

    /// <summary>The resolved path, or null when it cannot be resolved (a link loop, or too many links).</summary>
    public static string? Of(string path)
    {
        var pending = new Queue<string>(Path.GetFullPath(path).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries));
        var current = Path.GetPathRoot(Path.GetFullPath(path)) ?? "/";
        var links = 0;
        while (pending.Count > 0)
        {
            var next = Path.Combine(current, pending.Dequeue());
            var info = new FileInfo(next);
            if (info.LinkTarget is not { } target)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            // Resolve the target's own components next, before what was left of the path.
            var resolved = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target));
            var rest = pending.ToList();
            pending = new Queue<string>(resolved.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Concat(rest));
            current = Path.GetPathRoot(resolved) ?? "/";
        }

        return Path.TrimEndingDirectorySeparator(current);
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or inside it, both resolved.</summary>
    public static bool IsInside(string root, string path) =>
        Of(root) is { } realRoot && Of(path) is { } real &&
        (real == realRoot || real.StartsWith(realRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal));
}
