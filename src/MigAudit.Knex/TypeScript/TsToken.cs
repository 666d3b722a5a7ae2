namespace MigAudit.Knex.TypeScript;

internal enum TsTokenKind
{
    EndOfFile,
    Identifier,
    PrivateName,
    Number,
    BigInt,
    String,
    NoSubstitutionTemplate,
    TemplateHead,
    TemplateMiddle,
    TemplateTail,
    Regex,
    Punctuator,
}

/// <summary>
/// One token. <see cref="Text"/> is the identifier's name, the punctuator or the number; empty for strings, templates
/// and regular expressions, whose cooked value <see cref="TsScanner.Cook"/> computes when needed.
/// </summary>
internal readonly record struct TsToken(TsTokenKind Kind, int Start, int End, string Text, bool LineBreakBefore)
{
    public bool Is(string punctuatorOrWord) =>
        (Kind == TsTokenKind.Punctuator || Kind == TsTokenKind.Identifier) && Text == punctuatorOrWord;

    public bool IsWord => Kind == TsTokenKind.Identifier;
}

/// <summary>A syntax error at a source offset; <see cref="TypeScriptEraser"/> turns the offset into line and column.</summary>
internal sealed class TsSyntaxException(int position, string message) : Exception(message)
{
    public int Position { get; } = position;
}
