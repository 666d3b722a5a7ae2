using MigAudit.Core;

namespace MigAudit.IO;

/// <summary>
/// Every file migaudit writes into a project (fix, restore, baseline, init) goes through here. A repository can
/// commit symbolic links, so a path that looks inside the project may lead anywhere: a write is refused when the
/// target is outside the project root, or when the target or any folder on the way to it is a symbolic link. Reports
/// written with --output (<see cref="Report"/>) may go outside the project but pass the same link checks. The text is
/// written to a temporary file beside the target and renamed over it: a rename replaces a link that appeared in the
/// meantime instead of writing through it.
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
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Replace(full, stream => stream.Write(new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text)), Quoting.Printable(path));
    }

    /// <summary>
    /// Writes a report to the path the user gave --output. It may lie outside the project (a CI artifact folder), so it
    /// is not confined to it; but the name may be one the repository committed. So the file itself must be missing or
    /// a regular file (never a symbolic link, a FIFO, a device or a folder), and no folder on the way may be a symbolic
    /// link that lies inside the project. Links outside it (a home folder reached through a link, macOS's /tmp) are
    /// the user's own and are followed. Missing folders are not created: a typo is reported, not built.
    /// </summary>
    /// <exception cref="ProjectException">Refused, or the write failed; the message names the path.</exception>
    public static void Report(string projectRoot, string path, string text) =>
        Report(projectRoot, path, stream => stream.Write(new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text)));

    /// <summary>The same, with the report written to the file as it is produced (the JSON report of a large project is never held whole).</summary>
    public static void Report(string projectRoot, string path, Action<Stream> write)
    {
        var shown = Quoting.Printable(path);
        var full = Path.GetFullPath(path);
        var kind = FileKinds.OfLink(full);
        if (kind == FileKind.SymbolicLink)
        {
            throw new ProjectException($"refusing to write {shown}: it is a symbolic link, and migaudit never writes through one");
        }

        if (kind is not (FileKind.Missing or FileKind.Regular or FileKind.Unknown))
        {
            throw new ProjectException($"refusing to write {shown}: it is {FileKinds.Describe(kind)}, not a regular file");
        }

        var realRoot = RealRoot(projectRoot);
        var current = Path.GetPathRoot(full) ?? "/";
        foreach (var part in Path.GetDirectoryName(full)!.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            if (FileKinds.OfLink(next) != FileKind.SymbolicLink)
            {
                current = next;
                continue;
            }

            if (current == realRoot || current.StartsWith(realRoot.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ProjectException($"refusing to write {shown}: {Quoting.Printable(Path.GetRelativePath(realRoot, next))} is a symbolic link, and migaudit never writes through one");
            }

            current = IO.RealPath.Of(next) ?? throw new ProjectException($"cannot write {shown}: {Quoting.Printable(next)} cannot be resolved (a symbolic-link loop)");
        }

        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
        {
            throw new ProjectException($"cannot write {shown}: the folder {Quoting.Printable(directory)} does not exist");
        }

        Replace(full, write, shown);
    }

    /// <summary>
    /// Writes a temporary file beside <paramref name="full"/> and renames it over it. Opening the target itself would
    /// follow a symbolic link put there after the checks, and .NET has no O_NOFOLLOW; rename(2) replaces such a link
    /// instead of following it, and a reader never sees half a file. The temporary file is created exclusively
    /// (O_EXCL, which never follows a link) and gets the mode of the file it replaces, so a report kept private stays so.
    /// </summary>
    private static void Replace(string full, Action<Stream> write, string shown)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.migaudit-{Guid.NewGuid():n}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        UnixFileMode? mode = null;
        if (!OperatingSystem.IsWindows() && FileKinds.OfLink(full) == FileKind.Regular)
        {
            mode = File.GetUnixFileMode(full);
            options.UnixCreateMode = mode;
        }

        var created = false;
        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                created = true;

                // The create mode went through the umask: the replaced file's own mode is restored exactly.
                if (mode is { } kept && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, kept);
                }

                write(stream);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            if (created)
            {
                File.Delete(temporary);
            }

            throw new ProjectException($"cannot write {shown}: {Quoting.Printable(error.Message)}");
        }
    }

    /// <summary>The root with its own links resolved: the user chose it, so a link there is theirs to follow.</summary>
    private static string RealRoot(string root) =>
        IO.RealPath.Of(root) ?? throw new ProjectException($"the project folder {Quoting.Printable(root)} cannot be resolved (a symbolic-link loop)");
}
