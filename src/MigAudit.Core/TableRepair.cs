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
    public bool Names(string name) =>
        Literals.Any(literal => literal == name || literal == MigrationNames.Stem(name) || (literal.Length >= 5 && name.StartsWith(literal, StringComparison.Ordinal)));

    /// <summary>
    /// The SQL LIKE pattern of the file that repairs this name's row with every row it matches, or null: such as
    /// <c>where('name', 'like', '%.js')</c> followed by a rewrite of each row's extension, or
    /// <c>UPDATE knex_migrations SET name = replace(name, '.js', '.ts') WHERE name LIKE '%.js'</c>.
    /// </summary>
    /// <param name="forRename">
    /// The row's file was renamed, not deleted: a pattern update (rewriting each matched row's name) repairs it, while for
    /// a deleted file only a pattern delete does (an updated row still names no file).
    /// </param>
    public string? PatternFor(string name, bool forRename) =>
        forRename || Operation == "delete" ? Literals.FirstOrDefault(literal => LikeMatches(literal, name)) : null;

    /// <summary>The file names this name, or holds a pattern that repairs its row (see <see cref="PatternFor"/>).</summary>
    public bool Mentions(string name, bool forRename = false) => Names(name) || PatternFor(name, forRename) is not null;

    /// <summary>
    /// SQL LIKE (case-sensitive, as PostgreSQL's LIKE): % any run, _ one character, backslash escapes. Only a pattern
    /// with a % and at least three other characters counts: '%' alone or '%s' in a format string is no repair of a name.
    /// </summary>
    public static bool LikeMatches(string pattern, string name)
    {
        if (!pattern.Contains('%', StringComparison.Ordinal) || pattern.Count(c => c != '%') < 3 || pattern.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }

        var regex = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            regex.Append(c switch
            {
                '%' => ".*",
                '_' => ".",
                '\\' when i + 1 < pattern.Length => System.Text.RegularExpressions.Regex.Escape(pattern[++i].ToString()),
                _ => System.Text.RegularExpressions.Regex.Escape(c.ToString()),
            });
        }

        return System.Text.RegularExpressions.Regex.IsMatch(name, regex.Append('$').ToString(), System.Text.RegularExpressions.RegexOptions.Singleline, TimeSpan.FromMilliseconds(100));
    }

    public string Describe(string table) => $"{File}:{Line} ({Operation} on {table})";
}
