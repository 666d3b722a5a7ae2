using MigAudit.IO;
using System.Text.RegularExpressions;
using MigAudit.Core;

namespace MigAudit.Engine;

/// <summary>What the project asked to leave out: rules turned off or re-rated, ignored paths, inline suppressions, a baseline.</summary>
public static partial class FindingFilter
{
    [GeneratedRegex(@"//\s*migaudit-disable-next-line\s+(?<rules>[a-z0-9-]+(\s*,\s*[a-z0-9-]+)*)(\s+--\s*(?<reason>.*))?$")]
    private static partial Regex Suppression();

    public sealed record Outcome(IReadOnlyList<Finding> Findings, int Suppressed, int Ignored, int Baselined);

    public static Outcome Apply(IReadOnlyList<Finding> findings, string root, AuditSettings settings, Func<Finding, bool>? baseline)
    {
        var ignore = settings.Ignore.Select(Glob).ToList();
        var lines = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var kept = new List<Finding>();
        int suppressed = 0, ignored = 0, baselined = 0;
        foreach (var finding in findings)
        {
            // A migration folder Knex cannot read or a knexfile that throws is a fact of the file system, not a
            // judgement: hiding it would turn a project whose 'knex migrate:latest' fails into a "ready" one.
            if (finding is { PredictsKnexFailure: true, Rule: "migration-source-unknown" })
            {
                kept.Add(finding);
                continue;
            }

            if (settings.Rules.TryGetValue(finding.Rule, out var level) && level == "off")
            {
                ignored++;
                continue;
            }

            if (finding.File is { } file && ignore.Any(pattern => pattern.IsMatch(settings.IgnoreBase + file)))
            {
                ignored++;
                continue;
            }

            if (IsSuppressed(finding, root, lines))
            {
                suppressed++;
                continue;
            }

            if (baseline is not null && baseline(finding))
            {
                baselined++;
                continue;
            }

            kept.Add(level is null ? finding : finding with { Severity = level switch { "high" => Severity.High, "medium" => Severity.Medium, _ => Severity.Low } });
        }

        return new Outcome(kept, suppressed, ignored, baselined);
    }

    /// <summary>A <c>// migaudit-disable-next-line rule-id -- reason</c> comment on the line above the finding.</summary>
    private static bool IsSuppressed(Finding finding, string root, Dictionary<string, string[]> cache)
    {
        if (finding.File is null || finding.Line is not > 1)
        {
            return false;
        }

        if (!cache.TryGetValue(finding.File, out var text))
        {
            var path = Path.Combine(root, finding.File);
            try
            {
                text = SafeRead.Text(path).Split('\n');
            }
            catch (UnreadableFileException)
            {
                text = [];
            }

            cache[finding.File] = text;
        }

        var previous = finding.Line.Value - 2;
        if (previous >= text.Length)
        {
            return false;
        }

        var match = Suppression().Match(text[previous].Trim());
        return match.Success && match.Groups["rules"].Value.Split(',').Select(r => r.Trim()).Contains(finding.Rule);
    }

    /// <summary>A path glob: ** any folders, * anything but '/', ? one character.</summary>
    public static Regex Glob(string pattern)
    {
        var normalized = pattern.Replace('\\', '/').TrimStart('.', '/');
        if (normalized.EndsWith('/'))
        {
            normalized += "**";
        }

        var regex = Regex.Escape(normalized)
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal);
        return new Regex($"^{regex}$", RegexOptions.CultureInvariant);
    }
}
