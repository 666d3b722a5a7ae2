using System.Text.RegularExpressions;

namespace MigAudit.Config;

/// <summary>
/// Passwords never leave migaudit, in whatever form an error or a report would carry them: in a URL
/// (postgres://user:pw@), as a key=value setting (libpq's password=pw, Npgsql's Password=pw;, PGPASSWORD=pw), as a
/// JSON or JavaScript property ("password":"pw", password: 'pw', as node prints a config object), and, where
/// migaudit knows a password, its exact value wherever it appears (a migration that prints it in its error).
/// </summary>
public static partial class Redaction
{
    /// <summary>Shorter known values are left to the patterns: masking every "abc" would garble the text around them.</summary>
    private const int ShortestMaskedValue = 4;

    [GeneratedRegex(@"(?<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?<user>[^:/@\s]*):(?<password>[^@\s]*)@")]
    private static partial Regex UserInfo();

    /// <summary>password=, sslpassword=, PGPASSWORD=, pwd=, Password = ... : a quoted value whole (libpq's '...'), else up to a separator.</summary>
    [GeneratedRegex(@"(?i)(?<key>\b\w*(?:password|passwd|pwd))(?<equals>\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|""(?:[^""\\]|\\.)*""?|[^&;\s,]+)")]
    private static partial Regex PasswordParameter();

    /// <summary>"password":"pw", "password": "pw", password: 'pw', 'sslpassword': `pw`: only a quoted value (a bare "password: " is prose).</summary>
    [GeneratedRegex(@"(?i)(?<key>[""']?\b\w*(?:password|passwd|pwd)[""']?\s*:\s*)(?<quote>[""'`])(?:(?!\k<quote>)[^\\]|\\.)*\k<quote>")]
    private static partial Regex PasswordProperty();

    public static string Redact(string text) => Redact(text, []);

    /// <param name="secrets">Passwords migaudit knows of (the --database one, PGPASSWORD's): masked wherever they appear, percent-encoded too.</param>
    public static string Redact(string text, IEnumerable<string?> secrets)
    {
        var redacted = text;
        foreach (var secret in secrets.OfType<string>().Where(s => s.Length >= ShortestMaskedValue).SelectMany(s => new[] { s, Uri.EscapeDataString(s) }).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length))
        {
            redacted = redacted.Replace(secret, "***", StringComparison.Ordinal);
        }

        redacted = UserInfo().Replace(redacted, m => $"{m.Groups["scheme"].Value}{m.Groups["user"].Value}:***@");
        redacted = PasswordParameter().Replace(redacted, m => $"{m.Groups["key"].Value}{m.Groups["equals"].Value}***");
        return PasswordProperty().Replace(redacted, m => $"{m.Groups["key"].Value}{m.Groups["quote"].Value}***{m.Groups["quote"].Value}");
    }
}
