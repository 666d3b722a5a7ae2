using System.Text;

namespace MigAudit.Knex.JavaScript;

/// <summary>
/// Turns the TypeScript found in migration and config files into JavaScript by overwriting type syntax
/// with spaces, so every remaining character keeps its line and column. It covers what such files use:
/// annotations on parameters, variables and return types, optional parameters, <c>as</c>/<c>satisfies</c>,
/// non-null <c>!</c>, generic parameters, and type-only declarations and imports. Anything else is left as is
/// and surfaces later as a parse problem that names migaudit's TypeScript reader, not the file.
/// </summary>
public static class TypeScriptStripper
{
    private sealed class Frame(string open)
    {
        public string Open { get; } = open;
        public int PendingTernaries { get; set; }
        public bool IsSpecifierList { get; set; }

        /// <summary>A class body, where "name: Type = value;" declares a field.</summary>
        public bool IsClassBody { get; set; }
    }

    private static readonly HashSet<string> Modifiers = ["private", "public", "protected", "readonly", "declare", "override", "abstract"];

    public static string Strip(string source)
    {
        var tokens = JsLexer.Tokenize(source);
        var blank = new List<(int Start, int End)>();
        var stack = new List<Frame> { new("root") };
        var i = 0;

        while (i < tokens.Count)
        {
            var token = tokens[i];
            var frame = stack[^1];
            var previous = i > 0 ? tokens[i - 1] : default;

            if (IsStatementStart(tokens, i) && TrySkipTypeDeclaration(tokens, i, out var declarationEnd))
            {
                blank.Add((token.Start, tokens[declarationEnd - 1].End));
                i = declarationEnd;
                continue;
            }

            if (token.Kind == JsTokenKind.Identifier && token.Text is "implements" && i + 1 < tokens.Count && tokens[i + 1].Kind == JsTokenKind.Identifier)
            {
                // "class S implements Knex.MigrationSource<string> {": the interface list up to the class body.
                var end = i + 1;
                while (end < tokens.Count && tokens[end].Text != "{")
                {
                    end++;
                }

                blank.Add((token.Start, tokens[end - 1].End));
                i = end;
                continue;
            }

            if (token.Kind == JsTokenKind.Identifier && Modifiers.Contains(token.Text) && i + 1 < tokens.Count &&
                tokens[i + 1].Kind == JsTokenKind.Identifier && !tokens[i + 1].NewlineBefore && frame.Open is "(" or "{")
            {
                // "constructor(private dir: string)", "private readonly name = ...": no identifier follows another in JavaScript.
                blank.Add((token.Start, token.End));
                i++;
                continue;
            }

            switch (token.Text)
            {
                case "(" or "[" or "{":
                    stack.Add(new Frame(token.Text)
                    {
                        IsSpecifierList = token.Text == "{" && i > 0 && previous.Text is "import" or "export" ||
                                          token.Text == "{" && i > 1 && previous.Text == "," && tokens[i - 2].Kind == JsTokenKind.Identifier && IsImportHead(tokens, i - 2),
                        IsClassBody = token.Text == "{" && OpensClassBody(tokens, i),
                    });
                    i++;
                    continue;
                case ")" or "]" or "}":
                    if (stack.Count > 1)
                    {
                        stack.RemoveAt(stack.Count - 1);
                    }

                    if (token.Text == ")" && i + 1 < tokens.Count && tokens[i + 1].Text == ":" && stack[^1].PendingTernaries == 0 && !FollowsCase(tokens, i))
                    {
                        // A return type annotation: "): Promise<void> {" or "): Promise<void> =>".
                        var end = SkipType(tokens, i + 2, stopAtBrace: true);
                        blank.Add((tokens[i + 1].Start, tokens[end - 1].End));
                        i = end;
                        continue;
                    }

                    i++;
                    continue;
                case "?":
                    if (frame.Open == "(" && i + 1 < tokens.Count && tokens[i + 1].Text == ":" && previous.Kind == JsTokenKind.Identifier)
                    {
                        blank.Add((token.Start, token.End));
                        i++;
                        continue;
                    }

                    frame.PendingTernaries++;
                    i++;
                    continue;
                case ":":
                    if (frame.PendingTernaries > 0)
                    {
                        frame.PendingTernaries--;
                        i++;
                        continue;
                    }

                    if (frame.Open == "(" || IsVariableAnnotation(tokens, i) || (frame.IsClassBody && previous.Kind == JsTokenKind.Identifier))
                    {
                        var end = SkipType(tokens, i + 1, stopAtBrace: false);
                        blank.Add((token.Start, tokens[end - 1].End));
                        i = end;
                        continue;
                    }

                    i++;
                    continue;
                case "!":
                    if (i > 0 && !token.NewlineBefore && previous.End == token.Start && EndsExpression(previous))
                    {
                        blank.Add((token.Start, token.End));
                    }

                    i++;
                    continue;
                case "<":
                    if (i > 0 && IsGenericParameterList(tokens, i, out var genericEnd))
                    {
                        blank.Add((token.Start, tokens[genericEnd - 1].End));
                        i = genericEnd;
                        continue;
                    }

                    i++;
                    continue;
            }

            if (token.Kind == JsTokenKind.Identifier && token.Text is "as" or "satisfies" && i > 0 && EndsExpression(previous) &&
                !frame.IsSpecifierList && previous.Text != "*")
            {
                var end = SkipType(tokens, i + 1, stopAtBrace: false);
                blank.Add((token.Start, tokens[end - 1].End));
                i = end;
                continue;
            }

            if (frame.IsSpecifierList && token.Text == "type" && i + 1 < tokens.Count && tokens[i + 1].Kind == JsTokenKind.Identifier)
            {
                // "import { type Knex, x }": drop the type-only specifier and its comma.
                var end = i + 2;
                if (end < tokens.Count && tokens[end].Text == ",")
                {
                    end++;
                }

                blank.Add((token.Start, tokens[end - 1].End));
                i = end;
                continue;
            }

            i++;
        }

        return Apply(source, blank);
    }

