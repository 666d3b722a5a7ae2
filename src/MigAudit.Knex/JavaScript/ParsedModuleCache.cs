using System.Collections.Concurrent;
using MigAudit.Core;

namespace MigAudit.Knex.JavaScript;

/// <summary>A file read and parsed once: its text, its syntax tree, or why it has none.</summary>
public sealed record ParsedFile(string Text, Acornima.Ast.Program? Program, ParseProblem? Problem, bool IsModuleSyntax, string Language, long SizeBytes, bool IsSymlink);

/// <summary>Parsed files shared by the whole audit (module analysis, schema replay, every configuration scenario), so each file is read and parsed once.</summary>
public sealed class ParsedModuleCache
{
    private readonly ConcurrentDictionary<string, ParsedFile> entries = new(StringComparer.Ordinal);

    /// <summary>Texts that stand for files on disk for the whole audit (audit --staged: the index's version), read again after an eviction.</summary>
    private readonly ConcurrentDictionary<string, string> substitutes = new(StringComparer.Ordinal);

    public ParsedFile File(string path) => entries.GetOrAdd(path, static (file, self) =>
    {
        if (self.substitutes.TryGetValue(file, out var substitute))
        {
            return Parsed(file, substitute, System.Text.Encoding.UTF8.GetByteCount(substitute), isSymlink: false);
        }

        var source = SourceReader.Read(file);
        var language = JsParser.IsTypeScript(file) ? "ts" : "js";
        if (source.Problem is not null)
        {
            return new ParsedFile(string.Empty, null, source.Problem, false, language, source.SizeBytes, source.IsSymlink);
        }

        // A knexfile.json (named with --knexfile) is read as the module Node makes of it: its value is module.exports.
        // The prefix stays on line 1, so line numbers are the file's own.
        var text = file.EndsWith(".json", StringComparison.Ordinal) ? "module.exports = " + source.Text : source.Text;
        return Parsed(file, text, source.SizeBytes, source.IsSymlink);
    }, this);

    private static ParsedFile Parsed(string path, string text, long sizeBytes, bool isSymlink)
    {
        var parsed = JsParser.Parse(text, path);

        // Every reader slices the text with the tree's offsets: when TypeScript's generated code shifted them, the
        // text is the JavaScript they index (same lines, types blanked).
        var indexed = parsed.OffsetsMatch(text) ? text : parsed.Code!;
        return new ParsedFile(indexed, parsed.Program, parsed.Problem, parsed.IsModuleSyntax, parsed.Language, sizeBytes, isSymlink);
    }

    /// <summary>
    /// Parses text that is not on disk under a path of its own (an earlier version of a migration, read from git),
    /// so it can be replayed as if it were that file; the path should sit beside the real file so relative requires
    /// resolve as they did.
    /// </summary>
    public void Put(string path, string text) => entries[path] = Parsed(path, text, System.Text.Encoding.UTF8.GetByteCount(text), isSymlink: false);

    /// <summary>Reads <paramref name="text"/> wherever the audit reads the file at <paramref name="path"/>, before and after evictions.</summary>
    public void Substitute(string path, string text)
    {
        substitutes[path] = text.StartsWith('\uFEFF') ? text[1..] : text;
        entries.TryRemove(path, out _);
    }

    /// <summary>Forgets a file once nothing needs its syntax tree any more (migrations after their replay step), bounding memory.</summary>
    public void Evict(string path) => entries.TryRemove(path, out _);

    public (string Text, Acornima.Ast.Program? Program)? Get(string file)
    {
        var entry = File(file);
        return (entry.Text, entry.Program);
    }
}
