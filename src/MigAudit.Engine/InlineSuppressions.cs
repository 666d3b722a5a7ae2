using System.Text.RegularExpressions;
using MigAudit.Core;
using MigAudit.IO;

namespace MigAudit.Engine;

/// <summary>
/// Reads the inline suppression comments of the project's files, in ESLint's forms: next-line, same line, a block
/// closed by migaudit-enable, and the whole file. Each names its rules and, after "--", why.
/// </summary>
public static partial class InlineSuppressions
{
    [GeneratedRegex(@"(?://|/\*)\s*migaudit-(?<kind>disable-next-line|disable-line|disable-file|disable|enable)(?=\s|\*/|$)(?<rest>.*?)(?:\*/.*)?$")]
    private static partial Regex Comment();

    [GeneratedRegex(@"^\s*(?<rules>[A-Za-z0-9_-]+(?:\s*,\s*[A-Za-z0-9_-]+)*)?\s*(?:--\s*(?<reason>.*?))?\s*$")]
    private static partial Regex Body();

    /// <summary>The directives of each file (paths relative to the project root), read from disk; an unreadable file has none.</summary>
    public static IReadOnlyList<SuppressionDirective> Read(string root, IEnumerable<string> files) =>
        Of(files.Distinct(StringComparer.Ordinal).Select(file =>
        {
            try
            {
                return (file, SafeRead.Text(Path.Combine(root, file)));
            }
            catch (UnreadableFileException)
            {
                return (file, string.Empty);
            }
        }));

    /// <summary>The directives of files whose text the audit already holds; files without "migaudit-" are skipped by a plain search.</summary>
    public static IReadOnlyList<SuppressionDirective> Of(IEnumerable<(string File, string Text)> files) =>
        [.. files.Where(f => f.Text.Contains("migaudit-", StringComparison.Ordinal)).SelectMany(f => Parse(f.File, f.Text.Split('\n')))];

    public static IEnumerable<SuppressionDirective> Parse(string file, string[] lines)
    {
        var open = new List<SuppressionDirective>();
        var result = new List<SuppressionDirective>();
        for (var i = 0; i < lines.Length; i++)
        {
            var match = Comment().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }

            var body = Body().Match(match.Groups["rest"].Value);
            var rules = body.Success && body.Groups["rules"].Success
                ? body.Groups["rules"].Value.Split(',').Select(r => r.Trim()).ToList()
                : [];
            var reason = body.Success && body.Groups["reason"].Value is { Length: > 0 } why ? why : null;
            var line = i + 1;
            var kind = match.Groups["kind"].Value;
            if (kind == "enable")
            {
                // Closes the open blocks of the rules it names, or all of them.
                foreach (var block in open.Where(b => rules.Count == 0 || b.Rules.Any(rules.Contains)).ToList())
                {
                    open.Remove(block);
                    result.Add(block with { EndLine = line });
                }

                continue;
            }

            var directive = new SuppressionDirective(file, line, kind switch
            {
                "disable-next-line" => SuppressionKind.NextLine,
                "disable-line" => SuppressionKind.Line,
                "disable-file" => SuppressionKind.File,
                _ => SuppressionKind.Block,
            }, rules, reason);
            if (directive.Kind == SuppressionKind.Block)
            {
                open.Add(directive);
            }
            else
            {
                result.Add(directive);
            }
        }

        result.AddRange(open);
        return result.OrderBy(d => d.Line);
    }
}
