using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>
/// The statements the lock rules look at, recorded as the replay applies them, each with whether its table existed
/// before the migration (a table the migration creates is empty and unseen: nothing waits on it).
/// </summary>
public sealed partial class SchemaState
{
    /// <summary>Columns added since the last <see cref="ResetTouched"/> (table, column): renaming or dropping one breaks no running code.</summary>
    private readonly HashSet<(string Table, string Column)> columnsAddedHere = [];

    private LockOperation NewLock(LockOperationKind kind, string table, int line, string? column = null, string? name = null, string? target = null) =>
        new(kind, table, name, line, Concurrently: false, ExistedBeforeMigration(table))
        {
            Column = column,
            Target = target,
            NewColumn = column is not null && columnsAddedHere.Contains((table, column)),
        };

    private void Record(LockOperation operation)
    {
        Operations.Add(operation with { Helper = Site, Statement = SqlStatement });
        if (operation is { Kind: LockOperationKind.AddColumn, Table: { } table, Column: { } column })
        {
            columnsAddedHere.Add((table, column));
        }
        else if (operation is { Kind: LockOperationKind.RenameColumn, NewColumn: true, Table: { } renamed, Target: { } to })
        {
            columnsAddedHere.Add((renamed, to));
        }
    }

    /// <summary>
    /// Rows written (<paramref name="verb"/>: update, insert, delete...): the schema is unchanged and nothing is required
    /// of the table (a write to a missing table is the database's error, not the replay's), only the statement's place.
    /// </summary>
    /// <param name="allRows">An UPDATE or DELETE with no WHERE: every row of the table is written.</param>
    /// <param name="loop">The loop the write runs in, once per item ("for...of loop at line 4"), or null.</param>
    public void DataChange(string table, string verb, int line, bool allRows = false, string? loop = null) =>
        Record(NewLock(LockOperationKind.DataChange, table, line, name: verb) with { AllRows = allRows, Loop = loop });

    /// <summary>VALIDATE CONSTRAINT changes nothing the model holds; its lock is recorded.</summary>
    public void ValidateConstraint(string table, string name, int line)
    {
        if (Require(table, line, $"validate constraint {name} on {table}") is not null)
        {
            Record(NewLock(LockOperationKind.ValidateConstraint, table, line, name: Identifier(name)));
        }
    }

    /// <summary>
    /// What an ALTER COLUMN does: Knex's .alter() sends DROP DEFAULT, DROP NOT NULL, TYPE ... USING and, with
    /// notNullable(), SET NOT NULL again (checked with knex's toSQL()), so its SET NOT NULL scans the table even when
    /// the column was NOT NULL before. A SQL SET NOT NULL on a column already NOT NULL does nothing.
    /// </summary>
    private void RecordAlter(string table, string column, string? type, bool? nullable, ColumnModel? before, int line, bool saidNullable)
    {
        if (type is not null)
        {
            Record(NewLock(LockOperationKind.AlterColumnType, table, line, column) with { Type = type, PreviousType = before?.Type is null or "?" ? null : before.Type });
        }

        if (nullable == true && !saidNullable && type is not null && before is { Nullable: false })
        {
            // Type set: Knex's .alter() without notNullable() sends DROP NOT NULL (knex 3.1.0's toSQL()), whether or not
            // the author meant the column to become nullable.
            Record(NewLock(LockOperationKind.DropNotNull, table, line, column) with { Type = type });
        }

        if (nullable == false && (type is not null || before is not { Nullable: false }))
        {
            // Type set: Knex's .alter(), which sends DROP NOT NULL first.
            Record(NewLock(LockOperationKind.SetNotNull, table, line, column) with { Type = type });
        }
    }
}
