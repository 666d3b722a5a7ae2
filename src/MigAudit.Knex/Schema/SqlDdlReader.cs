using System.Text;
using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// A focused reader of the PostgreSQL DDL migrations carry in raw SQL: CREATE TABLE (columns, inline
/// REFERENCES ... ON DELETE, PRIMARY KEY, UNIQUE, table constraints), CREATE [UNIQUE] INDEX [CONCURRENTLY]
/// [IF NOT EXISTS], ALTER TABLE ADD/DROP/RENAME COLUMN, ADD/DROP CONSTRAINT, ALTER COLUMN, RENAME TO,
/// DROP TABLE/INDEX. Data statements and harmless DDL (extensions, comments) are understood as having no
/// effect on tables; anything else is reported as not understood.
/// </summary>
public static partial class SqlDdlReader
{
    /// <summary>Applies every statement in <paramref name="sql"/>; returns how many statements there were and which were not understood.</summary>
    public static (int Total, List<NotUnderstood> Gaps) Apply(string sql, SchemaState state, int line)
    {
        var gaps = new List<NotUnderstood>();
        var total = 0;
        foreach (var statement in SplitStatements(sql))
        {
            if (StraightDoBlock(statement) is { } body)
            {
                // DO $$ BEGIN <statements> END $$ with no control flow runs its statements in order: replay them.
                var (innerTotal, innerGaps) = Apply(body, state, line);
                total += innerTotal;
                gaps.AddRange(innerGaps);
                continue;
            }

            var tokens = Tokenize(statement);
            if (tokens.Count == 0)
            {
                continue;
            }

            total++;

            var reader = new Reader(tokens, state, line);
            string? reason;
            try
            {
                reason = reader.Statement();
            }
            catch (FormatException error)
            {
                reason = error.Message;
            }

            if (reason is not null)
            {
                var text = string.Join(' ', statement.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
                gaps.Add(new NotUnderstood(line, text.Length > 120 ? text[..120] + "…" : text, reason));
                if (Reach(tokens) is { ChangesTables: true } reach)
                {
                    state.MarkUnknown(state.NewUncertainty(line, $"SQL not read by migaudit ({(text.Length > 60 ? text[..60] + "…" : text)})"), reach.Table, reach.IndexesOnly);
                }
            }
        }

        return (total, gaps);
    }

    /// <summary>
    /// The tables statements may change, read from their text alone (a "?" stands for a part not statically known):
    /// empty when they change none (views, functions...), null when they may change any.
    /// </summary>
    public static IReadOnlyList<(string Table, bool IndexesOnly)>? TablesReached(string sql)
    {
        var tables = new List<(string, bool)>();
        foreach (var statement in SplitStatements(sql))
        {
            var tokens = Tokenize(statement);
            if (tokens.Count == 0 || Reader.HasNoEffect(tokens[0]))
            {
                continue;
            }

            switch (Reach(tokens))
            {
                case { ChangesTables: false }:
                    continue;
                case { Table: { } table } reach when table != "?":
                    tables.Add((table, reach.IndexesOnly));
                    continue;
                default:
                    return null;
            }
        }

        return tables;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*do\s+(?<tag>\$\w*\$)\s*begin\b(?<body>.*)\bend\s*;?\s*\k<tag>\s*(language\s+plpgsql\s*)?$",
        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex DoBlock();

    // PL/pgSQL words that make a block more than a list of statements: the replay cannot tell which of them run.
    private static readonly HashSet<string> ControlWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "IF", "ELSIF", "LOOP", "FOR", "FOREACH", "WHILE", "EXIT", "CONTINUE", "EXCEPTION", "EXECUTE", "PERFORM", "RETURN", "CASE", "RAISE", "GET", "DECLARE", "BEGIN", "ASSERT", "CALL",
    };

    /// <summary>The statements of a DO block that is only a list of SQL statements (no IF, loops, dynamic SQL or handlers), or null.</summary>
    private static string? StraightDoBlock(string statement)
    {
        var match = DoBlock().Match(statement);
        if (!match.Success)
        {
            return null;
        }

        var body = match.Groups["body"].Value;
        var words = SplitStatements(body).SelectMany(Tokenize).Where(t => !t.StartsWith('\'') && !t.StartsWith('\u0001'));
        return words.Any(ControlWords.Contains) ? null : body;
    }

    // Objects the schema model does not hold: creating, altering or dropping them (without CASCADE) leaves tables as they were.
    private static readonly HashSet<string> OtherObjects = new(StringComparer.OrdinalIgnoreCase)
    {
        "VIEW", "MATERIALIZED", "FUNCTION", "PROCEDURE", "TRIGGER", "TYPE", "SEQUENCE", "ROLE", "USER", "GROUP", "POLICY", "RULE", "DOMAIN",
        "AGGREGATE", "OPERATOR", "COLLATION", "EXTENSION", "SCHEMA", "PUBLICATION", "SUBSCRIPTION", "EVENT", "LANGUAGE", "CAST", "SERVER",
        "STATISTICS", "CONVERSION", "TEXT", "DEFAULT",
    };

    /// <summary>
    /// What a statement the reader did not understand may have changed: no table (a view, function, trigger...), one
    /// table (ALTER TABLE t ..., CREATE INDEX ... ON t, CREATE TABLE t AS ...), or any table (null table).
    /// </summary>
    private static (bool ChangesTables, string? Table, bool IndexesOnly) Reach(List<string> tokens)
    {
        bool Word(int i, params string[] words) => i < tokens.Count && words.Any(w => string.Equals(tokens[i], w, StringComparison.OrdinalIgnoreCase));
        string Name(int i)
        {
            // A qualified name keyed as the model keys tables: "schema.table", or the name alone in public.
            while (i + 2 < tokens.Count && tokens[i + 1] == ".")
            {
                i += 2;
            }

            string Part(int at) => tokens[at].StartsWith('\u0001') ? tokens[at][1..] : tokens[at].ToLowerInvariant();
            return i >= 2 && tokens[i - 1] == "." ? SchemaState.TableKey(Part(i - 2), Part(i)) : Part(i);
        }

        if (tokens.Any(t => string.Equals(t, "CASCADE", StringComparison.OrdinalIgnoreCase)))
        {
            return (true, null, false);
        }

        if (Word(0, "CREATE", "ALTER", "DROP", "COMMENT"))
        {
            var i = 1;
            while (Word(i, "OR", "REPLACE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL", "CONSTRAINT", "RECURSIVE", "TRUSTED", "PROCEDURAL"))
            {
                i++;
            }

            if (Word(i, "TABLE"))
            {
                i++;
                while (Word(i, "IF", "NOT", "EXISTS", "ONLY"))
                {
                    i++;
                }

                return i < tokens.Count ? (true, Name(i), false) : (true, null, false);
            }

            if (Word(i, "UNIQUE", "INDEX"))
            {
                var on = tokens.FindIndex(i, t => string.Equals(t, "ON", StringComparison.OrdinalIgnoreCase));
                var at = on + 1 + (Word(on + 1, "ONLY") ? 1 : 0);
                // An index statement changes the table's indexes, never its columns.
                return on >= 0 && at < tokens.Count ? (true, Name(at), true) : (true, null, false);
            }

            if (Word(i, [.. OtherObjects]))
            {
                return (false, null, false);
            }
        }

        return (true, null, false);
    }

    private static List<string> SplitStatements(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c == '\'' || c == '"')
            {
                var end = sql.IndexOf(c, i + 1);
                end = end < 0 ? sql.Length - 1 : end;
                current.Append(sql, i, end - i + 1);
                i = end;
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                end = end < 0 ? sql.Length : end + tag.Length;
                current.Append(sql, i, end - i);
                i = end - 1;
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == ';')
            {
                statements.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        statements.Add(current.ToString());
        return statements.Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
    }

    private static string? DollarTag(string sql, int i)
    {
        var end = sql.IndexOf('$', i + 1);
        if (end < 0)
        {
            return null;
        }

        var tag = sql[i..(end + 1)];
        return tag.Skip(1).SkipLast(1).All(ch => char.IsLetterOrDigit(ch) || ch == '_') ? tag : null;
    }

    /// <summary>Words (upper-cased keywords, identifiers with quotes removed), strings, numbers and punctuation.</summary>
    private static List<string> Tokenize(string sql)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '"')
            {
                var end = sql.IndexOf('"', i + 1);
                end = end < 0 ? sql.Length : end;
                tokens.Add("\u0001" + sql[(i + 1)..end]);
                i = end + 1;
            }
            else if (c == '\'')
            {
                var end = i + 1;
                while (end < sql.Length && !(sql[end] == '\'' && (end + 1 >= sql.Length || sql[end + 1] != '\'')))
                {
                    end += sql[end] == '\'' ? 2 : 1;
                }

                tokens.Add(sql[i..Math.Min(sql.Length, end + 1)]);
                i = end + 1;
            }
            else if (char.IsLetterOrDigit(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$'))
                {
                    i++;
                }

                tokens.Add(sql[start..i]);
            }
            else if (c == ':' && i + 1 < sql.Length && sql[i + 1] == ':')
            {
                tokens.Add("::");
                i += 2;
            }
            else
            {
                tokens.Add(c.ToString());
                i++;
            }
        }

