namespace MigAudit.Knex.Schema;

public enum SqlTokenKind
{
    /// <summary>A keyword or unquoted identifier (PostgreSQL folds it to lower case).</summary>
    Word,

    /// <summary>A "quoted identifier", kept exactly as written between the quotes.</summary>
    QuotedName,

    /// <summary>A 'string' (or E'string') literal.</summary>
    String,

    /// <summary>A $tag$...$tag$ string; <see cref="SqlToken.Text"/> is its content.</summary>
    DollarString,

    Number,

    /// <summary>Punctuation and operators: ( ) , ; . :: = and the like, one token each.</summary>
    Punctuation,
}

/// <summary>One SQL token, with where it is in the text.</summary>
/// <param name="Text">Words and numbers as written; names without their quotes; strings with theirs; a dollar string's content.</param>
public readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Start, int End)
{
    public bool IsWord(string word) => Kind == SqlTokenKind.Word && string.Equals(Text, word, StringComparison.OrdinalIgnoreCase);

    public bool IsPunctuation(string text) => Kind == SqlTokenKind.Punctuation && Text == text;

    /// <summary>The identifier PostgreSQL sees: an unquoted word folded to lower case, a quoted name as written.</summary>
    public string Name => Kind == SqlTokenKind.QuotedName ? Text : Text.ToLowerInvariant();

    /// <summary>How the token reads in a message or a predicate: names bare, everything else as written.</summary>
    public string Display => Kind == SqlTokenKind.DollarString ? "$$" + Text + "$$" : Text;
}

/// <summary>
/// The one tokenizer of the SQL reader: comments, quoted names, strings (with '' and E'\'' escapes), dollar-quoted
/// strings and statement boundaries are handled here once, so ';' inside any of them never ends a statement.
/// </summary>
public static class SqlTokenizer
{
    public static List<SqlToken> Tokenize(string sql)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var start = i;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && At(sql, i + 1) == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                // PostgreSQL block comments nest.
                var depth = 0;
                do
                {
                    if (sql[i] == '/' && At(sql, i + 1) == '*')
                    {
                        depth++;
                        i += 2;
                    }
                    else if (sql[i] == '*' && At(sql, i + 1) == '/')
                    {
                        depth--;
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }
                }
                while (i < sql.Length && depth > 0);
            }
            else if (c == '"')
            {
                var name = new System.Text.StringBuilder();
                i++;
                while (i < sql.Length && !(sql[i] == '"' && At(sql, i + 1) != '"'))
                {
                    name.Append(sql[i]);
                    i += sql[i] == '"' ? 2 : 1;
                }

                i = Math.Min(sql.Length, i + 1);
                tokens.Add(new SqlToken(SqlTokenKind.QuotedName, name.ToString(), start, i));
            }
            else if (c == '\'' || (c is 'E' or 'e') && At(sql, i + 1) == '\'')
            {
                var escapes = c != '\'';
                i += escapes ? 2 : 1;
                while (i < sql.Length && !(sql[i] == '\'' && At(sql, i + 1) != '\''))
                {
                    i += escapes && sql[i] == '\\' || sql[i] == '\'' ? 2 : 1;
                }

                i = Math.Min(sql.Length, i + 1);
                tokens.Add(new SqlToken(SqlTokenKind.String, sql[start..i], start, i));
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                var contentEnd = close < 0 ? sql.Length : close;
                i = close < 0 ? sql.Length : close + tag.Length;
                tokens.Add(new SqlToken(SqlTokenKind.DollarString, sql[(start + tag.Length)..contentEnd], start, i));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, sql[start..i], start, i));
            }
            else if (char.IsDigit(c))
            {
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '.'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Number, sql[start..i], start, i));
            }
            else if (c == ':' && At(sql, i + 1) == ':')
            {
                i += 2;
                tokens.Add(new SqlToken(SqlTokenKind.Punctuation, "::", start, i));
            }
            else
            {
                i++;
                tokens.Add(new SqlToken(SqlTokenKind.Punctuation, c.ToString(), start, i));
            }
        }

        return tokens;
    }

    /// <summary>The statements of a SQL text, split at top-level semicolons, each with its source text.</summary>
    public static List<(List<SqlToken> Tokens, string Text)> Statements(string sql)
    {
        var statements = new List<(List<SqlToken>, string)>();
        var current = new List<SqlToken>();
        foreach (var token in Tokenize(sql))
        {
            if (token.IsPunctuation(";"))
            {
                Flush();
            }
            else
            {
                current.Add(token);
            }
        }

        Flush();
        return statements;

        void Flush()
        {
            if (current.Count > 0)
            {
                statements.Add((current, sql[current[0].Start..current[^1].End]));
                current = [];
            }
        }
    }

    private static char At(string sql, int i) => i < sql.Length ? sql[i] : '\0';

    private static string? DollarTag(string sql, int i)
    {
        var end = sql.IndexOf('$', i + 1);
        if (end < 0)
        {
            return null;
        }

        var tag = sql[i..(end + 1)];
        return tag.Skip(1).SkipLast(1).All(ch => char.IsLetterOrDigit(ch) || ch == '_') && !(tag.Length > 2 && char.IsDigit(tag[1])) ? tag : null;
    }
}
