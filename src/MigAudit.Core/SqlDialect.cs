namespace MigAudit.Core;

/// <summary>
/// The database family Knex compiles for, read from the knexfile's client. Column types, generated SQL and which
/// rules apply all depend on it; a claim about PostgreSQL is made only when it is PostgreSQL.
/// </summary>
public enum SqlDialect
{
    PostgreSQL,
    MySQL,
    SQLite,
    MSSQL,
    Oracle,

    /// <summary>The client is chosen at run time or not recognised.</summary>
    Unknown,
}
