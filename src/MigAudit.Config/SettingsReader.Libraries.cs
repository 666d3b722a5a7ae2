using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

/// <summary>
/// The other libraries' settings, each with its own defaults and its own way to reach node-postgres (docs/configuration-libraries.md;
/// checked against the real packages by tests/node/library-settings.js).
/// </summary>
public static partial class SettingsReader
{
    public const double SequelizeMax = 5;
    public const double SequelizeMin = 0;
    public const double SequelizeIdle = 10000;
    public const double SequelizeAcquire = 60000;
    public const double PostgresJsMax = 10;
    public const double PostgresJsConnectTimeoutSeconds = 30;

    /// <summary>
    /// new Sequelize(url, options), new Sequelize(database, user, password, options) or new Sequelize(options). For
    /// postgres, only dialectOptions.ssl reaches node-postgres; the URL's own ssl/sslmode win over it (Sequelize merges the
    /// parsed URL into dialectOptions last).
    /// </summary>
    public static ClientSettings ForSequelize(IReadOnlyList<StaticValue> arguments, Scenario scenario)
    {
        var first = arguments.Count > 0 ? arguments[0] : StaticValue.Undefined;
        var url = first as JsString is { } s && arguments.Count <= 2 ? s : null;
        var options = first is JsObject single && arguments.Count == 1 ? single : arguments.Skip(1).LastOrDefault(a => a is JsObject) as JsObject;
        if (first is JsUnknown || options is null && arguments.Skip(1).Any(a => a is JsUnknown))
        {
            return AllUnknown(first is JsUnknown ? first : arguments.Skip(1).First(a => a is JsUnknown));
        }

        options ??= new JsObject([], false);
        var dialectName = options.Lookup("dialect") as JsString;
        var dialect = dialectName is not null ? DialectOf(dialectName.Value) : url is not null ? DialectOf(url.Value.Split(':')[0]) : null;
        var pool = options.Lookup("pool") as JsObject;
        // new Sequelize(database, user, password, options): the first argument is the database.
        var fields = ConnectionFields(options, ("host", "host"), ("port", "port"), ("database", "database"), ("username", "user"));
        var connection = url is not null ? (StaticValue)url
            : arguments.Count > 1 && fields.Get("database") is null ? fields with { Properties = [.. fields.Properties, new("database", first)] }
            : fields;
        var (source, variables, localhost) = DescribeConnection(connection);
        var ssl = options.Lookup("dialectOptions") is JsObject dialectOptions ? dialectOptions.Lookup("ssl") : options.Lookup("dialectOptions") is JsUnknown u ? u : null;
        return new ClientSettings
        {
            Min = Number(pool?.Lookup("min"), SettingValue.Default(SequelizeMin, "sequelize"), orDefault: false),
            Max = Number(pool?.Lookup("max"), SettingValue.Default(SequelizeMax, "sequelize"), orDefault: false),
            AcquireTimeoutMillis = Number(pool?.Lookup("acquire"), SettingValue.Default(SequelizeAcquire, "sequelize"), orDefault: false),
            IdleTimeoutMillis = Number(pool?.Lookup("idle"), SettingValue.Default(SequelizeIdle, "sequelize"), orDefault: false),
            CreateTimeoutMillis = SettingValue.NotApplicable,
            Ssl = dialect is SqlDialect.PostgreSQL or null
                ? SslOf(new JsObject([new("connectionString", url ?? StaticValue.Undefined), new("ssl", ssl ?? StaticValue.Undefined)], false), scenario)
                : new SslValue(SslState.Unknown, $"not evaluated for {dialect}: migaudit reads node-postgres's ssl settings only"),
            ConnectionSource = source,
            ConnectionVariables = variables,
            HardCodedLocalhost = localhost,
            Dialect = dialect,
        };
    }

