using System.Text.Json;
using System.Text.RegularExpressions;
using MigAudit.Core;
using MigAudit.IO;
using MigAudit.Knex.Discovery;

namespace MigAudit.Knex.Migrations;

/// <summary>Whether the Node versions a project declares can require() an ES module.</summary>
public enum RequireEsmSupport
{
    /// <summary>Every declared version has require(esm) on by default: 20.19+ on 20.x, 22.12+, 23 and later.</summary>
    All,

    /// <summary>A declared version has not (before 20.19, 21.x, 22.0 to 22.11).</summary>
    Some,

    /// <summary>Nothing declared, or a declaration migaudit cannot read as versions.</summary>
    Unknown,
}

/// <summary>
/// The Node versions a project declares, read without running anything: package.json <c>engines.node</c>,
/// <c>.nvmrc</c>, <c>.node-version</c> and a root Dockerfile's <c>FROM node:NN</c>. Only simple forms are read
/// (a version, a major, <c>^</c>, <c>~</c>, <c>X.x</c>, <c>&gt;=</c>, alternatives with <c>||</c>); anything else is unknown.
/// </summary>
public static partial class NodeVersions
{
    /// <summary>The support and the declarations that decided it ("package.json engines.node '>=18'"), for the report.</summary>
    public static (RequireEsmSupport Support, string Evidence) RequireEsm(string root)
    {
        var declarations = Declarations(root);
        if (declarations.Count == 0)
        {
            return (RequireEsmSupport.Unknown, string.Empty);
        }

        // A declared version that lacks require(esm) is where the project runs (its CI, its image, its engines) and fails there.
        var failing = declarations.FirstOrDefault(d => Classify(d.Spec) == false);
        if (failing != default)
        {
            return (RequireEsmSupport.Some, $"{failing.Source} '{Quoting.Printable(failing.Spec)}'");
        }

        var text = string.Join(", ", declarations.Select(d => $"{d.Source} '{Quoting.Printable(d.Spec)}'"));
        return declarations.All(d => Classify(d.Spec) == true) ? (RequireEsmSupport.All, text) : (RequireEsmSupport.Unknown, text);
    }

    private static List<(string Source, string Spec)> Declarations(string root)
    {
        var found = new List<(string, string)>();
        if (PackageJson.Read(root) is { } package && package.Section("engines") is { } engines &&
            engines.TryGetProperty("node", out var node) && node.ValueKind == JsonValueKind.String)
        {
            found.Add(("package.json engines.node", node.GetString()!));
        }

        foreach (var name in new[] { ".nvmrc", ".node-version" })
        {
            if (FirstLine(Path.Combine(root, name)) is { Length: > 0 } line)
            {
                found.Add((name, line));
            }
        }

        var dockerfile = Path.Combine(root, "Dockerfile");
        if (File.Exists(dockerfile))
        {
            foreach (Match match in DockerNode().Matches(SafeText(dockerfile)))
            {
                found.Add(("Dockerfile FROM node:" + match.Groups["tag"].Value, match.Groups["version"].Value));
            }
        }

        return found;
    }

    /// <summary>True when every version the spec allows has require(esm), false when none has, null when mixed or unreadable.</summary>
    public static bool? Classify(string spec)
    {
        bool? result = null;
        foreach (var alternative in spec.Split("||", StringSplitOptions.TrimEntries))
        {
            var range = Range(alternative);
            if (range is null)
            {
                return null;
            }

            var (low, high) = range.Value;
            bool? verdict = !HasUnsupported(low, high) ? true : !HasSupported(low, high) ? false : null;
            if (verdict is null || (result is { } r && r != verdict))
            {
                return null;
            }

            result = verdict;
        }

        return result;
    }

    // require(esm) is on by default from 20.19.0 on 20.x and from 22.12.0 on (Node's changelogs): the versions
    // [20.19.0, 21.0.0) and [22.12.0, ...) have it; everything before 20.19.0 and [21.0.0, 22.12.0) has not.
    private static readonly Version From20 = new(20, 19, 0);
    private static readonly Version Major21 = new(21, 0, 0);
    private static readonly Version From22 = new(22, 12, 0);

    private static bool HasSupported(Version low, Version high) => (low < Major21 && high >= From20) || high >= From22;

    private static bool HasUnsupported(Version low, Version high) => low < From20 || (low < From22 && high >= Major21);

    /// <summary>The lowest and highest version an alternative allows (the highest as 999 for an open range).</summary>
    private static (Version Low, Version High)? Range(string alternative)
    {
        var text = alternative.Trim().TrimStart('v');
        if (text.StartsWith(">=", StringComparison.Ordinal) && Parse(text[2..].Trim().TrimStart('v')) is { } floor && !text[2..].Contains(' ', StringComparison.Ordinal))
        {
            return (floor.Version, new Version(999, 0, 0));
        }

        var caret = text.StartsWith('^');
        var tilde = text.StartsWith('~');
        if (Parse(caret || tilde ? text[1..] : text) is not { } parsed)
        {
            return null;
        }

        // A major alone (18, 18.x) or ^18.2 allows the whole major; 18.2.1 exactly itself; ~18.2 that minor.
        if (parsed.Parts == 1 || caret)
        {
            return (parsed.Version, new Version(parsed.Version.Major, 999, 0));
        }

        return tilde || parsed.Parts == 2 ? (parsed.Version, new Version(parsed.Version.Major, parsed.Version.Minor, 999)) : (parsed.Version, parsed.Version);
    }

    private static (Version Version, int Parts)? Parse(string text)
    {
        var match = VersionText().Match(text);
        if (!match.Success)
        {
            return null;
        }

        var parts = match.Groups.Values.Skip(1).Where(g => g.Success && g.Value is not ("x" or "X" or "*")).Select(g => int.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return (new Version(parts[0], parts.Count > 1 ? parts[1] : 0, parts.Count > 2 ? parts[2] : 0), parts.Count);
    }

    private static string? FirstLine(string path) =>
        File.Exists(path) ? SafeText(path).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#')) : null;

    private static string SafeText(string path)
    {
        try
        {
            return SafeRead.Text(path);
        }
        catch (UnreadableFileException)
        {
            return string.Empty;
        }
    }

    [GeneratedRegex(@"^(\d+)(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?$")]
    private static partial Regex VersionText();

    [GeneratedRegex(@"^\s*FROM\s+(?:--platform=\S+\s+)?(?:docker\.io/)?(?:library/)?node:(?<tag>(?<version>\d+(?:\.\d+){0,2})\S*)", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex DockerNode();
}
