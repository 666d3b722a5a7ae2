namespace MigAudit.Knex.Schema;

/// <summary>
/// Which raw SQL statement an operation came from: PostgreSQL does the row work of one ALTER TABLE's actions in one pass
/// (one rewrite, one scan for all its NOT NULL and CHECK tests), and that of separate statements once each.
/// </summary>
public sealed partial class SchemaState
{
    private int sqlStatements;

    /// <summary>The SQL statement being applied, numbered from 1 over the replay; 0 outside SQL (a Knex builder call).</summary>
    public int SqlStatement { get; private set; }

    public void BeginSqlStatement() => SqlStatement = ++sqlStatements;

    public void EndSqlStatement() => SqlStatement = 0;
}
