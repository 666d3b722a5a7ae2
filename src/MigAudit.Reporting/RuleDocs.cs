using System.Reflection;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>The docs/rules pages, embedded in the assembly so SARIF help and 'migaudit explain' need no files.</summary>
public static class RuleDocs
{
    public const string DefaultBaseUrl = "https://github.com/migaudit/migaudit/blob/main/docs/rules/";

    public static string? Markdown(string ruleId)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"rules/{ruleId}.md");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The rule's page under <paramref name="baseUrl"/> (docsUrl), as an escaped absolute URL. The configuration refuses a
    /// docsUrl that is not http(s); a caller that passes one anyway gets the default pages, never a javascript: link.
    /// </summary>
    public static string Url(string ruleId, string? baseUrl = null)
    {
        var root = baseUrl is not null && WebLinks.IsHttp(baseUrl) ? baseUrl : DefaultBaseUrl;
        return new Uri(root.TrimEnd('/') + "/" + Uri.EscapeDataString(ruleId) + ".md").AbsoluteUri;
    }
}
