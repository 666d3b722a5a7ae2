using Npgsql;

namespace MigAudit.Live;

/// <summary>The schema of a database as pg_catalog reports it: tables, columns, indexes, constraints (Knex's own tables excluded).</summary>
public sealed record SchemaSnapshot(IReadOnlyDictionary<string, SnapshotTable> Tables)
{
    private const string Schemas = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'";

    // Tables outside public are keyed schema.table, as the static replay keys them.
    private const string TableName = "CASE WHEN n.nspname = 'public' THEN c.relname ELSE n.nspname || '.' || c.relname END";
    private const string IndexedName = "CASE WHEN n.nspname = 'public' THEN t.relname ELSE n.nspname || '.' || t.relname END";

    /// <summary>
    /// The catalog in one query (kind 0 column, 1 index, 2 constraint; table; position; text; the table's oid, by which
    /// the knex driver reads again only the tables a step changed). verify runs it after every step,
    /// from its own connection or, inside the knex driver, on the migration's own transaction. The columns are read
    /// table by table through pg_attribute's index (OFFSET 0 keeps the planner from flattening the LATERAL back into
    /// a join): a hash join scanned all of pg_attribute, the system catalogs' thousands of rows and the migrations'
    /// dead row versions included, and took about a third of the snapshot at 50 tables.
    /// </summary>
    public static readonly string Sql = Query(string.Empty);

    /// <summary>
    /// <see cref="Sql"/> for some tables only: the driver puts a query of their oids in place of
    /// <see cref="TablesMarker"/>. The filter sits in each branch, where the planner reads only those tables' catalog
    /// rows; a filter around the whole query would have deparsed every table first.
    /// </summary>
    public static readonly string SqlForTables = Query($" AND {{0}}.oid IN ({TablesMarker})");

    public const string TablesMarker = "/*tables*/";

    private static string Query(string filter)
    {
        string For(string alias) => string.Format(System.Globalization.CultureInfo.InvariantCulture, filter, alias);
        return $"""
            SELECT 0 AS kind, {TableName} AS name, a.attnum AS position, a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                   || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
                   || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS text, c.oid AS relid
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL (SELECT * FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped OFFSET 0) a
            LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
            WHERE c.relkind IN ('r', 'p') AND {Schemas}{For("c")}
            UNION ALL
            SELECT 1, {IndexedName}, 0, i.relname || ': ' || pg_get_indexdef(i.oid), t.oid
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE {Schemas}{For("t")}
            UNION ALL
            SELECT 2, {IndexedName}, 0, c.conname || ': ' || pg_get_constraintdef(c.oid), t.oid
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE {Schemas}{For("t")}
            ORDER BY 1, 2, 3, 4
            """;
    }

    public static async Task<SchemaSnapshot> ReadAsync(NpgsqlConnection connection, string migrationsTable = "knex_migrations")
    {
        var rows = new List<(int Kind, string Table, string Text)>();
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetString(1), reader.GetString(3)));
        }

        return FromRows(rows, migrationsTable);
    }

    /// <summary>A snapshot from the rows of <see cref="Sql"/>, in its order; Knex's own tables are left out.</summary>
    public static SchemaSnapshot FromRows(IEnumerable<(int Kind, string Table, string Text)> rows, string migrationsTable = "knex_migrations")
    {
        var tables = new SortedDictionary<string, (List<string> Columns, List<string> Indexes, List<string> Constraints)>(StringComparer.Ordinal);
        var ignored = new[] { migrationsTable, migrationsTable + "_lock" };
        foreach (var (kind, table, text) in rows)
        {
            if (ignored.Contains(table))
            {
                continue;
            }

            var (columns, indexes, constraints) = tables.TryGetValue(table, out var t) ? t : tables[table] = ([], [], []);
            (kind switch { 0 => columns, 1 => indexes, _ => constraints }).Add(text);
        }

        return new SchemaSnapshot(tables.ToDictionary(t => t.Key, t => new SnapshotTable(t.Value.Columns, t.Value.Indexes, t.Value.Constraints), StringComparer.Ordinal));
    }

    /// <summary>This snapshot with the tables named in <paramref name="replaced"/> taken out and those of <paramref name="read"/> put in (the tables a step changed, read again).</summary>
    public SchemaSnapshot With(SchemaSnapshot read, IEnumerable<string> replaced)
    {
        // In name order, as FromRows leaves them: the differences are listed in that order.
        var tables = new SortedDictionary<string, SnapshotTable>(Tables.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var name in replaced)
        {
            tables.Remove(name);
        }

        foreach (var (name, table) in read.Tables)
        {
            tables[name] = table;
        }

        return new SchemaSnapshot(tables.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
    }

    /// <summary>How <paramref name="actual"/> differs from this snapshot, as readable lines.</summary>
    public IReadOnlyList<string> DifferencesTo(SchemaSnapshot actual)
    {
        var differences = new List<string>();
        foreach (var name in actual.Tables.Keys.Except(Tables.Keys).Order(StringComparer.Ordinal))
        {
            differences.Add($"table {name} is left behind");
        }

        foreach (var name in Tables.Keys.Except(actual.Tables.Keys).Order(StringComparer.Ordinal))
        {
            differences.Add($"table {name} is missing");
        }

        foreach (var (name, expected) in Tables.Where(t => actual.Tables.ContainsKey(t.Key)))
        {
            var now = actual.Tables[name];
            Compare(differences, name, "column", expected.Columns, now.Columns);
            Compare(differences, name, "index", expected.Indexes, now.Indexes);
            Compare(differences, name, "constraint", expected.Constraints, now.Constraints);
        }

        return differences;
    }

    private static void Compare(List<string> differences, string table, string kind, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        differences.AddRange(actual.Except(expected).Select(a => $"{table}: {kind} {a} is left behind"));
        differences.AddRange(expected.Except(actual).Select(e => $"{table}: {kind} {e} is not restored"));
    }
}

public sealed record SnapshotTable(IReadOnlyList<string> Columns, IReadOnlyList<string> Indexes, IReadOnlyList<string> Constraints);
