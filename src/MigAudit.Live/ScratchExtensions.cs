using System.Text.RegularExpressions;
using MigAudit.Core;
using Npgsql;

namespace MigAudit.Live;

/// <summary>
/// Extensions the migrations create that the chain's role may not. Since PostgreSQL 13 a database owner may create
/// the extensions marked trusted (pgcrypto, citext, uuid-ossp, hstore, pg_trgm...) and only a superuser the others
/// (postgis, pg_stat_statements...). migaudit creates those others in the scratch database before the chain, as
/// superuser, when a migration asks for them with IF NOT EXISTS (knex's createExtensionIfNotExists or raw SQL), so that
/// the migration finds them there as it would on a production server where an administrator installed them. A plain
/// CREATE EXTENSION would then fail with "already exists", so those are left to fail with PostgreSQL's own "permission
/// denied", which the report explains. Extensions that reach outside the database (other servers, files, programs) are
/// never created.
/// </summary>
public static partial class ScratchExtensions
{
    /// <summary>Untrusted extensions that would hand the chain a way out of the scratch database.</summary>
    private static readonly HashSet<string> Refused = new(StringComparer.Ordinal)
    {
        "dblink", "postgres_fdw", "file_fdw", "adminpack", "plpython3u", "plperlu", "pltclu", "pg_read_server_files",
    };

    [GeneratedRegex(@"create\s+extension\s+(?<guard>if\s+not\s+exists\s+)?(?<q>[""'`]?)(?<name>[A-Za-z0-9_\-]+)\k<q>|createExtension(?<ifne>IfNotExists)?\(\s*(?<q2>[""'`])(?<name2>[A-Za-z0-9_\-]+)\k<q2>", RegexOptions.IgnoreCase)]
    private static partial Regex CreateExtension();

    /// <summary>The extensions the migrations create with IF NOT EXISTS, by name, in the order first seen.</summary>
    public static IReadOnlyList<string> AskedFor(IEnumerable<string> migrationTexts)
    {
        var names = new List<string>();
        foreach (var text in migrationTexts)
        {
            foreach (Match match in CreateExtension().Matches(text))
            {
                var guarded = match.Groups["guard"].Success || match.Groups["ifne"].Success;
                var name = (match.Groups["name"].Success ? match.Groups["name"].Value : match.Groups["name2"].Value).ToLowerInvariant();
                if (guarded && !names.Contains(name))
                {
                    names.Add(name);
                }
            }
        }

        return names;
    }

    /// <summary>Creates, in the scratch database, those of <paramref name="asked"/> that are installed, not trusted and not refused; the names created.</summary>
    public static async Task<IReadOnlyList<string>> PrepareAsync(string superuserOnScratch, IReadOnlyList<string> asked)
    {
        if (asked.Count == 0)
        {
            return [];
        }

        await using var connection = new NpgsqlConnection(superuserOnScratch);
        await connection.OpenAsync();
        var untrusted = new List<string>();
        await using (var query = new NpgsqlCommand("SELECT DISTINCT name FROM pg_available_extension_versions WHERE name = ANY(@names) AND NOT trusted ORDER BY name", connection))
        {
            query.Parameters.AddWithValue("names", asked.ToArray());
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                untrusted.Add(reader.GetString(0));
            }
        }

        var created = new List<string>();
        foreach (var name in asked.Where(untrusted.Contains).Where(n => !Refused.Contains(n)))
        {
            await using var create = new NpgsqlCommand($"CREATE EXTENSION IF NOT EXISTS {Quoting.SqlIdentifier(name)}", connection);
            await create.ExecuteNonQueryAsync();
            created.Add(name);
        }

        return created;
    }

    [GeneratedRegex(@"permission denied to create extension ""(?<name>[^""]+)""")]
    private static partial Regex PermissionDenied();

    /// <summary>Why the chain's role could not create an extension, when the error says so; null otherwise.</summary>
    public static string? Explain(string error)
    {
        var match = PermissionDenied().Match(error);
        return !match.Success
            ? null
            : Refused.Contains(match.Groups["name"].Value)
                ? $"{match.Groups["name"].Value} reaches outside the database, so migaudit never creates it on the scratch server, where the chain runs as a non-superuser"
                : $"{match.Groups["name"].Value} is not a trusted extension: on the scratch server the chain runs as a non-superuser, and migaudit creates such an extension beforehand only when the migration asks for it with IF NOT EXISTS (a plain CREATE EXTENSION would then fail with 'already exists')";
    }
}
