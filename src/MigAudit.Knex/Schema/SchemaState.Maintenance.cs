using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>REINDEX and DETACH PARTITION: no fact the model holds changes; their locks are recorded (checked in pg_locks on PostgreSQL 15).</summary>
public sealed partial class SchemaState
{
    /// <summary>REINDEX TABLE <paramref name="table"/> or REINDEX INDEX <paramref name="index"/> (its table found by the index's name).</summary>
    public void Reindex(string? table, string? index, bool concurrently, int line)
    {
        var owner = table ?? (index is not null && Current.IndexOwners.TryGetValue(Identifier(index)!, out var found) ? found : null);

        // A primary key's index is not among the model's indexes: <table>_pkey, as PostgreSQL and knex name it.
        if (owner is null && index is not null && index.EndsWith("_pkey", StringComparison.Ordinal) && Current.Table(index[..^5]) is { PrimaryKey.Count: > 0 } keyed)
        {
            owner = keyed.Name;
        }

        if (owner is null)
        {
            // An index the replay does not know (a primary key's, or one made outside the migrations): the table is unknown.
            return;
        }

        if (table is not null && Require(table, line, $"reindex {table}") is null)
        {
            return;
        }

        Record(NewLock(LockOperationKind.Reindex, owner, line, name: index is null ? null : Identifier(index)) with { Concurrently = concurrently });
    }

    /// <summary>
    /// REINDEX SCHEMA / DATABASE / SYSTEM: every index of a schema or database, table after table, each in a transaction
    /// of its own; no table the model holds is named, so the statement is recorded with its scope and no table.
    /// </summary>
    public void ReindexAll(string scope, string? name, bool concurrently, int line) =>
        Record(new LockOperation(LockOperationKind.Reindex, null, name, line, concurrently, TableExistedBefore: null) { ReindexScope = scope });

    /// <summary>
    /// ALTER TABLE parent ATTACH PARTITION partition: SHARE UPDATE EXCLUSIVE on the parent (PostgreSQL 12+) and ACCESS
    /// EXCLUSIVE on the partition, whose rows PostgreSQL reads to check the partition bound unless a valid CHECK
    /// constraint on it implies the bound. The replay keeps CHECK constraints by name only, so a partition with any
    /// CHECK may skip the scan (unknown); one with none is scanned.
    /// </summary>
    public void AttachPartition(string parent, string partition, int line)
    {
        if (Require(parent, line, $"attach partition {partition} to {parent}") is null)
        {
            return;
        }

        Record(NewLock(LockOperationKind.AttachPartition, parent, line, target: partition));
        var model = Current.Table(partition);
        Record(NewLock(LockOperationKind.AttachPartition, partition, line, name: "partition", target: parent) with
        {
            ValidatesRows = model is not null && Current.IsKnown(model) && model.Checks.Count == 0 && !model.HasUnnamedConstraints ? true : null,
        });
    }

    /// <summary>ALTER TABLE parent DETACH PARTITION partition: the partition becomes a table of its own, which the model keeps as it was.</summary>
    public void DetachPartition(string parent, string partition, bool concurrently, int line)
    {
        if (Require(parent, line, $"detach partition {partition} from {parent}") is not null)
        {
            Record(NewLock(LockOperationKind.DetachPartition, parent, line, target: partition) with { Concurrently = concurrently });
            if (!concurrently)
            {
                // The partition is locked too (ACCESS EXCLUSIVE in pg_locks), whether or not the model knows it.
                Record(NewLock(LockOperationKind.DetachPartition, partition, line, name: "partition", target: parent));
            }
            else if (Current.Table(partition) is { } detached)
            {
                // DETACH CONCURRENTLY leaves a CHECK constraint mirroring the partition bound on the detached table
                // (PostgreSQL 15 named it measurements_2020_taken_on_check); its name is not derived here.
                Update(detached with { HasUnnamedConstraints = true });
            }
        }
    }
}
