namespace MigAudit.Knex.TypeScript;

/// <summary>The JavaScript tsc would emit for a TypeScript file, with every kept token on its original line.</summary>
public sealed record ErasedTypeScript(string? Code, int Line, int Column, string? Error);

public static class TypeScriptEraser
{
    /// <summary>
    /// Parses <paramref name="text"/> as TypeScript and returns the JavaScript tsc emits for it (target ESNext, module
    /// preserve, verbatimModuleSyntax, useDefineForClassFields, isolatedModules), or the first syntax error with its
    /// 1-based line and column.
    /// </summary>
    public static ErasedTypeScript Erase(string text)
    {
        try
        {
            return new ErasedTypeScript(TsParser.Erase(text), 0, 0, null);
        }
        catch (TsSyntaxException error)
        {
            var (line, column) = LineAndColumn(text, error.Position);
            return new ErasedTypeScript(null, line, column, error.Message);
        }
        catch (InsufficientExecutionStackException)
        {
            return new ErasedTypeScript(null, 1, 1, "nesting too deep to read");
        }
    }

    private static (int Line, int Column) LineAndColumn(string text, int position)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position && i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n' || c == '\u2028' || c == '\u2029' || (c == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, position - lineStart + 1);
    }
}
