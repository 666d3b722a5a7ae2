using System.Text;
using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>How PostgreSQL names the CHECK constraints Knex sends without a name, and reads the names Knex sends unquoted.</summary>
public sealed partial class SchemaState
{
    // The words PostgreSQL 15 refuses as a constraint name written unquoted (a ColId: no reserved or type_func_name
    // keyword), from pg_get_keywords() where catcode in ('R', 'T'); SchemaState tests compare it with the server's list.
    public static readonly IReadOnlySet<string> ReservedWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both", "case",
        "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog",
        "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "default",
        "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze", "from",
        "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join",
        "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null",
        "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right",
        "select", "session_user", "similar", "some", "symmetric", "table", "tablesample", "then", "to", "trailing", "true",
        "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with",
    };

    /// <summary>
    /// A name Knex writes into SQL without quotes (check constraint names: "constraint MyCheck check (...)"): PostgreSQL
    /// folds it to lower case. Null when it is not a plain identifier (a keyword, a dot, a space), which PostgreSQL
    /// would read otherwise or refuse: the replay does not guess what happens then.
    /// </summary>
    public static string? UnquotedName(string written)
    {
        var plain = written.Length > 0 && (char.IsAsciiLetter(written[0]) || written[0] == '_') &&
                    written.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');
        var folded = written.ToLowerInvariant();
        return plain && !ReservedWords.Contains(folded) ? folded : null;
    }

    /// <summary>
    /// The name PostgreSQL gives a CHECK constraint that has none and uses one column (ChooseConstraintName): &lt;table&gt;_&lt;column&gt;_check,
    /// then _check1, _check2... while a constraint of the same schema has that name (checked on PostgreSQL 15: a second
    /// check on the column, or another table's "t_n" + "x" against "t" + "n_x"); long parts are cut as makeObjectName does.
    /// </summary>
    public string ColumnCheckName(string table, string? column)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        var relation = dot > 0 ? table[(dot + 1)..] : table;
        var schema = dot > 0 ? table[..dot] : null;
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var other in Current.Tables.Values)
        {
            var otherDot = other.Name.IndexOf('.', StringComparison.Ordinal);
            if ((otherDot > 0 ? other.Name[..otherDot] : null) != schema)
            {
                continue;
            }

            taken.UnionWith(other.Checks);
            taken.UnionWith(other.ForeignKeys.Select(f => f.Name));
            taken.UnionWith(other.Indexes.Where(i => i.Constraint).Select(i => i.Name));
        }

        for (var pass = 0; ; pass++)
        {
            var name = MakeObjectName(relation, column, pass == 0 ? "check" : $"check{pass}");
            if (!taken.Contains(name))
            {
                return name;
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is one PostgreSQL gives an unnamed check on the column (<see cref="ColumnCheckName"/>).</summary>
    private static bool IsColumnCheckName(string table, string column, string name, int checks)
    {
        var dot = table.IndexOf('.', StringComparison.Ordinal);
        var relation = dot > 0 ? table[(dot + 1)..] : table;
        return Enumerable.Range(0, checks + 1).Any(pass => MakeObjectName(relation, column, pass == 0 ? "check" : $"check{pass}") == name);
    }

    /// <summary>PostgreSQL's makeObjectName: name1_name2_label within 63 bytes, cutting the longer of the two names first.</summary>
    public static string MakeObjectName(string name1, string? name2, string label)
    {
        var overhead = (name2 is null ? 0 : 1) + label.Length + 1;
        var available = MaxIdentifierBytes - overhead;
        var first = Encoding.UTF8.GetByteCount(name1);
        var second = name2 is null ? 0 : Encoding.UTF8.GetByteCount(name2);
        while (first + second > available)
        {
            if (first > second)
            {
                first--;
            }
            else
            {
                second--;
            }
        }

        var text = new StringBuilder(Clip(name1, first));
        if (name2 is not null)
        {
            text.Append('_').Append(Clip(name2, second));
        }

        return text.Append('_').Append(label).ToString();
    }

    /// <summary>PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated to this many bytes (with a NOTICE).</summary>
    private const int MaxIdentifierBytes = 63;

    /// <summary>The longest prefix within <paramref name="bytes"/> UTF-8 bytes that does not split a character (pg_mbcliplen).</summary>
    private static string Clip(string name, int bytes)
    {
        if (Encoding.UTF8.GetByteCount(name) <= bytes)
        {
            return name;
        }

        var length = 0;
        var used = 0;
        while (length < name.Length)
        {
            var step = char.IsSurrogatePair(name, length) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(name.AsSpan(length, step));
            if (used + size > bytes)
            {
                break;
            }

            used += size;
            length += step;
        }

        return name[..length];
    }
}
