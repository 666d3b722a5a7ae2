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
        foreach (var (tokens, statement) in SqlTokenizer.Statements(sql))
        {
            if (StraightDoBlock(tokens) is { } body)
            {
                // DO $$ BEGIN <statements> END $$ with no control flow runs its statements in order: replay them.
                var (innerTotal, innerGaps) = Apply(body, state, line);
                total += innerTotal;
                gaps.AddRange(innerGaps);
                continue;
            }

            total++;
            if (AddEnumValue(tokens, state, line) || RenameEnumValue(tokens, state, line))
            {
                continue;
            }

            UseStrings(tokens, state, line);
            var reader = new Reader(tokens, state, line);
            string? reason;
            state.BeginSqlStatement();
            try
            {
                reason = reader.Statement();
            }
            catch (FormatException error)
            {
                reason = error.Message;
            }
            finally
            {
                state.EndSqlStatement();
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
        foreach (var (tokens, _) in SqlTokenizer.Statements(sql))
        {
            if (Reader.HasNoEffect(tokens[0]))
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

    // PL/pgSQL words that make a block more than a list of statements: the replay cannot tell which of them run.
    private static readonly HashSet<string> ControlWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "IF", "ELSIF", "LOOP", "FOR", "FOREACH", "WHILE", "EXIT", "CONTINUE", "EXCEPTION", "EXECUTE", "PERFORM", "RETURN", "CASE", "RAISE", "GET", "DECLARE", "BEGIN", "ASSERT", "CALL",
    };

    /// <summary>The statements of a DO block that is only a list of SQL statements (no IF, loops, dynamic SQL or handlers), or null.</summary>
    private static string? StraightDoBlock(List<SqlToken> tokens)
    {
        // DO $tag$ ... $tag$ [LANGUAGE plpgsql]
        if (!tokens[0].IsWord("DO") || tokens.Count < 2 || tokens[1].Kind != SqlTokenKind.DollarString ||
            tokens.Count != 2 && !(tokens.Count == 4 && tokens[2].IsWord("LANGUAGE") && tokens[3].Name == "plpgsql"))
        {
            return null;
        }

        var code = tokens[1].Text;
        var words = SqlTokenizer.Tokenize(code);
        var last = words.FindLastIndex(t => t.IsWord("END"));
        if (words.Count < 2 || !words[0].IsWord("BEGIN") || last < 0 || words.Skip(last + 1).Any(t => !t.IsPunctuation(";")))
        {
            return null;
        }

        var body = words.Skip(1).Take(last - 1).ToList();
        return body.Any(t => t.Kind == SqlTokenKind.Word && ControlWords.Contains(t.Text)) ? null : code[words[0].End..words[last].Start];
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
    private static (bool ChangesTables, string? Table, bool IndexesOnly) Reach(List<SqlToken> tokens)
    {
        bool Word(int i, params string[] words) => i < tokens.Count && words.Any(tokens[i].IsWord);
        string Name(int i)
        {
            // A qualified name keyed as the model keys tables: "schema.table", or the name alone in public.
            while (i + 2 < tokens.Count && tokens[i + 1].IsPunctuation("."))
            {
                i += 2;
            }

            return i >= 2 && tokens[i - 1].IsPunctuation(".") ? SchemaState.TableKey(tokens[i - 2].Name, tokens[i].Name) : tokens[i].Name;
        }

        if (tokens.Any(t => t.IsWord("CASCADE")))
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
                var on = tokens.FindIndex(i, t => t.IsWord("ON"));
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


    private sealed partial class Reader(List<SqlToken> tokens, SchemaState state, int line)
    {
        private static readonly HashSet<string> NoEffect = new(StringComparer.OrdinalIgnoreCase)
        {
            "INSERT", "UPDATE", "DELETE", "SELECT", "SET", "BEGIN", "COMMIT", "ROLLBACK", "ANALYZE", "VACUUM", "GRANT", "REVOKE", "NOTIFY", "LOCK", "TRUNCATE", "REINDEX",
        };

        public static bool HasNoEffect(SqlToken first) => first.Kind == SqlTokenKind.Word && NoEffect.Contains(first.Text);

        private int position;

        /// <summary>The token's text for comparisons: a keyword or punctuation as written; a quoted name keeps its quotes, so it never equals either.</summary>
        private string Peek(int ahead = 0) => position + ahead >= tokens.Count ? string.Empty
            : tokens[position + ahead] is { Kind: SqlTokenKind.QuotedName } quoted ? $"\"{quoted.Text}\"" : tokens[position + ahead].Display;

        private bool Is(string word, int ahead = 0) => position + ahead < tokens.Count &&
            (tokens[position + ahead].Kind == SqlTokenKind.Punctuation ? tokens[position + ahead].Text == word : tokens[position + ahead].IsWord(word));

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

        /// <summary>A table name: "schema.table" when qualified with a schema other than public, as the model keys tables.</summary>
        private string TableName()
        {
            var parts = new List<string> { Next().Name };
            while (Peek() == ".")
            {
                position++;
                parts.Add(Next().Name);
            }

            if (parts.Count > 1)
            {
                state.SchemaQualified = true;
            }

            return state.Key(parts.Count > 1 ? parts[^2] : null, parts[^1]);
        }

        /// <summary>Another schema object's name (an index, a constraint, a column): the schema, if any, is dropped.</summary>
        private string Name()
        {
            var name = Next().Name;
            while (Peek() == ".")
            {
                state.SchemaQualified = true;
                position++;
                name = Next().Name;
            }

            return name;
        }

        private SqlToken Next() => AtEnd ? throw new FormatException("unexpected end of statement") : tokens[position++];

        /// <summary>Returns null when understood, else the reason.</summary>
        public string? Statement()
        {
            // SET [LOCAL | SESSION] lock_timeout / statement_timeout, set_config(...): read for the lock rules.
            SessionTimeouts();

            // Rows written: no schema change, but the lock rules want to know what runs after an ACCESS EXCLUSIVE lock.
            // INSERT ... VALUES writes the rows it lists; INSERT ... SELECT, UPDATE and DELETE as many as the table holds.
            if (Is("INSERT") && !tokens.Any(t => t.IsWord("SELECT")))
            {
                return null;
            }

            if (Is("UPDATE") || Is("INSERT") && Is("INTO", 1) || Is("DELETE") && Is("FROM", 1))
            {
                var verb = Next().Display.ToLowerInvariant();
                Accept("INTO");
                Accept("FROM");
                Accept("ONLY");
                state.DataChange(TableName(), verb, line, allRows: verb is "update" or "delete" && !HasTopLevelWhere());
                return null;
            }

            if (Is("TRUNCATE"))
            {
                return Truncate();
            }

            if (Is("REINDEX"))
            {
                return Reindex();
            }

            if (Is("CREATE", 0) && Is("DOMAIN", 1) || Is("ALTER", 0) && Is("DOMAIN", 1))
            {
                return Domain();
            }

            if (TransactionControlWord(tokens) is { } control)
            {
                state.NoteTransactionControl(control, line);
                return null;
            }

            if (IsSavepoint(tokens))
            {
                return null;
            }

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

            if (Accept("ALTER", "INDEX"))
            {
                return AlterIndex();
            }

            if (Accept("DROP", "INDEX"))
            {
                var dropConcurrently = Accept("CONCURRENTLY");
                var ifExists = Accept("IF", "EXISTS");
                do
                {
                    state.DropIndex(null, null, Name(), unique: false, ifExists, line, dropConcurrently);
                }
                while (Accept(","));
                return null;
            }

            return $"'{string.Join(' ', tokens.Take(3).Select(t => t.Display))}' is not read by migaudit";
        }

        /// <summary>
        /// ALTER INDEX [IF EXISTS] name RENAME TO new renames it; SET (...), RESET (...), SET TABLESPACE and ALTER [COLUMN]
        /// n SET STATISTICS change storage only, no fact the model holds. Anything else (ATTACH PARTITION...) is not read.
        /// </summary>
        private string? AlterIndex()
        {
            var ifExists = Accept("IF", "EXISTS");
            var index = Name();
            if (Accept("RENAME", "TO"))
            {
                state.RenameIndex(index, Name(), ifExists, line);
                return null;
            }

            if (Is("SET") || Is("RESET") || Is("ALTER"))
            {
                position = tokens.Count;
                return null;
            }

            return $"ALTER INDEX {index} {Peek()} is not read by migaudit";
        }

        private string? CreateTable()
        {
            var ifNotExists = Accept("IF", "NOT", "EXISTS");
            var table = TableName();
            if (!Accept("("))
            {
                return "CREATE TABLE without a column list (AS, PARTITION OF...) is not read by migaudit";
            }

            if (!state.CreateTable(table, ifNotExists, line))
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
                // ADD CONSTRAINT x PRIMARY KEY USING INDEX i: the unique index built beforehand becomes the key.
                if (Accept("USING", "INDEX"))
                {
                    state.PrimaryKeyUsingIndex(table, constraintName, Name(), line);
                    return;
                }

                state.SetPrimaryKey(table, ColumnList(), line, constraintName);
                return;
            }

            if (Accept("UNIQUE"))
            {
                // ADD CONSTRAINT x UNIQUE USING INDEX x: the unique index built beforehand (CONCURRENTLY) becomes the
                // constraint, nothing is built. PostgreSQL renames the index to the constraint's name when they differ.
                if (Accept("USING", "INDEX"))
                {
                    var index = Name();
                    if (constraintName is not null && constraintName != index)
                    {
                        throw new FormatException($"UNIQUE USING INDEX {index} under another name ({constraintName}) is not read by migaudit");
                    }

                    return;
                }

                var uniqueColumns = ColumnList();
                state.AddIndex(table, uniqueColumns, unique: true, constraintName ?? $"{table}_{string.Join('_', uniqueColumns)}_key", line, explicitName: constraintName is not null, asConstraint: true);
                return;
            }

            if (Accept("FOREIGN", "KEY"))
            {
                var columns = ColumnList();
                ForeignKey(table, columns, constraintName);
                return;
            }

            var exclusion = Is("EXCLUDE");
            if (Accept("CHECK") || Accept("EXCLUDE"))
            {
                // Named, it is known; unnamed, PostgreSQL derives a name from the expression's columns. NOT VALID
                // (ALTER TABLE only) skips the scan of the existing rows. CHECK (column IS NOT NULL) is noted: once
                // validated, PostgreSQL 12+ makes that column NOT NULL without a scan.
                var notNullColumn = Is("(") && Is("IS", 2) && Is("NOT", 3) && Is("NULL", 4) && Is(")", 5) ? tokens[position + 1].Text : null;
                SkipToElementEnd();
                var notValid = position >= 2 && tokens[position - 2].Display.Equals("NOT", StringComparison.OrdinalIgnoreCase) &&
                               tokens[position - 1].Display.Equals("VALID", StringComparison.OrdinalIgnoreCase);
                state.AddCheck(table, constraintName, line, notValid, notNullColumn, exclusion);
                return;
            }

            Column(table, Name(), ifNotExists: false);
        }

        private void Column(string table, string column, bool ifNotExists)
        {
            var type = new StringBuilder(Next().Display.ToLowerInvariant());
            var depth = 0;
            while (!AtEnd && (depth > 0 || Peek() is not ("," or ")") && !IsConstraintStart()))
            {
                depth += Peek() == "(" ? 1 : Peek() == ")" ? -1 : 0;
                type.Append(Peek() is "(" or ")" or "[" or "]" or "," ? Next().Display : (type[^1] is '(' or ',' ? string.Empty : " ") + Next().Display.ToLowerInvariant());
            }

            var nullable = true;
            string? defaultValue = null;
            var primary = false;
            var unique = false;
            var check = false;
            string? generated = null;
            (string Table, List<string> Columns, string? OnDelete, string? OnUpdate, bool Named)? reference = null;

            // CONSTRAINT name names the column constraint that follows it; without one PostgreSQL makes
            // <table>_<column>_fkey, _key or _check.
            string? constraintName = null;
            string? foreignName = null;
            string? uniqueName = null;
            string? checkName = null;
            while (!AtEnd && Peek() is not ("," or ")"))
            {
                if (Accept("CONSTRAINT"))
                {
                    constraintName = Name();
                    continue;
                }

                if (Is("REFERENCES"))
                {
                    foreignName = constraintName;
                }
                else if (Is("UNIQUE"))
                {
                    uniqueName = constraintName;
                }
                else if (Is("CHECK"))
                {
                    checkName = constraintName;
                }

                constraintName = null;
                if (Accept("NOT", "NULL"))
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
                    var named = Is("(");
                    var targetColumns = named ? ColumnList() : ["id"];
                    var (onDelete, onUpdate) = ReferentialActions();
                    reference = (target, targetColumns, onDelete, onUpdate, named);
                }
                else if (Accept("CHECK"))
                {
                    // A column CHECK without CONSTRAINT is named <table>_<column>_check by PostgreSQL.
                    check = true;
                    SkipToElementEnd();
                }
                else if (Accept("GENERATED"))
                {
                    var start = position;
                    SkipToElementEnd();
                    generated = GeneratedKind(tokens.GetRange(start, position - start));
                }
                else if (Accept("COLLATE"))
                {
                    SkipToElementEnd();
                }
                else
                {
                    throw new FormatException($"column option '{Peek()}' is not read by migaudit");
                }
            }

            state.AddColumn(table, column, type.ToString(), nullable, defaultValue, line, ifNotExists, generated);
            if (check)
            {
                state.AddCheck(table, checkName ?? $"{table}_{column}_check", line);
            }

            if (primary)
            {
                state.SetPrimaryKey(table, [column], line);
            }

            if (unique)
            {
                state.AddIndex(table, [column], unique: true, uniqueName ?? $"{table}_{column}_key", line, explicitName: uniqueName is not null, asConstraint: true);
            }

            if (reference is { } r)
            {
                state.AddForeignKey(table, [column], r.Table, r.Columns, r.OnDelete, r.OnUpdate, foreignName ?? $"{table}_{column}_fkey", line, columnsWritten: r.Named);
            }
        }

        private bool IsConstraintStart() =>
            Is("NOT") || Is("NULL") || Is("DEFAULT") || Is("PRIMARY") || Is("UNIQUE") || Is("REFERENCES") || Is("CHECK") || Is("CONSTRAINT") || Is("GENERATED") || Is("COLLATE");

        private void ForeignKey(string table, List<string> columns, string? name)
        {
            Expect("REFERENCES");
            var target = TableName();
            var named = Is("(");
            var targetColumns = named ? ColumnList() : ["id"];
            var (onDelete, onUpdate) = ReferentialActions();
            var notValid = Accept("NOT", "VALID");
            state.AddForeignKey(table, columns, target, targetColumns, onDelete, onUpdate, name ?? $"{table}_{string.Join('_', columns)}_fkey", line, notValid, columnsWritten: named);
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

                var action = Accept("SET", "NULL") ? "SET NULL" : Accept("SET", "DEFAULT") ? "SET DEFAULT" : Accept("NO", "ACTION") ? "NO ACTION" : Next().Text.ToUpperInvariant();
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

        /// <summary>Set by <see cref="ColumnList"/> when an element was more than a name (DESC, an operator class, an expression...).</summary>
        private bool listHadDetails;

        private List<string> ColumnList()
        {
            listHadDetails = false;
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
                listHadDetails |= part.Count > 1;
                columns.Add(part.Count == 1 || part.Count > 1 && part.Skip(1).All(t => t.Text.ToUpperInvariant() is "ASC" or "DESC" or "NULLS" or "FIRST" or "LAST")
                    ? part[0].Name
                    : "(" + string.Join(' ', part.Select(t => t.Kind == SqlTokenKind.Word || t.Kind == SqlTokenKind.QuotedName ? t.Name : t.Display)) + ")");
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

            return string.Join(' ', tokens.GetRange(start, position - start).Select(t => t.Display));
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

            // Written as PostgreSQL prints types: words apart, punctuation close ("varchar(255)[]", "double precision").
            var type = new StringBuilder();
            foreach (var token in tokens.GetRange(start, position - start))
            {
                var punctuation = token.Display is "(" or ")" or "[" or "]" or ",";
                type.Append(punctuation || type.Length == 0 || type[^1] is '(' or ',' ? token.Display : " " + token.Display);
            }

            return type.ToString();
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
            var concurrently = Accept("CONCURRENTLY");
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
            var method = Accept("USING") ? Next().Name : "btree";
            var columns = ColumnList();
            var keyDetailsUnknown = listHadDetails;
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
                // As written, one space where the SQL had whitespace: joining every token with a space made
                // "kind <> 'x'" into "kind < > 'x'" (the tokenizer splits operators), which PostgreSQL refuses.
                var rest = tokens.Skip(position).ToList();
                predicate = string.Concat(rest.Select((t, i) => (i > 0 && t.Start > rest[i - 1].End ? " " : string.Empty) + t.Display));
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

            state.AddIndex(table, columns, unique, name, line, ifNotExists, explicitName, method, predicate, include, concurrently, keyDetailsUnknown: keyDetailsUnknown);
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
            if (Is("DETACH"))
            {
                return DetachPartition(table);
            }

            if (Is("ATTACH"))
            {
                return AttachPartition(table);
            }

            if (Accept("ADD"))
            {
                if (Is("CONSTRAINT") || Is("PRIMARY") || Is("UNIQUE") || Is("FOREIGN") || Is("CHECK") || Is("EXCLUDE"))
                {
                    TableElement(table);
                    return null;
                }

                Accept("COLUMN");
                var ifNotExists = Accept("IF", "NOT", "EXISTS");
                Column(table, Name(), ifNotExists);
                return null;
            }

            // VALIDATE CONSTRAINT checks the rows of a NOT VALID constraint under SHARE UPDATE EXCLUSIVE: reads and
            // writes go on. It changes nothing the model holds.
            if (Accept("VALIDATE", "CONSTRAINT"))
            {
                state.ValidateConstraint(table, Name(), line);
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

            if (Accept("RENAME", "CONSTRAINT"))
            {
                var constraint = Name();
                Expect("TO");
                state.RenameConstraint(table, constraint, Name(), line);
                return null;
            }

            if (Accept("RENAME", "COLUMN") || Accept("RENAME"))
            {
                if (Accept("TO"))
                {
                    // RENAME TO keeps the table in its schema.
                    state.RenameTable(table, state.Key(table.Contains('.', StringComparison.Ordinal) ? table[..table.IndexOf('.', StringComparison.Ordinal)] : null, Name()), line);
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
