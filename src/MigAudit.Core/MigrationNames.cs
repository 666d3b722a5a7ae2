namespace MigAudit.Core;

public static class MigrationNames
{
    /// <summary>The leading run of digits in a migration file name: "20250202000034" in "20250202000034_x.js".</summary>
    public static string? VersionOf(string name)
    {
        var end = 0;
        while (end < name.Length && char.IsAsciiDigit(name[end]))
        {
            end++;
        }

        return end == 0 ? null : name[..end];
    }

    public static bool IsTimestampVersion(string? version) => version is { Length: 14 };

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
