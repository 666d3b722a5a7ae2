using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// The DDL operations, with the checks the database would make: a statement on a table or column known not to exist,
/// a table or column created twice, or a foreign key to a table known not to exist yet is a chain problem. Where the
/// fact it depends on is unknown, the outcome is recorded as unknown instead.
/// </summary>
public sealed partial class SchemaState
{
    /// <summary>
    /// The name as PostgreSQL stores it: identifiers longer than 63 bytes are truncated (with a NOTICE), so two long
    /// generated names with the same first 63 bytes are the same name, and a drop by the long name finds it.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(name))]
    private string? Identifier(string? name) =>
        name is null || Dialect != SqlDialect.PostgreSQL ? name : Clip(name, MaxIdentifierBytes);

    private string RelationExists(string name) => Dialect == SqlDialect.PostgreSQL ? $" (\"relation \\\"{name}\\\" already exists\")" : string.Empty;

    /// <summary>
    /// CREATE TABLE: false when the table is known to exist, so the statement fails (or, with IF NOT EXISTS, does
    /// nothing) as a whole and its column definitions must not be replayed onto the existing table.
    /// </summary>
    public bool CreateTable(string name, bool ifNotExists, int line)
    {
        Mentioned.Add(name);
        var (state, existing, why) = Existence(name);
        var external = ResolveExternal(name);
        if (state == TableState.Present && !external)
        {
            if (!ifNotExists)
            {
                if (existing!.InferredAfter is { } after)
                {
                    Problem(line, InferredTableCreated(name, existing.Origin, after), saysWhereItFails: true);
                }
                else
                {
                    Problem(line, $"createTable('{name}'): the table already exists at this point{RelationExists(name)}");
                }
            }

            return false;
        }

        if (state == TableState.Unknown && existing is not null && !ifNotExists)
        {
            Unknown(line, $"createTable('{name}'): fails if the table still exists; it was created earlier, then {why!.Describe()}", why);
        }

        Changed(name);
        createdHere.Add(name);
        NoteTableName(name, line);
        Current = Current.Without(name).With(new TableModel { Name = name, Origin = At(line, ifNotExists) }) with
        {
            UnknownTables = Current.UnknownTables.Remove(name),
            Dropped = Current.Dropped.Remove(name),
        };
        return true;
    }

    /// <summary>
    /// CREATE TABLE of a table a migration altered before, while the schema was unknown, though no migration created it.
    /// Either the code the replay could not follow did not create it, and the alter fails ("relation does not exist",
    /// 42P01); or it did, and this CREATE TABLE fails (42P07): 'knex migrate:latest' fails on an empty database both ways.
    /// </summary>
    private static string InferredTableCreated(string name, Origin alter, Uncertainty after) =>
        $"createTable('{name}'): no migration before it creates {name}, but {alter.Migration} ({HelperSite.Describe(alter.Line, alter.Helper)}) alters it: " +
        $"on an empty database, 'knex migrate:latest' fails there (relation does not exist) unless code the replay could not follow " +
        $"({after.Migration} {HelperSite.Describe(after.Line, after.Helper)}) created it, and then fails here (the table already exists)";

    /// <summary>
    /// A table used before it was created: if a migration creates it now, the earlier uses fail on an empty database
    /// (chain problems of the migrations that made them); the placeholder they used is replaced.
    /// </summary>
    private bool ResolveExternal(string name)
    {
        if (!pendingExternals.Remove(name, out var uses))
        {
            return false;
        }

        foreach (var (migration, use) in uses)
        {
            ResolvedExternals.Add((migration, use, Migration));
        }

        return Current.Table(name)?.Partial?.Reason == ExternalReason;
    }

    /// <param name="placeholder">Whether the statement goes on to work on the table, so the replay keeps a stand-in for it.</param>
    private TableModel? External(string table, int line, string use, bool placeholder = true)
    {
        var standIn = new TableModel { Name = table, Origin = At(line), Partial = NewUncertainty(line, ExternalReason) };
        if (RecordProblems && conditions.Count == 0)
        {
            var external = new ExternalTable(table, line, use);
            ExternalTables.Add(external);
            if (!pendingExternals.TryGetValue(table, out var uses))
            {
                pendingExternals[table] = uses = [];
            }

            uses.Add((Migration, external));
        }

        if (!placeholder)
        {
            return null;
        }

        Changed(table);
        Current = Current.With(standIn);
        return standIn;
    }

