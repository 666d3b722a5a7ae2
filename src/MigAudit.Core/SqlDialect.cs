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

/// <summary>Which database the migrations are compiled for, and how migaudit knows it.</summary>
/// <param name="Client">The knex client as written ('pg', 'better-sqlite3'), or null when it is not statically known.</param>
/// <param name="Source">Where it was read: "knexfile.js:4 (client: 'pg')", or why it is unknown.</param>
/// <param name="Possible">When the client is chosen at run time: the dialects the project's installed drivers allow.</param>
public sealed record DialectInfo(SqlDialect Dialect, string? Client, string Source, IReadOnlyList<SqlDialect> Possible)
{
    public static readonly DialectInfo NotStated = new(SqlDialect.Unknown, null, "no knexfile client and no database driver in package.json", []);

    public bool IsPostgreSQL => Dialect == SqlDialect.PostgreSQL;

    /// <summary>"PostgreSQL (knexfile.js:4, client 'pg')" or "unknown (...)".</summary>
    public string Describe() => Dialect == SqlDialect.Unknown ? $"unknown: {Source}" : $"{Dialect} ({Source})";
}
