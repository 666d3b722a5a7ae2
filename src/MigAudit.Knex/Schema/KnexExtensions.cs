using System.Text.RegularExpressions;
using MigAudit.Knex.Discovery;

namespace MigAudit.Knex.Schema;

/// <summary>
/// Whether a project may add methods to knex's builders, which makes "knex has no such method" unknowable: knex's
/// own extend() (<c>Knex.SchemaBuilder.extend('name', fn)</c>, likewise QueryBuilder, TableBuilder, ColumnBuilder,
/// ViewBuilder) takes the new method's name as its first argument, and plugins (knex-paginate, knex-postgis...) call
/// it when the knexfile loads them. Either sign turns the member check off: the replay then only says it did not
/// follow the call, as it does for any call it does not model.
/// </summary>
public static partial class KnexExtensions
{
    /// <summary>Why the project may extend knex (a plugin in package.json, an extend call in the knexfile), or null.</summary>
    public static string? Reason(string packageDirectory, string? knexfileText, string? knexfile)
    {
        if (PackageJson.Read(packageDirectory) is { } package)
        {
            var plugin = package.DependencyNames()
                .Where(name => name != "knex" && name.Contains("knex", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).FirstOrDefault();
            if (plugin is not null)
            {
                return $"package.json installs {plugin}, which may add methods to knex's builders";
            }
        }

        return knexfileText is not null && ExtendCall(knexfileText) is { } line ? $"{knexfile}:{line} calls extend(), which may add methods to knex's builders" : null;
    }

    /// <summary>The line of the first <c>.extend('name'</c> in a module's text, or null.</summary>
    public static int? ExtendCall(string text)
    {
        var match = ExtendPattern().Match(text);
        return match.Success ? text.AsSpan(0, match.Index).Count('\n') + 1 : null;
    }

    [GeneratedRegex(@"\.\s*extend\s*\(\s*['""`]", RegexOptions.CultureInvariant)]
    private static partial Regex ExtendPattern();
}