    /// <summary>"class A extends B&lt;C&gt; implements D {": a "class" keyword before the brace, with no block or call between.</summary>
    private static bool OpensClassBody(List<JsToken> tokens, int brace)
    {
        for (var j = brace - 1; j >= 0 && j >= brace - 40; j--)
        {
            switch (tokens[j].Text)
            {
                case "class":
                    return tokens[j].Kind is JsTokenKind.Keyword or JsTokenKind.Identifier;
                case "{" or "}" or ";" or "(" or ")" or "=>" or "=":
                    return false;
            }
        }

        return false;
    }

    private static bool IsImportHead(List<JsToken> tokens, int identifierIndex) =>
        identifierIndex > 0 && tokens[identifierIndex - 1].Text == "import";

    private static bool FollowsCase(List<JsToken> tokens, int closeParen)
    {
        var depth = 0;
        for (var j = closeParen; j >= 0; j--)
        {
            depth += tokens[j].Text == ")" ? 1 : tokens[j].Text == "(" ? -1 : 0;
            if (depth == 0)
            {
                return j > 0 && tokens[j - 1].Text == "case";
            }
        }

        return false;
    }

    private static bool EndsExpression(JsToken token) =>
        token.Kind is JsTokenKind.Identifier or JsTokenKind.String or JsTokenKind.Number or JsTokenKind.Template ||
        token.Text is ")" or "]" or "}" or "this" or "null" or "true" or "false";

    private static bool IsStatementStart(List<JsToken> tokens, int i) =>
        i == 0 || tokens[i - 1].Text is ";" or "{" or "}" || tokens[i].NewlineBefore;

    private static bool IsVariableAnnotation(List<JsToken> tokens, int colon) =>
        colon >= 2 && tokens[colon - 1].Kind == JsTokenKind.Identifier && tokens[colon - 2].Text is "const" or "let" or "var";

