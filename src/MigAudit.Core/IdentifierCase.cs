using System.Text.RegularExpressions;

namespace MigAudit.Core;

/// <summary>A knexfile's wrapIdentifier that renames every identifier Knex sends (table, column and index names).</summary>
public enum IdentifierTransform
{
    None,

    /// <summary>lodash's snakeCase (wrapIdentifier: (v, orig) => orig(_.snakeCase(v)), objection's knexSnakeCaseMappers, knex-stringcase).</summary>
    SnakeCase,

    /// <summary>A wrapIdentifier migaudit does not model: real names may differ from the replayed ones.</summary>
    Unknown,
}

public static partial class IdentifierCase
{
    // lodash's words() for ASCII: an upper-case run before a capitalised word, a (capitalised) lower-case word, an
    // upper-case run, a digit run. Checked against lodash itself (tests/node).
    [GeneratedRegex("[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")]
    private static partial Regex Words();

    /// <summary>lodash.snakeCase for ASCII names: "createdAt" -> "created_at", "HTMLParser" -> "html_parser", "user2fa" -> "user_2_fa".</summary>
    public static string SnakeCase(string name) => string.Join('_', Words().Matches(name).Select(m => m.Value.ToLowerInvariant()));
}
