using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// The schema as the replay goes, with the checks PostgreSQL would make: a statement on a table or column that
/// does not exist, a table created twice, or a foreign key to a table that does not exist yet is a chain problem.
/// </summary>
public sealed class SchemaState(SchemaModel initial, SqlDialect dialect = SqlDialect.PostgreSQL)
{
    /// <summary>The database Knex compiles for: column types and generated names follow it.</summary>
    public SqlDialect Dialect { get; } = dialect;

    public SchemaModel Current { get; private set; } = initial;
    public List<ChainProblem> Problems { get; } = [];

    /// <summary>Tables created, changed, renamed or dropped since the last <see cref="ResetTouched"/>: the only ones a down can have left different.</summary>
    public HashSet<string> Touched { get; } = new(StringComparer.Ordinal);

    /// <summary>Every table a statement named since the last <see cref="ResetTouched"/>, whether or not it existed: created, changed, dropped, renamed or referenced by a foreign key.</summary>
    public HashSet<string> Mentioned { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A statement since the last <see cref="ResetTouched"/> named a table in a schema (withSchema, or a qualified name in SQL).
    /// The model keys tables by name alone, so which schema such a table lives in is not known.
    /// </summary>
    public bool SchemaQualified { get; set; }

    public void ResetTouched()
    {
        Touched.Clear();
        Mentioned.Clear();
        SchemaQualified = false;
    }

    public int IndexesDeclared { get; private set; }
    public string Migration { get; set; } = string.Empty;

    /// <summary>When false (down replay), chain problems are not recorded: a down is judged by what it leaves behind.</summary>
    public bool RecordProblems { get; set; } = true;

    /// <summary>Statements of a down replay that PostgreSQL would refuse: knex migrate:rollback fails there.</summary>
    public List<ChainProblem> DownFailures { get; } = [];

    private void Problem(int line, string message) =>
        (RecordProblems ? Problems : DownFailures).Add(new ChainProblem(line, message));

    public bool HasTable(string table) => Current.Table(table) is not null;

    public bool HasColumn(string table, string column) => Current.Table(table)?.Column(column) is not null;

    private Origin At(int line) => new(Migration, line);

    /// <summary>
    /// Knex's generated name (checked with knex's toString()): the table part lower-cased with '.' and '-' turned into
    /// '_', the column part lower-cased as it is, e.g. "order_items_x_a_index" for table "Order-Items.x", column "A".
    /// </summary>
    public static string DefaultIndexName(string table, IEnumerable<string> columns, string suffix) =>
        $"{table.ToLowerInvariant().Replace('-', '_').Replace('.', '_')}_{string.Join('_', columns).ToLowerInvariant()}_{suffix}";

    public void CreateTable(string name, bool ifNotExists, int line)
    {
        Mentioned.Add(name);
        if (HasTable(name))
        {
            if (!ifNotExists)
            {
                Problem(line, $"createTable('{name}'): the table already exists at this point (\"relation \\\"{name}\\\" already exists\")");
            }

            return;
        }

        Touched.Add(name);
        Current = Current.With(new TableModel { Name = name, Origin = At(line) });
    }

    public void DropTable(string name, bool ifExists, int line)
    {
        Mentioned.Add(name);
        if (!HasTable(name))
        {
            if (!ifExists)
            {
                Problem(line, $"dropTable('{name}'): the table does not exist at this point");
            }

            return;
        }

        Touched.Add(name);
        Current = Current.Without(name);
    }

    public void RenameTable(string from, string to, int line)
    {
        Mentioned.Add(from);
        Mentioned.Add(to);
        if (Current.Table(from) is not { } table)
        {
            Problem(line, $"renameTable('{from}', '{to}'): '{from}' does not exist at this point");
            return;
        }

        Touched.Add(from);
        Touched.Add(to);
        Current = Current.Without(from).With(table with { Name = to });
    }

    private TableModel? Require(string table, int line, string what)
    {
        Mentioned.Add(table);
        var found = Current.Table(table);
        if (found is null)
        {
            Problem(line, $"{what}: table '{table}' does not exist at this point");
        }

        return found;
    }

    private void Update(TableModel table)
    {
        Touched.Add(table.Name);
        Current = Current.With(table);
    }

    public void AddColumn(string table, string column, string type, bool nullable, string? defaultValue, int line, bool ifNotExists = false)
    {
        if (Require(table, line, $"add column {table}.{column}") is not { } model)
        {
            return;
        }

        if (model.Column(column) is not null)
        {
            if (!ifNotExists)
            {
                Problem(line, $"add column {table}.{column}: the column already exists");
            }

            return;
        }

        Update(model with { Columns = [.. model.Columns, new ColumnModel { Name = column, Type = type, Nullable = nullable, Default = defaultValue, Origin = At(line) }] });
    }

    public void AlterColumn(string table, string column, string? type, bool? nullable, string? defaultValue, bool dropDefault, int line)
    {
        if (Require(table, line, $"alter column {table}.{column}") is not { } model)
        {
            return;
        }

        if (model.Column(column) is not { } existing)
        {
            Problem(line, $"alter column {table}.{column}: the column does not exist at this point");
            return;
        }

        var changed = existing with
        {
            Type = type ?? existing.Type,
            Nullable = nullable ?? existing.Nullable,
            Default = dropDefault ? null : defaultValue ?? existing.Default,
        };
        Update(model with { Columns = model.Columns.Select(c => c.Name == column ? changed : c).ToList() });
    }

    public void DropColumn(string table, string column, bool ifExists, int line)
    {
        if (Require(table, line, $"drop column {table}.{column}") is not { } model)
        {
            return;
        }

        if (model.Column(column) is null)
        {
            if (!ifExists)
            {
                Problem(line, $"drop column {table}.{column}: the column does not exist at this point");
            }

            return;
        }

        // PostgreSQL drops the indexes and constraints that use the column with it.
        Update(model with
        {
            Columns = model.Columns.Where(c => c.Name != column).ToList(),
            Indexes = model.Indexes.Where(i => !i.Columns.Contains(column)).ToList(),
            ForeignKeys = model.ForeignKeys.Where(f => !f.Columns.Contains(column)).ToList(),
            PrimaryKey = model.PrimaryKey.Contains(column) ? [] : model.PrimaryKey,

            // The column's own CHECK (as PostgreSQL names it) goes with it; other checks may use several columns.
            Checks = model.Checks.Where(c => c != $"{table}_{column}_check").ToList(),
        });
    }

    public void RenameColumn(string table, string from, string to, int line)
    {
        if (Require(table, line, $"rename column {table}.{from}") is not { } model)
        {
            return;
        }

        if (model.Column(from) is null)
        {
            Problem(line, $"renameColumn('{from}', '{to}') on {table}: the column does not exist at this point");
            return;
        }

        IReadOnlyList<string> Rename(IReadOnlyList<string> columns) => columns.Select(c => c == from ? to : c).ToList();
        Update(model with
        {
            Columns = model.Columns.Select(c => c.Name == from ? c with { Name = to } : c).ToList(),
            Indexes = model.Indexes.Select(i => i with { Columns = Rename(i.Columns) }).ToList(),
            ForeignKeys = model.ForeignKeys.Select(f => f with { Columns = Rename(f.Columns) }).ToList(),
            PrimaryKey = Rename(model.PrimaryKey),
        });
    }

    public void SetPrimaryKey(string table, IReadOnlyList<string> columns, int line)
    {
        if (Require(table, line, $"primary key on {table}") is { } model)
        {
            MissingColumns(model, columns, line, "primary key");
            Update(model with { PrimaryKey = columns });
        }
    }

    public void DropPrimaryKey(string table, int line)
    {
        if (Require(table, line, $"drop primary key on {table}") is { } model)
        {
            Update(model with { PrimaryKey = [] });
        }
    }

    /// <param name="explicitName">Whether the author wrote the name; by default, whenever a name is given.</param>
    public void AddIndex(string table, IReadOnlyList<string> columns, bool unique, string? name, int line, bool ifNotExists = false, bool? explicitName = null)
    {
        IndexesDeclared++;
        if (Require(table, line, $"{(unique ? "unique" : "index")} on {table}({string.Join(", ", columns)})") is not { } model)
        {
            return;
        }

        MissingColumns(model, columns, line, unique ? "unique" : "index");
        var indexName = name ?? DefaultIndexName(table, columns, unique ? "unique" : "index");
        if (Current.IndexOwners.ContainsKey(indexName))
        {
            if (!ifNotExists)
            {
                Problem(line, $"index '{indexName}' already exists (\"relation \\\"{indexName}\\\" already exists\")");
            }

            return;
        }

        Touched.Add(table);
        Current = Current.WithIndex(table, new IndexModel { Name = indexName, Columns = columns, Unique = unique, ExplicitName = explicitName ?? name is not null, Origin = At(line) });
    }

    private void MissingColumns(TableModel model, IEnumerable<string> columns, int line, string what)
    {
        foreach (var column in columns.Where(c => model.Column(c) is null && !c.Contains('(', StringComparison.Ordinal)))
        {
            Problem(line, $"{what} on {model.Name}: column '{column}' does not exist at this point");
        }
    }

    /// <summary>Drops an index by name (anywhere, as DROP INDEX does) or by table and columns (as Knex's dropIndex does).</summary>
    public void DropIndex(string? table, IReadOnlyList<string>? columns, string? name, bool unique, bool ifExists, int line)
    {
        var indexName = name ?? (table is not null && columns is not null ? DefaultIndexName(table, columns, unique ? "unique" : "index") : null);
        var owner = indexName is not null && Current.IndexOwners.TryGetValue(indexName, out var ownerName) ? Current.Table(ownerName) : null;
        if (owner is null)
        {
            if (!ifExists)
            {
                // table.dropIndex('orders_created_desc') reads its argument as a column: Knex sends
                // drop index "orders_orders_created_desc_index", and the index meant is never dropped.
                var meant = name is null && columns is [var only] && Current.IndexOwners.ContainsKey(only) ? only : null;
                Problem(line, meant is null
                    ? $"drop index \"{indexName}\": no such index at this point"
                    : $"drop index \"{indexName}\": no such index at this point; Knex reads the first argument of {(unique ? "dropUnique" : "dropIndex")} as column names, so '{meant}' is taken for a column: to drop the index {meant}, write table.{(unique ? "dropUnique" : "dropIndex")}([], '{meant}')");
            }

            return;
        }

        Update(owner with { Indexes = owner.Indexes.Where(i => i.Name != indexName).ToList() });
    }

    public void AddForeignKey(string table, IReadOnlyList<string> columns, string referencesTable, IReadOnlyList<string> referencesColumns, string? onDelete, string? onUpdate, string? name, int line)
    {
        Mentioned.Add(referencesTable);
        if (Require(table, line, $"foreign key {table}({string.Join(", ", columns)})") is not { } model)
        {
            return;
        }

        // SQLite checks foreign keys only when rows change, so it accepts one to a missing table; PostgreSQL and MySQL refuse it.
        if (!HasTable(referencesTable) && referencesTable != table && Dialect is not (SqlDialect.SQLite or SqlDialect.Unknown))
        {
            Problem(line, $"foreign key {table}({string.Join(", ", columns)}) references '{referencesTable}', which does not exist at this point (created later, or never): {Dialect} refuses it");
        }

        var fk = new ForeignKeyModel
        {
            Name = name ?? DefaultIndexName(table, columns, "foreign"),
            Columns = columns,
            ReferencesTable = referencesTable,
            ReferencesColumns = referencesColumns,
            OnDelete = onDelete,
            OnUpdate = onUpdate,
            Origin = At(line),
        };
        Update(model with { ForeignKeys = [.. model.ForeignKeys, fk] });
    }

    public void DropForeignKey(string table, IReadOnlyList<string>? columns, string? name, int line)
    {
        if (Require(table, line, $"drop foreign key on {table}") is not { } model)
        {
            return;
        }

        var fkName = name ?? DefaultIndexName(table, columns ?? [], "foreign");
        if (model.ForeignKeys.All(f => f.Name != fkName))
        {
            Problem(line, $"drop foreign key '{fkName}' on {table}: no such foreign key at this point");
            return;
        }

        Update(model with { ForeignKeys = model.ForeignKeys.Where(f => f.Name != fkName).ToList() });
    }

    /// <summary>ALTER TABLE ... DROP CONSTRAINT: a foreign key, a unique constraint or the primary key.</summary>
    public void DropConstraint(string table, string name, bool ifExists, int line)
    {
        if (Require(table, line, $"drop constraint {name} on {table}") is not { } model)
        {
            return;
        }

        if (model.ForeignKeys.Any(f => f.Name == name))
        {
            Update(model with { ForeignKeys = model.ForeignKeys.Where(f => f.Name != name).ToList() });
        }
        else if (model.Indexes.Any(i => i.Name == name))
        {
            Update(model with { Indexes = model.Indexes.Where(i => i.Name != name).ToList() });
        }
        else if (model.Checks.Contains(name))
        {
            Update(model with { Checks = model.Checks.Where(c => c != name).ToList() });
        }
        else if (name == $"{table}_pkey")
        {
            Update(model with { PrimaryKey = [] });
        }
        else if (!ifExists && !model.HasUnnamedConstraints)
        {
            Problem(line, $"drop constraint '{name}' on {table}: no such constraint at this point");
        }
    }

    /// <summary>A CHECK or EXCLUDE constraint; <paramref name="name"/> null when PostgreSQL picks a name the replay does not derive.</summary>
    public void AddCheck(string table, string? name, int line)
    {
        if (Require(table, line, $"check constraint on {table}") is not { } model)
        {
            return;
        }

        Update(name is null ? model with { HasUnnamedConstraints = true } : model with { Checks = [.. model.Checks, name] });
    }
}
