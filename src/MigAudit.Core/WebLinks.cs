namespace MigAudit.Core;

/// <summary>
/// Links migaudit puts in front of a reader (an HTML href, SARIF's helpUri, a Markdown link) can come from the
/// project's configuration (docsUrl). A javascript:, data: or file: link there would run or open something when
/// clicked in a report a colleague trusts, so only absolute http(s) URLs are ever linked.
/// </summary>
public static class WebLinks
{
    public static bool IsHttp(string url) =>
        (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) &&
        !url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) &&
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;
}
