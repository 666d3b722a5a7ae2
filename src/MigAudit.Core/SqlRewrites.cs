using System.Text.RegularExpressions;

namespace MigAudit.Core;

/// <summary>Whether PostgreSQL rewrites the table for a statement, as far as the statement's text can tell.</summary>
public enum RewriteVerdict
{
    No,
    Yes,

    /// <summary>timestamp and timestamptz convert without a rewrite (PostgreSQL 12+) only when the session's TimeZone is UTC.</summary>
    DependsOnTimeZone,
    Unknown,
}

/// <summary>
/// When PostgreSQL rewrites a table, read from its catalog and checked on a real server (relfilenode before and after):
/// ALTER COLUMN ... TYPE keeps the table only for a binary-coercible change (pg_cast's castmethod 'b', with a typmod
/// that does not shrink), and ADD COLUMN with a default keeps it only when the default is not volatile (PostgreSQL 11+
/// stores a non-volatile default once in the catalog).
/// </summary>
public static partial class SqlRewrites
{
    /// <summary>Built-in base types whose casts the rules below cover; a change to or from any other type is unknown.</summary>
    private static readonly HashSet<string> KnownTypes = new(StringComparer.Ordinal)
    {
        "smallint", "integer", "bigint", "numeric", "real", "double precision", "money", "text", "varchar", "char", "boolean",
        "date", "time", "timetz", "timestamp", "timestamptz", "interval", "json", "jsonb", "uuid", "bytea", "inet", "cidr",
        "macaddr", "bit", "varbit", "bit varying", "xml",
    };

    [GeneratedRegex(@"^(?<base>[a-z ]+?)(\((?<args>[0-9, ]*)\))?$")]
    private static partial Regex TypeShape();

    /// <summary>ALTER COLUMN ... TYPE from one type to another (null or "?" when the replay does not know it).</summary>
    public static RewriteVerdict TypeChange(string? from, string? to)
    {
        if (from is null or "?" || to is null or "?")
        {
            return RewriteVerdict.Unknown;
        }

        var (a, b) = (SqlTypes.Normalize(from), SqlTypes.Normalize(to));
        if (a == b)
        {
            return RewriteVerdict.No;
        }

        // An array's type changes only through an element-by-element coercion, which PostgreSQL always rewrites (even
        // varchar[] to text[], checked on a real server).
        if (a.EndsWith("[]", StringComparison.Ordinal) || b.EndsWith("[]", StringComparison.Ordinal))
        {
            return TypeShape().Match(a.TrimEnd('[', ']')) is { Success: true } fromElement && KnownTypes.Contains(Base(fromElement)) &&
                   TypeShape().Match(b.TrimEnd('[', ']')) is { Success: true } toElement && KnownTypes.Contains(Base(toElement))
                ? RewriteVerdict.Yes
                : RewriteVerdict.Unknown;
        }

        if (TypeShape().Match(a) is not { Success: true } fromShape || TypeShape().Match(b) is not { Success: true } toShape)
        {
            return RewriteVerdict.Unknown;
        }

        var (fromBase, toBase) = (Base(fromShape), Base(toShape));
        if (!KnownTypes.Contains(fromBase) || !KnownTypes.Contains(toBase))
        {
            return RewriteVerdict.Unknown;
        }

        var (fromArgs, toArgs) = (Args(fromShape), Args(toShape));
        return (fromBase, toBase) switch
        {
            // varchar(n) -> varchar(m >= n), varchar or text; text -> varchar without a length (pg_cast 'b'); a length
            // check (text -> varchar(n), a shorter varchar, char(n)'s padding) reads and rewrites every row.
            ("varchar" or "text", "varchar" or "text") => toArgs.Length == 0 || fromBase == "varchar" && fromArgs.Length == 1 && toArgs[0] >= fromArgs[0]
                ? RewriteVerdict.No : RewriteVerdict.Yes,

            // numeric(p, s) -> numeric(p' >= p, s) or unconstrained numeric; a new scale rounds every value.
            ("numeric", "numeric") => toArgs.Length == 0 || fromArgs.Length > 0 && toArgs[0] >= fromArgs[0] && Scale(toArgs) == Scale(fromArgs)
                ? RewriteVerdict.No : RewriteVerdict.Yes,
            ("bit" or "varbit", "varbit") => toArgs.Length == 0 || fromArgs.Length == 1 && toArgs[0] >= fromArgs[0] ? RewriteVerdict.No : RewriteVerdict.Yes,
            ("cidr", "inet") or ("xml", "text" or "varchar") when toArgs.Length == 0 => RewriteVerdict.No,
            ("timestamp", "timestamptz") or ("timestamptz", "timestamp") => RewriteVerdict.DependsOnTimeZone,
            _ => RewriteVerdict.Yes,
        };

        static string Base(Match shape) => shape.Groups["base"].Value.Trim() is "bit varying" ? "varbit" : shape.Groups["base"].Value.Trim();
        static int[] Args(Match shape) => shape.Groups["args"].Success
            ? [.. shape.Groups["args"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)]
            : [];
        static int Scale(int[] args) => args.Length > 1 ? args[1] : 0;
    }

