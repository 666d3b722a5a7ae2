using System.Text.RegularExpressions;

namespace MigAudit.Config;

/// <summary>Connection strings never leave migaudit with a password in them.</summary>
public static partial class Redaction
{
    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?<user>[^:/@\s]*):(?<password>[^@\s]*)@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"(?i)(?<key>password|pwd)=(?<value>[^&;\s]+)")]
    private static partial Regex PasswordParameter();

    public static string Redact(string text)
    {
        var redacted = UserInfo().Replace(text, m => $"{m.Groups["scheme"].Value}{m.Groups["user"].Value}:***@");
        return PasswordParameter().Replace(redacted, m => $"{m.Groups["key"].Value}=***");
    }
}
