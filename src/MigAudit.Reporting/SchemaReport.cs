using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>'migaudit schema': the replayed schema as text or as SQL DDL.</summary>
public static partial class SchemaReport
{
    /// <summary>A type name with optional numeric arguments and array brackets, e.g. numeric(10, 2), timestamp with time zone, text[].</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_ ]*(\(\s*\d+(\s*,\s*\d+)?\s*\))?(\[\])*$")]
    private static partial System.Text.RegularExpressions.Regex PlainType();

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z_]+$")]
    private static partial System.Text.RegularExpressions.Regex MethodName();

    public static void WriteText(SchemaReplay replay, DialectInfo dialect, ReportConsole output)
    {
        output.Line($"Database: {Quoting.Printable(dialect.Describe())}");
        output.Line();
        foreach (var table in replay.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            var why = replay.Schema.UncertaintyOf(table);
            output.Line(why is null ? $"{table.Name}  (created by {table.Origin.Migration})"
                : why.IsCreatedOutside ? $"{table.Name}  (created outside the migrations; first used by {table.Origin.Migration}:{table.Origin.Line}; contents unknown)"
                : $"{table.Name}  (created by {table.Origin.Migration}; partly unknown since {why.Describe()})", "bold");
            foreach (var column in table.Columns)
            {
                var flags = (table.PrimaryKey.Contains(column.Name) ? " primary key" : string.Empty) + (column.Nullable ? string.Empty : " not null") +
                            (column.Default is null ? string.Empty : $" default {column.Default}");
                output.Line($"  {column.Name,-28} {column.Type}{flags}{(column.Origin.Migration != table.Origin.Migration ? $"  (added by {column.Origin.Migration})" : string.Empty)}");
            }

            foreach (var fk in table.ForeignKeys)
            {
                output.Line($"  FK {string.Join(", ", fk.Columns)} -> {fk.ReferencesTable}({string.Join(", ", fk.ReferencesColumns)}) on delete {fk.OnDelete ?? "NO ACTION (not set)"}  [{fk.Name}]");
            }

            foreach (var index in table.Indexes)
            {
                var shape = (index.Method == "btree" ? string.Empty : $" using {index.Method}") +
                            (index.Include.Count == 0 ? string.Empty : $" include ({string.Join(", ", index.Include)})") +
                            (index.Predicate is null ? string.Empty : $" where {index.Predicate}");
                output.Line($"  {(index.Unique ? "UNIQUE" : "INDEX")} {index.Name} ({string.Join(", ", index.Columns)}){shape}{(index.Origin.Migration != table.Origin.Migration ? $"  (added by {index.Origin.Migration})" : string.Empty)}");
            }

            output.Line();
        }

        foreach (var (name, why) in replay.Schema.UnknownTables.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            output.Line($"unknown whether table {name} exists: {why.Describe()}", "yellow");
        }

        if (replay.Schema.Unknown is { } everything)
        {
            output.Line($"unknown: everything made before {everything.Describe()}", "yellow");
        }

        var understood = replay.Migrations.Sum(m => m.Up.Understood);
        var total = replay.Migrations.Sum(m => m.Up.Total);
        var skipped = replay.Migrations.Where(m => m.Skipped is not null).ToList();
        output.Line($"{replay.Schema.Tables.Count} tables, {replay.ForeignKeys} foreign keys, {replay.IndexesDeclared} index declarations; up statements understood: {understood} of {total}" +
                    (skipped.Count == 0 ? "." : $" in the {replay.Migrations.Count - skipped.Count} migrations read; {skipped.Count} not replayed at all, so this schema is incomplete:"));
        foreach (var migration in skipped)
        {
            output.Line($"skipped: {migration.Migration}: {migration.Skipped}", "yellow");
        }

        foreach (var migration in replay.Migrations.Where(m => !m.Up.Complete))
        {
            foreach (var gap in migration.Up.Gaps)
            {
                output.Line($"not understood: {migration.Migration}:{gap.Line}: {gap.Reason} ({gap.Code})", "yellow");
            }
        }
    }

    private static string DefaultSql(string? value) => value switch
    {
        null => string.Empty,
        _ when value.StartsWith("unknown (", StringComparison.Ordinal) => $" /* DEFAULT not statically known: {Quoting.CommentText(value)} */",
        _ => $" DEFAULT {value}",
    };

    public static string Sql(SchemaReplay replay, DialectInfo dialect)
    {
        var sql = new System.Text.StringBuilder();
        sql.Append("-- Schema replayed by migaudit from the Knex migrations (static; not read from a database).\n");
        sql.Append($"-- Database: {Quoting.CommentText(dialect.Describe())}\n");
        foreach (var migration in replay.Migrations.Where(m => m.Skipped is not null))
        {
            sql.Append($"-- INCOMPLETE: {Quoting.CommentText(migration.Migration)} was not replayed ({Quoting.CommentText(migration.Skipped!)})\n");
        }

        sql.Append('\n');
        var tables = replay.Schema.Tables.Values.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        foreach (var table in tables)
        {
            sql.Append($"-- created by {Quoting.CommentText(table.Origin.Migration)}\nCREATE TABLE {Quote(table.Name)} (\n");
            var lines = table.Columns.Where(c => PlainType().IsMatch(c.Type))
                .Select(c => $"  {Quote(c.Name)} {c.Type}{(c.Nullable ? string.Empty : " NOT NULL")}{DefaultSql(c.Default)}").ToList();
            foreach (var column in table.Columns.Where(c => !PlainType().IsMatch(c.Type)))
            {
                // A type not statically known (decimal(?, 2)) or not a plain type name is left out of the DDL, not guessed.
                sql.Append($"-- INCOMPLETE: column {Quoting.CommentText(column.Name)} has a type migaudit cannot write as SQL: {Quoting.CommentText(column.Type)}\n");
            }

            if (table.PrimaryKey.Count > 0)
            {
                lines.Add($"  PRIMARY KEY ({string.Join(", ", table.PrimaryKey.Select(Quote))})");
            }

            sql.Append(string.Join(",\n", lines)).Append("\n);\n\n");
        }

        foreach (var table in tables)
        {
            foreach (var index in table.Indexes)
            {
                if (!MethodName().IsMatch(index.Method) || index.Predicate is { } where && where.StartsWith("(a predicate", StringComparison.Ordinal))
                {
                    sql.Append($"-- INCOMPLETE: index {Quoting.CommentText(index.Name)} on {Quoting.CommentText(table.Name)} has a method or predicate migaudit cannot write as SQL\n");
                    continue;
                }

                sql.Append($"CREATE {(index.Unique ? "UNIQUE " : string.Empty)}INDEX {Quote(index.Name)} ON {Quote(table.Name)}{(index.Method == "btree" ? string.Empty : $" USING {index.Method}")} " +
                           $"({string.Join(", ", index.Columns.Select(c => c.StartsWith('(') ? c : Quote(c)))})" +
                           (index.Include.Count == 0 ? string.Empty : $" INCLUDE ({string.Join(", ", index.Include.Select(Quote))})") +
                           (index.Predicate is null ? string.Empty : $" WHERE {index.Predicate}") + ";\n");
            }
        }

        sql.Append('\n');
        foreach (var table in tables)
        {
            foreach (var fk in table.ForeignKeys)
            {
                sql.Append($"ALTER TABLE {Quote(table.Name)} ADD CONSTRAINT {Quote(fk.Name)} FOREIGN KEY ({string.Join(", ", fk.Columns.Select(Quote))}) REFERENCES {Quote(fk.ReferencesTable)} ({string.Join(", ", fk.ReferencesColumns.Select(Quote))}){ReferentialAction("DELETE", fk.OnDelete)}{ReferentialAction("UPDATE", fk.OnUpdate)};\n");
            }
        }

        return sql.ToString();
    }

    private static string Quote(string identifier) => Quoting.SqlIdentifier(identifier);

    private static readonly HashSet<string> ReferentialActions = new(StringComparer.OrdinalIgnoreCase) { "CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION" };

    /// <summary>PostgreSQL's five actions, written as they are; anything else (Knex splices the text in unchecked) is left out of the SQL and shown in a comment.</summary>
    private static string ReferentialAction(string on, string? action) => action switch
    {
        null => string.Empty,
        _ when ReferentialActions.Contains(action.Trim()) => $" ON {on} {action.Trim().ToUpperInvariant()}",
        _ => $" /* ON {on} {Quoting.CommentText(action).Replace("*/", "* /", StringComparison.Ordinal)}: not a PostgreSQL action */",
    };
}
