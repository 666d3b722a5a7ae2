using System.Text.RegularExpressions;

namespace MigAudit.Core;

/// <summary>
/// Column types as PostgreSQL normalises them, so that two spellings of one type compare equal: "timestamp with time
/// zone" is timestamptz, int4 is integer, "character varying(255)" is varchar(255).
/// </summary>
public static partial class SqlTypes
{
    private static readonly Dictionary<string, string> Synonyms = new(StringComparer.Ordinal)
    {
        ["timestamp with time zone"] = "timestamptz",
        ["timestamp without time zone"] = "timestamp",
        ["time with time zone"] = "timetz",
        ["time without time zone"] = "time",
        ["int"] = "integer",
        ["int4"] = "integer",
        ["int8"] = "bigint",
        ["int2"] = "smallint",
        ["bool"] = "boolean",
        ["float8"] = "double precision",
        ["float4"] = "real",
        ["decimal"] = "numeric",
        ["character varying"] = "varchar",
        ["character"] = "char",
        ["bpchar"] = "char",
    };

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?<base>[a-z0-9_ ]+?)\s*(?<args>\(.*\))?(?<array>(\[\])*)$")]
    private static partial Regex Shape();

    /// <summary>PostgreSQL's own spelling puts the precision first: timestamp(3) with time zone is timestamptz(3).</summary>
    [GeneratedRegex(@"^(?<base>timestamp|time) ?(?<precision>\(\d+\)) (?<zone>with|without) time zone")]
    private static partial Regex PrecisionBeforeZone();

    public static string Normalize(string type)
    {
        var text = PrecisionBeforeZone().Replace(Spaces().Replace(type.Trim().ToLowerInvariant(), " "), "${base} ${zone} time zone${precision}");
        var match = Shape().Match(text);
        if (!match.Success)
        {
            return text;
        }

        var name = match.Groups["base"].Value.Trim();
        name = Synonyms.TryGetValue(name, out var canonical) ? canonical : name;
        var args = match.Groups["args"].Value.Replace(" ", string.Empty, StringComparison.Ordinal);
        return name + args + match.Groups["array"].Value;
    }

    public static bool Same(string a, string b) => Normalize(a) == Normalize(b);
}
