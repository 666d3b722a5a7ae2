using System.Collections.Concurrent;

namespace MigAudit.Knex.JavaScript;

/// <summary>Parsed files shared by several evaluators (one per scenario), so each file is read and parsed once.</summary>
public sealed class ParsedModuleCache
{
    private readonly ConcurrentDictionary<string, (string Text, Acornima.Ast.Program? Program)> entries = new(StringComparer.Ordinal);

    public (string Text, Acornima.Ast.Program? Program)? Get(string file)
    {
        return entries.GetOrAdd(file, static path =>
        {
            var source = SourceReader.Read(path);
            if (source.Problem is not null)
            {
                return (string.Empty, null);
            }

            return (source.Text, JsParser.Parse(source.Text, path).Program);
        });
    }
}
