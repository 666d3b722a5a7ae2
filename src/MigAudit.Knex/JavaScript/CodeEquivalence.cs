namespace MigAudit.Knex.JavaScript;

/// <summary>
/// Whether two versions of a file are the same code for Node: the same tokens once comments, whitespace, the quote
/// style of string literals, semicolons and trailing commas are set aside. That is what a formatter (Prettier,
/// ESLint --fix) changes; an edit of that kind changes nothing Knex runs.
/// </summary>
public static class CodeEquivalence
{
    public static bool SameTokens(string before, string after) => Normalized(before).SequenceEqual(Normalized(after), StringComparer.Ordinal);

    private static IEnumerable<string> Normalized(string code)
    {
        var tokens = JsLexer.Tokenize(code).ToList();
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == JsTokenKind.Punctuator && token.Text == ";")
            {
                continue;
            }

            if (token.Kind == JsTokenKind.Punctuator && token.Text == "," && i + 1 < tokens.Count && tokens[i + 1].Text is ")" or "]" or "}")
            {
                continue;
            }

            yield return token.Kind == JsTokenKind.String ? "string:" + StringValue(token.Text) : $"{token.Kind}:{token.Text}";
        }
    }

    /// <summary>'it\'s' and "it's" are one value.</summary>
    private static string StringValue(string literal) =>
        literal.Length < 2 ? literal : literal[1..^1].Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal);
}
