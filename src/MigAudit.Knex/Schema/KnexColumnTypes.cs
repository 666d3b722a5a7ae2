using System.Globalization;
using MigAudit.Core;
using MigAudit.Knex.JavaScript;

namespace MigAudit.Knex.Schema;

/// <summary>
/// The column types Knex 3 compiles each TableBuilder column method to, per dialect, as real knex's toSQL() shows
/// (tests/MigAudit.Tests/Schema/ColumnTypeTableTests compares this table with knex itself). A method Knex lists but
/// the dialect's column compiler does not define is compiled to the literal type <c>undefined</c>, which the
/// database refuses; <see cref="TypeOf"/> returns null for it.
/// </summary>
public static class KnexColumnTypes
{
    private sealed record Row(string? PostgreSQL, string? MySQL, string? SQLite);

    // Knex 3.1's TableBuilder columnTypes list, in its order. Parameterised types are completed in TypeOf.
    private static readonly Dictionary<string, Row> Table = new(StringComparer.Ordinal)
    {
        ["tinyint"] = new("smallint", "tinyint", "tinyint"),
        ["smallint"] = new("smallint", "smallint", "integer"),
        ["mediumint"] = new("integer", "mediumint", "integer"),
        ["int"] = new(null, null, null),
        ["bigint"] = new("bigint", "bigint", "bigint"),
        ["decimal"] = new("decimal", "decimal", "float"),
        ["float"] = new("real", "float", "float"),
        ["double"] = new("double precision", "double", "float"),
        ["real"] = new(null, null, null),
        ["bit"] = new(null, "bit", "text"),
        ["boolean"] = new("boolean", "boolean", "boolean"),
        ["serial"] = new(null, null, null),
        ["date"] = new("date", "date", "date"),
        ["datetime"] = new("timestamptz", "datetime", "datetime"),
        ["timestamp"] = new("timestamptz", "timestamp", "datetime"),
        ["time"] = new("time", "time", "time"),
        ["year"] = new(null, null, null),
        ["geometry"] = new("geometry", "geometry", "geometry"),
        ["geography"] = new("geography", "geography", "geography"),
        ["point"] = new("point", "point", "point"),
        ["char"] = new(null, null, null),
        ["varchar"] = new("varchar", "varchar", "varchar"),
        ["tinytext"] = new(null, null, null),
        ["tinyText"] = new(null, null, null),
        ["text"] = new("text", "text", "text"),
        ["mediumtext"] = new(null, "mediumtext", null),
        ["mediumText"] = new(null, "mediumtext", null),
        ["longtext"] = new(null, "longtext", null),
        ["longText"] = new(null, "longtext", null),
        ["binary"] = new("bytea", "blob", "blob"),
        ["varbinary"] = new(null, null, null),
        ["tinyblob"] = new(null, null, null),
        ["tinyBlob"] = new(null, null, null),
        ["mediumblob"] = new(null, null, null),
        ["mediumBlob"] = new(null, null, null),
        ["blob"] = new(null, null, null),
        ["longblob"] = new(null, null, null),
        ["longBlob"] = new(null, null, null),
        ["enum"] = new("text", "enum", "text"),
        ["set"] = new(null, null, null),
        ["bool"] = new("boolean", "boolean", "boolean"),
        ["dateTime"] = new("timestamptz", "datetime", "datetime"),
        ["increments"] = new("serial", "int unsigned", "integer"),
        ["bigincrements"] = new("bigserial", "bigint unsigned", "integer"),
        ["bigIncrements"] = new("bigserial", "bigint unsigned", "integer"),
        ["integer"] = new("integer", "int", "integer"),
        ["biginteger"] = new("bigint", "bigint", "bigint"),
        ["bigInteger"] = new("bigint", "bigint", "bigint"),
        ["string"] = new("varchar", "varchar", "varchar"),
        ["json"] = new("json", "json", "json"),
        ["jsonb"] = new("jsonb", "json", "json"),
        ["uuid"] = new("uuid", "char(36)", "char(36)"),
        ["enu"] = new("text", "enum", "text"),
        ["specificType"] = new(string.Empty, string.Empty, string.Empty),
    };

    /// <summary>Every column method of Knex 3's TableBuilder.</summary>
    public static IEnumerable<string> Methods => Table.Keys;

    /// <summary>Ends the type of a column whose type Knex writes differently per client, when the client is not known.</summary>
    public const string PerClient = " (type per client)";

    public static bool IsColumnMethod(string method) => Table.ContainsKey(method);

    public static bool IsIncrements(string method) => method is "increments" or "bigincrements" or "bigIncrements";

