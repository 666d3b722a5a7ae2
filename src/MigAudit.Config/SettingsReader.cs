using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

/// <summary>
/// Turns an evaluated configuration object into the settings the driver really uses, filling in the defaults
/// that apply when a key is absent (Knex 3 / tarn / node-postgres; see docs/knex-semantics.md).
/// </summary>
public static partial class SettingsReader
{
    public const double KnexMin = 2;
    public const double KnexMax = 10;
    public const double KnexAcquireTimeout = 60000;
    public const double TarnIdleTimeout = 30000;
    public const double TarnCreateTimeout = 30000;
    public const double PgPoolMax = 10;
    public const double PgPoolMin = 0;
    public const double PgPoolIdleTimeout = 10000;

    public static ClientSettings ForKnex(StaticValue config, Scenario scenario)
    {
        if (config is not JsObject knex)
        {
            return AllUnknown(config);
        }

        var pool = knex.Lookup("pool") as JsObject;

        var acquireCandidates = new[] { knex.Lookup("acquireConnectionTimeout"), pool?.Lookup("acquireTimeoutMillis") }
            .Where(v => v is not null and not JsUndefined).Cast<StaticValue>().ToList();
        SettingValue acquire;
        if (acquireCandidates.Count == 0)
        {
            acquire = SettingValue.Default(KnexAcquireTimeout, "knex");
        }
        else if (acquireCandidates.All(v => v is JsNumber))
        {
            acquire = SettingValue.Of(acquireCandidates.Cast<JsNumber>().Min(n => n.Value));
        }
        else
        {
            acquire = SettingValue.Unknown(string.Join(", ", acquireCandidates.Where(v => v is not JsNumber).Select(WhyUnknown)));
        }

        var connection = knex.Lookup("connection") ?? StaticValue.Undefined;
        var dialect = (knex.Lookup("client") ?? knex.Lookup("dialect")) is JsString client ? Knex.Discovery.DialectDetection.FromClientName(client.Value) : null;
        var (source, variables, localhost) = dialect is null or SqlDialect.PostgreSQL ? DescribeConnection(connection) : DescribeOtherConnection(connection, dialect.Value);

        // Knex's SQLite clients (sqlite3, better-sqlite3) default to a pool of exactly one connection.
        var (defaultMin, defaultMax) = dialect == SqlDialect.SQLite ? (1.0, 1.0) : (KnexMin, KnexMax);

        // A client only run time knows leaves the default itself unknown: 2/10, but 1/1 for SQLite.
        var unknownClient = (knex.Lookup("client") ?? knex.Lookup("dialect")) is JsUnknown unknownClientName
            ? SettingValue.Unknown($"knex's default depends on the client, {unknownClientName.Expression}: min 2 and max 10, but 1 and 1 for SQLite")
            : null;
        return new ClientSettings
        {
            Min = Number(pool?.Lookup("min"), unknownClient ?? SettingValue.Default(defaultMin, "knex"), orDefault: false),
            Max = Number(pool?.Lookup("max"), unknownClient ?? SettingValue.Default(defaultMax, "knex"), orDefault: false),
            AcquireTimeoutMillis = acquire,

            // tarn uses `value || default`, so 0 also means the default.
            IdleTimeoutMillis = Number(pool?.Lookup("idleTimeoutMillis"), SettingValue.Default(TarnIdleTimeout, "tarn"), orDefault: true),
            CreateTimeoutMillis = Number(pool?.Lookup("createTimeoutMillis"), SettingValue.Default(TarnCreateTimeout, "tarn"), orDefault: true),
            Ssl = dialect switch
            {
                null or SqlDialect.PostgreSQL => SslOf(connection, scenario),
                SqlDialect.SQLite => new SslValue(SslState.Off, "SQLite opens a local file"),
                _ => new SslValue(SslState.Unknown, $"not evaluated for {dialect}: migaudit reads node-postgres's ssl settings only"),
            },
            ConnectionSource = source,
            ConnectionVariables = variables,
            HardCodedLocalhost = localhost,
            SearchPath = knex.Get("searchPath") is { } searchPath and not JsUndefined ? StaticValueText.Describe(searchPath) : null,
            Dialect = dialect,
            LockTimeout = dialect is null or SqlDialect.PostgreSQL ? SessionSettingOf("lock_timeout", connection, pool) : SessionSetting.NotRead,
            StatementTimeout = dialect is null or SqlDialect.PostgreSQL ? SessionSettingOf("statement_timeout", connection, pool) : SessionSetting.NotRead,
        };
    }

    /// <summary>A client whose configuration as a whole is not statically known: every setting unknown, with why.</summary>
    internal static ClientSettings AllUnknown(StaticValue config)
    {
        var unknown = SettingValue.Unknown(WhyUnknown(config));
        return new ClientSettings
        {
            Min = unknown,
            Max = unknown,
            AcquireTimeoutMillis = unknown,
            IdleTimeoutMillis = unknown,
            CreateTimeoutMillis = unknown,
            Ssl = new SslValue(SslState.Unknown, "configuration not statically known"),
            ConnectionSource = "unknown",
        };
    }

    internal static SettingValue Number(StaticValue? value, SettingValue fallback, bool orDefault) => value switch
    {
        null or JsUndefined => fallback,
        JsNumber n when orDefault && n.Value == 0 => fallback,
        // Number(undefined): no size at all (tarn throws, reported as a problem), not a number to add up or compare.
        JsNumber { Value: double.NaN } => new SettingValue("NaN", null, false, false),
        JsNumber n => SettingValue.Of(n.Value),
        JsString s when double.TryParse(s.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => SettingValue.Of(parsed),

        _ => SettingValue.Unknown(WhyUnknown(value)),
    };

    /// <summary>"poolSize(): the function has loops, line 5": the expression, why, and where.</summary>
    internal static string WhyUnknown(StaticValue value) => value is JsUnknown unknown
        ? $"{unknown.Expression}: {unknown.Reason}{(unknown.Line > 0 ? $", line {unknown.Line}" : string.Empty)}"
        : StaticValueText.Describe(value);
}
