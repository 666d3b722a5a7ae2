using System.Globalization;

namespace MigAudit.Knex.TypeScript;

/// <summary>
/// `enum` and `const enum` (which isolatedModules emits as a plain enum): tsc's shape
/// <c>var E; (function (E) { E[E["A"] = 0] = "A"; })(E || (E = {}));</c>, written over the declaration's own lines.
/// Constant initializers are folded as tsc folds them; other initializers stay in place, with references to earlier
/// members qualified (`B = A + x` becomes `E.A + x`).
/// </summary>
internal sealed partial class TsParser
{
    private bool ParseEnum(bool exported)
    {
        var keywordStart = Token.Start;
        Eat("const");
        Expect("enum");
        if (!AtIdentifier)
        {
            throw Unexpected("enum name expected");
        }

        var name = Token.Text;
        Next();
        if (context.Ambient)
        {
            SkipEnumBody();
            return true;
        }

        var parent = exported ? currentNamespace : null;
        var header = $"{DeclarationFor(name)}(function ({name}) {{";
        Expect("{");
        edits.Replace(keywordStart, previousEnd, header);
        var members = new Dictionary<string, object?>(StringComparer.Ordinal);
        object? previous = -1d;
        while (!AtPunctuator("}"))
        {
            if (!ParseEnumMember(name, members, ref previous) && !AtPunctuator("}"))
            {
                throw Unexpected("',' expected");
            }
        }

        var target = parent is null ? $"{name} || ({name} = {{}})" : $"{name} = {parent.Qualifier}.{name} || ({parent.Qualifier}.{name} = {{}})";
        edits.Replace(Token.Start, Token.End, $"}})({target});");
        Next();
        return false;
    }

    /// <summary>`var E; ` at the top level, `let E; ` in a block or namespace, nothing when an earlier declaration made E.</summary>
    private string DeclarationFor(string name)
    {
        if (!declaredInScope.Add(name))
        {
            return "";
        }

        return statementListDepth <= 1 && currentNamespace is null ? $"var {name}; " : $"let {name}; ";
    }

    private void SkipEnumBody()
    {
        Expect("{");
        while (!AtPunctuator("}"))
        {
            ParsePropertyName();
            if (Eat("="))
            {
                ParseAssignmentExpression();
            }

            if (!AtPunctuator("}"))
            {
                Expect(",");
            }
        }

        Next();
    }

    /// <summary>Parses a member and its comma, and writes tsc's assignment over it; true when a comma followed.</summary>
    private bool ParseEnumMember(string enumName, Dictionary<string, object?> members, ref object? previous)
    {
        var memberStart = Token.Start;
        string memberName;
        string key;
        if (Token.Kind == TsTokenKind.String)
        {
            memberName = scanner.Cook(Token);
            key = Quote(memberName);
            Next();
        }
        else if (AtPunctuator("["))
        {
            Next();
            if (Token.Kind is not (TsTokenKind.String or TsTokenKind.NoSubstitutionTemplate))
            {
                throw Unexpected("a computed enum member name must be a string literal");
            }

            memberName = scanner.Cook(Token);
            key = Source[Token.Start..Token.End];
            Next();
            Expect("]");
        }
        else if (AtIdentifierOrKeyword)
        {
            memberName = Token.Text;
            key = Quote(memberName);
            Next();
        }
        else
        {
            throw Unexpected("enum member name expected");
        }

        object? value;
        if (Eat("="))
        {
            var initializerStart = Token.Start;
            var snapshot = Save();
            value = TryFoldEnumInitializer(enumName, members);
            if (value is null)
            {
                Restore(snapshot);
                ParseEnumInitializerExpression(enumName, members, initializerStart, memberStart, key);
                var afterInitializer = previousEnd;
                var comma = Eat(",");
                edits.Replace(afterInitializer, previousEnd, $"] = {key};");
                members[memberName] = null;
                previous = null;
                return comma;
            }
        }
        else if (previous is double number)
        {
            value = number + 1;
        }
        else
        {
            throw new TsSyntaxException(memberStart, "enum member must have an initializer");
        }

        members[memberName] = value;
        previous = value;
        var hadComma = Eat(",");
        edits.Replace(memberStart, previousEnd, value is string text
            ? $"{enumName}[{key}] = {Quote(text)};"
            : $"{enumName}[{enumName}[{key}] = {FormatNumber((double)value)}] = {key};");
        return hadComma;
    }

    private void ParseEnumInitializerExpression(string enumName, Dictionary<string, object?> members, int initializerStart, int memberStart, string key)
    {
        edits.Replace(memberStart, initializerStart, $"{enumName}[{enumName}[{key}] = ");
        var outer = references;
        references = [];
        try
        {
            ParseAssignmentExpression();
            foreach (var reference in references)
            {
                if (members.ContainsKey(reference.Name))
                {
                    edits.Insert(reference.Position, enumName + ".");
                }
            }
        }
        finally
        {
            outer?.AddRange(references);
            references = outer;
        }
    }

    /// <summary>The initializer's constant value (double or string) when tsc would fold it, else null.</summary>
    private object? TryFoldEnumInitializer(string enumName, Dictionary<string, object?> members)
    {
        try
        {
            var value = FoldBinary(enumName, members, 0);
            return AtPunctuator(",") || AtPunctuator("}") ? value : null;
        }
        catch (TsSyntaxException)
        {
            return null;
        }
    }