    /// <summary>
    /// The type Knex writes for <paramref name="method"/> with these arguments (the column name excluded), or null when
    /// Knex writes <c>undefined</c>. A value not statically known shows as "?", e.g. <c>decimal(?, 2)</c>.
    /// </summary>
    public static string? TypeOf(string method, SqlDialect dialect, IReadOnlyList<StaticValue> args)
    {
        if (dialect is SqlDialect.Unknown or SqlDialect.MSSQL or SqlDialect.Oracle)
        {
            // Not stated, or a dialect whose compiler the table does not cover: a type only when every covered dialect agrees.
            var each = new[] { SqlDialect.PostgreSQL, SqlDialect.MySQL, SqlDialect.SQLite }.Select(d => TypeOf(method, d, args)).ToList();
            return each.Any(t => t is null) ? null : each.Distinct().Count() == 1 ? each[0] : method + PerClient;
        }

        var row = Table[method];
        var baseType = dialect switch
        {
            SqlDialect.MySQL => row.MySQL,
            SqlDialect.SQLite => row.SQLite,
            _ => row.PostgreSQL,
        };
        if (baseType is null)
        {
            return null;
        }

        StaticValue? Arg(int i) => i < args.Count ? args[i] : null;
        var options = Arg(0) as JsObject;
        switch (method)
        {
            case "enu" or "enum" when Arg(0) is null or JsUndefined or JsNull:
                // enu() needs its values: knex throws while compiling without them.
                return null;
            case "decimal" when dialect == SqlDialect.MySQL && Arg(0) is JsNull:
                // "Specifying no precision on decimal columns is not supported for that SQL dialect."
                return null;
            case "enu" or "enum" when dialect == SqlDialect.PostgreSQL && Arg(1) is JsObject enumOptions && enumOptions.Get("useNative") is JsBoolean { Value: true }:
                // A native enum is a type of its own: create type "<enumName>" as enum (...), then the column of that type.
                return enumOptions.Get("enumName") is JsString enumName ? enumName.Value : "?";
            case "enu" or "enum" when dialect == SqlDialect.MySQL:
                return Arg(0) is JsArray { Items: var values } && values.All(v => v is JsString)
                    ? "enum(" + string.Join(", ", values.Cast<JsString>().Select(v => Quoting.SqlLiteral(v.Value))) + ")"
                    : "enum(?)";
            case "specificType":
                return Arg(0) is JsString given ? given.Value : "?";
            case "string" or "varchar":
                return $"{baseType}({Number(Arg(0), "255")})";
            case "decimal" when dialect != SqlDialect.SQLite:
                // decimal(name, null) asks for no precision: PostgreSQL's plain numeric (MySQL refuses it in Knex).
                return Arg(0) is JsNull ? baseType : $"{baseType}({Number(Arg(0), "8")}, {Number(Arg(1), "2")})";
            case "float" or "double" when dialect == SqlDialect.MySQL:
                return method == "float" ? $"float({Number(Arg(0), "8")}, {Number(Arg(1), "2")})"
                    : Arg(0) is null or JsUndefined ? "double" : $"double({Number(Arg(0), "8")}, {Number(Arg(1), "2")})";
            case "timestamp" or "datetime" or "dateTime" when dialect == SqlDialect.PostgreSQL:
                return PostgresTimestamp(Arg(0), Arg(1));
            case "timestamp" or "datetime" or "dateTime" when dialect == SqlDialect.MySQL:
                // datetime(precision) or datetime({ precision }): a number is written (knex 3.1.0 mysql columncompiler).
                return (options?.Get("precision") ?? Arg(0)) is JsNumber mysqlPrecision ? $"{baseType}({mysqlPrecision})" : baseType;
            case "text" when dialect == SqlDialect.MySQL && Arg(0) is JsString { Value: "mediumtext" or "longtext" } textType:
                return textType.Value;
            case "integer" when dialect == SqlDialect.MySQL && Arg(0) is JsNumber width:
                return $"int({width})";
            case "binary" when dialect == SqlDialect.MySQL && Arg(0) is JsNumber length:
                return $"varbinary({length})";
            default:
                return baseType;
        }
    }

    /// <summary>
    /// knex 3.1.0's pg datetime(withoutTz = false, precision): an object is { useTz, precision } (useTz true unless a
    /// boolean false); anything else is withoutTz, read by JavaScript truthiness, so timestamp('at', true) is
    /// "timestamp" without time zone (checked with real knex on PostgreSQL), and the precision is the next argument.
    /// </summary>
    private static string PostgresTimestamp(StaticValue? first, StaticValue? second)
    {
        StaticValue? precision;
        bool? useTz;
        switch (first)
        {
            case JsObject options:
                useTz = options.Incomplete ? null : options.Get("useTz") is JsBoolean { Value: var given } ? given : true;
                precision = options.Incomplete ? new JsUnknown("options", "incomplete") : options.Get("precision");
                break;
            case null or JsUndefined:
                (useTz, precision) = (true, second);
                break;
            case JsArray:
                // An array is an object to knex's isObject: its useTz and precision are undefined.
                (useTz, precision) = (true, null);
                break;
            case JsString or JsNumber or JsBoolean or JsNull:
                (useTz, precision) = (!StaticEvaluator.IsTruthy(first), second);
                break;
            default:
                (useTz, precision) = (null, second);
                break;
        }

        var zone = useTz switch { true => "timestamptz", false => "timestamp", null => "?" };
        return zone == "?" ? zone : precision switch
        {
            null or JsUndefined or JsNull => zone,
            JsNumber n => $"{zone}({n})",
            _ => "?",
        };
    }

    private static string Number(StaticValue? value, string fallback) => value switch
    {
        null or JsUndefined => fallback,
        JsNumber n => n.Value.ToString(CultureInfo.InvariantCulture),
        _ => "?",
    };
}
