using MigAudit.Core;

namespace MigAudit.IO;

/// <summary>
/// Every file migaudit writes into a project (fix, restore, baseline, init) goes through here. A repository can
/// commit symbolic links, so a path that looks inside the project may lead anywhere: a write is refused when the
/// target is outside the project root, or when the target or any folder on the way to it is a symbolic link. The
/// text is written to a temporary file beside the target and renamed over it: a rename replaces a link that
/// appeared in the meantime instead of writing through it.
/// </summary>
public static class SafeWrite
{
    /// <summary>The full path of <paramref name="path"/> (relative to <paramref name="root"/>, or absolute) after the checks.</summary>
    /// <exception cref="ProjectException">Outside the project, behind a symbolic link, or not a regular file.</exception>
    public static string Check(string root, string path)
    {
        var realRoot = RealRoot(root);
        var givenRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var absolute = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(realRoot, path));

        // An absolute path spelled through the root as given (itself a link, say) is the same place under the real root.
        var full = absolute.StartsWith(givenRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal) && givenRoot != realRoot
            ? Path.Combine(realRoot, absolute[(givenRoot.Length + 1)..])
            : absolute;
        if (!full.StartsWith(realRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ProjectException($"refusing to write {Quoting.Printable(path)}: it is outside the project ({Quoting.Printable(realRoot)})");
        }

        var current = realRoot;
        foreach (var part in Path.GetRelativePath(realRoot, full).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            var kind = FileKinds.OfLink(current);
            if (kind == FileKind.SymbolicLink)
            {
                throw new ProjectException($"refusing to write {Quoting.Printable(path)}: {Quoting.Printable(Path.GetRelativePath(realRoot, current))} is a symbolic link, and migaudit never writes through one");
            }

            if (kind == FileKind.Missing)
            {
                break;
            }

            if (current != full && kind != FileKind.Directory)
            {
                throw new ProjectException($"refusing to write {Quoting.Printable(path)}: {Quoting.Printable(Path.GetRelativePath(realRoot, current))} is {FileKinds.Describe(kind)}");
            }

            if (current == full && kind is not (FileKind.Regular or FileKind.Unknown))
            {
                throw new ProjectException($"refusing to write {Quoting.Printable(path)}: it is {FileKinds.Describe(kind)}, not a regular file");
            }
        }

        return full;
    }

    /// <summary>Writes <paramref name="text"/> after <see cref="Check"/>; missing folders are created.</summary>
    public static void Text(string root, string path, string text)
    {
        var full = Check(root, path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.migaudit-{Guid.NewGuid():n}.tmp");
        try
        {
            File.WriteAllText(temporary, text);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new ProjectException($"cannot write {Quoting.Printable(path)}: {Quoting.Printable(error.Message)}");
        }
    }

    /// <summary>The root with its own links resolved: the user chose it, so a link there is theirs to follow.</summary>
    private static string RealRoot(string root) =>
        IO.RealPath.Of(root) ?? throw new ProjectException($"the project folder {Quoting.Printable(root)} cannot be resolved (a symbolic-link loop)");
}
