using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// The dialect from the knexfile's client (knex's own names and its aliases), or, when the client is chosen at run
/// time, from the database drivers package.json installs: Knex can only load a driver the project has.
/// </summary>
public static class DialectDetection
{
    /// <summary>Knex 3's client names and the aliases it accepts (pg, postgresql, sqlite), with their drivers.</summary>
    public static SqlDialect? FromClientName(string client) => client.ToLowerInvariant() switch
    {
        // cockroachdb and redshift are Knex clients built on its PostgreSQL compiler.
        "pg" or "postgres" or "postgresql" or "pgnative" or "pg-native" or "cockroachdb" or "redshift" => SqlDialect.PostgreSQL,
        "mysql" or "mysql2" => SqlDialect.MySQL,
        "sqlite3" or "sqlite" or "better-sqlite3" => SqlDialect.SQLite,
        "mssql" => SqlDialect.MSSQL,
        "oracledb" or "oracle" => SqlDialect.Oracle,
        _ => null,
    };

    /// <summary>The client names --client and the "client" setting accept, for messages.</summary>
    public const string ClientNames = "pg, postgres, postgresql, pg-native, cockroachdb, redshift, mysql, mysql2, sqlite3, better-sqlite3, mssql, oracledb";

    private static readonly Dictionary<string, SqlDialect> Drivers = new(StringComparer.Ordinal)
    {
        ["pg"] = SqlDialect.PostgreSQL,
        ["pg-native"] = SqlDialect.PostgreSQL,
        ["mysql"] = SqlDialect.MySQL,
        ["mysql2"] = SqlDialect.MySQL,
        ["sqlite3"] = SqlDialect.SQLite,
        ["better-sqlite3"] = SqlDialect.SQLite,
        ["@vscode/sqlite3"] = SqlDialect.SQLite,
        ["tedious"] = SqlDialect.MSSQL,
        ["mssql"] = SqlDialect.MSSQL,
        ["oracledb"] = SqlDialect.Oracle,
    };

    /// <summary>The dialect a database driver package serves; forks of sqlite3 (@vscode/sqlite3, @louislam/sqlite3) count as SQLite.</summary>
    private static SqlDialect? DriverDialect(string package) =>
        Drivers.TryGetValue(package, out var dialect) ? dialect : package.EndsWith("/sqlite3", StringComparison.Ordinal) ? SqlDialect.SQLite : null;

    /// <param name="client">The knexfile environment's client (or dialect) value, or null when there is no knexfile.</param>
    /// <param name="packageDirectory">The folder of the package.json that installs knex's driver.</param>
    /// <param name="unevaluated">Why the knexfile could not be evaluated, when it could not: its client is then unknown, not absent.</param>
    /// <param name="told">The client the user named (--client or the "client" setting), or null.</param>
    /// <param name="notes">Where a named client the knexfile overrides is noted.</param>
    public static DialectInfo Detect(StaticValue? client, string knexfile, string packageDirectory, string? unevaluated = null, string? told = null, List<string>? notes = null)
    {
        if (told is not null && client is JsString stated && FromClientName(stated.Value) != FromClientName(told))
        {
            // Knex loads the client the knexfile names, whatever migaudit is told.
            notes?.Add($"the client migaudit was told ({Quoting.Printable(told)}, by --client or the \"client\" setting) is not used: {knexfile}:{client.Line} names client '{Quoting.Printable(stated.Value)}', which Knex loads");
        }
        else if (told is not null && client is not JsString)
        {
            var runTime = client is null or JsUndefined ? "the knexfile sets no client" : $"the knexfile chooses it at run time ({knexfile}:{client.Line}: {Quoting.Printable(StaticValueText.Describe(client))})";
            return new DialectInfo(FromClientName(told)!.Value, told, $"client '{Quoting.Printable(told)}' as migaudit was told (--client or the \"client\" setting); {runTime}", []);
        }

        if (client is JsString named)
        {
            return FromClientName(named.Value) is { } dialect
                ? new DialectInfo(dialect, named.Value, $"{knexfile}:{client.Line}, client '{Quoting.Printable(named.Value)}'", [])
                : new DialectInfo(SqlDialect.Unknown, named.Value, $"{knexfile}:{client.Line}: client '{Quoting.Printable(named.Value)}' is not one of Knex's clients", []);
        }

        var drivers = InstalledDrivers(packageDirectory);
        var possible = drivers.Select(DriverDialect).OfType<SqlDialect>().Distinct().Order().ToList();
        var why = client is null or JsUndefined
            ? "the knexfile sets no client"
            : $"the client is chosen at run time ({knexfile}:{client.Line}: {Quoting.Printable(StaticValueText.Describe(client))})";
        if (client is not null && client is not JsUndefined && client is not JsUnknown)
        {
            why = $"the client at {knexfile}:{client.Line} is not a client name ({Quoting.Printable(StaticValueText.Describe(client))})";
        }

        if (unevaluated is not null)
        {
            why = $"{unevaluated}, so its client is not known";
        }

        return possible.Count == 1
            ? new DialectInfo(possible[0], null, $"{why}; {string.Join(" and ", drivers)} is the only database driver in package.json", [])
            : new DialectInfo(SqlDialect.Unknown, null, possible.Count == 0 ? $"{why}, and package.json installs no database driver" : $"{why}; package.json installs drivers for {string.Join(", ", possible)}: name the one production uses with --client NAME (or \"client\" in .migauditrc.json) to run that database's rules", possible);
    }

    private static List<string> InstalledDrivers(string directory)
    {
        if (PackageJson.Read(directory) is not { } package)
        {
            return [];
        }

        return package.DependencyNames()
            .Where(d => DriverDialect(d) is not null)
            .Distinct().Order(StringComparer.Ordinal).ToList();
    }
}

/// <summary>What knex.client tells code at run time, for a client name, as real knex 3 reports it.</summary>
public static class KnexClientProperties
{
    /// <summary>knex.client.driverName, knex.client.dialect and knex.client.config.client for a client name, or null when it is not one of Knex's.</summary>
    public static (string DriverName, string Dialect, string ConfigClient)? Of(string client) => client switch
    {
        "pg" or "postgres" or "postgresql" => ("pg", "postgresql", client),
        "pgnative" => ("pgnative", "postgresql", client),
        "cockroachdb" => ("cockroachdb", "postgresql", client),
        "redshift" => ("pg-redshift", "redshift", client),
        "mysql" => ("mysql", "mysql", client),
        "mysql2" => ("mysql2", "mysql", client),
        "sqlite3" or "sqlite" => ("sqlite3", "sqlite3", client),
        "better-sqlite3" => ("better-sqlite3", "sqlite3", client),
        "mssql" => ("mssql", "mssql", client),
        "oracledb" => ("oracledb", "oracle", client),
        _ => null,
    };
}