    /// <summary>
    /// postgres(url, options) or postgres(options) of postgres.js: each setting from the options, else the URL's query,
    /// else the PG* variable (PGMAX, PGSSL), else its default. 'require', 'allow' and 'prefer' connect without verifying
    /// the certificate (rejectUnauthorized: false).
    /// </summary>
    public static ClientSettings ForPostgresJs(IReadOnlyList<StaticValue> arguments, Scenario scenario)
    {
        var first = arguments.Count > 0 ? arguments[0] : StaticValue.Undefined;
        var options = (first is JsString or JsUndefined ? (arguments.Count > 1 ? arguments[1] : StaticValue.Undefined) : first) switch
        {
            JsObject o => o,
            JsUndefined => new JsObject([], false),
            var other => null,
        };
        if (options is null || first is JsUnknown && options.Properties.Count == 0)
        {
            return AllUnknown(first is JsUnknown ? first : arguments[^1]);
        }

        var query = first is JsString url ? QueryOf(url.Value) : first is JsUnknown ? null : new Dictionary<string, string>();
        SettingValue Setting(string key, string variable, SettingValue fallback, double scale = 1)
        {
            if (options!.Lookup(key) is { } value and not JsUndefined)
            {
                return Scaled(Number(value, fallback, orDefault: false), scale);
            }

            if (query is null)
            {
                return SettingValue.Unknown($"{key}: the URL is not statically known");
            }

            var text = query.TryGetValue(key, out var fromQuery) ? fromQuery : scenario.Variables.GetValueOrDefault(variable);
            return text is null ? fallback : Scaled(Number(new JsString(text), fallback, orDefault: false), scale);
        }

        var ssl = options.Lookup("ssl") is { } sslOption and not JsUndefined ? sslOption
            : query is null ? new JsUnknown("ssl", "the URL is not statically known")
            : query.TryGetValue("sslmode", out var mode) || query.TryGetValue("ssl", out mode) ? (mode is "disable" or "false" ? new JsBoolean(false) : new JsString(mode))
            : scenario.Variables.TryGetValue("PGSSL", out var fromEnvironment) ? new JsString(fromEnvironment)
            : new JsBoolean(false);
        var (source, variables, localhost) = DescribeConnection(first is JsString or JsUnknown ? first : ConnectionFields(options, ("host", "host"), ("port", "port"), ("database", "database"), ("user", "user"), ("username", "username")));
        return new ClientSettings
        {
            Min = SettingValue.NotApplicable,
            Max = Setting("max", "PGMAX", SettingValue.Default(PostgresJsMax, "postgres")),
            AcquireTimeoutMillis = new SettingValue("none: postgres.js queues queries until a connection is free", null, true, true),
            IdleTimeoutMillis = Setting("idle_timeout", "PGIDLE_TIMEOUT", new SettingValue("none: idle connections stay open (postgres's default)", null, true, true), 1000),
            CreateTimeoutMillis = Setting("connect_timeout", "PGCONNECT_TIMEOUT", SettingValue.Default(PostgresJsConnectTimeoutSeconds * 1000, "postgres"), 1000),
            Ssl = ssl switch
            {
                JsBoolean { Value: false } or JsNull or JsUndefined => new SslValue(SslState.Off, "ssl: false (postgres's default)"),
                JsString { Value: "require" or "allow" or "prefer" } mode2 => new SslValue(SslState.NotVerified, $"ssl: '{mode2.Value}' (postgres.js connects with rejectUnauthorized: false)"),
                JsObject o when o.Lookup("rejectUnauthorized") is JsBoolean { Value: false } => new SslValue(SslState.NotVerified, "ssl: { rejectUnauthorized: false }"),
                JsUnknown unknown => new SslValue(SslState.Unknown, $"ssl: {unknown.Expression}"),
                JsObject or JsBoolean or JsString => new SslValue(SslState.Verified, "ssl: " + StaticValueText.Describe(ssl)),
                _ => new SslValue(SslState.Unknown, "ssl: " + StaticValueText.Describe(ssl)),
            },
            ConnectionSource = source,
            ConnectionVariables = variables,
            HardCodedLocalhost = localhost,
            Dialect = SqlDialect.PostgreSQL,
        };
    }

    /// <summary>TypeORM's postgres driver builds node-postgres's Pool options from url, host..., ssl, poolSize and connectTimeoutMS, then spreads extra over them.</summary>
    public static ClientSettings ForTypeOrm(StaticValue config, Scenario scenario)
    {
        if (config is not JsObject options)
        {
            return AllUnknown(config);
        }

        var dialect = options.Lookup("type") is JsString type ? DialectOf(type.Value) : null;
        if (dialect is not SqlDialect.PostgreSQL)
        {
            return ForOtherDialect(options, dialect, "typeorm");
        }

        StaticValue Of(string key) => options.Lookup(key) ?? StaticValue.Undefined;
        var extra = options.Lookup("extra");
        var pgOptions = new JsObject(
            [
                new("connectionString", Of("url")), new("host", Of("host")), new("user", Of("username")), new("database", Of("database")), new("port", Of("port")),
                new("ssl", Of("ssl")), new("connectionTimeoutMillis", Of("connectTimeoutMS")), new("max", Of("poolSize")),
                .. (extra as JsObject)?.Properties ?? [],
            ],
            extra is JsUnknown || options.Incomplete);
        return ForPg(pgOptions with { Properties = [.. pgOptions.Properties.Where(p => p.Value is not JsUndefined)] }, scenario);
    }

