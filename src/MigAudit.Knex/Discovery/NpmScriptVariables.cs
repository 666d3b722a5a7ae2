using System.Text.Json;
using System.Text.RegularExpressions;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// The package.json "config" values npm gives a script as environment variables (<c>npm_package_config_knex</c> for
/// <c>"config": { "knex": "--knexfile ./dist/config/knexfile.ts" }</c>, npm 7+ @npmcli/run-script), substituted where
/// the script writes <c>$npm_package_config_knex</c> or <c>${npm_package_config_knex}</c>, as the shell npm runs it in
/// does. Other variables are left as written.
/// </summary>
public static partial class NpmScriptVariables
{
    [GeneratedRegex(@"\$(?:\{npm_package_config_(?<braced>[A-Za-z0-9_]+)\}|npm_package_config_(?<plain>[A-Za-z0-9_]+))")]
    private static partial Regex ConfigVariable();

    public static string Expand(string command, JsonElement package)
    {
        if (package.Section("config") is not { } config)
        {
            return command;
        }

        return ConfigVariable().Replace(command, match =>
        {
            var key = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            return config.TryGetProperty(key, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
                ? value.ToString()
                : match.Value;
        });
    }
}
