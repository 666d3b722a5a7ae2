using System.Text;
using MigAudit.Core;
using MigAudit.IO;

namespace MigAudit.Knex.JavaScript;

public sealed record SourceFile(string Text, long SizeBytes, bool IsSymlink, ParseProblem? Problem);

/// <summary>Reads a source file the way Node would (UTF-8, BOM dropped), turning I/O trouble into problems instead of exceptions.</summary>
public static class SourceReader
{
    /// <summary>Files larger than this are not parsed: nobody writes a migration this size by hand, and parsing it would dominate the audit.</summary>
    public const long MaxParsedBytes = SafeRead.DefaultMaxBytes;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static SourceFile Read(string path)
    {
        var info = new FileInfo(path);
        var isSymlink = info.LinkTarget is not null;
        if (isSymlink && FileKinds.Of(path) == FileKind.Missing)
        {
            return new SourceFile(string.Empty, 0, true, new ParseProblem(1, 1, $"broken symbolic link to {Quoting.Printable(info.LinkTarget!)}: Node cannot load it", true));
        }

        byte[] bytes;
        try
        {
            bytes = SafeRead.Bytes(path, MaxParsedBytes);
        }
        catch (UnreadableFileException error)
        {
            // Node would block on a FIFO or device, or fail on an unreadable file: Knex cannot load it either. A file
            // over the size limit is one migaudit chose not to read, not one Knex cannot load.
            var problem = error.TooLarge
                ? new ParseProblem(1, 1, $"not parsed: the file {error.Reason}", KnexFailsToo: false, ParseProblemKind.TooLarge)
                : new ParseProblem(1, 1, $"cannot be read: {error.Reason}", KnexFailsToo: true, ParseProblemKind.Unreadable);
            return new SourceFile(string.Empty, 0, isSymlink, problem);
        }

        if (Array.IndexOf(bytes, (byte)0) >= 0)
        {
            return new SourceFile(string.Empty, bytes.Length, isSymlink, new ParseProblem(1, 1, "binary content (NUL bytes): not a JavaScript file", true));
        }

        var text = Utf8.GetString(bytes);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        return new SourceFile(text, bytes.Length, isSymlink, null);
    }
}