    private object? FoldBinary(string enumName, Dictionary<string, object?> members, int minimumPrecedence)
    {
        var left = FoldUnary(enumName, members);
        while (left is not null)
        {
            if (AtPunctuator(">"))
            {
                scanner.RescanGreater();
            }

            var precedence = Token.Kind == TsTokenKind.Punctuator ? BinaryPrecedence() : 0;
            if (precedence == 0 || (precedence <= minimumPrecedence && !(precedence == 12 && minimumPrecedence == 12)))
            {
                return left;
            }

            var op = Token.Text;
            Next();
            var right = FoldBinary(enumName, members, precedence == 12 ? 11 : precedence);
            left = (left, right) switch
            {
                (double a, double b) => FoldNumbers(op, a, b),
                (string a, string b) when op == "+" => a + b,
                (string a, double b) when op == "+" => a + FormatNumber(b),
                (double a, string b) when op == "+" => FormatNumber(a) + b,
                _ => null,
            };
        }

        return null;
    }

    private static object? FoldNumbers(string op, double a, double b) => op switch
    {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" => a / b,
        "%" => a % b,
        "**" => Math.Pow(a, b),
        "<<" => (double)(ToInt32(a) << (int)(ToUint32(b) & 31)),
        ">>" => (double)(ToInt32(a) >> (int)(ToUint32(b) & 31)),
        ">>>" => (double)(ToUint32(a) >> (int)(ToUint32(b) & 31)),
        "&" => (double)(ToInt32(a) & ToInt32(b)),
        "|" => (double)(ToInt32(a) | ToInt32(b)),
        "^" => (double)(ToInt32(a) ^ ToInt32(b)),
        _ => null,
    };

    private object? FoldUnary(string enumName, Dictionary<string, object?> members)
    {
        switch (Token.Kind)
        {
            case TsTokenKind.Number:
                var number = ParseNumber(Token.Text);
                Next();
                return number;
            case TsTokenKind.String or TsTokenKind.NoSubstitutionTemplate:
                var text = scanner.Cook(Token);
                Next();
                return text;
            case TsTokenKind.TemplateHead:
                var built = scanner.Cook(Token);
                while (true)
                {
                    Next();
                    var part = FoldBinary(enumName, members, 0);
                    if (part is null || !AtPunctuator("}"))
                    {
                        return null;
                    }

                    built += part is double d ? FormatNumber(d) : (string)part;
                    var continuation = scanner.RescanTemplateContinuation();
                    built += scanner.Cook(continuation);
                    if (continuation.Kind == TsTokenKind.TemplateTail)
                    {
                        Next();
                        return built;
                    }
                }

            case TsTokenKind.Punctuator when Token.Text is "+" or "-" or "~":
                var op = Token.Text;
                Next();
                return FoldUnary(enumName, members) is double operand
                    ? op switch { "+" => operand, "-" => -operand, _ => (double)~ToInt32(operand) }
                    : null;
            case TsTokenKind.Punctuator when Token.Text == "(":
                Next();
                var inner = FoldBinary(enumName, members, 0);
                Expect(")");
                return inner;
            case TsTokenKind.Identifier:
                var word = Token.Text;
                Next();
                if (word == enumName && (AtPunctuator(".") || AtPunctuator("[")))
                {
                    if (Eat("."))
                    {
                        word = Token.Text;
                        Next();
                    }
                    else
                    {
                        Next();
                        if (Token.Kind != TsTokenKind.String)
                        {
                            return null;
                        }

                        word = scanner.Cook(Token);
                        Next();
                        Expect("]");
                    }

                    return members.GetValueOrDefault(word);
                }

                return word switch
                {
                    "Infinity" when !members.ContainsKey(word) => double.PositiveInfinity,
                    "NaN" when !members.ContainsKey(word) => double.NaN,
                    _ => members.GetValueOrDefault(word),
                };
        }

        return null;
    }

    private static double ParseNumber(string literal)
    {
        var digits = literal.Replace("_", "", StringComparison.Ordinal);
        if (digits.Length > 2 && digits[0] == '0' && char.ToLowerInvariant(digits[1]) is 'x' or 'o' or 'b')
        {
            var radix = char.ToLowerInvariant(digits[1]) switch { 'x' => 16, 'o' => 8, _ => 2 };
            double value = 0;
            foreach (var c in digits.AsSpan(2))
            {
                value = (value * radix) + Convert.ToInt32(c.ToString(), 16);
            }

            return value;
        }

        if (digits.Length > 1 && digits[0] == '0' && digits.All(char.IsAsciiDigit))
        {
            // Legacy octal (`010`) is 8 unless a digit 8 or 9 makes it decimal.
            if (digits.All(c => c < '8'))
            {
                return digits.Aggregate(0d, (v, c) => (v * 8) + (c - '0'));
            }
        }

        return double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    private static int ToInt32(double value) => double.IsFinite(value) ? unchecked((int)(long)Math.IEEERemainder(Math.Truncate(value), 4294967296d)) : 0;

    private static uint ToUint32(double value) => unchecked((uint)ToInt32(value));

    /// <summary>A number as JavaScript's Number.prototype.toString writes it (what tsc prints for a folded member).</summary>
    internal static string FormatNumber(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 1e21)
        {
            return value == 0 ? "0" : ((decimal)value).ToString(CultureInfo.InvariantCulture);
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text.AsSpan(e + 1), CultureInfo.InvariantCulture);
        var mantissa = text[..e];
        if (exponent is > -7 and < 21)
        {
            return ((decimal)value).ToString(CultureInfo.InvariantCulture);
        }

        return $"{mantissa}e{(exponent > 0 ? "+" : "-")}{Math.Abs(exponent)}";
    }

    internal static string Quote(string text)
    {
        var builder = new System.Text.StringBuilder("\"");
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\u2028' => "\\u2028",
                '\u2029' => "\\u2029",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }
}
