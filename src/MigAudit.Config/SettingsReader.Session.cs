using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

public static partial class SettingsReader
{
    /// <summary>
    /// Where a knex/pg client's code sets a session setting such as lock_timeout: node-postgres sends its own
    /// lock_timeout key and the options string ("-c lock_timeout=5s") in the startup message (pg's client.js), and
    /// Knex runs pool.afterCreate on every new connection. A connection string may carry it in its options parameter.
    /// Not set by the code, the environment (PGOPTIONS, which node-postgres reads for options) or the role or database
    /// (ALTER ROLE ... SET) may still set it: the source says so.
    /// </summary>
    internal static SessionSetting SessionSettingOf(string setting, StaticValue connection, JsObject? pool)
    {
        if (connection is JsObject options)
        {
            if (options.Lookup(setting) is { } direct and not JsUndefined)
            {
                return direct is JsUnknown unknown
                    ? new SessionSetting(null, $"connection.{setting} is {unknown.Expression}")
                    : new SessionSetting(true, $"connection.{setting} = {StaticValueText.Describe(direct)}");
            }

            if (Mentions(options.Lookup("options"), setting) is { } inOptions)
            {
                return inOptions;
            }

            if (Mentions(options.Lookup("connectionString"), setting) is { } inString)
            {
                return inString;
            }
        }
        else if (Mentions(connection, setting) is { Set: true } inUrl)
        {
            return inUrl;
        }

        switch (pool?.Lookup("afterCreate"))
        {
            // The hook's own SQL (conn.query('SET lock_timeout = ...')), in a string or a template.
            case JsFunction afterCreate when SyntaxSearch.Descendants((Acornima.Ast.Node)afterCreate.Function).Any(n => n switch
            {
                Acornima.Ast.StringLiteral literal => literal.Value.Contains(setting, StringComparison.OrdinalIgnoreCase),
                Acornima.Ast.TemplateElement element => element.Value.Raw.Contains(setting, StringComparison.OrdinalIgnoreCase),
                _ => false,
            }):
                return new SessionSetting(true, $"pool.afterCreate ({afterCreate.File}:{((Acornima.Ast.Node)afterCreate.Function).Location.Start.Line})");
            case JsUnknown unknown:
                return new SessionSetting(null, $"pool.afterCreate is {unknown.Expression}");
        }

        return new SessionSetting(false, $"not set by the configuration's code; PGOPTIONS in the environment or ALTER ROLE/DATABASE ... SET {setting} could still set it");
    }

    private static SessionSetting? Mentions(StaticValue? value, string setting) => value switch
    {
        JsString text when text.Value.Contains(setting, StringComparison.OrdinalIgnoreCase) => new SessionSetting(true, "the connection's options"),
        _ => null,
    };
}
