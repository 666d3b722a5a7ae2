using MigAudit.Core;

namespace MigAudit.Config;

/// <summary>What a client is for: the app's database, another database, a test, or a one-shot script.</summary>
public static class ClientRoles
{
    private static readonly HashSet<string> TestFolders = new(StringComparer.OrdinalIgnoreCase) { "test", "tests", "__tests__", "spec", "specs", "e2e", "fixtures", "__fixtures__", "__mocks__", "cypress", "playwright" };

    private static readonly HashSet<string> ScriptFolders = new(StringComparer.OrdinalIgnoreCase) { "scripts", "script", "bin", "cli", "tools" };

    /// <summary>By where the client is written: a test's or a script's pool is not the app's, and runs beside it only briefly.</summary>
    public static ClientRole OfFile(string relative, string text)
    {
        var folders = relative.Split('/').SkipLast(1).ToList();
        var name = Path.GetFileName(relative);
        if (folders.Any(TestFolders.Contains) || name.Contains(".test.", StringComparison.Ordinal) || name.Contains(".spec.", StringComparison.Ordinal))
        {
            return ClientRole.Test;
        }

        if (folders.Any(ScriptFolders.Contains))
        {
            return ClientRole.Script;
        }

        return text.StartsWith("#!", StringComparison.Ordinal) ? ClientRole.Script : ClientRole.App;
    }

    /// <summary>Folders that hold code connecting to the databases users or integrations configure, not to the app's own.</summary>
    private static readonly HashSet<string> IntegrationFolders = new(StringComparer.OrdinalIgnoreCase)
    {
        "monitor", "monitors", "monitor-types", "integration", "integrations", "connector", "connectors", "datasource", "datasources",
        "data-sources", "plugins", "providers", "adapters", "drivers",
    };

    /// <summary>
    /// A client built from a function's argument in an integrations folder connects to a database it is handed at run
    /// time. Elsewhere (connectDb(config) in src/db.ts) the argument is usually the app's own configuration, so the role
    /// stays the app's and its unknown values are simply not compared.
    /// </summary>
    public static string? IntegrationArgument(string relative, string? argument) =>
        argument is not null && relative.Split('/').SkipLast(1).FirstOrDefault(IntegrationFolders.Contains) is { } folder
            ? $"connection from the argument '{argument}' of the function that builds it, in the integrations folder '{folder}/'"
            : null;

    private static readonly string[] UrlSuffixes = ["_CONNECTION_STRING", "_URL", "_URI", "_DSN", "URL", "URI", "DSN"];

    /// <summary>Words that name the main database or a deployment stage, not another database: DB_URI and DATABASE_URL are one family.</summary>
    private static readonly HashSet<string> DatabaseWords = new(StringComparer.Ordinal)
    {
        "DB", "DATABASE", "PG", "POSTGRES", "POSTGRESQL", "PSQL", "SQL", "MAIN", "PRIMARY", "APP", "KNEX", "CONNECTION", "STRING",
        "PROD", "PRODUCTION", "DEV", "DEVELOPMENT", "STAGING", "STAGE", "LOCAL", "TEST", "CI", "HOST", "PORT", "NAME", "USER", "PASSWORD", "PASS",
    };

    /// <summary>
    /// The distinguishing words of a connection variable: ANALYTICS_DATABASE_URL → ANALYTICS; DATABASE_URL, DB_URI and
    /// PROD_DB_URL → none (the app's own family).
    /// </summary>
    public static string Family(string variable)
    {
        var upper = variable.ToUpperInvariant();
        foreach (var suffix in UrlSuffixes)
        {
            if (upper.EndsWith(suffix, StringComparison.Ordinal))
            {
                upper = upper[..^suffix.Length];
                break;
            }
        }

        return string.Join('_', upper.Split('_', StringSplitOptions.RemoveEmptyEntries).Where(w => !DatabaseWords.Contains(w)));
    }

    /// <summary>
    /// An app client whose connection variables all belong to another family than the migrations' (READONLY_DATABASE_URL
    /// beside DATABASE_URL) reaches another database: the reason, or null.
    /// </summary>
    public static string? OtherFamily(IReadOnlyList<string> clientVariables, IReadOnlyList<string> migrationVariables)
    {
        var urlLike = clientVariables.Where(v => UrlSuffixes.Any(s => v.EndsWith(s, StringComparison.OrdinalIgnoreCase))).ToList();
        var reference = migrationVariables.Select(Family).ToHashSet(StringComparer.Ordinal);
        if (urlLike.Count == 0 || reference.Count == 0)
        {
            return null;
        }

        var families = urlLike.Select(Family).ToList();
        return families.All(f => f.Length > 0 && !reference.Contains(f))
            ? $"connection from {string.Join(", ", urlLike)}, another database than the migrations' {string.Join(", ", migrationVariables)}"
            : null;
    }
}
