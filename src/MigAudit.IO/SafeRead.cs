using MigAudit.Core;

namespace MigAudit.IO;

/// <summary>Why a file could not be read; the message names the path and reads as one line.</summary>
public sealed class UnreadableFileException(string path, string reason, bool tooLarge = false) : IOException($"{path}: {reason}")
{
    public string Path { get; } = path;
    public string Reason { get; } = reason;

    /// <summary>Readable, but over the size limit migaudit reads: a choice of migaudit's, not a problem of the file.</summary>
    public bool TooLarge { get; } = tooLarge;
}

/// <summary>
/// Reads files from a repository migaudit did not write: only regular files (never a FIFO, socket or device, even
/// behind a symbolic link), never more bytes than the limit (checked on the bytes actually read, so a file that
/// grows, or a link to /dev/zero, cannot exhaust memory), and permission problems as one line naming the path.
/// </summary>
public static class SafeRead
{
    /// <summary>Nobody writes a migration or a configuration file this size by hand.</summary>
    public const long DefaultMaxBytes = 16 * 1024 * 1024;

    /// <exception cref="UnreadableFileException">Not a regular file, too large, or unreadable.</exception>
    public static byte[] Bytes(string path, long maxBytes = DefaultMaxBytes)
    {
        var kind = FileKinds.Of(path);
        if (kind is not (FileKind.Regular or FileKind.Unknown))
        {
            throw new UnreadableFileException(path, kind == FileKind.Missing ? "does not exist" : $"is {FileKinds.Describe(kind)}, not a regular file; it is not read");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);

            // Sized from the length the file reports, but the limit holds on what is actually read: one byte past
            // the expected end is asked for, so a file that grows (or a device posing as a file) is caught.
            var expected = stream.Length;
            if (expected > maxBytes)
            {
                throw TooLarge(path, maxBytes);
            }

            var buffer = new byte[expected];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            if (total < buffer.Length)
            {
                return buffer[..total];
            }

            // The usual case, the file as long as it said: one byte more settles it. (A chunk buffer for every file
            // made fresh pages for the GC to zero: a quarter of the demo audit's page faults.)
            Span<byte> probe = stackalloc byte[1];
            if (stream.Read(probe) == 0)
            {
                return buffer;
            }

            // More than the file said it had: keep reading, within the limit.
            var more = new MemoryStream();
            more.Write(buffer, 0, total);
            more.Write(probe);
            if (more.Length > maxBytes)
            {
                throw TooLarge(path, maxBytes);
            }

            var chunk = new byte[81920];
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (more.Length + read > maxBytes)
                {
                    throw TooLarge(path, maxBytes);
                }

                more.Write(chunk, 0, read);
            }

            return more.Length == total ? buffer : more.ToArray();
        }
        catch (UnauthorizedAccessException)
        {
            throw new UnreadableFileException(path, "permission denied");
        }
        catch (IOException error) when (error is not UnreadableFileException)
        {
            throw new UnreadableFileException(path, Quoting.Printable(error.Message));
        }
    }

    private static UnreadableFileException TooLarge(string path, long maxBytes) =>
        new(path, $"is larger than {maxBytes / (1024 * 1024)} MB; migaudit does not read files that large", tooLarge: true);

    /// <summary>UTF-8 text, the way Node reads source (BOM dropped, invalid bytes replaced).</summary>
    public static string Text(string path, long maxBytes = DefaultMaxBytes)
    {
        var text = System.Text.Encoding.UTF8.GetString(Bytes(path, maxBytes));
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    /// <summary>Like <see cref="Text"/>, but a problem becomes a <see cref="ProjectException"/> (exit 2) naming the file.</summary>
    public static string TextOrFail(string path, string what, long maxBytes = DefaultMaxBytes)
    {
        try
        {
            return Text(path, maxBytes);
        }
        catch (UnreadableFileException error)
        {
            throw new ProjectException($"{what} {Quoting.Printable(error.Path)} cannot be read: {error.Reason}");
        }
    }
}
