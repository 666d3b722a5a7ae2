namespace MigAudit.Core;

/// <summary>
/// Code of the project's own that writes to the migrations table (knex('knex_migrations').truncate(), an
/// <c>UPDATE knex_migrations SET name = ...</c>): a repair the project may already make for deleted or renamed
/// migrations. Found by reading, never by running.
/// </summary>
/// <param name="Operation">"truncate", "delete", "update", "insert", "rename table" (the SQL or builder verb).</param>
/// <param name="Literals">The string literals of the same file, which name the rows it repairs (a name or a prefix).</param>
public sealed record TableRepair(string File, int Line, string Operation, IReadOnlyList<string> Literals)
{
    /// <summary>Empties or replaces the whole table: every recorded name is handled.</summary>
    public bool CoversEveryName => Operation is "truncate" or "delete all" or "rename table";

    /// <summary>The file names this name (or a prefix of at least five characters of it, as in indexOf('2.0.0-beta')).</summary>
    public bool Mentions(string name) =>
        Literals.Any(literal => literal == name || literal == MigrationNames.Stem(name) || (literal.Length >= 5 && name.StartsWith(literal, StringComparison.Ordinal)));

    public string Describe(string table) => $"{File}:{Line} ({Operation} on {table})";
}
