using System.Text.RegularExpressions;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

/// <summary>node-postgres's settings: its Pool and Client, and the libraries that hand it their configuration.</summary>
public static partial class SettingsReader
{
    public static ClientSettings ForPg(StaticValue config, Scenario scenario)
    {
        if (config is JsUnknown)
        {
            return AllUnknown(config);
        }

        var options = config as JsObject ?? new JsObject([], config is JsUnknown);
        var (source, variables, localhost) = DescribeConnection(options.Properties.Count == 0 && config is JsString ? config : options);
        var timeout = options.Lookup("connectionTimeoutMillis");
        return new ClientSettings
        {
            Min = Number(options.Lookup("min"), SettingValue.Default(PgPoolMin, "pg"), orDefault: true),
            Max = Number(options.Lookup("max") ?? options.Lookup("poolSize"), SettingValue.Default(PgPoolMax, "pg"), orDefault: true),
            AcquireTimeoutMillis = timeout is null or JsUndefined or JsNumber { Value: 0 }
                ? new SettingValue("none: pg waits forever for a connection (connectionTimeoutMillis unset)", null, true, true)
                : Number(timeout, SettingValue.NotApplicable, orDefault: false) with { Text = $"{StaticValueText.Describe(timeout)} (connectionTimeoutMillis)" },
            IdleTimeoutMillis = options.Lookup("idleTimeoutMillis") is null or JsUndefined ? SettingValue.Default(PgPoolIdleTimeout, "pg") : Number(options.Lookup("idleTimeoutMillis"), SettingValue.Default(PgPoolIdleTimeout, "pg"), orDefault: false),
            CreateTimeoutMillis = SettingValue.NotApplicable,
            Ssl = SslOf(options.Properties.Count == 0 && config is JsString ? config : options, scenario),
            ConnectionSource = source,
            ConnectionVariables = variables,
            HardCodedLocalhost = localhost,
            Dialect = SqlDialect.PostgreSQL,
        };
    }

    /// <summary>node-postgres: ssl params in a connection string win, then the ssl option, then PGSSLMODE, else off.</summary>
    public static SslValue SslOf(StaticValue connection, Scenario scenario)
    {
        var url = connection switch
        {
            JsString s => s.Value,
            JsObject o when o.Lookup("connectionString") is JsString s => s.Value,
            _ => null,
        };
        if (url is not null && SslFromUrl(url) is { } fromUrl)
        {
            return fromUrl;
        }

        var ssl = connection is JsObject obj ? obj.Lookup("ssl") : null;
        switch (ssl)
        {
            case null or JsUndefined:
                if (connection is JsUnknown unknown)
                {
                    return new SslValue(SslState.Unknown, $"connection not statically known: {unknown.Expression}");
                }

                if (scenario.Variables.TryGetValue("PGSSLMODE", out var mode))
                {
                    return mode == "disable" ? new SslValue(SslState.Off, "PGSSLMODE=disable")
                        : new SslValue(mode == "no-verify" ? SslState.NotVerified : SslState.Verified, $"PGSSLMODE={mode}");
                }

                if (scenario.PgDefaultSsl is StaticValue fallback and not JsUndefined && scenario.PgDefaultSslSource is { } fallbackSource)
                {
                    var fromDefaults = SslOf(new JsObject([new("ssl", fallback)], false), scenario);
                    return fromDefaults with { Source = fallbackSource };
                }

                return new SslValue(SslState.Off, "no ssl option: pg's default");
            case JsBoolean { Value: false } or JsNull:
                return new SslValue(SslState.Off, "ssl: false");
            case JsBoolean { Value: true }:
                return new SslValue(SslState.Verified, "ssl: true");
            case JsString { Value: "true" }:
                return new SslValue(SslState.Verified, "ssl: 'true'");
            case JsString { Value: "no-verify" }:
                return new SslValue(SslState.NotVerified, "ssl: 'no-verify'");
            case JsString other:
                return new SslValue(other.Value.Length > 0 ? SslState.Verified : SslState.Off, $"ssl: '{other.Value}'");
            case JsObject options:
                return options.Lookup("rejectUnauthorized") is JsBoolean { Value: false }
                    ? new SslValue(SslState.NotVerified, "ssl: { rejectUnauthorized: false }")
                    : options.Lookup("rejectUnauthorized") is JsUnknown r
                        ? new SslValue(SslState.Unknown, $"rejectUnauthorized: {r.Expression}")
                        : new SslValue(SslState.Verified, "ssl: { ... }");
            case JsUnknown unknownSsl:
                return new SslValue(SslState.Unknown, $"ssl: {unknownSsl.Expression}");
            default:
                return new SslValue(SslState.Verified, "ssl: " + StaticValueText.Describe(ssl));
        }
    }

