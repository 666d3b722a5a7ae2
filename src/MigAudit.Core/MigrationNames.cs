namespace MigAudit.Core;

/// <summary>How a migration's name carries its version. Knex itself only sorts whole names; the scheme says what the name means.</summary>
public enum NamingScheme
{
    /// <summary>YYYYMMDDHHmmss_, what 'knex migrate:make' writes.</summary>
    Timestamp,

    /// <summary>YYYYMMDD_HHMMSS_.</summary>
    DateUnderscoreTime,

    /// <summary>YYYYMMDD_, optionally with a same-day sequence: 20241022_01_x.</summary>
    Date,

    /// <summary>YYYY-MM-DD-HHMM-, also when its time or day is mistyped (2024-08-24-000-x, 2024-10-1315-x).</summary>
    DashedDateTime,

    /// <summary>x.y.z, optionally with a pre-release: 2.5.128.js, 2.0.0-beta.11.js.</summary>
    Semver,

    /// <summary>Any other leading number: 001_x.</summary>
    Sequence,

    /// <summary>No version at the start of the name.</summary>
    None,
}

/// <summary>The version of one migration name: its scheme and the scheme's whole version token.</summary>
/// <param name="Token">"20250202000034", "20220524_152512", "20241022_01", "2023-08-18-0301", "2.5.128", "001"; empty for <see cref="NamingScheme.None"/>.</param>
public sealed record MigrationVersion(NamingScheme Scheme, string Token)
{
    /// <summary>The date and time the token states, as yyyyMMddHHmmss digits with what it leaves out at zero; null for schemes without a date.</summary>
    public string? DateDigits => Scheme switch
    {
        NamingScheme.Timestamp => Token,
        NamingScheme.DateUnderscoreTime => Token.Replace("_", string.Empty, StringComparison.Ordinal),
        NamingScheme.Date => Token[..8] + "000000",
        NamingScheme.DashedDateTime => Token.Replace("-", string.Empty, StringComparison.Ordinal) + "00",
        _ => null,
    };
}

public static partial class MigrationNames
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:(?<ts>\d{14})(?!\d)|(?<dt>\d{8}_\d{6})(?!\d)|(?<dash>\d{4}-\d{2}-\d{2}-\d{4})(?!\d)|(?<dashlike>\d{4}-\d{2}-\d+(?:-\d+)?)(?=-[A-Za-z])|(?<date>\d{8}(?:_\d{1,4}(?=_))?)(?!\d)|(?<semver>\d+\.\d+\.\d+(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?)(?=\.[A-Za-z]+$|[_-][A-Za-z])|(?<seq>\d+))")]
    private static partial System.Text.RegularExpressions.Regex VersionPattern();

    /// <summary>The scheme and version of a migration file name, e.g. (Timestamp, "20250202000034") for "20250202000034_x.js".</summary>
    public static MigrationVersion ParseVersion(string name)
    {
        var match = VersionPattern().Match(name);
        if (!match.Success)
        {
            return new MigrationVersion(NamingScheme.None, string.Empty);
        }

        foreach (var (group, scheme) in new[]
                 {
                     ("ts", NamingScheme.Timestamp), ("dt", NamingScheme.DateUnderscoreTime), ("dash", NamingScheme.DashedDateTime),
                     ("dashlike", NamingScheme.DashedDateTime),
                     ("date", NamingScheme.Date), ("semver", NamingScheme.Semver), ("seq", NamingScheme.Sequence),
                 })
        {
            if (match.Groups[group].Success)
            {
                return new MigrationVersion(scheme, match.Groups[group].Value);
            }
        }

        return new MigrationVersion(NamingScheme.None, string.Empty);
    }

    /// <summary>The version token of a migration file name (see <see cref="ParseVersion"/>), or null when it has none.</summary>
    public static string? VersionOf(string name) => ParseVersion(name) is { Scheme: not NamingScheme.None } version ? version.Token : null;

    public static bool IsTimestampVersion(string? version) => version is { Length: 14 } && version.All(char.IsAsciiDigit);

    /// <summary>JavaScript's default string order (UTF-16 code units), which is what Knex sorts migration names with.</summary>
    public static int CompareAsJavaScript(string a, string b) => string.CompareOrdinal(a, b);

    public static string Stem(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot <= 0 ? name : name[..dot];
    }

    /// <summary>Node's path.extname: the last dot's suffix, none for dot-files.</summary>
    public static string Extension(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot <= 0 ? string.Empty : name[dot..];
    }
}
