using System.Text;
using MigAudit.Core;

namespace MigAudit.Knex.JavaScript;

public sealed record SourceFile(string Text, long SizeBytes, bool IsSymlink, ParseProblem? Problem);

/// <summary>Reads a source file the way Node would (UTF-8, BOM dropped), turning I/O trouble into problems instead of exceptions.</summary>
public static class SourceReader
{
    /// <summary>Files larger than this are not parsed: nobody writes a migration this size by hand, and parsing it would dominate the audit.</summary>
    public const long MaxParsedBytes = 16 * 1024 * 1024;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static SourceFile Read(string path)
    {
        var info = new FileInfo(path);
        var isSymlink = info.LinkTarget is not null;
        try
        {
            if (isSymlink && info.ResolveLinkTarget(returnFinalTarget: true) is not { Exists: true })
            {
                return new SourceFile(string.Empty, 0, true, new ParseProblem(1, 1, $"broken symbolic link to {info.LinkTarget}: Node cannot load it", true));
            }

            var size = isSymlink ? new FileInfo(info.ResolveLinkTarget(true)!.FullName).Length : info.Length;
            if (size > MaxParsedBytes)
            {
                return new SourceFile(string.Empty, size, isSymlink, new ParseProblem(1, 1, $"file is {size / (1024 * 1024)} MB; migaudit does not parse files over {MaxParsedBytes / (1024 * 1024)} MB", false));
            }

            var bytes = File.ReadAllBytes(path);
            if (Array.IndexOf(bytes, (byte)0) >= 0)
            {
                return new SourceFile(string.Empty, size, isSymlink, new ParseProblem(1, 1, "binary content (NUL bytes): not a JavaScript file", true));
            }

            var text = Utf8.GetString(bytes);
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text[1..];
            }

            return new SourceFile(text, size, isSymlink, null);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return new SourceFile(string.Empty, 0, isSymlink, new ParseProblem(1, 1, $"cannot be read: {error.Message}", true));
        }
    }
}
