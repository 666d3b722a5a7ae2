using System.Globalization;
using System.Text;

namespace MigAudit.Knex.TypeScript;

/// <summary>
/// Reads one token at a time, as the parser asks. Like TypeScript's scanner it cannot decide alone what `/`, `}` and
/// `>` mean: the parser re-scans `/` as a regular expression where an expression starts, `}` as the rest of a template
/// after a substitution, and joins `>` with what follows (`>>`, `>>>`, `>=`) only where a binary operator is expected,
/// so that `Array&lt;Map&lt;string, Set&lt;number&gt;&gt;&gt;` closes three type argument lists.
/// </summary>
internal sealed class TsScanner(string text)
{
    // Longest first within each leading character.
    private static readonly string[] Punctuators =
    [
        "...", "===", "!==", "**=", "<<=", "&&=", "||=", "??=",
        "=>", "==", "!=", "<=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "++", "--", "<<", "&&", "||", "??", "?.", "**",
        "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "!", "~", "?", ":", "=", ".", "@",
    ];

    private static readonly string[][] PunctuatorsByFirstChar = Enumerable.Range(0, 128)
        .Select(c => Punctuators.Where(p => p[0] == c).ToArray()).ToArray();

    private int position = text.StartsWith("#!", StringComparison.Ordinal) ? SkipLine(text, 0) : 0;

    public string Text { get; } = text;

    public TsToken Token { get; private set; }

    public int Position => position;

    /// <summary>Where scanning resumes and which token is current: enough to roll back a speculative parse.</summary>
    public (int Position, TsToken Token) Save() => (position, Token);

    public void Restore((int Position, TsToken Token) state)
    {
        position = state.Position;
        Token = state.Token;
    }

    public TsToken Next()
    {
        var lineBreak = SkipTrivia();
        Token = ScanToken(lineBreak);
        return Token;
    }

    /// <summary>`/` or `/=` where an expression starts is a regular expression literal.</summary>
    public TsToken RescanSlashAsRegex()
    {
        var start = Token.Start;
        var i = start + 1;
        var inClass = false;
        while (true)
        {
            if (i >= Text.Length || IsLineTerminator(Text[i]))
            {
                throw new TsSyntaxException(start, "unterminated regular expression");
            }

            var c = Text[i];
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
                break;
            }

            i++;
        }

        i++;
        while (i < Text.Length && IsIdentifierPart(Text[i]))
        {
            i++;
        }

