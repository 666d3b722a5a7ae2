namespace MigAudit.Core;

public enum ClientKind
{
    /// <summary>An environment of the knexfile: what migrations run with.</summary>
    KnexfileEnvironment,

    /// <summary>A knex({...}) instance the application builds.</summary>
    Knex,

    /// <summary>new Pool({...}) from node-postgres.</summary>
    PgPool,

    /// <summary>new Client({...}) from node-postgres.</summary>
    PgClient,

    /// <summary>new Sequelize(...): its own pool (sequelize-pool) over node-postgres clients.</summary>
    Sequelize,

    /// <summary>postgres(...) from porsager's postgres.js, its own driver and pool.</summary>
    PostgresJs,

    /// <summary>pgp(...) from pg-promise: a node-postgres Pool.</summary>
    PgPromise,

    /// <summary>new DataSource({...}) or createConnection({...}) from TypeORM: a node-postgres Pool.</summary>
    TypeOrm,

    /// <summary>MikroORM.init({...}) or defineConfig({...}) from MikroORM.</summary>
    MikroOrm,

    /// <summary>A datasource block of a Prisma schema: Prisma's query engine pool.</summary>
    Prisma,

    /// <summary>A Sails/Waterline datastore with the sails-postgresql adapter: a node-postgres Pool.</summary>
    SailsDatastore,
}

public static class ClientKinds
{
    /// <summary>The npm package that builds the client, as the report and JSON name it.</summary>
    public static string Library(this ClientKind kind) => kind switch
    {
        ClientKind.KnexfileEnvironment or ClientKind.Knex => "knex",
        ClientKind.PgPool or ClientKind.PgClient => "pg",
        ClientKind.Sequelize => "sequelize",
        ClientKind.PostgresJs => "postgres",
        ClientKind.PgPromise => "pg-promise",
        ClientKind.TypeOrm => "typeorm",
        ClientKind.MikroOrm => "@mikro-orm/core",
        ClientKind.Prisma => "prisma",
        _ => "sails-postgresql",
    };

    /// <summary>The JSON contract's kind: knexfile-environment, knex, pg-pool, pg-client, sequelize, postgres-js, ...</summary>
    public static string Id(this ClientKind kind) => kind switch
    {
        ClientKind.KnexfileEnvironment => "knexfile-environment",
        ClientKind.Knex => "knex",
        ClientKind.PgPool => "pg-pool",
        ClientKind.PgClient => "pg-client",
        ClientKind.Sequelize => "sequelize",
        ClientKind.PostgresJs => "postgres-js",
        ClientKind.PgPromise => "pg-promise",
        ClientKind.TypeOrm => "typeorm",
        ClientKind.MikroOrm => "mikro-orm",
        ClientKind.Prisma => "prisma",
        _ => "sails-datastore",
    };

    /// <summary>For the report: "pg Pool", "Sequelize instance", ...</summary>
    public static string Text(this ClientKind kind) => kind switch
    {
        ClientKind.KnexfileEnvironment => "knexfile environment",
        ClientKind.Knex => "knex client",
        ClientKind.PgPool => "pg Pool",
        ClientKind.PgClient => "pg Client",
        ClientKind.Sequelize => "Sequelize instance",
        ClientKind.PostgresJs => "postgres.js client",
        ClientKind.PgPromise => "pg-promise database",
        ClientKind.TypeOrm => "TypeORM data source",
        ClientKind.MikroOrm => "MikroORM instance",
        ClientKind.Prisma => "Prisma datasource",
        _ => "Sails datastore",
    };
}

public enum SslState
{
    Off,
    Verified,
    NotVerified,
    Unknown,
}

/// <summary>One effective setting under one scenario: the value the driver really uses, or why it is unknown.</summary>
public sealed record SettingValue(string Text, double? Number, bool FromDefault, bool Known)
{
    public static SettingValue Unknown(string expression) => new($"unknown ({expression})", null, false, false);

    /// <summary>The library's own default: "10 (pg's default)".</summary>
    public static SettingValue Default(double number, string library) => new($"{number} ({library}'s default)", number, true, true);

    /// <summary>A default that depends on the machine it runs on (Prisma: num_physical_cpus * 2 + 1): no number to compare or add.</summary>
    public static SettingValue MachineDefault(string text, string library) => new($"{text} ({library}'s default)", null, true, false);

    public static SettingValue Of(double number) => new(number.ToString(System.Globalization.CultureInfo.InvariantCulture), number, false, true);

    public static SettingValue NotApplicable { get; } = new("n/a", null, true, true);

    public bool SameValueAs(SettingValue other) => Known && other.Known && (Number is not null ? Number == other.Number : Text == other.Text);
}

public sealed record SslValue(SslState State, string Source)
{
    /// <summary>The JSON contract's state: off, verified, not-verified or unknown.</summary>
    public string Id => State switch
    {
        SslState.Off => "off",
        SslState.Verified => "verified",
        SslState.NotVerified => "not-verified",
        _ => "unknown",
    };

    public string Text => State switch
    {
        SslState.Off => "off",
        SslState.Verified => "on, certificate verified",
        SslState.NotVerified => "on, certificate NOT verified",
        _ => "unknown",
    } + $" ({Source})";
}

