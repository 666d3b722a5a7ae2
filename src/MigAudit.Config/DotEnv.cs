using MigAudit.Core;

namespace MigAudit.Config;

/// <summary>
/// Reads variables in dotenv syntax (what the dotenv package reads): KEY=VALUE lines, an optional "export ", '#'
/// comments, single-quoted values taken as they are, double-quoted values with \n escapes, and unquoted values
/// trimmed up to a " #" comment.
/// </summary>
public static class DotEnv
{
    public static Dictionary<string, string> Parse(string text, string source)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var number = 1; number <= lines.Length; number++)
        {
            var line = lines[number - 1].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line["export ".Length..].TrimStart();
            }

            var equals = line.IndexOf('=');
            var name = equals > 0 ? line[..equals].Trim() : string.Empty;
            if (!IsName(name))
            {
                throw new ProjectException($"{source}:{number}: not a KEY=VALUE line");
            }

            variables[name] = Value(line[(equals + 1)..].Trim());
        }

        return variables;
    }

    /// <summary>One --set KEY=VALUE.</summary>
    public static KeyValuePair<string, string> ParseAssignment(string assignment)
    {
        var equals = assignment.IndexOf('=');
        var name = equals > 0 ? assignment[..equals] : string.Empty;
        return IsName(name)
            ? KeyValuePair.Create(name, assignment[(equals + 1)..])
            : throw new ProjectException($"--set expects KEY=VALUE, with a name of letters, digits and '_' (got '{Quoting.Printable(assignment.Split('=')[0])}')");
    }

    private static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Value(string raw)
    {
        if (raw.Length >= 2 && raw[0] == '\'' && raw.IndexOf('\'', 1) is var closeSingle and > 0)
        {
            return raw[1..closeSingle];
        }

        if (raw.Length >= 2 && raw[0] == '"' && raw.IndexOf('"', 1) is var closeDouble and > 0)
        {
            return raw[1..closeDouble].Replace("\\n", "\n", StringComparison.Ordinal);
        }

        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        return (comment >= 0 ? raw[..comment] : raw).Trim();
    }
}
