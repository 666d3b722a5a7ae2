namespace MigAudit.Knex.JavaScript;

public enum JsTokenKind
{
    Identifier,
    Keyword,
    String,
    Template,
    Number,
    RegExp,
    Punctuator,
}

public readonly record struct JsToken(JsTokenKind Kind, int Start, int End, string Text, bool NewlineBefore)
{
    public bool Is(string text) => Text == text;
}

/// <summary>
/// A tolerant JavaScript/TypeScript tokenizer: enough to find type syntax to blank out, never a validator.
/// Comments and whitespace are skipped; a whole template literal (with its substitutions) is one token.
/// </summary>
public static class JsLexer
{
    private static readonly HashSet<string> Keywords =
    [
        "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else",
        "export", "extends", "finally", "for", "function", "if", "import", "in", "instanceof", "let", "new",
        "return", "super", "switch", "this", "throw", "try", "typeof", "var", "void", "while", "with", "yield",
        "await", "of", "async", "true", "false", "null",
    ];

    private static readonly HashSet<string> KeywordsBeforeExpression =
    [
        "return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await",
    ];

    // Longest first so that greedy matching works.
    private static readonly string[] Punctuators =
    [
        ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
        "=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "**",
        "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "?", ":", "=", ".", "@", "#",
    ];

    // The punctuators by their first character, longest first as above: a file has a punctuator every few characters,
    // and trying all sixty at each one was a tenth of a large audit's time.
    private static readonly Dictionary<char, string[]> PunctuatorsByFirst =
        Punctuators.GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.ToArray());

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> KeywordLookup = Keywords.GetAlternateLookup<ReadOnlySpan<char>>();

    public static List<JsToken> Tokenize(string text)
    {
        // About one token per five characters in formatted code: sized once instead of grown from empty.
        var tokens = new List<JsToken>(text.Length / 5);
        var i = 0;
        var newline = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                newline = true;
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                var end = close < 0 ? text.Length : close + 2;
                if (text.AsSpan(i, end - i).Contains('\n'))
                {
                    newline = true;
                }

                i = end;
                continue;
            }

            var start = i;
            JsTokenKind kind;
            string? known = null;
            if (c is '"' or '\'')
            {
                i = SkipString(text, i);
                kind = JsTokenKind.String;
            }
            else if (c == '`')
            {
                i = SkipTemplate(text, i);
                kind = JsTokenKind.Template;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '.' or '_'))
                {
                    i++;
                }

                kind = JsTokenKind.Number;
            }
            else if (IsIdentifierStart(c))
            {
                i++;
                while (i < text.Length && IsIdentifierPart(text[i]))
                {
                    i++;
                }

                kind = KeywordLookup.TryGetValue(text.AsSpan(start, i - start), out known) ? JsTokenKind.Keyword : JsTokenKind.Identifier;
            }
            else if (c == '/' && RegExpAllowed(tokens))
            {
                i = SkipRegExp(text, i);
                kind = JsTokenKind.RegExp;
            }
            else
            {
                known = Punctuator(text, i);
                i += known?.Length ?? 1;
                kind = JsTokenKind.Punctuator;
            }

            tokens.Add(new JsToken(kind, start, i, known ?? text[start..i], newline));
            newline = false;
        }

        return tokens;
    }

    /// <summary>The longest punctuator at <paramref name="i"/>, or null.</summary>
    private static string? Punctuator(string text, int i)
    {
        if (PunctuatorsByFirst.TryGetValue(text[i], out var candidates))
        {
            var rest = text.AsSpan(i);
            foreach (var candidate in candidates)
            {
                if (rest.StartsWith(candidate, StringComparison.Ordinal))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c is '_' or '$' || c > 0x7f && !char.IsWhiteSpace(c);

    private static bool IsIdentifierPart(char c) => IsIdentifierStart(c) || char.IsAsciiDigit(c);

    private static bool RegExpAllowed(List<JsToken> tokens)
    {
        if (tokens.Count == 0)
        {
            return true;
        }

        var previous = tokens[^1];
        return previous.Kind switch
        {
            JsTokenKind.Punctuator => previous.Text is not (")" or "]"),
            JsTokenKind.Keyword => KeywordsBeforeExpression.Contains(previous.Text),
            _ => false,
        };
    }

    private static int SkipString(string text, int i)
    {
        var quote = text[i++];
        while (i < text.Length && text[i] != quote && text[i] != '\n')
        {
            i += text[i] == '\\' ? 2 : 1;
        }

        return Math.Min(text.Length, i + 1);
    }

    private static int SkipTemplate(string text, int i)
    {
        i++;
        while (i < text.Length && text[i] != '`')
        {
            if (text[i] == '\\')
            {
                i += 2;
            }
            else if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                i = SkipSubstitution(text, i + 2);
            }
            else
            {
                i++;
            }
        }

        return Math.Min(text.Length, i + 1);
    }

    private static int SkipSubstitution(string text, int i)
    {
        var depth = 1;
        while (i < text.Length && depth > 0)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                i = SkipString(text, i);
                continue;
            }

            if (c == '`')
            {
                i = SkipTemplate(text, i);
                continue;
            }

            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            i++;
        }

        return i;
    }

    private static int SkipRegExp(string text, int i)
    {
        i++;
        var inClass = false;
        while (i < text.Length && text[i] != '\n')
        {
            var c = text[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == '[')
            {
                inClass = true;
            }
            else if (c == ']')
            {
                inClass = false;
            }
            else if (c == '/' && !inClass)
            {
                i++;
                break;
            }

            i++;
        }

        while (i < text.Length && char.IsAsciiLetter(text[i]))
        {
            i++;
        }

        return i;
    }
}
