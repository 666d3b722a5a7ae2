using MigAudit.IO;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigAudit.Core;

namespace MigAudit.Reporting;

/// <summary>
/// A record of accepted findings, so a legacy project can adopt migaudit and fail only on new problems.
/// A finding is identified by rule, file and message (not by line: lines move when files are edited).
/// </summary>
public static class Baseline
{
    public const string DefaultFile = ".migaudit-baseline.json";

    public static string Fingerprint(Finding finding) => finding.Fingerprint();

    public static string Write(IEnumerable<Finding> findings, string toolVersion)
    {
        var document = new JsonObject
        {
            ["schemaVersion"] = 1,
            ["tool"] = "migaudit " + toolVersion,
            ["findings"] = new JsonArray(findings.OrderBy(f => f.Rule, StringComparer.Ordinal).ThenBy(f => f.File, StringComparer.Ordinal).Select(f => (JsonNode)new JsonObject
            {
                ["fingerprint"] = Fingerprint(f),
                ["rule"] = f.Rule,
                ["file"] = f.File,
                ["message"] = f.Message,
            }).ToArray()),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Whether the text is a baseline migaudit wrote (any version): only such a file is overwritten without --force.</summary>
    public static bool IsBaseline(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject document && document["tool"]?.GetValue<string>() is { } tool && tool.StartsWith("migaudit", StringComparison.Ordinal);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Reads the fingerprints of a baseline file; throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static HashSet<string> Read(string path)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(SafeRead.TextOrFail(path, "baseline"));
        }
        catch (JsonException error)
        {
            throw new FormatException($"baseline {path} is not valid JSON (line {error.LineNumber + 1}): {error.Message.Split(". ")[0]}");
        }

        if (document?["schemaVersion"]?.GetValue<int>() != 1 || document["findings"] is not JsonArray findings)
        {
            throw new FormatException($"baseline {path} is not a migaudit baseline (schemaVersion 1 with a findings array)");
        }

        return findings.Select(f => f?["fingerprint"]?.GetValue<string>()).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }
}