    private static bool TrySkipTypeDeclaration(List<JsToken> tokens, int i, out int end)
    {
        end = i;
        var j = i;
        if (tokens[j].Text == "export")
        {
            j++;
        }

        if (j >= tokens.Count)
        {
            return false;
        }

        var head = tokens[j];
        var next = j + 1 < tokens.Count ? tokens[j + 1] : default;
        switch (head.Text)
        {
            case "declare" when next.Kind is JsTokenKind.Identifier or JsTokenKind.Keyword:
                end = SkipToStatementEnd(tokens, j + 1);
                return true;
            case "interface" when next.Kind == JsTokenKind.Identifier:
                end = SkipToStatementEnd(tokens, j + 1);
                return true;
            case "type" when next.Kind == JsTokenKind.Identifier || next.Text == "{" || next.Text == "*":
                end = SkipToStatementEnd(tokens, j + 1);
                return true;
            case "import" when next.Text == "type":
                end = SkipToStatementEnd(tokens, j + 1);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Skips to the end of a declaration: a ';' or a line break at bracket depth 0, or the close of its body.</summary>
    private static int SkipToStatementEnd(List<JsToken> tokens, int j)
    {
        var depth = 0;
        var sawBody = false;
        for (; j < tokens.Count; j++)
        {
            var t = tokens[j];
            if (depth == 0 && j > 0 && t.NewlineBefore && !IsContinuation(t) && !IsContinuation(tokens[j - 1]))
            {
                return j;
            }

            if (t.Text is "{" or "(" or "[" or "<")
            {
                depth++;
            }
            else if (t.Text is "}" or ")" or "]" or ">")
            {
                depth--;
                if (depth == 0 && t.Text == "}")
                {
                    sawBody = true;
                }
            }
            else if (t.Text == ">>")
            {
                depth -= 2;
            }
            else if (t.Text == ";" && depth == 0)
            {
                return j + 1;
            }

            if (sawBody && depth == 0 && (j + 1 >= tokens.Count || tokens[j + 1].NewlineBefore) && !IsContinuationAfterBody(tokens, j + 1))
            {
                return j + 1;
            }
        }

        return tokens.Count;
    }

    private static bool IsContinuationAfterBody(List<JsToken> tokens, int j) =>
        j < tokens.Count && tokens[j].Text is "|" or "&" or ";";

    private static bool IsContinuation(JsToken t) => t.Text is "|" or "&" or "=" or "," or "." or "=>" or ":" or "?" or "extends" or "from";

    /// <summary>Skips one type expression starting at <paramref name="j"/> and returns the index after it.</summary>
    private static int SkipType(List<JsToken> tokens, int j, bool stopAtBrace)
    {
        var depth = 0;
        var consumed = 0;
        for (; j < tokens.Count; j++, consumed++)
        {
            var t = tokens[j];
            if (depth == 0)
            {
                if (t.Text is "," or ")" or "]" or "}" or ";" or "=")
                {
                    return j;
                }

                if (t.Text == "=>" && stopAtBrace)
                {
                    return j;
                }

                if (t.Text == "{" && stopAtBrace && consumed > 0)
                {
                    return j;
                }

                if (consumed > 0 && t.NewlineBefore && !IsContinuation(t) && !IsContinuation(tokens[j - 1]))
                {
                    return j;
                }
            }

            switch (t.Text)
            {
                case "(" or "[" or "{" or "<":
                    depth++;
                    break;
                case ")" or "]" or "}" or ">":
                    depth--;
                    break;
                case ">>":
                    depth -= 2;
                    break;
                case ">>>":
                    depth -= 3;
                    break;
            }

            if (depth < 0)
            {
                return j;
            }
        }

        return j;
    }

    /// <summary>Generic parameters after a declared name ("function f&lt;T&gt;(") or type arguments before a call ("f&lt;T&gt;(").</summary>
    private static bool IsGenericParameterList(List<JsToken> tokens, int lt, out int end)
    {
        end = lt;
        var previous = tokens[lt - 1];
        if (previous.Kind != JsTokenKind.Identifier || previous.End != tokens[lt].Start)
        {
            return false;
        }

        var depth = 0;
        for (var j = lt; j < tokens.Count; j++)
        {
            var t = tokens[j];
            switch (t.Text)
            {
                case "<":
                    depth++;
                    break;
                case ">":
                    depth--;
                    break;
                case ">>":
                    depth -= 2;
                    break;
                default:
                    if (t.Kind is not (JsTokenKind.Identifier or JsTokenKind.Keyword or JsTokenKind.String) &&
                        t.Text is not ("," or "." or "|" or "&" or "[" or "]" or "{" or "}" or ":" or ";" or "?" or "=" or "=>" or "(" or ")"))
                    {
                        return false;
                    }

                    break;
            }

            if (depth <= 0)
            {
                end = j + 1;
                return end < tokens.Count && tokens[end].Text == "(";
            }
        }

        return false;
    }

    private static string Apply(string source, List<(int Start, int End)> ranges)
    {
        if (ranges.Count == 0)
        {
            return source;
        }

        var builder = new StringBuilder(source);
        foreach (var (start, end) in ranges)
        {
            for (var k = start; k < end && k < builder.Length; k++)
            {
                if (builder[k] is not ('\n' or '\r'))
                {
                    builder[k] = ' ';
                }
            }
        }

        return builder.ToString();
    }
}
