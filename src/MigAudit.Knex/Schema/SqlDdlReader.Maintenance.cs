namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    private sealed partial class Reader
    {
        /// <summary>
        /// REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM} [CONCURRENTLY] name. A schema, database or
        /// system reindex names no table the model holds: its lock is not recorded.
        /// </summary>
        private string? Reindex()
        {
            Expect("REINDEX");
            if (Accept("("))
            {
                SkipBalanced();
            }

            var index = Accept("INDEX");
            var table = !index && Accept("TABLE");
            if (!index && !table)
            {
                position = tokens.Count;
                return null;
            }

            var concurrently = Accept("CONCURRENTLY");
            var name = index ? Name() : TableName();
            if (!AtEnd)
            {
                return $"REINDEX ... '{Peek()}' is not read by migaudit";
            }

            state.Reindex(index ? null : name, index ? name : null, concurrently, line);
            return null;
        }

        /// <summary>
        /// ALTER TABLE parent ATTACH PARTITION partition FOR VALUES ... | DEFAULT: no fact the model holds changes. Its
        /// locks (SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the partition) are not modelled: verify's trace
        /// shows them, as a disagreement, on tables that existed before.
        /// </summary>
        private string? AttachPartition()
        {
            Expect("ATTACH");
            Expect("PARTITION");
            TableName();
            position = tokens.Count;
            return null;
        }

        /// <summary>ALTER TABLE parent DETACH PARTITION partition [CONCURRENTLY | FINALIZE].</summary>
        private string? DetachPartition(string parent)
        {
            Expect("DETACH");
            Expect("PARTITION");
            var partition = TableName();
            var concurrently = Accept("CONCURRENTLY");
            if (!concurrently && Accept("FINALIZE"))
            {
                // Ends a DETACH ... CONCURRENTLY that was interrupted: SHARE UPDATE EXCLUSIVE, as CONCURRENTLY.
                concurrently = true;
            }

            state.DetachPartition(parent, partition, concurrently, line);
            return null;
        }
    }
}