/// <summary>A client's effective settings under one scenario.</summary>
public sealed record ClientSettings
{
    public required SettingValue Min { get; init; }
    public required SettingValue Max { get; init; }
    public required SettingValue AcquireTimeoutMillis { get; init; }
    public required SettingValue IdleTimeoutMillis { get; init; }
    public required SettingValue CreateTimeoutMillis { get; init; }
    public required SslValue Ssl { get; init; }

    /// <summary>Where the connection comes from: environment variables read and literal URLs (password redacted).</summary>
    public required string ConnectionSource { get; init; }
    public IReadOnlyList<string> ConnectionVariables { get; init; } = [];
    public bool HardCodedLocalhost { get; init; }
    public string? SearchPath { get; init; }

    /// <summary>The database the client speaks to, when its configuration says (a knex client name, a Sequelize dialect); null when unknown.</summary>
    public SqlDialect? Dialect { get; init; }

    /// <summary>Whether the code gives each connection a lock_timeout (node-postgres's lock_timeout, options' -c, pool.afterCreate).</summary>
    public SessionSetting LockTimeout { get; init; } = SessionSetting.NotRead;

    /// <summary>Whether the code gives each connection a statement_timeout, read the same ways as <see cref="LockTimeout"/>.</summary>
    public SessionSetting StatementTimeout { get; init; } = SessionSetting.NotRead;

    public IEnumerable<(string Name, SettingValue Value)> PoolSettings()
    {
        yield return ("min", Min);
        yield return ("max", Max);
        yield return ("acquireTimeoutMillis", AcquireTimeoutMillis);
        yield return ("idleTimeoutMillis", IdleTimeoutMillis);
        yield return ("createTimeoutMillis", CreateTimeoutMillis);
    }
}

/// <summary>
/// A PostgreSQL session setting (lock_timeout) as the client's configuration gives it: set (with where), not set by
/// the code, or unknown (with why).
/// </summary>
public sealed record SessionSetting(bool? Set, string Source)
{
    public static readonly SessionSetting NotRead = new(null, "not read for this library");
}

/// <summary>A setting that Knex or pg ignores, or that makes the pool throw.</summary>
public sealed record ConfigProblem(int Line, string Key, string Message, bool Fatal)
{
    /// <summary>
    /// The file <see cref="Line"/> is a line of, relative to the root, when the setting is written in another module than
    /// the client's (a config module the knexfile requires); null when it is the client's own file or not known.
    /// </summary>
    public string? File { get; init; }
}

/// <summary>Named environment for evaluating configuration that depends on process.env.</summary>
public sealed record Scenario(string Id, string Description, IReadOnlyDictionary<string, string> Variables)
{
    /// <summary>The statically evaluated <c>pg.defaults.ssl</c> of the project in this scenario, if it sets one (a MigAudit.Knex StaticValue).</summary>
    public object? PgDefaultSsl { get; init; }
    public string? PgDefaultSslSource { get; init; }

    public bool IsProduction => Variables.TryGetValue("NODE_ENV", out var env) && env == "production";
}

/// <summary>What a client is for: only the app's own clients are compared with the knexfile and summed into pool totals.</summary>
public enum ClientRole
{
    /// <summary>The application's database (knexfile environments, the app's clients).</summary>
    App,

    /// <summary>Tests and fixtures (test/, e2e/, fixtures/, *.spec.*, *.test.*): listed, not compared.</summary>
    Test,

    /// <summary>One-shot scripts and CLI commands (scripts/, bin/, cli/, a #! file): their own line, not compared.</summary>
    Script,

    /// <summary>
    /// Another database than the app's: a connection taken from a function's argument (a user's or an integration's
    /// database) or from another family of variables (ANALYTICS_DATABASE_URL beside DATABASE_URL). Listed, not compared.
    /// </summary>
    OtherDatabase,
}

public sealed record DatabaseClient
{
    public ClientRole Role { get; init; } = ClientRole.App;

    /// <summary>"server/knexfile.js [production]" or "server/config/db.js:5".</summary>
    public required string Label { get; init; }
    public required ClientKind Kind { get; init; }
    public required string File { get; init; }
    public required int Line { get; init; }

    /// <summary>The knexfile environment, for knexfile clients.</summary>
    public string? Environment { get; init; }

    /// <summary>Settings per scenario id.</summary>
    public required IReadOnlyDictionary<string, ClientSettings> Settings { get; init; }
    public IReadOnlyList<ConfigProblem> Problems { get; init; } = [];

    /// <summary>The module this client's configuration object comes from, when it is not the file itself.</summary>
    public string? ConfigFrom { get; init; }

    /// <summary>Why the client got its role, when it is not where the file is (e.g. "connection from the argument connectionString").</summary>
    public string? RoleReason { get; init; }
}

public sealed record ConfigurationModel
{
    public static readonly ConfigurationModel Empty = new();

    public IReadOnlyList<Scenario> Scenarios { get; init; } = [];
    public IReadOnlyList<DatabaseClient> Clients { get; init; } = [];

    /// <summary>The knexfile environment migrations run with (the audited one).</summary>
    public DatabaseClient? MigrationClient { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

public static class ScenarioIds
{
    /// <summary>The baseline: production, an external database URL, other variables unset.</summary>
    public const string Production = "production";
    public const string ProductionFlagsTrue = "production-flags-true";
    public const string ProductionFlagsFalse = "production-flags-false";

    /// <summary>Production where nobody set the connection variables: shows hard-coded fallbacks.</summary>
    public const string ProductionNoVariables = "production-no-variables";
    public const string Local = "local";
}
