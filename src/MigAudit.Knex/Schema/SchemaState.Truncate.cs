using MigAudit.Core;

namespace MigAudit.Knex.Schema;

/// <summary>TRUNCATE (Knex's truncate(), SQL's TRUNCATE [CASCADE]): no schema change, an ACCESS EXCLUSIVE lock and every row gone.</summary>
public sealed partial class SchemaState
{
    /// <summary>
    /// PostgreSQL refuses to truncate a table another table's foreign key references unless that table is truncated in
    /// the same statement ("cannot truncate a table referenced in a foreign key constraint", whether or not any row
    /// refers to it; checked on PostgreSQL 15). CASCADE truncates the referencing tables, and theirs, too, each under an
    /// ACCESS EXCLUSIVE lock: they are recorded with the named table as their <see cref="LockOperation.Target"/>.
    /// </summary>
    public void Truncate(IReadOnlyList<string> tables, bool cascade, int line)
    {
        var named = new List<string>();
        foreach (var table in tables)
        {
            if (Require(table, line, $"truncate {table}") is not null)
            {
                named.Add(table);
            }
        }

        var reached = new List<(string Table, string From)>();
        var truncated = new HashSet<string>(named, StringComparer.Ordinal);
        for (var i = 0; i < named.Count + reached.Count; i++)
        {
            var from = i < named.Count ? named[i] : reached[i - named.Count].Table;
            foreach (var (referencing, key) in Current.Tables.Values.SelectMany(t => t.ForeignKeys.Where(f => f.ReferencesTable == from).Select(f => (t.Name, f))))
            {
                if (truncated.Contains(referencing))
                {
                    continue;
                }

                if (!cascade)
                {
                    Problem(line, $"truncate {from}: PostgreSQL refuses it (\"cannot truncate a table referenced in a foreign key constraint\"): {referencing}({string.Join(", ", key.Columns)}) references {from}; truncate {referencing} in the same statement, or drop that foreign key first");
                    return;
                }

                truncated.Add(referencing);
                reached.Add((referencing, from));
            }
        }

        foreach (var table in named)
        {
            Record(NewLock(LockOperationKind.Truncate, table, line) with
            {
                Cascade = cascade,
                Target = reached.Count == 0 ? null : string.Join(", ", reached.Select(r => r.Table)),
            });
        }

        foreach (var (table, from) in reached)
        {
            Record(NewLock(LockOperationKind.Truncate, table, line, name: "cascade", target: from) with { Cascade = true });
        }
    }
}