    [GeneratedRegex(@"[?&](sslmode|ssl)=([^&]+)")]
    private static partial Regex SslParameter();

    private static SslValue? SslFromUrl(string url)
    {
        var match = SslParameter().Match(url);
        if (!match.Success)
        {
            return null;
        }

        var value = Uri.UnescapeDataString(match.Groups[2].Value);
        return (match.Groups[1].Value, value) switch
        {
            ("sslmode", "disable") => new SslValue(SslState.Off, "sslmode=disable in the URL"),
            ("sslmode", "no-verify") => new SslValue(SslState.NotVerified, "sslmode=no-verify in the URL"),
            ("sslmode", _) => new SslValue(SslState.Verified, $"sslmode={value} in the URL"),
            (_, "true" or "1") => new SslValue(SslState.Verified, "ssl=true in the URL"),
            _ => new SslValue(SslState.Off, $"ssl={value} in the URL"),
        };
    }

    /// <summary>Where the connection comes from, with passwords redacted.</summary>
    public static (string Source, IReadOnlyList<string> Variables, bool HardCodedLocalhost) DescribeConnection(StaticValue connection)
    {
        var variables = new List<string>();
        var parts = new List<string>();
        var localhost = false;

        void Describe(string? key, StaticValue value)
        {
            var prefix = key is null ? string.Empty : key + " ";
            switch (value)
            {
                case JsString { Variable: { } variable }:
                    variables.Add(variable);
                    parts.Add($"{prefix}from env {variable}");
                    break;
                case JsString literal:
                    parts.Add($"{prefix}'{Redaction.Redact(literal.Value)}'");
                    localhost |= IsLocal(literal.Value) && key is null or "connectionString" or "host";
                    break;
                case JsUndefined:
                    parts.Add($"{prefix}not set");
                    break;
                case JsUnknown unknown:
                    parts.Add($"{prefix}unknown ({unknown.Expression})");
                    break;
            }
        }

        switch (connection)
        {
            case JsObject o:
                foreach (var key in new[] { "connectionString", "host", "port", "database", "user" })
                {
                    if (o.Lookup(key) is { } value)
                    {
                        Describe(key, value);
                    }
                }

                if (parts.Count == 0)
                {
                    parts.Add("no connection settings: pg reads PGHOST, PGDATABASE... or uses localhost");
                }

                break;
            case JsUndefined:
                parts.Add("not set: pg reads PGHOST, PGDATABASE... or uses localhost");
                break;
            default:
                Describe(null, connection);
                break;
        }

        return (string.Join(", ", parts), variables, localhost);
    }

    /// <summary>A MySQL, SQLite or other client's connection: its file or URL, without node-postgres's PG* fallbacks.</summary>
    private static (string Source, IReadOnlyList<string> Variables, bool HardCodedLocalhost) DescribeOtherConnection(StaticValue connection, SqlDialect dialect)
    {
        if (dialect == SqlDialect.SQLite)
        {
            var file = connection is JsObject o ? o.Lookup("filename") : connection;
            return file switch
            {
                JsString { Variable: { } variable } => ($"file from env {variable}", [variable], false),
                JsString name => ($"file '{Redaction.Redact(name.Value)}'", [], false),
                JsUnknown unknown => ($"file unknown ({unknown.Expression})", [], false),
                _ => ("no filename set", [], false),
            };
        }

        var (source, variables, localhost) = DescribeConnection(connection is JsUndefined ? new JsObject([], false) : connection);
        return (source.Replace("pg reads PGHOST, PGDATABASE... or uses localhost", "the driver's defaults", StringComparison.Ordinal), variables, localhost);
    }

    private static bool IsLocal(string value) =>
        value.Contains("localhost", StringComparison.OrdinalIgnoreCase) || value.Contains("127.0.0.1", StringComparison.Ordinal) || value.Contains("[::1]", StringComparison.Ordinal);
}
