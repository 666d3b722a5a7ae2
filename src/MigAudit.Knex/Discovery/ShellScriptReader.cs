using System.Text.RegularExpressions;

namespace MigAudit.Knex.Discovery;

/// <summary>
/// The commands a POSIX shell script runs in production, read without running it: lines joined at a trailing
/// backslash, each command of a line (split at &amp;&amp;, || and ;) with the variables the script assigned before it
/// substituted. An <c>if</c> that compares a variable with a development, test or local name
/// (<c>if [ "$NODE_ENV" = "development" ]</c>) is not production's branch: its commands and assignments are skipped and
/// its <c>else</c> is read. An assignment under a condition migaudit cannot decide makes the variable unknown, and a
/// command that uses an unknown variable is left out rather than guessed.
/// </summary>
public static partial class ShellScriptReader
{
    /// <summary>One command, its 1-based line, and its words with quotes removed.</summary>
    public sealed record Command(int Line, IReadOnlyList<string> Words);

    private static readonly string[] NonProductionValues = ["development", "dev", "test", "testing", "local", "ci", "e2e"];
    private static readonly string[] ProductionValues = ["production", "prod"];

    private enum Branch { Production, NotProduction, Undecided }

    [GeneratedRegex(@"^(?:export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>.*)$")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\$\{?(?<variable>[A-Za-z_][A-Za-z0-9_]*)\}?""?\s*(?<operator>==|=|!=)\s*[""']?(?<value>[A-Za-z0-9_.-]+)")]
    private static partial Regex Comparison();

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*):?-(?<default>[^}]*)\}|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}|\$(?<name>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();

    public static List<Command> Read(string text)
    {
        var commands = new List<Command>();
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        var branches = new Stack<(Branch Then, bool InElse)>();
        foreach (var (line, statement) in Statements(text))
        {
            var words = statement.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            switch (words[0])
            {
                case "if":
                    branches.Push((Classify(statement), false));
                    continue;
                case "elif":
                    // Reached only when the if's own test failed: its meaning for production is not followed.
                    branches.Pop();
                    branches.Push((Branch.Undecided, false));
                    continue;
                case "else":
                    if (branches.Count > 0)
                    {
                        branches.Push((branches.Pop().Then, true));
                    }

                    continue;
                case "fi":
                    if (branches.Count > 0)
                    {
                        branches.Pop();
                    }

                    continue;
                case "then" or "do" or "done" or "{" or "}":
                    continue;
            }

            var state = branches.Select(b => b.Then switch
            {
                Branch.Production => b.InElse ? Branch.NotProduction : Branch.Production,
                Branch.NotProduction => b.InElse ? Branch.Production : Branch.NotProduction,
                _ => Branch.Undecided,
            }).ToList();
            if (state.Contains(Branch.NotProduction))
            {
                continue;
            }

            var undecided = state.Contains(Branch.Undecided);
            if (words.Length == 1 && Assignment().Match(statement) is { Success: true } assignment)
            {
                var value = Expand(assignment.Groups["value"].Value, variables);
                var name = assignment.Groups["name"].Value;
                variables[name] = undecided && (!variables.TryGetValue(name, out var before) || before != value) ? null : value;
                continue;
            }

            if (Expand(statement, variables) is { } expanded)
            {
                commands.Add(new Command(line, expanded.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"', '\'')).ToList()));
            }
        }

        return commands;
    }

    /// <summary>Statements with the line they start on: continuation lines joined, comments dropped, split at ; &amp;&amp; || and after then/else/do.</summary>
    private static IEnumerable<(int Line, string Statement)> Statements(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            // Where each physical line starts in the joined one, so that a command is named by its own line.
            var starts = new List<(int Offset, int Line)> { (0, i + 1) };
            var joined = lines[i];
            while (joined.TrimEnd().EndsWith('\\') && i + 1 < lines.Length)
            {
                joined = joined.TrimEnd()[..^1] + " ";
                starts.Add((joined.Length, i + 2));
                joined += lines[++i];
            }

            if (joined.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var offset = 0;
            foreach (var part in joined.Split(["&&", "||", ";"], StringSplitOptions.None))
            {
                var statement = part.Trim();
                var at = offset + (part.Length - part.TrimStart().Length);
                var start = starts.Last(s => s.Offset <= at).Line;
                offset += part.Length + (offset + part.Length < joined.Length && joined[offset + part.Length] == ';' ? 1 : 2);
                foreach (var keyword in new[] { "then ", "else ", "do " })
                {
                    if (statement.StartsWith(keyword, StringComparison.Ordinal))
                    {
                        yield return (start, keyword.Trim());
                        statement = statement[keyword.Length..].Trim();
                    }
                }

                yield return (start, statement);
            }
        }
    }

    /// <summary>Whether an if's test holds in production: a comparison of a variable with an environment's name.</summary>
    private static Branch Classify(string test)
    {
        if (Comparison().Match(test) is not { Success: true } comparison)
        {
            return Branch.Undecided;
        }

        var value = comparison.Groups["value"].Value.ToLowerInvariant();
        var equal = comparison.Groups["operator"].Value != "!=";
        return NonProductionValues.Contains(value) ? (equal ? Branch.NotProduction : Branch.Production)
            : ProductionValues.Contains(value) ? (equal ? Branch.Production : Branch.NotProduction)
            : Branch.Undecided;
    }

    /// <summary>The text with the script's variables substituted; ${VAR:-default} of an unassigned variable is its default; null when a variable is unknown.</summary>
    private static string? Expand(string text, Dictionary<string, string?> variables)
    {
        var unknown = false;
        var expanded = Variable().Replace(text, match =>
        {
            var name = match.Groups["name"].Value;
            if (variables.TryGetValue(name, out var value))
            {
                unknown |= value is null;
                return value ?? match.Value;
            }

            if (match.Groups["default"].Success)
            {
                return match.Groups["default"].Value;
            }

            // A variable of the environment (NODE_ENV, DATABASE_URL): fine in a command's other words, but not in a
            // knexfile or folder name; the caller sees it as written.
            return match.Value;
        });
        return unknown ? null : expanded.Trim().Trim('"', '\'');
    }
}
