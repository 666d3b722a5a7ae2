namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    private sealed partial class Reader
    {
        /// <summary>
        /// REINDEX [(options)] {INDEX | TABLE | SCHEMA | DATABASE | SYSTEM} [CONCURRENTLY] name. A schema, database or
        /// system reindex names no table the model holds: it is recorded with its scope, since PostgreSQL refuses it
        /// inside a transaction block ("REINDEX SCHEMA cannot run inside a transaction block", PostgreSQL 15).
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
                var scope = Accept("SCHEMA") ? "SCHEMA" : Accept("DATABASE") ? "DATABASE" : Accept("SYSTEM") ? "SYSTEM" : null;
                var wide = scope is not null && Accept("CONCURRENTLY");
                // The name is optional for DATABASE and SYSTEM since PostgreSQL 16 (the current database either way).
                var named = scope is not null && !AtEnd ? Name() : null;
                if (scope is not null)
                {
                    state.ReindexAll(scope, named, wide, line);
                }

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
        /// ALTER TABLE parent ATTACH PARTITION partition FOR VALUES ... | DEFAULT: no fact the model holds changes; its
        /// locks are recorded (SHARE UPDATE EXCLUSIVE on the parent, ACCESS EXCLUSIVE on the partition: pg_locks on
        /// PostgreSQL 15).
        /// </summary>
        private string? AttachPartition(string parent)
        {
            Expect("ATTACH");
            Expect("PARTITION");
            var partition = TableName();
            position = tokens.Count;
            state.AttachPartition(parent, partition, line);
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
