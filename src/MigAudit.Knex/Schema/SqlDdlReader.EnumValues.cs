using MigAudit.Core;

namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    /// <summary>
    /// ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'v' [BEFORE | AFTER 'w']: noted for the rules (no table changes); true
    /// when the statement is one. Other ALTER TYPE forms stay unread.
    /// </summary>
    private static bool AddEnumValue(List<SqlToken> tokens, SchemaState state, int line)
    {
        if (tokens.Count < 6 || !tokens[0].IsWord("ALTER") || !tokens[1].IsWord("TYPE"))
        {
            return false;
        }

        var (type, i) = AlteredTypeName(tokens);

        if (i + 3 >= tokens.Count || !tokens[i + 1].IsWord("ADD") || !tokens[i + 2].IsWord("VALUE"))
        {
            return false;
        }

        i += 3;
        if (tokens[i].IsWord("IF") && i + 3 < tokens.Count)
        {
            i += 3;
        }

        if (tokens[i].Kind != SqlTokenKind.String || StringContent(tokens[i]) is not { } value)
        {
            return false;
        }

        state.AddEnumValue(type, value, line);
        return true;
    }

    /// <summary>ALTER TYPE name RENAME VALUE 'old' TO 'new' (PostgreSQL 10+): noted for the rules; true when the statement is one.</summary>
    private static bool RenameEnumValue(List<SqlToken> tokens, SchemaState state, int line)
    {
        if (tokens.Count < 8 || !tokens[0].IsWord("ALTER") || !tokens[1].IsWord("TYPE"))
        {
            return false;
        }

        var (type, i) = AlteredTypeName(tokens);

        if (i + 5 >= tokens.Count || !tokens[i + 1].IsWord("RENAME") || !tokens[i + 2].IsWord("VALUE") || !tokens[i + 4].IsWord("TO") ||
            StringContent(tokens[i + 3]) is not { } from || StringContent(tokens[i + 5]) is not { } to)
        {
            return false;
        }

        state.NoteEnumChange(new EnumChange(EnumChangeKind.RenameValue, type, line) { Value = from, NewValue = to });
        return true;
    }

    /// <summary>Every string literal of a statement, for the enum values it may use.</summary>
    private static void UseStrings(List<SqlToken> tokens, SchemaState state, int line)
    {
        if (!state.AnyEnumValueAdded)
        {
            return;
        }

        foreach (var token in tokens.Where(t => t.Kind == SqlTokenKind.String))
        {
            if (StringContent(token) is { } value)
            {
                state.UseString(value, line);
            }
        }
    }

    /// <summary>'it''s' is it's; an E'...' string with a backslash is left out (its escapes are not decoded here).</summary>
    private static string? StringContent(SqlToken token)
    {
        var text = token.Text;
        if (text.Length > 0 && text[0] is 'E' or 'e')
        {
            if (text.Contains('\\', StringComparison.Ordinal))
            {
                return null;
            }

            text = text[1..];
        }

        return text.Length >= 2 && text[0] == '\'' && text[^1] == '\'' ? text[1..^1].Replace("''", "'", StringComparison.Ordinal) : null;
    }

    /// <summary>ALTER TYPE [schema.]name ...: the type's own name (enum values are looked up by it) and the index of its last token.</summary>
    private static (string Type, int Last) AlteredTypeName(List<SqlToken> tokens)
    {
        var i = 2;
        var type = tokens[i].Name;
        while (i + 2 < tokens.Count && tokens[i + 1].IsPunctuation("."))
        {
            i += 2;
            type = tokens[i].Name;
        }

        return (type, i);
    }
}