    /// <summary>
    /// A Sails datastore with sails-postgresql: the URL gives only host, port, user, password and database (its query
    /// string is ignored); ssl, max, min and idleTimeoutMillis are the datastore's own keys, handed to node-postgres's Pool.
    /// </summary>
    public static ClientSettings ForSails(StaticValue datastore, Scenario scenario)
    {
        if (datastore is not JsObject options)
        {
            return AllUnknown(datastore);
        }

        var settings = ForPg(ConnectionFields(options, ("ssl", "ssl"), ("max", "max"), ("min", "min"), ("idleTimeoutMillis", "idleTimeoutMillis")) with { Incomplete = options.Incomplete }, scenario);
        var (source, variables, localhost) = DescribeConnection(options.Lookup("url") ?? StaticValue.Undefined);
        var ssl = settings.Ssl;
        if (options.Lookup("url") is JsString url && QueryOf(url.Value).Keys.Any(k => k is "ssl" or "sslmode"))
        {
            ssl = ssl with { Source = ssl.Source + "; the URL's ssl parameters are ignored by sails-postgresql" };
        }

        // Sails 0.12's adapter sized its pool with poolSize; sails-postgresql 1.x hands node-postgres max and ignores it.
        var max = options.Lookup("poolSize") is { } poolSize and not JsUndefined && options.Lookup("max") is null or JsUndefined
            ? SettingValue.Unknown($"poolSize {StaticValueText.Describe(poolSize)}: read by sails-postgresql before 1.0, ignored from 1.0 (then pg's 10)")
            : settings.Max;
        return settings with { ConnectionSource = source, ConnectionVariables = variables, HardCodedLocalhost = localhost, Ssl = ssl, Max = max };
    }

    /// <summary>
    /// MikroORM.init / defineConfig: the pool's max is 10 whichever driver MikroORM builds (knex before v7, node-postgres
    /// from v7), its min depends on that version; ssl is read from clientUrl only.
    /// </summary>
    public static ClientSettings ForMikroOrm(StaticValue config, Scenario scenario, SqlDialect? moduleDialect)
    {
        if (config is not JsObject options)
        {
            return AllUnknown(config);
        }

        var dialect = options.Lookup("type") is JsString type ? DialectOf(type.Value)
            : options.Lookup("driver") is { } driver && StaticValueText.Describe(driver).Contains("PostgreSql", StringComparison.Ordinal) ? SqlDialect.PostgreSQL
            : moduleDialect;
        var pool = options.Lookup("pool") as JsObject;
        var url = options.Lookup("clientUrl");
        var (source, variables, localhost) = DescribeConnection(url ?? ConnectionFields(options, ("host", "host"), ("port", "port"), ("dbName", "database"), ("user", "user")));
        return new ClientSettings
        {
            Min = Number(pool?.Lookup("min"), SettingValue.Unknown("MikroORM's default min is 2 through knex before v7 and 0 through node-postgres from v7"), orDefault: false),
            Max = Number(pool?.Lookup("max"), SettingValue.Default(10, "MikroORM"), orDefault: false),
            AcquireTimeoutMillis = SettingValue.Unknown("MikroORM's acquire timeout is not modelled"),
            IdleTimeoutMillis = Number(pool?.Lookup("idleTimeoutMillis"), SettingValue.Unknown("MikroORM's idle timeout is not modelled"), orDefault: false),
            CreateTimeoutMillis = SettingValue.NotApplicable,
            Ssl = dialect is not SqlDialect.PostgreSQL ? new SslValue(SslState.Unknown, "not a PostgreSQL MikroORM configuration")
                : options.Lookup("driverOptions") is { } driverOptions and not JsUndefined ? new SslValue(SslState.Unknown, "MikroORM's driverOptions are not modelled")
                : SslOf(new JsObject([new("connectionString", url ?? StaticValue.Undefined)], false), scenario),
            ConnectionSource = source,
            ConnectionVariables = variables,
            HardCodedLocalhost = localhost,
            Dialect = dialect,
        };
    }