        return tokens;
    }

    private sealed class Reader(List<string> tokens, SchemaState state, int line)
    {
        private static readonly HashSet<string> NoEffect = new(StringComparer.OrdinalIgnoreCase)
        {
            "INSERT", "UPDATE", "DELETE", "SELECT", "SET", "BEGIN", "COMMIT", "ROLLBACK", "ANALYZE", "VACUUM", "GRANT", "REVOKE", "NOTIFY", "LOCK", "TRUNCATE", "REINDEX",
        };

        public static bool HasNoEffect(string first) => NoEffect.Contains(first);

        private int position;

        private string Peek(int ahead = 0) => position + ahead < tokens.Count ? tokens[position + ahead] : string.Empty;

        private bool Is(string word, int ahead = 0) => string.Equals(Peek(ahead), word, StringComparison.OrdinalIgnoreCase);

        private bool Accept(params string[] words)
        {
            for (var k = 0; k < words.Length; k++)
            {
                if (!Is(words[k], k))
                {
                    return false;
                }
            }

            position += words.Length;
            return true;
        }

        private void Expect(string word)
        {
            if (!Accept(word))
            {
                throw new FormatException($"expected {word} near '{Peek()}'");
            }
        }

        private bool AtEnd => position >= tokens.Count;

        private static string Unquote(string token) => token.StartsWith('\u0001') ? token[1..] : token.ToLowerInvariant();

        /// <summary>A table name: "schema.table" when qualified with a schema other than public, as the model keys tables.</summary>
        private string TableName()
        {
            var parts = new List<string> { Unquote(Next()) };
            while (Peek() == ".")
            {
                position++;
                parts.Add(Unquote(Next()));
            }

            if (parts.Count > 1)
            {
                state.SchemaQualified = true;
            }

            return SchemaState.TableKey(parts.Count > 1 ? parts[^2] : null, parts[^1]);
        }

        /// <summary>Another schema object's name (an index, a constraint, a column): the schema, if any, is dropped.</summary>
        private string Name()
        {
            var name = Unquote(Next());
            while (Peek() == ".")
            {
                state.SchemaQualified = true;
                position++;
                name = Unquote(Next());
            }

            return name;
        }

        private string Next() => AtEnd ? throw new FormatException("unexpected end of statement") : tokens[position++];

        /// <summary>Returns null when understood, else the reason.</summary>
        public string? Statement()
        {
            if (NoEffect.Contains(Peek()) || Is("WITH"))
            {
                return null;
            }

            if (Accept("CREATE", "EXTENSION") || Accept("CREATE", "SCHEMA") || Accept("COMMENT", "ON") || Accept("DROP", "EXTENSION") || Accept("DROP", "SCHEMA"))
            {
                return null;
            }

            if (Accept("CREATE"))
            {
                Accept("GLOBAL");
                Accept("LOCAL");
                if (Accept("UNLOGGED") || Is("TABLE"))
                {
                    Expect("TABLE");
                    return CreateTable();
                }

                var unique = Accept("UNIQUE");
                if (Accept("INDEX"))
                {
                    return CreateIndex(unique);
                }

                return $"CREATE {Peek()} is not read by migaudit";
            }

            if (Accept("ALTER", "TABLE"))
            {
                return AlterTable();
            }

            if (Accept("DROP", "TABLE"))
            {
                var ifExists = Accept("IF", "EXISTS");
                do
                {
                    state.DropTable(TableName(), ifExists, line);
                }
                while (Accept(","));
                return null;
            }

            if (Accept("DROP", "INDEX"))
            {
                Accept("CONCURRENTLY");
                var ifExists = Accept("IF", "EXISTS");
                do
                {
                    state.DropIndex(null, null, Name(), unique: false, ifExists, line);
                }
                while (Accept(","));
                return null;
            }

            return $"'{string.Join(' ', tokens.Take(3))}' is not read by migaudit";
        }

        private string? CreateTable()
        {
            var ifNotExists = Accept("IF", "NOT", "EXISTS");
            var table = TableName();
            if (!Accept("("))
            {
                return "CREATE TABLE without a column list (AS, PARTITION OF...) is not read by migaudit";
            }

            var existed = state.HasTable(table) == true;
            state.CreateTable(table, ifNotExists, line);
            if (existed && ifNotExists)
            {
                SkipBalanced();
                return null;
            }

            do
            {
                if (Is(")"))
                {
                    break;
                }

                TableElement(table);
            }
            while (Accept(","));
            Expect(")");
            return null;
        }

        private void TableElement(string table)
        {
            string? constraintName = null;
            if (Accept("CONSTRAINT"))
            {
                constraintName = Name();
            }

            if (Accept("PRIMARY", "KEY"))
            {
                state.SetPrimaryKey(table, ColumnList(), line);
                return;
            }

            if (Accept("UNIQUE"))
            {
                var uniqueColumns = ColumnList();
                state.AddIndex(table, uniqueColumns, unique: true, constraintName ?? $"{table}_{string.Join('_', uniqueColumns)}_key", line, explicitName: constraintName is not null);
                return;
            }

            if (Accept("FOREIGN", "KEY"))
            {
                var columns = ColumnList();
                ForeignKey(table, columns, constraintName);
                return;
            }

            if (Accept("CHECK") || Accept("EXCLUDE"))
            {
                // Named, it is known; unnamed, PostgreSQL derives a name from the expression's columns.
                SkipToElementEnd();
                state.AddCheck(table, constraintName, line);
                return;
            }

            Column(table, Name(), ifNotExists: false);
        }

        private void Column(string table, string column, bool ifNotExists)
        {
            var type = new StringBuilder(Next().ToLowerInvariant());
            var depth = 0;
            while (!AtEnd && (depth > 0 || Peek() is not ("," or ")") && !IsConstraintStart()))
            {
                depth += Peek() == "(" ? 1 : Peek() == ")" ? -1 : 0;
                type.Append(Peek() is "(" or ")" or "[" or "]" or "," ? Next() : (type[^1] is '(' or ',' ? string.Empty : " ") + Next().ToLowerInvariant());
            }

            var nullable = true;
            string? defaultValue = null;
            var primary = false;
            var unique = false;
            var check = false;
            (string Table, List<string> Columns, string? OnDelete, string? OnUpdate)? reference = null;
            while (!AtEnd && Peek() is not ("," or ")"))
            {
                if (Accept("CONSTRAINT"))
                {
                    Name();
                }
                else if (Accept("NOT", "NULL"))
                {
                    nullable = false;
                }
                else if (Accept("NULL"))
                {
                    nullable = true;
                }
                else if (Accept("DEFAULT"))
                {
                    defaultValue = Expression();
                }
                else if (Accept("PRIMARY", "KEY"))
                {
                    primary = true;
                    nullable = false;
                }
                else if (Accept("UNIQUE"))
                {
                    unique = true;
                }
                else if (Accept("REFERENCES"))
                {
                    var target = TableName();
                    var targetColumns = Is("(") ? ColumnList() : ["id"];
                    var (onDelete, onUpdate) = ReferentialActions();
                    reference = (target, targetColumns, onDelete, onUpdate);
                }
                else if (Accept("CHECK"))
                {
                    // A column CHECK without CONSTRAINT is named <table>_<column>_check by PostgreSQL.
                    check = true;
                    SkipToElementEnd();
                }
                else if (Accept("GENERATED") || Accept("COLLATE"))
                {
                    SkipToElementEnd();
                }
                else
                {
                    throw new FormatException($"column option '{Peek()}' is not read by migaudit");
                }
            }

            state.AddColumn(table, column, type.ToString(), nullable, defaultValue, line, ifNotExists);
            if (check)
            {
                state.AddCheck(table, $"{table}_{column}_check", line);
            }

            if (primary)
            {
                state.SetPrimaryKey(table, [column], line);
            }

            if (unique)
            {
                state.AddIndex(table, [column], unique: true, $"{table}_{column}_key", line, explicitName: false);
            }

            if (reference is { } r)
            {
                state.AddForeignKey(table, [column], r.Table, r.Columns, r.OnDelete, r.OnUpdate, $"{table}_{column}_fkey", line);
            }
        }

        private bool IsConstraintStart() =>
            Is("NOT") || Is("NULL") || Is("DEFAULT") || Is("PRIMARY") || Is("UNIQUE") || Is("REFERENCES") || Is("CHECK") || Is("CONSTRAINT") || Is("GENERATED") || Is("COLLATE");

        private void ForeignKey(string table, List<string> columns, string? name)
        {
            Expect("REFERENCES");
            var target = TableName();
            var targetColumns = Is("(") ? ColumnList() : ["id"];
            var (onDelete, onUpdate) = ReferentialActions();
            state.AddForeignKey(table, columns, target, targetColumns, onDelete, onUpdate, name ?? $"{table}_{string.Join('_', columns)}_fkey", line);
        }

        private (string? OnDelete, string? OnUpdate) ReferentialActions()
        {
            string? onDelete = null;
            string? onUpdate = null;
            while (Accept("ON"))
            {
                var isDelete = Accept("DELETE");
                if (!isDelete)
                {
                    Expect("UPDATE");
                }

                var action = Accept("SET", "NULL") ? "SET NULL" : Accept("SET", "DEFAULT") ? "SET DEFAULT" : Accept("NO", "ACTION") ? "NO ACTION" : Next().ToUpperInvariant();
                if (isDelete)
                {
                    onDelete = action;
                }
                else
                {
                    onUpdate = action;
                }
            }

            Accept("DEFERRABLE");
            Accept("INITIALLY", "DEFERRED");
            Accept("INITIALLY", "IMMEDIATE");
            return (onDelete, onUpdate);
        }

        private List<string> ColumnList()
        {
            Expect("(");
            var columns = new List<string>();
            while (!AtEnd && !Is(")"))
            {
                var start = position;
                var depth = 0;
                while (!AtEnd && !(depth == 0 && Peek() is "," or ")"))
                {
                    depth += Peek() == "(" ? 1 : Peek() == ")" ? -1 : 0;
                    position++;
                }

                var part = tokens.GetRange(start, position - start);
                columns.Add(part.Count == 1 || part.Count > 1 && part.Skip(1).All(t => t.ToUpperInvariant() is "ASC" or "DESC" or "NULLS" or "FIRST" or "LAST")
                    ? Unquote(part[0])
                    : "(" + string.Join(' ', part.Select(Unquote)) + ")");
                Accept(",");
            }

            Expect(")");
            return columns;
        }

        private string Expression()
        {
            var start = position;
            var depth = 0;
            while (!AtEnd && !(depth == 0 && (Peek() is "," or ")" || IsConstraintStart() && !Is("NULL"))))
            {
                depth += Peek() == "(" ? 1 : Peek() == ")" ? -1 : 0;
                position++;
            }

            return string.Join(' ', tokens.GetRange(start, position - start).Select(t => t.TrimStart('\u0001')));
        }

        /// <summary>The type of ALTER COLUMN ... TYPE, which a USING clause or a COLLATE may follow.</summary>
        private string TypeUntilUsing()
        {
            var start = position;
            var depth = 0;
            while (!AtEnd && !(depth == 0 && (Peek() is "," or ")" || Is("USING") || Is("COLLATE"))))
            {
                depth += Peek() == "(" ? 1 : Peek() == ")" ? -1 : 0;
                position++;
            }

            return string.Join(' ', tokens.GetRange(start, position - start).Select(t => t.TrimStart('\u0001')));
        }

        private void SkipToElementEnd()
        {
            var depth = 0;
            while (!AtEnd && !(depth == 0 && Peek() is "," or ")"))
            {
                depth += Peek() == "(" ? 1 : Peek() == ")" ? -1 : 0;
                position++;
            }
        }

        private void SkipBalanced()
        {
            var depth = 1;
            while (!AtEnd && depth > 0)
            {
                depth += Peek() == "(" ? 1 : Peek() == ")" ? -1 : 0;
                position++;
            }
        }

        private string? CreateIndex(bool unique)
        {
            Accept("CONCURRENTLY");
            var ifNotExists = Accept("IF", "NOT", "EXISTS");
            string? name = null;
            if (!Is("ON"))
            {
                name = Name();
            }

            var explicitName = name is not null;

            Expect("ON");
            Accept("ONLY");
            var table = TableName();
            var method = Accept("USING") ? Unquote(Next()) : "btree";
            var columns = ColumnList();
            var include = Accept("INCLUDE") ? ColumnList() : [];
            if (Accept("NULLS"))
            {
                Accept("NOT");
                Expect("DISTINCT");
            }

            if (Accept("WITH"))
            {
                Expect("(");
                SkipBalanced();
            }

            if (Accept("TABLESPACE"))
            {
                Next();
            }

            string? predicate = null;
            if (Accept("WHERE"))
            {
                predicate = string.Join(' ', tokens.Skip(position).Select(t => t.TrimStart('\u0001')));
                position = tokens.Count;
            }

            if (!AtEnd)
            {
                return $"CREATE INDEX ... '{Peek()}' is not read by migaudit";
            }

            if (name is null)
            {
                // PostgreSQL's own naming: <table>_<columns>_idx / _key.
                name = $"{table}_{string.Join('_', columns)}_{(unique ? "key" : "idx")}";
            }

            state.AddIndex(table, columns, unique, name, line, ifNotExists, explicitName, method, predicate, include);
            return null;
        }

        private string? AlterTable()
        {
            var ifExists = Accept("IF", "EXISTS");
            Accept("ONLY");
            var table = TableName();
            if (ifExists && state.HasTable(table) == false)
            {
                return null;
            }

            do
            {
                if (AlterAction(table) is { } reason)
                {
                    return reason;
                }
            }
            while (Accept(","));
            return AtEnd ? null : $"ALTER TABLE ... '{Peek()}' is not read by migaudit";
        }

        private string? AlterAction(string table)
        {
            if (Accept("ADD"))
            {
                if (Is("CONSTRAINT") || Is("PRIMARY") || Is("UNIQUE") || Is("FOREIGN") || Is("CHECK"))
                {
                    TableElement(table);
                    return null;
                }

                Accept("COLUMN");
                var ifNotExists = Accept("IF", "NOT", "EXISTS");
                Column(table, Name(), ifNotExists);
                return null;
            }

            if (Accept("DROP", "CONSTRAINT"))
            {
                var ifExists = Accept("IF", "EXISTS");
                state.DropConstraint(table, Name(), ifExists, line);
                Accept("CASCADE");
                return null;
            }

            if (Accept("DROP"))
            {
                Accept("COLUMN");
                var ifExists = Accept("IF", "EXISTS");
                state.DropColumn(table, Name(), ifExists, line);
                if (!Accept("CASCADE"))
                {
                    Accept("RESTRICT");
                }

                return null;
            }

            if (Accept("RENAME", "COLUMN") || Accept("RENAME"))
            {
                if (Accept("TO"))
                {
                    // RENAME TO keeps the table in its schema.
                    state.RenameTable(table, SchemaState.TableKey(table.Contains('.', StringComparison.Ordinal) ? table[..table.IndexOf('.', StringComparison.Ordinal)] : null, Name()), line);
                    return null;
                }

                var from = Name();
                Expect("TO");
                state.RenameColumn(table, from, Name(), line);
                return null;
            }

            if (Accept("ALTER"))
            {
                Accept("COLUMN");
                var column = Name();
                if (Accept("SET", "NOT", "NULL"))
                {
                    state.AlterColumn(table, column, null, false, null, false, line);
                }
                else if (Accept("DROP", "NOT", "NULL"))
                {
                    state.AlterColumn(table, column, null, true, null, false, line);
                }
                else if (Accept("SET", "DEFAULT"))
                {
                    state.AlterColumn(table, column, null, null, Expression(), false, line);
                }
                else if (Accept("DROP", "DEFAULT"))
                {
                    state.AlterColumn(table, column, null, null, null, true, line);
                }
                else if (Accept("SET", "DATA", "TYPE") || Accept("TYPE"))
                {
                    state.AlterColumn(table, column, TypeUntilUsing().ToLowerInvariant(), null, null, false, line);
                    if (Accept("USING"))
                    {
                        Expression();
                    }
                }
                else
                {
                    return $"ALTER COLUMN ... {Peek()} is not read by migaudit";
                }

                return null;
            }

            return $"ALTER TABLE ... {Peek()} is not read by migaudit";
        }
    }
}
