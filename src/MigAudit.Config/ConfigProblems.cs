using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Config;

/// <summary>Settings Knex or pg ignore, and pool options that make tarn throw.</summary>
public static class ConfigProblems
{
    private static readonly HashSet<string> KnexKeys =
    [
        "client", "dialect", "connection", "pool", "migrations", "seeds", "acquireConnectionTimeout", "useNullAsDefault", "debug",
        "asyncStackTraces", "log", "searchPath", "version", "wrapIdentifier", "postProcessResponse", "fetchAsString",
        "compileSqlOnError", "jsonbSupport", "userParams", "driverName",
    ];

    /// <summary>Options tarn accepts (it throws on any other) plus those Knex consumes before creating the pool.</summary>
    private static readonly HashSet<string> PoolKeys =
    [
        "min", "max", "acquireTimeoutMillis", "createTimeoutMillis", "destroyTimeoutMillis", "idleTimeoutMillis", "reapIntervalMillis",
        "createRetryIntervalMillis", "propagateCreateError", "log", "validate", "afterCreate", "maxConnectionLifetimeMillis",
        "maxConnectionLifetimeJitterMillis",
    ];

    private static readonly HashSet<string> PgKeys =
    [
        "user", "password", "host", "database", "port", "connectionString", "ssl", "types", "statement_timeout", "query_timeout",
        "lock_timeout", "application_name", "fallback_application_name", "connectionTimeoutMillis", "idle_in_transaction_session_timeout",
        "keepAlive", "keepAliveInitialDelayMillis", "stream", "client_encoding", "options", "binary", "enableChannelBinding",
        "max", "min", "idleTimeoutMillis", "maxUses", "maxLifetimeSeconds", "allowExitOnIdle", "log", "Promise", "Client", "poolSize",
    ];

    /// <summary>Sequelize's postgres dialect hands node-postgres user, password, host, database, port and dialectOptions' keys only.</summary>
    public static IReadOnlyList<ConfigProblem> ForSequelize(IReadOnlyList<StaticValue> arguments, SqlDialect? dialect)
    {
        var options = arguments.Count == 1 ? arguments[0] as JsObject : arguments.Skip(1).LastOrDefault(a => a is JsObject) as JsObject;
        var problems = new List<ConfigProblem>();

        // new Sequelize({ url }) : with one options argument Sequelize reads host, port, database, username and password only.
        if (arguments.Count == 1 && options?.Get("url") is { } url and not JsUndefined)
        {
            problems.Add(new ConfigProblem(url.Line, "url", "an 'url' option is ignored by new Sequelize(options): it connects to host (localhost when unset); pass the URL as the first argument, new Sequelize(url, options)", false) { File = url.SourceFile });
        }

        if (dialect == SqlDialect.PostgreSQL && options?.Get("ssl") is { } ssl and not JsUndefined)
        {
            problems.Add(new ConfigProblem(ssl.Line, "ssl", "a top-level 'ssl' is ignored by Sequelize's postgres dialect: only dialectOptions.ssl (or the URL's sslmode) reaches node-postgres; move it to dialectOptions.ssl", false) { File = ssl.SourceFile });
        }

        return problems;
    }

    public static IReadOnlyList<ConfigProblem> ForKnex(StaticValue config)
    {
        var problems = new List<ConfigProblem>();
        if (config is not JsObject knex)
        {
            return problems;
        }

        foreach (var (key, value) in knex.Properties)
        {
            if (key == "ssl")
            {
                problems.Add(new ConfigProblem(value.Line, key, "a top-level 'ssl' beside 'connection' is ignored: Knex passes only 'connection' to pg; move it to connection.ssl", false) { File = value.SourceFile });
            }
            else if (!KnexKeys.Contains(key))
            {
                problems.Add(new ConfigProblem(value.Line, key, $"'{key}' is not a Knex option and is silently ignored{Suggest(key, KnexKeys)}", false) { File = value.SourceFile });
            }
        }

        if (knex.Get("connection") is JsObject connection && connection.Get("pool") is { } nestedPool and not JsUndefined)
        {
            problems.Add(new ConfigProblem(nestedPool.Line, "connection.pool", "a 'pool' inside 'connection' is handed to pg's Client, which ignores it; Knex sizes its pool from the top-level 'pool' (defaults min 2, max 10)", false) { File = nestedPool.SourceFile });
        }

        if (knex.Get("pool") is JsObject pool)
        {
            foreach (var (key, value) in pool.Properties.Where(p => !PoolKeys.Contains(p.Key)))
            {
                problems.Add(new ConfigProblem(value.Line, "pool." + key, $"tarn refuses unknown pool options: creating the pool throws \"Tarn: unsupported option opt.{key}\"{Suggest(key, PoolKeys)}", true) { File = value.SourceFile });
            }

            problems.AddRange(PoolSizes(pool));
        }

        return problems;
    }

    /// <summary>
    /// tarn's checks on min and max (tarn/dist/Pool.js), on the values they take with the environment variables unset
    /// (Number(process.env.POOL_MAX) is NaN then): creating the pool throws. Not fatal: a deployment that sets the
    /// variables never hits it, and the message says when it happens.
    /// </summary>
    private static IEnumerable<ConfigProblem> PoolSizes(JsObject pool)
    {
        static bool IsInteger(double value) => !double.IsNaN(value) && value == Math.Round(value);
        const string When = "with the environment variables it reads unset";
        var min = pool.Get("min") as JsNumber;
        var max = pool.Get("max") as JsNumber;
        if (max is not null && (!IsInteger(max.Value) || max.Value <= 0))
        {
            yield return new ConfigProblem(max.Line, "pool.max", $"pool.max is {max} {When}: creating the pool throws \"Tarn: opt.max must be an integer > 0\"", false) { File = max.SourceFile };
        }

        if (min is not null && (!IsInteger(min.Value) || min.Value < 0))
        {
            yield return new ConfigProblem(min.Line, "pool.min", $"pool.min is {min} {When}: creating the pool throws \"Tarn: opt.min must be an integer >= 0\"", false) { File = min.SourceFile };
        }
        else if (min is not null && max is not null && IsInteger(max.Value) && min.Value > max.Value)
        {
            yield return new ConfigProblem(min.Line, "pool.min", $"pool.min ({min}) is above pool.max ({max}): creating the pool throws \"Tarn: opt.max is smaller than opt.min\"", false) { File = min.SourceFile };
        }
    }

    public static IReadOnlyList<ConfigProblem> ForPg(StaticValue config)
    {
        if (config is not JsObject options)
        {
            return [];
        }

        return options.Properties.Where(p => !PgKeys.Contains(p.Key)).Select(p => new ConfigProblem(
            p.Value.Line,
            p.Key,
            p.Key == "acquireTimeoutMillis"
                ? "pg's Pool has no 'acquireTimeoutMillis' and ignores it: the wait for a free connection is 'connectionTimeoutMillis' (default: forever)"
                : $"'{p.Key}' is not a node-postgres option and is silently ignored{Suggest(p.Key, PgKeys)}",
            false)
        { File = p.Value.SourceFile }).ToList();
    }

    private static string Suggest(string key, IEnumerable<string> known)
    {
        var best = known.Select(k => (Key: k, Distance: Distance(key.ToLowerInvariant(), k.ToLowerInvariant()))).OrderBy(x => x.Distance).First();
        return best.Distance <= Math.Max(2, key.Length / 4) ? $" (did you mean '{best.Key}'?)" : string.Empty;
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
