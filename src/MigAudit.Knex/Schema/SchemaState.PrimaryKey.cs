using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>Primary keys added to a table, as the lock rules see them.</summary>
public sealed partial class SchemaState
{
    /// <summary>
    /// ADD PRIMARY KEY builds its unique index under ACCESS EXCLUSIVE and makes every key column NOT NULL, scanning the
    /// table for a column that was nullable (checked in pg_locks on PostgreSQL 15). A column whose nullability the replay
    /// does not know is not named.
    /// </summary>
    private void RecordPrimaryKey(TableModel model, IReadOnlyList<string> columns, string? name, int line, bool usingIndex = false) =>
        Record(NewLock(LockOperationKind.AddPrimaryKey, model.Name, line, name: Identifier(name ?? $"{model.Name}_pkey")) with
        {
            NullableColumns = [.. columns.Where(c => model.Column(c) is { Nullable: true })],
            UsingIndex = usingIndex,
        });

    /// <summary>
    /// ADD CONSTRAINT name PRIMARY KEY USING INDEX index: the unique index built beforehand (CONCURRENTLY) becomes the
    /// key and takes the constraint's name; its columns become NOT NULL. PostgreSQL refuses an index that is not unique.
    /// </summary>
    public void PrimaryKeyUsingIndex(string table, string? name, string index, int line)
    {
        if (Require(table, line, $"primary key on {table}") is not { } model)
        {
            return;
        }

        index = Identifier(index)!;
        if (model.Indexes.FirstOrDefault(i => i.Name == index) is not { } found)
        {
            if (Current.IsKnown(model))
            {
                Problem(line, $"primary key using index \"{index}\" on {table}: no such index on {table} at this point");
            }
            else
            {
                MarkUnknown(NewUncertainty(line, $"primary key of {table} using index {index}, which the replay does not know"), table);
            }

            return;
        }

        if (!found.Unique && Dialect == SqlDialect.PostgreSQL)
        {
            Problem(line, $"primary key using index \"{index}\" on {table}: PostgreSQL refuses it (\"\\\"{index}\\\" is not a unique index\")");
            return;
        }

        RecordPrimaryKey(model, found.Columns, name ?? index, line, usingIndex: true);
        Update(model with
        {
            PrimaryKey = found.Columns,
            Indexes = model.Indexes.Where(i => i.Name != index).ToList(),
            Columns = model.Columns.Select(c => found.Columns.Contains(c.Name) ? c with { Nullable = false } : c).ToList(),
        });
    }
}