        position = i;
        Token = new TsToken(TsTokenKind.Regex, start, i, "", Token.LineBreakBefore);
        return Token;
    }

    /// <summary>The `}` that closes a template substitution continues the template.</summary>
    public TsToken RescanTemplateContinuation()
    {
        position = Token.Start + 1;
        Token = ScanTemplate(Token.Start, Token.LineBreakBefore, head: false);
        return Token;
    }

    /// <summary>In operator position `>` joins the characters right after it: `>>`, `>>>`, `>=`, `>>=`, `>>>=`.</summary>
    public TsToken RescanGreater()
    {
        if (!Token.Is(">"))
        {
            return Token;
        }

        foreach (var candidate in (ReadOnlySpan<string>)[">>>=", ">>>", ">>=", ">>", ">="])
        {
            if (string.CompareOrdinal(Text, Token.Start, candidate, 0, candidate.Length) == 0)
            {
                position = Token.Start + candidate.Length;
                Token = Token with { End = position, Text = candidate };
                break;
            }
        }

        return Token;
    }

    private bool SkipTrivia()
    {
        var lineBreak = false;
        while (position < Text.Length)
        {
            var c = Text[position];
            if (IsLineTerminator(c))
            {
                lineBreak = true;
                position++;
            }
            else if (c is ' ' or '\t' or '\v' or '\f' or '\u00a0' or '\ufeff' || (c > 127 && char.GetUnicodeCategory(c) == UnicodeCategory.SpaceSeparator))
            {
                position++;
            }
            else if (c == '/' && position + 1 < Text.Length && Text[position + 1] == '/')
            {
                position = SkipLine(Text, position);
            }
            else if (c == '/' && position + 1 < Text.Length && Text[position + 1] == '*')
            {
                var end = Text.IndexOf("*/", position + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new TsSyntaxException(position, "unterminated comment");
                }

                lineBreak |= Text.AsSpan(position, end - position).IndexOfAny('\n', '\r', '\u2028') >= 0 || Text.AsSpan(position, end - position).Contains('\u2029');
                position = end + 2;
            }
            else
            {
                break;
            }
        }

        return lineBreak;
    }

    private TsToken ScanToken(bool lineBreak)
    {
        var start = position;
        if (position >= Text.Length)
        {
            return new TsToken(TsTokenKind.EndOfFile, start, start, "", lineBreak);
        }

        var c = Text[position];
        if (IsIdentifierStart(c) || c == '\\')
        {
            return new TsToken(TsTokenKind.Identifier, start, ScanIdentifierEnd(), Text[start..position], lineBreak);
        }

        if (c == '#' && position + 1 < Text.Length && (IsIdentifierStart(Text[position + 1]) || Text[position + 1] == '\\'))
        {
            position++;
            ScanIdentifierEnd();
            return new TsToken(TsTokenKind.PrivateName, start, position, Text[start..position], lineBreak);
        }

        if (char.IsAsciiDigit(c) || (c == '.' && position + 1 < Text.Length && char.IsAsciiDigit(Text[position + 1])))
        {
            return ScanNumber(lineBreak);
        }

        if (c is '"' or '\'')
        {
            return ScanString(c, lineBreak);
        }

        if (c == '`')
        {
            position++;
            return ScanTemplate(start, lineBreak, head: true);
        }

        foreach (var punctuator in c < 128 ? PunctuatorsByFirstChar[c] : [])
        {
            if (string.CompareOrdinal(Text, position, punctuator, 0, punctuator.Length) == 0)
            {
                // `a?.5:b` is a conditional, not optional chaining.
                if (punctuator == "?." && position + 2 < Text.Length && char.IsAsciiDigit(Text[position + 2]))
                {
                    continue;
                }

                // `>` stays alone: see RescanGreater.
                position += punctuator.Length;
                return new TsToken(TsTokenKind.Punctuator, start, position, punctuator, lineBreak);
            }
        }

        throw new TsSyntaxException(start, $"unexpected character '{c}'");
    }

    private int ScanIdentifierEnd()
    {
        while (position < Text.Length)
        {
            var c = Text[position];
            if (c == '\\' && position + 1 < Text.Length && Text[position + 1] == 'u')
            {
                position += 2;
                if (position < Text.Length && Text[position] == '{')
                {
                    var close = Text.IndexOf('}', position);
                    position = close < 0 ? Text.Length : close + 1;
                }
                else
                {
                    position = Math.Min(Text.Length, position + 4);
                }
            }
            else if (IsIdentifierPart(c))
            {
                position++;
            }
            else if (char.IsHighSurrogate(c) && position + 1 < Text.Length && char.IsLetter(Text, position))
            {
                position += 2;
            }
            else
            {
                break;
            }
        }

        return position;
    }

    private TsToken ScanNumber(bool lineBreak)
    {
        var start = position;
        var c = Text[position];
        if (c == '0' && position + 1 < Text.Length && Text[position + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            position += 2;
            while (position < Text.Length && (char.IsAsciiHexDigit(Text[position]) || Text[position] == '_'))
            {
                position++;
            }
        }
        else
        {
            SkipDigits();
            if (position < Text.Length && Text[position] == '.')
            {
                position++;
                SkipDigits();
            }

            if (position < Text.Length && Text[position] is 'e' or 'E')
            {
                position++;
                if (position < Text.Length && Text[position] is '+' or '-')
                {
                    position++;
                }

                SkipDigits();
            }
        }

        var kind = TsTokenKind.Number;
        if (position < Text.Length && Text[position] == 'n')
        {
            position++;
            kind = TsTokenKind.BigInt;
        }

        if (position < Text.Length && IsIdentifierStart(Text[position]))
        {
            throw new TsSyntaxException(position, "an identifier cannot follow a numeric literal");
        }

        return new TsToken(kind, start, position, Text[start..position], lineBreak);
    }

    private void SkipDigits()
    {
        while (position < Text.Length && (char.IsAsciiDigit(Text[position]) || Text[position] == '_'))
        {
            position++;
        }
    }

    private TsToken ScanString(char quote, bool lineBreak)
    {
        var start = position;
        position++;
        while (true)
        {
            if (position >= Text.Length || Text[position] is '\n' or '\r')
            {
                throw new TsSyntaxException(start, "unterminated string literal");
            }

            var c = Text[position];
            if (c == quote)
            {
                position++;
                break;
            }

            position += c == '\\' ? 2 : 1;
        }

        return new TsToken(TsTokenKind.String, start, position, "", lineBreak);
    }

    /// <summary>
    /// The cooked value of a string literal or template part, computed only when asked (enum member names and folded
    /// enum values): most literals are never looked at, and a large file can hold megabytes of them.
    /// </summary>
    public string Cook(TsToken token)
    {
        var (from, to) = token.Kind switch
        {
            TsTokenKind.String => (token.Start + 1, token.End - 1),
            TsTokenKind.NoSubstitutionTemplate => (token.Start + 1, token.End - 1),
            TsTokenKind.TemplateHead => (token.Start + 1, token.End - 2),
            TsTokenKind.TemplateMiddle => (token.Start + 1, token.End - 2),
            TsTokenKind.TemplateTail => (token.Start + 1, token.End - 1),
            _ => (token.Start, token.End),
        };
        var saved = position;
        var value = new StringBuilder();
        position = from;
        while (position < to)
        {
            var c = Text[position];
            if (c == '\\')
            {
                position++;
                value.Append(ReadEscape());
            }
            else
            {
                value.Append(c);
                position++;
            }
        }

        position = saved;
        return value.ToString();
    }

    private TsToken ScanTemplate(int start, bool lineBreak, bool head)
    {
        while (true)
        {
            if (position >= Text.Length)
            {
                throw new TsSyntaxException(start, "unterminated template literal");
            }

            var c = Text[position];
            if (c == '`')
            {
                position++;
                return new TsToken(head ? TsTokenKind.NoSubstitutionTemplate : TsTokenKind.TemplateTail, start, position, "", lineBreak);
            }

            if (c == '$' && position + 1 < Text.Length && Text[position + 1] == '{')
            {
                position += 2;
                return new TsToken(head ? TsTokenKind.TemplateHead : TsTokenKind.TemplateMiddle, start, position, "", lineBreak);
            }

            position += c == '\\' ? 2 : 1;
        }
    }

    /// <summary>The cooked value of an escape; only folded enum strings and member names use it.</summary>
    private string ReadEscape()
    {
        if (position >= Text.Length)
        {
            return "";
        }

        var c = Text[position++];
        switch (c)
        {
            case 'n': return "\n";
            case 't': return "\t";
            case 'r': return "\r";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'v': return "\v";
            case '0' when position >= Text.Length || !char.IsAsciiDigit(Text[position]): return "\0";
            case '\r':
                if (position < Text.Length && Text[position] == '\n')
                {
                    position++;
                }

                return "";
            case '\n' or '\u2028' or '\u2029': return "";
            case 'x' when position + 2 <= Text.Length && int.TryParse(Text.AsSpan(position, 2), NumberStyles.HexNumber, null, out var hex):
                position += 2;
                return ((char)hex).ToString();
            case 'u':
                var braced = position < Text.Length && Text[position] == '{';
                var digitsStart = braced ? position + 1 : position;
                var digitsEnd = braced ? Text.IndexOf('}', digitsStart) : Math.Min(Text.Length, position + 4);
                if (digitsEnd > digitsStart && int.TryParse(Text.AsSpan(digitsStart, digitsEnd - digitsStart), NumberStyles.HexNumber, null, out var code) && code <= 0x10FFFF)
                {
                    position = braced ? digitsEnd + 1 : digitsEnd;
                    return char.ConvertFromUtf32(code is >= 0xD800 and <= 0xDFFF ? 0xFFFD : code);
                }

                return "u";
            default: return c.ToString();
        }
    }

    private static int SkipLine(string text, int from)
    {
        var i = from;
        while (i < text.Length && !IsLineTerminator(text[i]))
        {
            i++;
        }

        return i;
    }

    public static bool IsLineTerminator(char c) => c is '\n' or '\r' or '\u2028' or '\u2029';

    public static bool IsIdentifierStart(char c) =>
        char.IsAsciiLetter(c) || c is '$' or '_' || (c > 127 && (char.IsLetter(c) || char.GetUnicodeCategory(c) == UnicodeCategory.LetterNumber));

    public static bool IsIdentifierPart(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '$' or '_' || (c > 127 && (char.IsLetterOrDigit(c) || char.GetUnicodeCategory(c) is
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.LetterNumber)
            || c is '\u200c' or '\u200d');
}