    public void DropTable(string name, bool ifExists, int line)
    {
        Mentioned.Add(name);
        var (state, _, _) = Existence(name);
        switch (state)
        {
            case TableState.Absent when !ifExists:
                Problem(line, $"dropTable('{name}'): the table does not exist at this point");
                return;
            case TableState.NeverSeen when !ifExists:
                External(name, line, $"dropTable('{name}')", placeholder: false);
                break;
        }

        if (state != TableState.Absent)
        {
            // DROP TABLE IF EXISTS succeeds whether or not the table is there: when its existence is unknown, that it
            // existed before the migration is unknown too (only a statement that needs the table proves it was there).
            var drop = NewLock(LockOperationKind.DropTable, name, line);
            Record(ifExists && state == TableState.Unknown ? drop with { TableExistedBefore = null } : drop);
        }

        Changed(name);
        Current = Current.Without(name) with
        {
            UnknownTables = Current.UnknownTables.Remove(name),
            Dropped = Current.Dropped.Add(name),
        };
    }

    /// <summary>
    /// dropSchema(name, true): knex writes "drop schema ... cascade", so PostgreSQL drops every table of the schema (known
    /// or not to the replay) and the foreign keys of other tables that reference them.
    /// </summary>
    public void DropSchemaCascade(string schema, int line)
    {
        bool InSchema(string key) => schema == DefaultSchema ? !key.Contains('.', StringComparison.Ordinal) : key.StartsWith(schema + ".", StringComparison.Ordinal);
        var dropped = Current.Tables.Keys.Concat(Current.UnknownTables.Keys).Where(InSchema).Distinct().ToList();
        foreach (var name in dropped)
        {
            DropTable(name, ifExists: true, line);
        }

        foreach (var table in Current.Tables.Values.Where(t => t.ForeignKeys.Any(f => dropped.Contains(Key(null, f.ReferencesTable)))).ToList())
        {
            Update(table with { ForeignKeys = table.ForeignKeys.Where(f => !dropped.Contains(Key(null, f.ReferencesTable))).ToList() });
        }
    }

    public void RenameTable(string from, string to, int line)
    {
        Mentioned.Add(from);
        Mentioned.Add(to);
        if (Require(from, line, $"renameTable('{from}', '{to}')") is not { } table)
        {
            return;
        }

        Record(NewLock(LockOperationKind.RenameTable, from, line, target: to));

        Changed(from);
        Changed(to);
        Current = Current.Without(from).With(table with { Name = to }) with
        {
            Dropped = Current.Dropped.Add(from).Remove(to),
            UnknownTables = Current.UnknownTables.Remove(to),
        };
    }

    /// <summary>The table a statement works on: known, or a stand-in when its existence is unknown or it was made outside the migrations; null when it is known absent.</summary>
    public TableModel? Require(string table, int line, string what)
    {
        Mentioned.Add(table);
        var (state, model, why) = Existence(table);
        switch (state)
        {
            case TableState.Present or TableState.Unknown when model is not null:
                return model;
            case TableState.Unknown:
                // It may exist: the statement runs on a table whose contents are unknown. When only a statement that could
                // have touched any table left it unknown (no migration created it, none made it unknown by name), its
                // existence is inferred from this statement: a later createTable of it fails either way.
                var inferred = !Current.UnknownTables.ContainsKey(table) && ReferenceEquals(why, Current.Unknown) ? why : null;
                Changed(table);
                Current = Current.With(new TableModel { Name = table, Origin = At(line), Partial = why, InferredAfter = inferred }) with { UnknownTables = Current.UnknownTables.Remove(table) };
                return Current.Table(table);
            case TableState.NeverSeen:
                return External(table, line, what);
            default:
                Problem(line, $"{what}: table '{table}' does not exist at this point");
                return null;
        }
    }

    private void Update(TableModel table)
    {
        Changed(table.Name);
        Current = Current.With(table);
    }

    /// <summary>A column's state on a table: known present, known absent, or unknown (null).</summary>
    private bool? ColumnKnown(TableModel model, string column) => model.Column(column) is { } found
        ? Current.Knows(model, found.Origin) ? true : null
        : Current.IsKnown(model) ? false : null;

