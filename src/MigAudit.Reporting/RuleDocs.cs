using System.Reflection;

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

    public static string Url(string ruleId, string? baseUrl = null) => (baseUrl ?? DefaultBaseUrl).TrimEnd('/') + "/" + ruleId + ".md";
}
