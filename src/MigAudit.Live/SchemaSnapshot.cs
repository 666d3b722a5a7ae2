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
        var rows = new List<SnapshotRow>();
        await using var command = new NpgsqlCommand(Sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new SnapshotRow(reader.GetInt32(0), reader.GetString(1), reader.GetString(3), Convert.ToString(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return FromRows(rows, migrationsTable);
    }

    /// <summary>A snapshot from the rows of <see cref="Sql"/>, in its order; Knex's own tables are left out.</summary>
    public static SchemaSnapshot FromRows(IEnumerable<(int Kind, string Table, string Text)> rows, string migrationsTable = "knex_migrations") =>
        FromRows(rows.Select(r => new SnapshotRow(r.Kind, r.Table, r.Text)), migrationsTable);

    /// <summary>A snapshot from the rows of <see cref="Sql"/> with the tables' oids and the columns' numbers.</summary>
    public static SchemaSnapshot FromRows(IEnumerable<SnapshotRow> rows, string migrationsTable = "knex_migrations")
    {
        var tables = new SortedDictionary<string, (List<string> Columns, List<int> Numbers, List<string> Indexes, List<string> Constraints, string? Oid)>(StringComparer.Ordinal);
        var ignored = new[] { migrationsTable, migrationsTable + "_lock" };
        foreach (var row in rows)
        {
            if (ignored.Contains(row.Table))
            {
                continue;
            }

            var table = tables.TryGetValue(row.Table, out var t) ? t : tables[row.Table] = ([], [], [], [], row.Oid);
            switch (row.Kind)
            {
                case 0:
                    table.Columns.Add(row.Text);
                    table.Numbers.Add(row.Position);
                    break;
                case 1:
                    table.Indexes.Add(row.Text);
                    break;
                default:
                    table.Constraints.Add(row.Text);
                    break;
            }
        }

        return new SchemaSnapshot(tables.ToDictionary(
            t => t.Key,
            t => new SnapshotTable(t.Value.Columns, t.Value.Indexes, t.Value.Constraints) { Oid = t.Value.Oid, ColumnNumbers = t.Value.Numbers },
            StringComparer.Ordinal));
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
}

public sealed record SnapshotTable(IReadOnlyList<string> Columns, IReadOnlyList<string> Indexes, IReadOnlyList<string> Constraints)
{
    /// <summary>The table's oid (null when not read): a renamed table keeps it, a table dropped and created again does not.</summary>
    public string? Oid { get; init; }

    /// <summary>Each column's attnum, in <see cref="Columns"/>' order (0: not read): a renamed column keeps it.</summary>
    public IReadOnlyList<int> ColumnNumbers { get; init; } = [];
}

/// <summary>One row of <see cref="SchemaSnapshot.Sql"/>: kind 0 column, 1 index, 2 constraint; the table's oid and the column's attnum.</summary>
public sealed record SnapshotRow(int Kind, string Table, string Text, string? Oid = null, int Position = 0);
