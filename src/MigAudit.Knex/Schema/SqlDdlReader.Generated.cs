namespace MigAudit.Knex.Schema;

public static partial class SqlDdlReader
{
    /// <summary>
    /// The clause after GENERATED: ALWAYS AS (expression) STORED is "stored", ALWAYS | BY DEFAULT AS IDENTITY [(sequence
    /// options)] is "identity". Either way PostgreSQL computes the value for every existing row when the column is added,
    /// which rewrites the table (its relfilenode changes; checked on PostgreSQL 15).
    /// </summary>
    private static string GeneratedKind(IEnumerable<SqlToken> clause) => clause.Any(t => t.IsWord("IDENTITY")) ? "identity" : "stored";
}
