namespace MigAudit.Knex.TypeScript;

/// <summary>Which words are reserved and which tokens start or continue an expression, as TypeScript's parser decides.</summary>
internal sealed partial class TsParser
{
    private static readonly HashSet<string> ReservedWords =
    [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export",
        "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super",
        "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with",
    ];

    // Reserved words that start an expression.
    private static readonly HashSet<string> ExpressionKeywords = ["class", "delete", "false", "function", "import", "new", "null", "super", "this", "true", "typeof", "void"];

    private static readonly HashSet<string> AssignmentOperators =
        ["=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??="];

    /// <summary>A word usable as a name here (TypeScript's isIdentifier: not a reserved word).</summary>
    private bool AtIdentifier => Token.Kind == TsTokenKind.Identifier && !ReservedWords.Contains(Token.Text);

    private bool AtIdentifierOrKeyword => Token.Kind == TsTokenKind.Identifier;

    private bool AtWordOnSameLine(string word) => At(word) && !Token.LineBreakBefore;

    private bool AtLiteralPropertyName =>
        Token.Kind is TsTokenKind.Identifier or TsTokenKind.String or TsTokenKind.Number or TsTokenKind.BigInt or TsTokenKind.PrivateName;

    private bool AtStartOfLeftHandSide => Token.Kind switch
    {
        TsTokenKind.Identifier => !ReservedWords.Contains(Token.Text) || ExpressionKeywords.Contains(Token.Text) && Token.Text is not ("delete" or "typeof" or "void"),
        TsTokenKind.Punctuator => Token.Text is "(" or "[" or "{" or "/" or "/=" or "@",
        TsTokenKind.EndOfFile => false,
        _ => true,
    };

    private bool AtStartOfExpression => AtStartOfLeftHandSide || Token.Kind switch
    {
        TsTokenKind.Identifier => Token.Text is "delete" or "typeof" or "void",
        TsTokenKind.Punctuator => Token.Text is "+" or "-" or "~" or "!" or "++" or "--" or "<",
        _ => false,
    };

    /// <summary>Binary operator precedence, 0 when the current token is not one (TypeScript's getBinaryOperatorPrecedence).</summary>
    private int BinaryPrecedence()
    {
        if (Token.Kind == TsTokenKind.Identifier)
        {
            return Token.Text switch
            {
                "instanceof" => 8,
                "in" => context.DisallowIn ? 0 : 8,
                "as" or "satisfies" => Token.LineBreakBefore ? 0 : 8,
                _ => 0,
            };
        }

        if (Token.Kind != TsTokenKind.Punctuator)
        {
            return 0;
        }

        return Token.Text switch
        {
            "??" => 1,
            "||" => 2,
            "&&" => 3,
            "|" => 4,
            "^" => 5,
            "&" => 6,
            "==" or "!=" or "===" or "!==" => 7,
            "<" or ">" or "<=" or ">=" => 8,
            "<<" or ">>" or ">>>" => 9,
            "+" or "-" => 10,
            "*" or "/" or "%" => 11,
            "**" => 12,
            _ => 0,
        };
    }

    private bool AtBinaryOperator()
    {
        if (AtPunctuator(">"))
        {
            return true;
        }

        return BinaryPrecedence() > 0;
    }

    private bool AtModifierWord(params ReadOnlySpan<string> words)
    {
        if (Token.Kind != TsTokenKind.Identifier)
        {
            return false;
        }

        foreach (var word in words)
        {
            if (Token.Text == word)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>TypeScript's canFollowModifier: what may come after a modifier keyword in a class or parameter.</summary>
    private bool AtTokenThatCanFollowModifier =>
        AtPunctuator("[") || AtPunctuator("{") || AtPunctuator("*") || AtPunctuator("...") || AtLiteralPropertyName;

    /// <summary>The current word is a modifier (not a member named like one) when the next token can follow a modifier.</summary>
    private bool NextCanFollowModifier(bool allowLineBreak = false) => NextIs(() => (allowLineBreak || !Token.LineBreakBefore) && AtTokenThatCanFollowModifier);
}