    /// <param name="generated">"stored" or "identity" for a GENERATED column (the lock rules' rewrite), else null.</param>
    public void AddColumn(string table, string column, string type, bool nullable, string? defaultValue, int line, bool ifNotExists = false, string? generated = null)
    {
        if (Require(table, line, $"add column {table}.{column}") is not { } model)
        {
            return;
        }

        switch (ColumnKnown(model, column))
        {
            case true when !ifNotExists:
                Problem(line, $"add column {table}.{column}: the column already exists");
                return;
            case true:
                return;
            case null when model.Column(column) is not null:
                if (!ifNotExists)
                {
                    Unknown(line, $"add column {table}.{column}: fails if the column is still there", Current.UncertaintyOf(model)!);
                }

                model = model with { Columns = model.Columns.Where(c => c.Name != column).ToList() };
                break;
        }

        Record(NewLock(LockOperationKind.AddColumn, table, line, column) with { Type = type, Default = defaultValue, NotNull = !nullable, Generated = generated });
        NoteIdentifier("column", table, column, line);
        Update(model with { Columns = [.. model.Columns, new ColumnModel { Name = column, Type = type, Nullable = nullable, Default = defaultValue, Origin = At(line, ifNotExists) }] });
    }

    /// <param name="saidNullable">The builder called .nullable(): a DROP NOT NULL it sends is asked for, not implicit.</param>
    public void AlterColumn(string table, string column, string? type, bool? nullable, string? defaultValue, bool dropDefault, int line, bool saidNullable = false)
    {
        if (Require(table, line, $"alter column {table}.{column}") is not { } model)
        {
            return;
        }

        var existing = model.Column(column);
        var known = ColumnKnown(model, column);
        if (existing is null)
        {
            if (known == false)
            {
                Problem(line, $"alter column {table}.{column}: the column does not exist at this point");
                return;
            }

            // Unknown whether it exists: after the statement it does, with what the statement says.
            existing = new ColumnModel { Name = column, Type = type ?? "?", Origin = At(line) };
            model = model with { Columns = [.. model.Columns, existing] };
        }

        RecordAlter(table, column, type, nullable, known == true ? existing : null, line, saidNullable);
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

        if (ColumnKnown(model, column) != false)
        {
            Record(NewLock(LockOperationKind.DropColumn, table, line, column));
        }

        if (model.Column(column) is null)
        {
            if (!ifExists && ColumnKnown(model, column) == false)
            {
                Problem(line, $"drop column {table}.{column}: the column does not exist at this point");
            }

            return;
        }

        // The database drops the indexes and constraints that use the column with it.
        Update(model with
        {
            Columns = model.Columns.Where(c => c.Name != column).ToList(),
            Indexes = model.Indexes.Where(i => !UsesColumn(i, column)).ToList(),
            ForeignKeys = model.ForeignKeys.Where(f => !f.Columns.Contains(column)).ToList(),
            PrimaryKey = model.PrimaryKey.Contains(column) ? [] : model.PrimaryKey,

            // The column's own CHECKs (as PostgreSQL names them: _check, _check1...) go with it; other checks may use several columns.
            Checks = model.Checks.Where(c => c != $"{table}_{column}_check" && !IsColumnCheckName(table, column, c, model.Checks.Count)).ToList(),
        });
    }

    /// <summary>An index goes with a dropped column when a key column, an expression or its predicate uses it.</summary>
    private static bool UsesColumn(IndexModel index, string column) =>
        index.Columns.Contains(column) || index.Include.Contains(column) ||
        index.Columns.Concat([index.Predicate ?? string.Empty]).Any(text => text.Length > 0 && !string.Equals(text, column, StringComparison.Ordinal) && MentionsWord(text, column));

    private static bool MentionsWord(string text, string word)
    {
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 ? ' ' : text[at - 1];
            var after = at + word.Length >= text.Length ? ' ' : text[at + word.Length];
            if (!(char.IsLetterOrDigit(before) || before == '_') && !(char.IsLetterOrDigit(after) || after == '_'))
            {
                return true;
            }
        }