    /// <summary>Functions PostgreSQL marks volatile (pg_proc.provolatile 'v') that columns take as defaults: each row gets its own value, so ADD COLUMN rewrites.</summary>
    private static readonly HashSet<string> VolatileFunctions = new(StringComparer.Ordinal)
    {
        "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "random", "clock_timestamp",
        "timeofday", "nextval", "gen_random_bytes",

        // PostgreSQL 16's random_normal and 18's uuidv4/uuidv7 are volatile too.
        "random_normal", "uuidv4", "uuidv7",
    };

    /// <summary>Stable or immutable functions seen in defaults (pg_proc): evaluated once for ADD COLUMN, no rewrite.</summary>
    private static readonly HashSet<string> NonVolatileFunctions = new(StringComparer.Ordinal)
    {
        "now", "statement_timestamp", "transaction_timestamp", "current_setting", "to_jsonb", "jsonb_build_object", "json_build_object",
        "jsonb_build_array", "json_build_array", "lower", "upper", "concat", "md5", "to_char", "timezone", "date_trunc", "uuid_nil",
        "uuid_generate_v3", "uuid_generate_v5", "array", "coalesce",

        // CURRENT_TIMESTAMP(6) and its kin are SQL keywords for the stable now() and friends.
        "current_timestamp", "current_time", "localtimestamp", "localtime",
    };

    /// <summary>Serial types are an integer with DEFAULT nextval(...): adding one gives every row its own value.</summary>
    public static bool IsSerial(string? type) => type is not null && SqlTypes.Normalize(type) is "serial" or "bigserial" or "smallserial" or "serial4" or "serial8" or "serial2";

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_.]*)\s*\(")]
    private static partial Regex FunctionCall();

    [GeneratedRegex(@"'(?:[^']|'')*'")]
    private static partial Regex StringLiteral();

    /// <summary>ADD COLUMN with this default (SQL text): a rewrite when a function in it is volatile, none when every function is known not to be.</summary>
    public static RewriteVerdict AddColumnDefault(string? defaultValue, string? type)
    {
        if (IsSerial(type))
        {
            return RewriteVerdict.Yes;
        }

        if (defaultValue is null)
        {
            return RewriteVerdict.No;
        }

        var verdict = RewriteVerdict.No;
        foreach (Match call in FunctionCall().Matches(StringLiteral().Replace(defaultValue, "''")))
        {
            var name = call.Groups["name"].Value.ToLowerInvariant();
            name = name[(name.LastIndexOf('.') + 1)..];
            if (VolatileFunctions.Contains(name))
            {
                return RewriteVerdict.Yes;
            }

            if (!NonVolatileFunctions.Contains(name))
            {
                verdict = RewriteVerdict.Unknown;
            }
        }

        return verdict;
    }

    /// <summary>The first volatile function a default calls, for messages.</summary>
    public static string? VolatileCall(string? defaultValue) => defaultValue is null
        ? null
        : FunctionCall().Matches(StringLiteral().Replace(defaultValue, "''")).Select(m => m.Groups["name"].Value)
            .FirstOrDefault(n => VolatileFunctions.Contains(n[(n.LastIndexOf('.') + 1)..].ToLowerInvariant()));
}