    /// <summary>
    /// A Prisma datasource: its pool is connection_limit from the URL, else num_physical_cpus * 2 + 1 of the machine it
    /// runs on; TLS is off with sslmode=disable, otherwise it depends on the engine or driver adapter (not modelled).
    /// </summary>
    public static ClientSettings ForPrisma(StaticValue url, SqlDialect? dialect)
    {
        var query = url is JsString text ? QueryOf(text.Value) : null;
        var (source, variables, localhost) = DescribeConnection(url);
        return new ClientSettings
        {
            Min = SettingValue.NotApplicable,
            Max = query is null ? SettingValue.Unknown(WhyUnknown(url))
                : query.TryGetValue("connection_limit", out var limit) ? Number(new JsString(limit), SettingValue.Unknown(limit), orDefault: false)
                // Prisma's documented default for its own query engine, not run here; Prisma 7 with a driver adapter uses the driver's pool.
                : SettingValue.MachineDefault("num_physical_cpus * 2 + 1, or the driver adapter's pool from Prisma 7", "prisma"),
            AcquireTimeoutMillis = query is not null && query.TryGetValue("pool_timeout", out var timeout) ? Scaled(Number(new JsString(timeout), SettingValue.Unknown(timeout), orDefault: false), 1000) : SettingValue.Default(10000, "prisma"),
            IdleTimeoutMillis = SettingValue.NotApplicable,
            CreateTimeoutMillis = SettingValue.NotApplicable,
            Ssl = query is not null && query.TryGetValue("sslmode", out var mode) && mode == "disable"
                ? new SslValue(SslState.Off, "sslmode=disable in the URL")
                : new SslValue(SslState.Unknown, query is null ? "URL not statically known" : "Prisma's TLS depends on its query engine or driver adapter and sslaccept: not modelled"),
            ConnectionSource = source,
            ConnectionVariables = variables,
            HardCodedLocalhost = localhost,
            Dialect = dialect,
        };
    }

    private static ClientSettings ForOtherDialect(JsObject options, SqlDialect? dialect, string library)
    {
        var (source, variables, localhost) = DescribeConnection(options.Lookup("url") ?? new JsObject([.. options.Properties.Where(p => p.Key is "host" or "port" or "database")], false));
        var why = $"not evaluated for {(dialect?.ToString() ?? "this database type")}: migaudit reads {library}'s PostgreSQL settings only";
        var unknown = SettingValue.Unknown(why);
        return new ClientSettings
        {
            Min = unknown,
            Max = unknown,
            AcquireTimeoutMillis = unknown,
            IdleTimeoutMillis = unknown,
            CreateTimeoutMillis = SettingValue.NotApplicable,
            Ssl = new SslValue(SslState.Unknown, why),
            ConnectionSource = source,
            ConnectionVariables = variables,
            HardCodedLocalhost = localhost,
            Dialect = dialect,
        };
    }

    /// <summary>The options' keys under the names node-postgres reads (username → user, dbName → database); absent ones left out.</summary>
    private static JsObject ConnectionFields(JsObject options, params (string Key, string As)[] keys) =>
        new([.. keys.Select(k => KeyValuePair.Create(k.As, options.Lookup(k.Key) ?? StaticValue.Undefined)).Where(p => p.Value is not JsUndefined)], false);

    private static SettingValue Scaled(SettingValue value, double scale) =>
        scale == 1 || value.Number is not { } number || value.FromDefault ? value : SettingValue.Of(number * scale);

    public static SqlDialect? DialectOf(string name) => name.ToLowerInvariant() switch
    {
        "postgres" or "postgresql" or "pg" or "cockroachdb" => SqlDialect.PostgreSQL,
        "mariadb" => SqlDialect.MySQL,
        _ => Knex.Discovery.DialectDetection.FromClientName(name),
    };

    /// <summary>The query parameters of a connection URL, decoded.</summary>
    public static Dictionary<string, string> QueryOf(string url)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var start = url.IndexOf('?');
        if (start < 0)
        {
            return parameters;
        }

        foreach (var pair in url[(start + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            parameters[key] = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
        }

        return parameters;
    }
}