        return false;
    }

    public void RenameColumn(string table, string from, string to, int line)
    {
        if (Require(table, line, $"rename column {table}.{from}") is not { } model)
        {
            return;
        }

        if (model.Column(from) is null)
        {
            if (ColumnKnown(model, from) == false)
            {
                Problem(line, $"renameColumn('{from}', '{to}') on {table}: the column does not exist at this point");
                return;
            }

            model = model with { Columns = [.. model.Columns, new ColumnModel { Name = from, Type = "?", Origin = At(line) }] };
        }

        Record(NewLock(LockOperationKind.RenameColumn, table, line, from, target: to));
        IReadOnlyList<string> Rename(IReadOnlyList<string> columns) => columns.Select(c => c == from ? to : c).ToList();
        Update(model with
        {
            Columns = model.Columns.Select(c => c.Name == from ? c with { Name = to } : c).ToList(),
            Indexes = model.Indexes.Select(i => i with { Columns = Rename(i.Columns) }).ToList(),
            ForeignKeys = model.ForeignKeys.Select(f => f with { Columns = Rename(f.Columns) }).ToList(),
            PrimaryKey = Rename(model.PrimaryKey),
        });
    }

    public void SetPrimaryKey(string table, IReadOnlyList<string> columns, int line, string? name = null)
    {
        if (Require(table, line, $"primary key on {table}") is { } model)
        {
            MissingColumns(model, columns, line, "primary key");
            RecordPrimaryKey(model, columns, name, line);

            // PostgreSQL makes every primary key column NOT NULL (checked on PostgreSQL 15: a column knex made nullable
            // is NOT NULL after primary([...])); SQLite does not, and the other dialects are left as they were.
            var notNull = Dialect == SqlDialect.PostgreSQL;
            Update(model with
            {
                PrimaryKey = columns,
                Columns = notNull ? model.Columns.Select(c => columns.Contains(c.Name) ? c with { Nullable = false } : c).ToList() : model.Columns,
            });
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
    public void AddIndex(string table, IReadOnlyList<string> columns, bool unique, string? name, int line, bool ifNotExists = false, bool? explicitName = null,
        string method = "btree", string? predicate = null, IReadOnlyList<string>? include = null, bool concurrently = false, bool asConstraint = false,
        bool keyDetailsUnknown = false)
    {
        IndexesDeclared++;
        NoteIdentifier(asConstraint ? "unique constraint" : unique ? "unique index" : "index", table, name ?? IndexNameFor(table, columns, unique ? "unique" : "index"), line, generated: !(explicitName ?? name is not null));
        Operations.Add(new LockOperation(asConstraint ? LockOperationKind.AddUniqueConstraint : LockOperationKind.CreateIndex, table,
            Identifier(name ?? IndexNameFor(table, columns, unique ? "unique" : "index")), line, concurrently, ExistedBeforeMigration(table))
        { Helper = Site });
        if (Require(table, line, $"{(unique ? "unique" : "index")} on {table}({string.Join(", ", columns)})") is not { } model)
        {
            return;
        }

        MissingColumns(model, columns, line, unique ? "unique" : "index");
        var indexName = Identifier(name ?? IndexNameFor(table, columns, unique ? "unique" : "index"));
        if (Current.IndexOwners.TryGetValue(indexName, out var ownerName) && Current.Table(ownerName) is { } owner)
        {
            var index = owner.Indexes.First(i => i.Name == indexName);
            if (ifNotExists)
            {
                return;
            }

            if (Current.KnowsIndex(owner, index.Origin))
            {
                Problem(line, $"index '{indexName}' already exists{RelationExists(indexName)}{TruncatedFrom(name ?? IndexNameFor(table, columns, unique ? "unique" : "index"))}");
                return;
            }

            Unknown(line, $"index '{indexName}': fails if the index made earlier is still there", Current.IndexUncertaintyOf(owner)!);
            Update(owner with { Indexes = owner.Indexes.Where(i => i.Name != indexName).ToList() });
            model = Current.Table(table)!;
        }

        Changed(table);
        Current = Current.WithIndex(table, new IndexModel
        {
            Name = indexName,
            Columns = columns,
            Unique = unique,
            ExplicitName = explicitName ?? name is not null,
            Origin = At(line, ifNotExists),
            Constraint = asConstraint,
            Method = method,
            Predicate = predicate,
            Include = include ?? [],
            KeyDetailsUnknown = keyDetailsUnknown,
        });
    }

    private void MissingColumns(TableModel model, IEnumerable<string> columns, int line, string what)
    {
        foreach (var column in columns.Where(c => !c.Contains('(', StringComparison.Ordinal) && ColumnKnown(model, c) == false))
        {
            Problem(line, $"{what} on {model.Name}: column '{column}' does not exist at this point");
        }
    }

    /// <summary>What could have made an index or constraint the replay does not see: an unknown on the table, or anywhere.</summary>
    private Uncertainty? CouldHaveMade(TableModel? table) =>
        table is not null && Current.IndexUncertaintyOf(table) is { } onTable ? onTable
        : Current.Unknown ?? Current.UnknownTables.Values.MaxBy(u => u.Sequence) ??
          Current.Tables.Values.SelectMany(t => new[] { t.Partial, t.PartialIndexes }).OfType<Uncertainty>().MaxBy(u => u.Sequence);

    /// <summary>
    /// Drops an index by name (anywhere, as DROP INDEX does) or by table and columns (as Knex's dropIndex does).
    /// <paramref name="unique"/> is Knex's dropUnique(), which on PostgreSQL sends ALTER TABLE ... DROP CONSTRAINT.
    /// </summary>
    public void DropIndex(string? table, IReadOnlyList<string>? columns, string? name, bool unique, bool ifExists, int line, bool concurrently = false)
    {
        var dropped = table ?? (name is not null && Current.IndexOwners.TryGetValue(Identifier(name), out var found) ? found : null);
        var droppedName = name ?? (dropped is not null && columns is not null ? Identifier(IndexNameFor(dropped, columns, unique ? "unique" : "index")) : null);
        var indexName = Identifier(name ?? (table is not null && columns is not null ? IndexNameFor(table, columns, unique ? "unique" : "index") : null));
        var owner = indexName is not null && Current.IndexOwners.TryGetValue(indexName, out var ownerName) ? Current.Table(ownerName) : null;
        var constraintIndex = owner?.Indexes.FirstOrDefault(i => i.Name == indexName)?.Constraint == true;
        var dropsConstraint = unique && Dialect == SqlDialect.PostgreSQL;
        Operations.Add(new LockOperation(LockOperationKind.DropIndex, dropped, droppedName, line, concurrently, ExistedBeforeMigration(dropped))
        {
            ConstraintIndex = constraintIndex,
            DropsConstraint = dropsConstraint,
            Helper = Site,
        });
        if (constraintIndex && !dropsConstraint && Dialect == SqlDialect.PostgreSQL)
        {
            // PostgreSQL: ERROR: cannot drop index x because constraint x on table t requires it (checked on a real server).
            Problem(line, $"drop index \"{indexName}\": PostgreSQL refuses it (\"cannot drop index {indexName} because constraint {indexName} on table {owner!.Name} requires it\"): the index belongs to a unique constraint, which only ALTER TABLE {owner.Name} DROP CONSTRAINT {indexName} removes");
            return;
        }

        if (dropsConstraint && owner is not null && !constraintIndex)
        {
            // A unique index made as an index (CREATE UNIQUE INDEX, unique(..., { useConstraint: false })) is no constraint:
            // PostgreSQL: ERROR: constraint "x" of relation "t" does not exist (checked on a real server).
            Problem(line, $"dropUnique: Knex sends ALTER TABLE {owner.Name} DROP CONSTRAINT {indexName}, and PostgreSQL refuses it (\"constraint \\\"{indexName}\\\" of relation \\\"{owner.Name}\\\" does not exist\"): {indexName} is a unique index, not a constraint; drop it with dropIndex([], '{indexName}') or DROP INDEX");
            return;
        }

        if (owner is null)
        {
            if (ifExists)
            {
                return;
            }

            // PostgreSQL index names are unique per schema: an index made by something unknown, on any table, may be the one.
            if (CouldHaveMade(table is null ? null : Current.Table(table)) is { } why)
            {
                Unknown(line, $"drop index \"{indexName}\": fails unless {why.Describe()} made it", why);
                return;
            }

            // table.dropIndex('orders_created_desc') reads its argument as a column: Knex sends
            // drop index "orders_orders_created_desc_index", and the index meant is never dropped.
            var meant = name is null && columns is [var only] && Current.IndexOwners.ContainsKey(only) ? only : null;
            Problem(line, meant is null
                ? $"drop index \"{indexName}\": no such index at this point"
                : $"drop index \"{indexName}\": no such index at this point; Knex reads the first argument of {(unique ? "dropUnique" : "dropIndex")} as column names, so '{meant}' is taken for a column: to drop the index {meant}, write table.{(unique ? "dropUnique" : "dropIndex")}([], '{meant}')");
            return;
        }

        Update(owner with { Indexes = owner.Indexes.Where(i => i.Name != indexName).ToList() });
    }

    public void AddForeignKey(string table, IReadOnlyList<string> columns, string referencesTable, IReadOnlyList<string> referencesColumns, string? onDelete, string? onUpdate, string? name, int line, bool notValid = false, bool columnsWritten = true)
    {
        Mentioned.Add(referencesTable);
        if (Require(table, line, $"foreign key {table}({string.Join(", ", columns)})") is not { } model)
        {
            return;
        }

        // SQLite checks foreign keys only when rows change, so it accepts one to a missing table; PostgreSQL and MySQL refuse it.
        var checksTarget = Dialect is not (SqlDialect.SQLite or SqlDialect.Unknown) && referencesTable != table;
        switch (Existence(referencesTable).State)
        {
            case TableState.Absent when checksTarget:
                Problem(line, $"foreign key {table}({string.Join(", ", columns)}) references '{referencesTable}', which does not exist at this point (dropped earlier): {Dialect} refuses it");
                break;
            case TableState.NeverSeen when checksTarget:
                // Created by a later migration (then this fails on an empty database) or outside the migrations.
                External(referencesTable, line, $"referenced by foreign key {table}({string.Join(", ", columns)})", placeholder: false);
                break;
        }

        // SQL's REFERENCES t without a column list means t's primary key, whatever it is: the model's "id" is a guess there.
        if (columnsWritten)
        {
            ReferencedKeyMustBeUnique(table, columns, referencesTable, referencesColumns, line);
        }

        NoteIdentifier("foreign key", table, name ?? IndexNameFor(table, columns, "foreign"), line, generated: name is null);

        // Constraint names are unique per table: a second foreign key (or a unique constraint) of the same name, often
        // two long generated names with the same first 63 bytes, fails with 42710 (checked on PostgreSQL 15).
        var fkName = Identifier(name ?? IndexNameFor(table, columns, "foreign"))!;
        if (Dialect == SqlDialect.PostgreSQL && Current.Table(table) is { } owner && (owner.ForeignKeys.FirstOrDefault(f => f.Name == fkName)?.Origin is { } taken && Current.Knows(owner, taken) ||
            owner.Indexes.FirstOrDefault(i => i.Name == fkName && i.Constraint)?.Origin is { } unique && Current.KnowsIndex(owner, unique)))
        {
            Problem(line, $"foreign key '{fkName}' on {table}: a constraint of that name already exists on {table} at this point (\"constraint \\\"{fkName}\\\" for relation \\\"{table}\\\" already exists\"){TruncatedFrom(name ?? IndexNameFor(table, columns, "foreign"))}");
            return;
        }

        var fk = new ForeignKeyModel
        {
            Name = fkName,
            Columns = columns,
            ReferencesTable = referencesTable,
            ReferencesColumns = referencesColumns,
            OnDelete = onDelete,
            OnUpdate = onUpdate,
            Origin = At(line),
        };
        Record(NewLock(LockOperationKind.AddForeignKey, table, line, name: fk.Name, target: referencesTable) with
        {
            NotValid = notValid,
            TargetExistedBefore = referencesTable == table ? null : ExistedBeforeMigration(referencesTable),
        });
        Update(Current.Table(table)! with { ForeignKeys = [.. Current.Table(table)!.ForeignKeys, fk] });
    }

    public void DropForeignKey(string table, IReadOnlyList<string>? columns, string? name, int line)
    {
        if (Require(table, line, $"drop foreign key on {table}") is not { } model)
        {
            return;
        }

        var fkName = Identifier(name ?? IndexNameFor(table, columns ?? [], "foreign"));
        if (model.ForeignKeys.All(f => f.Name != fkName))
        {
            if (Current.IsKnown(model))
            {
                Problem(line, $"drop foreign key '{fkName}' on {table}: no such foreign key at this point");
            }

            return;
        }

        Update(model with { ForeignKeys = model.ForeignKeys.Where(f => f.Name != fkName).ToList() });
    }

    /// <summary>ALTER TABLE ... DROP CONSTRAINT: a foreign key, a unique constraint or the primary key.</summary>
    public void DropConstraint(string table, string name, bool ifExists, int line)
    {
        name = Identifier(name)!;
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
        else if (!ifExists && !model.HasUnnamedConstraints && Current.IsKnown(model))
        {
            Problem(line, $"drop constraint '{name}' on {table}: no such constraint at this point");
        }
    }

    /// <summary>A CHECK or EXCLUDE constraint; <paramref name="name"/> null when the database picks a name the replay does not derive.</summary>
    public void AddCheck(string table, string? name, int line, bool notValid = false, string? notNullColumn = null, bool exclusion = false)
    {
        name = Identifier(name);
        if (Require(table, line, $"check constraint on {table}") is not { } model)
        {
            return;
        }

        Record(NewLock(exclusion ? LockOperationKind.AddExclusion : LockOperationKind.AddCheck, table, line, notNullColumn, name) with { NotValid = notValid });

        Update(name is null ? model with { HasUnnamedConstraints = true } : model with { Checks = [.. model.Checks, name] });
    }
}
