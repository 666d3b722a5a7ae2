using System.Text.RegularExpressions;
using MigAudit.Core;

namespace MigAudit.Config;

/// <summary>
/// Builds the named environments configuration is evaluated under. Variables the project reads are found in
/// its source text; connection-like ones (…URL, …URI, …DSN) get an external database URL in production.
/// </summary>
public static partial class ScenarioBuilder
{
    public const string ProductionUnset = ScenarioIds.Production;

    public const string ExternalUrl = "postgres://app@db.example.com:5432/app";
    public const string LocalUrl = "postgres://postgres@localhost:5432/app";

    [GeneratedRegex(@"process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*['""]([A-Za-z_][A-Za-z0-9_]*)['""]\s*\])")]
    private static partial Regex EnvRead();

    [GeneratedRegex(@"(?:\{([^}]*)\}\s*=\s*process\.env\b)")]
    private static partial Regex EnvDestructuring();

    public static IEnumerable<string> VariablesIn(string text)
    {
        foreach (Match match in EnvRead().Matches(text))
        {
            yield return match.Groups[1].Success ? match.Groups[1].Value : match.Groups[2].Value;
        }

        foreach (Match match in EnvDestructuring().Matches(text))
        {
            foreach (var part in match.Groups[1].Value.Split(','))
            {
                var name = part.Split(':', '=')[0].Trim();
                if (name.Length > 0 && char.IsLetter(name[0]) || name.StartsWith('_'))
                {
                    yield return name;
                }
            }
        }
    }

    /// <summary>At most this many scenarios for values the code compares variables with: each is evaluated in full.</summary>
    private const int MaxComparedScenarios = 6;

    public static IReadOnlyList<Scenario> Build(IEnumerable<string> variables, IReadOnlyList<(string Variable, string Literal)>? compared = null)
    {
        var names = variables.Where(v => v != "NODE_ENV").Distinct().Order(StringComparer.Ordinal).ToList();
        var flags = names.Where(n => Classify(n) == Kind.Flag).ToList();
        var flagText = string.Join(", ", flags.Take(4)) + (flags.Count > 4 ? ", ..." : string.Empty);

        Scenario Make(string id, string description, string nodeEnv, string url, string? flagValue)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal) { ["NODE_ENV"] = nodeEnv };
            foreach (var name in names)
            {
                switch (Classify(name))
                {
                    case Kind.Url:
                        map[name] = url;
                        break;
                    case Kind.Host:
                        map[name] = new Uri(url).Host;
                        break;
                    case Kind.Port:
                        map[name] = "5432";
                        break;
                    case Kind.Flag when flagValue is not null:
                        map[name] = flagValue;
                        break;
                }
            }

            return new Scenario(id, description, map);
        }

        // DB_TYPE === 'postgresql': one production scenario per value the code tells apart, beside the flags' 'true'/'false'.
        var valued = (compared ?? []).Where(c => Classify(c.Variable) == Kind.Flag && c.Literal is not ("true" or "false" or "") && c.Variable != "NODE_ENV")
            .Distinct().Take(MaxComparedScenarios)
            .Select(c =>
            {
                var production = Make(ScenarioIds.Production, string.Empty, "production", ExternalUrl, null);
                var map = new Dictionary<string, string>(production.Variables, StringComparer.Ordinal) { [c.Variable] = c.Literal };
                return new Scenario($"{ScenarioIds.Production}-{c.Variable}={c.Literal}", $"production, external database URL, {c.Variable} = '{c.Literal}'", map);
            });

        return
        [
            Make(ScenarioIds.Production, flags.Count == 0 ? "production, external database URL" : $"production, external database URL, {flagText} unset", "production", ExternalUrl, null),
            // Without a flag the configuration reads, 'true' and 'false' would only repeat the first scenario.
            .. flags.Count == 0 ? [] : new[]
            {
                Make(ScenarioIds.ProductionFlagsTrue, $"production, external database URL, {flagText} = 'true'", "production", ExternalUrl, "true"),
                Make(ScenarioIds.ProductionFlagsFalse, $"production, external database URL, {flagText} = 'false'", "production", ExternalUrl, "false"),
            },
            .. valued,
            new Scenario(ScenarioIds.ProductionNoVariables, "production, no database variables set", new Dictionary<string, string> { ["NODE_ENV"] = "production" }),
            Make(ScenarioIds.Local, "development, local database URL, other variables unset", "development", LocalUrl, null),
        ];
    }

    private enum Kind
    {
        Url,
        Host,
        Port,
        Flag,
    }

    private static Kind Classify(string name)
    {
        var upper = name.ToUpperInvariant();
        if (upper.EndsWith("URL", StringComparison.Ordinal) || upper.EndsWith("URI", StringComparison.Ordinal) || upper.EndsWith("DSN", StringComparison.Ordinal) ||
            upper.Contains("CONNECTION_STRING", StringComparison.Ordinal))
        {
            return Kind.Url;
        }

        if (upper.EndsWith("HOST", StringComparison.Ordinal))
        {
            return Kind.Host;
        }

        return upper.EndsWith("PORT", StringComparison.Ordinal) ? Kind.Port : Kind.Flag;
    }
}
