using MigAudit.IO;
using System.Text.RegularExpressions;
using MigAudit.Core;
using MigAudit.Rules;

namespace MigAudit.Engine;

/// <summary>What the project asked to leave out: rules turned off or re-rated, ignored paths, inline suppressions, a baseline.</summary>
public static partial class FindingFilter
{
    public sealed record Outcome(IReadOnlyList<Finding> Findings, int Suppressed, int Ignored, int Baselined);

    /// <param name="directives">The inline suppressions of the files read before the rules ran (migrations, knexfile): those that hide nothing are reported.</param>
    public static Outcome Apply(IReadOnlyList<Finding> findings, string root, AuditSettings settings, Func<Finding, bool>? baseline, IReadOnlyList<SuppressionDirective>? directives = null)
    {
        var ignore = settings.Ignore.Select(Glob).ToList();
        var byFile = (directives ?? []).GroupBy(d => d.File, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var reported = byFile.Keys.ToHashSet(StringComparer.Ordinal);
        var configured = settings.Suppress.Select(s => (Suppression: s, Files: Glob(s.Files))).ToList();
        var used = new HashSet<(SuppressionDirective, string)>();
        var usedConfigured = new HashSet<(int, string)>();
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

            // A suppression without a reason suppresses nothing (suppression-problem says so); the rule's own
            // findings about a comment are never hidden by that comment.
            var directive = finding.Rule == SuppressionProblemRule.RuleId ? null
                : DirectivesOf(finding.File, root, byFile).FirstOrDefault(d => d.Reason is not null && d.Covers(finding));
            if (directive is not null)
            {
                used.Add((directive, finding.Rule));
                suppressed++;
                continue;
            }

            if (finding.File is { } path && configured.FirstOrDefault(c => c.Suppression.Rules.Contains(finding.Rule) && c.Files.IsMatch(settings.IgnoreBase + path)) is { Suppression: { } entry })
            {
                usedConfigured.Add((entry.Index, finding.Rule));
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

        // What hid nothing: reported unless the rule is off.
        if (!(settings.Rules.TryGetValue(SuppressionProblemRule.RuleId, out var own) && own == "off") && RuleCatalog.Find(SuppressionProblemRule.RuleId) is SuppressionProblemRule rule)
        {
            foreach (var directive in reported.SelectMany(f => byFile[f]).Where(d => d.Reason is not null))
            {
                kept.AddRange(directive.Rules.Where(r => RuleCatalog.Find(r) is not null && !used.Contains((directive, r))).Select(r => rule.Unused(directive, r)));
            }

            if (settings.Source is { } source)
            {
                kept.AddRange(settings.Suppress.SelectMany(s => s.Rules.Where(r => !usedConfigured.Contains((s.Index, r))).Select(r => rule.Unused(source, s, r))));
            }
        }

        return new Outcome(kept, suppressed, ignored, baselined);
    }

    /// <summary>The suppressions of a finding's file: read before the rules ran, or now (a configuration module, a helper).</summary>
    private static List<SuppressionDirective> DirectivesOf(string? file, string root, Dictionary<string, List<SuppressionDirective>> byFile)
    {
        if (file is null)
        {
            return [];
        }

        if (!byFile.TryGetValue(file, out var directives))
        {
            byFile[file] = directives = [.. InlineSuppressions.Read(root, [file])];
        }

        return directives;
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
