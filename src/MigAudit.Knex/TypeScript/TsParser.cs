namespace MigAudit.Knex.TypeScript;

/// <summary>
/// A recursive-descent parser of TypeScript's grammar, following the TypeScript compiler's own parser where the
/// grammar is ambiguous (arrow functions, type arguments after an expression, casts). It builds no tree: while it
/// parses it records in <see cref="TsEdits"/> what `tsc` would drop or generate, and <see cref="TypeScriptEraser"/>
/// applies those edits to the source. Split by job: statements, declarations, classes, expressions, types.
/// </summary>
internal sealed partial class TsParser
{
    private readonly TsScanner scanner;
    private readonly TsEdits edits = new();
    private int previousEnd;
    private Context context;

    // Identifier references inside an enum initializer or a namespace body, which tsc qualifies (`A` -> `E.A`).
    private List<(int Position, string Name, bool Shorthand)>? references;

    private TsParser(string text)
    {
        scanner = new TsScanner(text);
        scanner.Next();
    }

    /// <summary>What changes the meaning of what is parsed: TypeScript's own context flags.</summary>
    private record struct Context(bool DisallowIn, bool Await, bool Yield, bool Ambient, bool InConditionalWhenTrue, bool DisallowConditionalTypes);

    public static string Erase(string text)
    {
        var parser = new TsParser(text);
        parser.ParseSourceFile();
        return parser.edits.Apply(text);
    }

    private TsToken Token => scanner.Token;

    private string Source => scanner.Text;

    private TsToken Next()
    {
        previousEnd = Token.End;
        return scanner.Next();
    }

    private bool At(string text) => Token.Is(text);

    private bool AtPunctuator(string text) => Token.Kind == TsTokenKind.Punctuator && Token.Text == text;

    private bool Eat(string text)
    {
        if (!At(text))
        {
            return false;
        }

        Next();
        return true;
    }

    private void Expect(string text)
    {
        if (!At(text))
        {
            throw Unexpected($"'{text}' expected");
        }

        Next();
    }

    private TsSyntaxException Unexpected(string? expected = null)
    {
        var found = Token.Kind == TsTokenKind.EndOfFile ? "end of file" : $"'{Token.Text}'";
        return new TsSyntaxException(Token.Start, expected is null ? $"unexpected {found}" : $"{expected}, found {found}");
    }

    private readonly record struct Snapshot((int, TsToken) Scanner, int PreviousEnd, int Edits, Context Context, int References);

    private Snapshot Save() => new(scanner.Save(), previousEnd, edits.Count, context, references?.Count ?? 0);

    private void Restore(Snapshot snapshot)
    {
        scanner.Restore(snapshot.Scanner);
        previousEnd = snapshot.PreviousEnd;
        edits.Truncate(snapshot.Edits);
        context = snapshot.Context;
        references?.RemoveRange(snapshot.References, references.Count - snapshot.References);
    }

    /// <summary>TypeScript's tryParse: run <paramref name="attempt"/>; on failure or a false result, roll everything back.</summary>
    private bool TryParse(Func<bool> attempt)
    {
        var snapshot = Save();
        try
        {
            if (attempt())
            {
                return true;
            }
        }
        catch (TsSyntaxException)
        {
        }

        Restore(snapshot);
        return false;
    }

    /// <summary>TypeScript's lookAhead: answer a question about the tokens ahead and always roll back.</summary>
    private bool LookAhead(Func<bool> question)
    {
        var snapshot = Save();
        try
        {
            return question();
        }
        catch (TsSyntaxException)
        {
            return false;
        }
        finally
        {
            Restore(snapshot);
        }
    }

    private bool NextIs(Func<bool> condition) => LookAhead(() =>
    {
        Next();
        return condition();
    });

    /// <summary>Erase [start, previousEnd) dropping any edit made while parsing it: the whole range goes.</summary>
    private void EraseFrom(int editMark, int start)
    {
        edits.Truncate(editMark);
        edits.Blank(start, previousEnd);
    }

    private void EraseTypeAnnotationIfPresent()
    {
        if (AtPunctuator(":"))
        {
            var mark = edits.Count;
            var start = Token.Start;
            Next();
            ParseType();
            EraseFrom(mark, start);
        }
    }

    private void RecordReference(int position, string name) => references?.Add((position, name, false));

    private void RecordShorthand(TsToken name) => references?.Add((name.Start, name.Text, true));
}
